/**
 * Reads a training record from the text of a run file (`format: 'lnn-run'`) or a model file
 * (`format: 'lnn-model'`, the record under `run`), checking every field the report draws. Browser-safe:
 * it takes the text, the caller reads the file.
 */
import { parseJsonText } from '../core/json.js';
import { DataError } from '../core/errors.js';
import { shown } from '../core/text.js';
import type { Diagnosis } from '../evaluate/diagnose.js';
import { splitRecordCheck, type SplitRecord } from '../data/prepare/split-record.js';
import { SchemaError, type Check } from '../core/schema.js';
import { foldsRecordCheck, refitRecordCheck } from '../sweep/record-schema.js';
import { verifyModelChecksum } from '../train/model-json.js';
import type { CostPoint, EvalPoint, RunRecord } from '../train/run-record.js';

/** Where a bad value sits, for messages: `run.history.costs[3].cost`. */
type Path = string;

class Checker {
  constructor(
    readonly file: string,
    readonly prefix: string,
  ) {}

  fail(path: Path, rule: string, value: unknown): never {
    const where = `${this.prefix}${path}`.replace(/\.$/, '') || 'the document';
    throw new DataError(`${this.file}: ${where} must be ${rule} but is ${shown(value)}`, this.file);
  }

  /** The split a run trained on (data.split), by its own schema; its rule broken is this file's message. */
  split(v: unknown): SplitRecord {
    return this.with(splitRecordCheck, v, 'data.split');
  }

  /** A member checked by its own schema (the split, a refit, folds); its rule broken is this file's message. */
  with<T>(check: Check<T>, v: unknown, path: Path): T {
    try {
      return check(v, `${this.prefix}${path}`);
    } catch (e) {
      if (e instanceof SchemaError) throw new DataError(`${this.file}: ${e.message}`, this.file);
      throw e;
    }
  }

  object(v: unknown, path: Path): Record<string, unknown> {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) this.fail(path, 'an object', v);
    return v as Record<string, unknown>;
  }

  array(v: unknown, path: Path): unknown[] {
    if (!Array.isArray(v)) this.fail(path, 'an array', v);
    return v;
  }

  number(v: unknown, path: Path): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) this.fail(path, 'a finite number', v);
    return v;
  }

  optNumber(v: unknown, path: Path): number | undefined {
    return v === undefined ? undefined : this.number(v, path);
  }

  /** A value that may have diverged: a number, or null / "NaN" / "Infinity" / "-Infinity" (JSON has no NaN). */
  measured(v: unknown, path: Path): number {
    if (typeof v === 'number') return v;
    if (v === null) return NaN;
    if (v === 'NaN' || v === 'Infinity' || v === '-Infinity') return Number(v);
    return this.fail(path, 'a number (null, "NaN" or "Infinity" for a diverged value)', v);
  }

  optMeasured(v: unknown, path: Path): number | undefined {
    return v === undefined ? undefined : this.measured(v, path);
  }

  string(v: unknown, path: Path): string {
    if (typeof v !== 'string') this.fail(path, 'a string', v);
    return v;
  }

  optString(v: unknown, path: Path): string | undefined {
    return v === undefined ? undefined : this.string(v, path);
  }

  boolean(v: unknown, path: Path): boolean {
    if (typeof v !== 'boolean') this.fail(path, 'true or false', v);
    return v;
  }
}

function checkDiagnosis(k: Checker, v: unknown): Diagnosis {
  const o = k.object(v, 'diagnosis');
  return {
    trainError: k.number(o['trainError'], 'diagnosis.trainError'),
    devError: k.number(o['devError'], 'diagnosis.devError'),
    humanError: k.number(o['humanError'] ?? 0, 'diagnosis.humanError'),
    avoidableBias: k.number(o['avoidableBias'], 'diagnosis.avoidableBias'),
    variance: k.number(o['variance'], 'diagnosis.variance'),
    highBias: k.boolean(o['highBias'], 'diagnosis.highBias'),
    highVariance: k.boolean(o['highVariance'], 'diagnosis.highVariance'),
    biasThreshold: k.number(o['biasThreshold'] ?? 0.02, 'diagnosis.biasThreshold'),
    varianceThreshold: k.number(o['varianceThreshold'] ?? 0.02, 'diagnosis.varianceThreshold'),
    verdict: k.string(o['verdict'] ?? '', 'diagnosis.verdict'),
    advice: k.array(o['advice'] ?? [], 'diagnosis.advice').map((a, i) => k.string(a, `diagnosis.advice[${i}]`)),
    ...checkNoise(k, o),
  };
}

/** What a diagnosis says of its noise (with the set sizes); absent in records of older runs. */
function checkNoise(k: Checker, o: Record<string, unknown>): Partial<Diagnosis> {
  const out: Partial<Diagnosis> = {};
  for (const f of ['trainSize', 'devSize', 'trainSE', 'devSE', 'biasSE', 'varianceSE'] as const) {
    const v = k.optNumber(o[f], `diagnosis.${f}`);
    if (v !== undefined) out[f] = v;
  }
  for (const f of ['biasWithinNoise', 'varianceWithinNoise'] as const)
    if (o[f] !== undefined) out[f] = k.boolean(o[f], `diagnosis.${f}`);
  return out;
}

/** A run record's `data`: the source, the sizes, the classes and the split. */
function checkData(k: Checker, data: Record<string, unknown>): RunRecord['data'] {
  const out: RunRecord['data'] = {
    source: k.optString(data['source'], 'data.source') ?? '',
    nx: k.number(data['nx'], 'data.nx'),
    train: k.number(data['train'], 'data.train'),
  };
  if (data['classes'] !== undefined)
    out.classes = k.array(data['classes'], 'data.classes').map((c, i) => k.string(c, `data.classes[${i}]`));
  for (const f of ['dev', 'test'] as const) {
    const v = k.optNumber(data[f], `data.${f}`);
    if (v !== undefined) out[f] = v;
  }
  const splitRule = k.optString(data['splitRule'], 'data.splitRule');
  if (splitRule !== undefined) out.splitRule = splitRule;
  if (data['split'] !== undefined) out.split = k.split(data['split']);
  return out;
}

/**
 * Checks a parsed run record and returns it with diverged values as numbers (NaN, ±Infinity) and
 * unknown fields dropped. `prefix` is prepended to paths in messages (`run.` inside a model file).
 * @throws DataError `FILE: PATH must be RULE but is VALUE`
 */
export function checkRunRecord(value: unknown, file: string, prefix = ''): RunRecord {
  const k = new Checker(file, prefix);
  const o = k.object(value, '');
  if (o['format'] !== 'lnn-run') k.fail('format', "'lnn-run'", o['format']);
  if (o['version'] !== 1) k.fail('version', '1 (the run record version this lnn reads)', o['version']);
  const data = k.object(o['data'], 'data');
  const history = k.object(o['history'], 'history');
  const costs: CostPoint[] = k.array(history['costs'], 'history.costs').map((p, i) => {
    const q = k.object(p, `history.costs[${i}]`);
    return {
      iteration: k.number(q['iteration'], `history.costs[${i}].iteration`),
      cost: k.measured(q['cost'], `history.costs[${i}].cost`),
    };
  });
  const evals: EvalPoint[] = k.array(history['evals'] ?? [], 'history.evals').map((p, i) => {
    const q = k.object(p, `history.evals[${i}]`);
    const at = `history.evals[${i}]`;
    const e: EvalPoint = {
      iteration: k.number(q['iteration'], `${at}.iteration`),
      trainError: k.measured(q['trainError'], `${at}.trainError`),
    };
    const epoch = k.optNumber(q['epoch'], `${at}.epoch`);
    if (epoch !== undefined) e.epoch = epoch;
    for (const f of ['devError', 'trainCost', 'devCost'] as const) {
      const v = k.optMeasured(q[f], `${at}.${f}`);
      if (v !== undefined) e[f] = v;
    }
    return e;
  });
  const result = k.object(o['result'], 'result');
  const res: RunRecord['result'] = {
    iterations: k.number(result['iterations'], 'result.iterations'),
    seconds: k.number(result['seconds'], 'result.seconds'),
  };
  for (const f of ['trainAccuracy', 'devAccuracy', 'testAccuracy', 'trainError', 'devError', 'testError'] as const) {
    const v = k.optNumber(result[f], `result.${f}`);
    if (v !== undefined) res[f] = v;
  }
  const finalCost = k.optMeasured(result['finalCost'], 'result.finalCost');
  if (finalCost !== undefined) res.finalCost = finalCost;
  const stopped = k.optString(result['stopped'], 'result.stopped');
  if (stopped !== undefined) res.stopped = stopped;
  const run: RunRecord = {
    format: 'lnn-run',
    version: 1,
    createdAt: k.optString(o['createdAt'], 'createdAt') ?? '',
    hyperparameters: o['hyperparameters'] === undefined ? {} : k.object(o['hyperparameters'], 'hyperparameters'),
    data: checkData(k, data),
    history: { costs, evals },
    result: res,
  };
  if (o['command'] !== undefined)
    run.command = k.array(o['command'], 'command').map((a, i) => k.string(a, `command[${i}]`));
  if (o['diagnosis'] !== undefined && o['diagnosis'] !== null) run.diagnosis = checkDiagnosis(k, o['diagnosis']);
  // --refit and --folds: what the model and the figures are (checked as sweep records check them).
  if (o['refit'] !== undefined) run.refit = k.with(refitRecordCheck, o['refit'], 'refit');
  if (o['folds'] !== undefined) run.folds = k.with(foldsRecordCheck, o['folds'], 'folds');
  return run;
}

/**
 * Parses the text of a run record file or a model file and returns its run record. A model file is first
 * checked against its checksum as `lnn eval` checks it (verifyModelChecksum), so an edited record is not
 * reported; `onNote` hears that a format 1 file's checksum covers only its parameters. Run record files
 * carry no checksum.
 * @throws DataError naming the file and the rule: not JSON (truncated?), a foreign format, a model that
 *   does not match its checksum or holds no record, or a field of the wrong type.
 * @example readRunDocument(readFileSync('cat.json', 'utf8'), 'cat.json') // => the RunRecord under "run" of a saved model
 */
export function readRunDocument(text: string, file: string, onNote?: (text: string) => void): RunRecord {
  if (text.trim() === '')
    throw new DataError(`${file}: the file is empty; expected an lnn run record or model (JSON)`, file);
  const doc = parseJsonText(text, file);
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new DataError(
      `${file}: not an lnn run record or model: expected a JSON object with "format": "lnn-run" or "lnn-model"`,
      file,
    );
  const format = (doc as Record<string, unknown>)['format'];
  if (format === 'lnn-model') {
    verifyModelChecksum(doc as Record<string, unknown>, file, onNote);
    const run = (doc as Record<string, unknown>)['run'];
    if (run === undefined || run === null)
      throw new DataError(
        `${file}: this model file holds no training record ("run"); models saved by lnn train --save carry one`,
        file,
      );
    return checkRunRecord(run, file, 'run.');
  }
  if (format === 'lnn-run') return checkRunRecord(doc, file);
  throw new DataError(
    `${file}: not an lnn run record or model: "format" must be "lnn-run" or "lnn-model" but is ${shown(format)}`,
    file,
  );
}
