/**
 * The record of a sweep: one directory, crash-safe under kill -9 at any moment.
 *
 *   DIR/sweep.json      what the sweep is (space, strategy, data, fixed options): written once, atomically
 *   DIR/trials.jsonl    append-only events, one JSON line each, flushed to disk (fsync) before going on:
 *                       {"event":"start",...} when a trial starts, {"event":"finish",...} with its result
 *   DIR/models/ID.json  the best trial's model (written atomically before its finish line)
 *   DIR/lock            the process id of the sweep using the directory
 *
 * A finished trial is one with a finish line; a trial with only a start line was half-done when the
 * sweep stopped and runs again from the start. A last line cut short by a crash is dropped on resume.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DataError, fsReason, UsageError } from '../core/errors.js';
import { parseJsonText } from '../core/json.js';
import { checked, SchemaError } from '../core/schema.js';
import { printable } from '../core/text.js';
import { processAlive, writeOutput } from '../io/outputs.js';
import { releaseLock, takeLock } from './lock.js';
import { setFigures, stringifyMeasured } from '../workflow/run-summary.js';
import type { Evaluation } from '../evaluate/metrics.js';
import { documentChecksum } from '../train/model-json.js';
import type { RefitRecord, RunRecord } from '../train/run-record.js';
import { canonicalJson, hashText } from '../core/hash.js';
import { startEvent, sweepIdentity, trialResult } from './record-schema.js';
import { describeAxis, type Axis, type TrialValues } from './space.js';
import type { Proposal, TrialResult } from './trial.js';

export const SWEEP_FORMAT = 'lnn-sweep';
export const SWEEP_VERSION = 1;
const SWEEP_FILE = 'sweep.json';
const TRIALS_FILE = 'trials.jsonl';

/** The data a sweep ran on, as the identity check and the record name it. */
export interface SweepData {
  source: string;
  m: number;
  nx: number;
  classes?: string[];
  /** Of X and the labels, so the same path holding other data is another sweep. */
  hash: string;
  train: number;
  dev: number;
  test?: number;
  splitRule: string;
}

/** What makes a sweep this sweep; two runs with equal identities share a record. */
export interface SweepDefinition {
  strategy: string;
  /** --min-gain, --max-depth, --prune: what changes which trials run (not --trials, which may grow). */
  strategyOptions: Record<string, string | number | boolean>;
  space: Axis[];
  /** The `lnn train` options every trial shares (data, sets, seed, the hyperparameters not swept). */
  base: Record<string, string | boolean>;
  data: SweepData;
}

export interface SweepIdentity extends SweepDefinition {
  format: typeof SWEEP_FORMAT;
  version: typeof SWEEP_VERSION;
  /** 16 hex digits of the definition. */
  id: string;
  createdAt: string;
  command: string[];
  /** The last `--evaluate-test`: the best trial's model on the test set (kept across --resume). */
  test?: SweepTest;
  /** The last `--refit`: the best trial's configuration fit again on train + dev (kept across --resume). */
  refit?: SweepRefit;
}

/** What `--refit` made: the trial whose configuration was fit again on train + dev, and that fit. */
export interface SweepRefit extends RefitRecord {
  trial: string;
  index: number;
  at: string;
}

/** The test figure of `--evaluate-test`: the best trial's model on the held-back test set, once. */
export interface SweepTest {
  /** The trial whose model was tested (the best when it was measured). */
  trial: string;
  index: number;
  m: number;
  /** Fractions for a classifier (accuracy too), the cost for a regression. */
  error: number;
  accuracy?: number;
  cost: number;
  at: string;
  /** The model tested was the trial's configuration refit on train + dev (--refit), not the trial's own. */
  refit?: true;
}

export function sweepId(def: SweepDefinition): string {
  return hashText(canonicalJson(def));
}

/** A trial's id: from its full configuration (the shared options, its own values and the seed in them). */
export function trialId(base: SweepDefinition['base'], values: TrialValues): string {
  return hashText(canonicalJson({ base, values }));
}

/** What a record says differs between two definitions, first difference only: for the refusal message. */
function identityDifference(had: SweepDefinition, want: SweepDefinition): string | undefined {
  const seed = (d: SweepDefinition) => String(d.base['seed'] ?? '1');
  // The seed first: it also makes the split, so another seed means other sets too.
  if (seed(had) !== seed(want)) return `its seed is ${seed(had)}, this one's ${seed(want)}`;
  if (had.data.hash !== want.data.hash || had.data.source !== want.data.source)
    return `its data differs (${printable(had.data.source)}, m = ${had.data.m} vs ${printable(want.data.source)}, m = ${want.data.m}${had.data.source === want.data.source ? ', other contents' : ''})`;
  if (canonicalJson(had.space) !== canonicalJson(want.space))
    return `its space differs (${spaceText(had.space)} vs ${spaceText(want.space)})`;
  if (had.strategy !== want.strategy) return `its strategy is ${had.strategy}, this one's ${want.strategy}`;
  if (canonicalJson(had.strategyOptions) !== canonicalJson(want.strategyOptions))
    return `its strategy options differ (${canonicalJson(had.strategyOptions)} vs ${canonicalJson(want.strategyOptions)})`;
  if (canonicalJson(had.base) !== canonicalJson(want.base)) {
    const keys = [...new Set([...Object.keys(had.base), ...Object.keys(want.base)])].sort();
    const k = keys.find((key) => had.base[key] !== want.base[key]);
    return `its options differ (--${k} ${printable(String(had.base[k!] ?? 'unset'))} vs ${printable(String(want.base[k!] ?? 'unset'))})`;
  }
  if (canonicalJson(had.data) !== canonicalJson(want.data)) return 'its data sets differ';
  return undefined;
}

function spaceText(space: readonly Axis[]): string {
  return space.map((a) => `--${a.key} ${describeAxis(a)}`).join(', ') || 'nothing varied';
}

/** A start line: the trial is running (or was, when the sweep died). */
export interface StartEvent extends Proposal {
  event: 'start';
  id: string;
  index: number;
  at: string;
}

export type FinishEvent = TrialResult & { event: 'finish' };

/** Everything a sweep directory holds, read without changing it (for `lnn runs` and `lnn report`). */
export interface SweepContents {
  dir: string;
  identity: SweepIdentity;
  /** Finished trials, by index. */
  trials: TrialResult[];
  /** Trials that started and did not finish (running now, or cut off by a crash). */
  halfDone: StartEvent[];
  /** Whether the last line was cut short (a crash while writing it). */
  torn: boolean;
}

/** Reads a sweep directory; a missing or foreign directory gets one line naming it. */
export function readSweep(dir: string): SweepContents {
  const identity = readIdentity(dir);
  if (!identity)
    throw new DataError(`${dir}: not an lnn sweep directory (no ${SWEEP_FILE}; lnn sweep --dir writes one)`, dir);
  const { events, torn } = readEvents(join(dir, TRIALS_FILE));
  return { dir, identity, ...collect(events), torn };
}

function readIdentity(dir: string): SweepIdentity | undefined {
  const file = join(dir, SWEEP_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new DataError(`${file}: cannot read (${fsReason(e)})`, file);
  }
  const o = parseJsonText(text, file) as Partial<SweepIdentity>;
  if (!o || typeof o !== 'object' || o.format !== SWEEP_FORMAT)
    throw new DataError(`${file}: not an lnn sweep record (expected "format": "${SWEEP_FORMAT}")`, file);
  if (o.version !== SWEEP_VERSION)
    throw new DataError(
      `${file}: sweep record version ${printable(String(o.version))} is not supported (this lnn reads ${SWEEP_VERSION})`,
      file,
    );
  return { format: SWEEP_FORMAT, version: SWEEP_VERSION, ...checked(sweepIdentity, o, file, file) };
}

/** The events of trials.jsonl; a last line without its newline (a crash mid-write) is left out. */
function readEvents(file: string): { events: (StartEvent | FinishEvent)[]; torn: boolean; completeBytes: number } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { events: [], torn: false, completeBytes: 0 };
    throw new DataError(`${file}: cannot read (${fsReason(e)})`, file);
  }
  const end = text.lastIndexOf('\n') + 1;
  const torn = end < text.length;
  const events: (StartEvent | FinishEvent)[] = [];
  text
    .slice(0, end)
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() !== '') events.push(parseEvent(line, `${file}: line ${i + 1}`, file));
    });
  return { events, torn, completeBytes: Buffer.byteLength(text.slice(0, end)) };
}

/** One line of trials.jsonl, checked member by member (a diverged run's "NaN" becomes NaN again). */
function parseEvent(line: string, where: string, file: string): StartEvent | FinishEvent {
  let e: unknown;
  try {
    e = JSON.parse(line);
  } catch {
    throw new DataError(`${where} is not a JSON event; the record is damaged (not touching it)`, file);
  }
  const kind = (e as { event?: unknown } | null)?.event;
  if (kind !== 'start' && kind !== 'finish')
    throw new DataError(
      `${where} is not a trial event (its "event" must be "start" or "finish"); the record is damaged (not touching it)`,
      file,
    );
  try {
    if (kind === 'start') return startEvent(e, '') as StartEvent;
    return { event: 'finish', ...trialResult(e, '') };
  } catch (err) {
    if (!(err instanceof SchemaError)) throw err;
    throw new DataError(`${where}: ${err.message}; the record is damaged (not touching it)`, file);
  }
}

function collect(events: readonly (StartEvent | FinishEvent)[]): { trials: TrialResult[]; halfDone: StartEvent[] } {
  const finished = new Map<string, TrialResult>();
  const started = new Map<string, StartEvent>();
  for (const e of events) {
    if (e.event === 'start') started.set(e.id, e);
    // A trial counts once: a second finish line (a duplicated job) is ignored, unless the first said
    // that no worker could run it (a resumed sweep runs such a trial again, and its result takes over).
    else if (!finished.has(e.id) || finished.get(e.id)!.infrastructure) {
      const { event: _event, ...result } = e;
      finished.set(e.id, result);
    }
  }
  const trials = [...finished.values()].sort((a, b) => a.index - b.index);
  const halfDone = [...started.values()].filter((s) => !finished.has(s.id)).sort((a, b) => a.index - b.index);
  return { trials, halfDone };
}

export interface OpenOptions {
  resume: boolean;
}

/** An open sweep directory: its finished trials, and the appender of new events. */
export class SweepRecord {
  readonly finished = new Map<string, TrialResult>();
  /** Trials an earlier run recorded as failed because no worker could run them: they run again. */
  unrun = 0;
  /** Trials that started in an earlier run and never finished: they run again. */
  readonly halfDone: StartEvent[];
  /** Whether a torn last line was dropped. */
  readonly repaired: boolean;

  private constructor(
    readonly dir: string,
    readonly identity: SweepIdentity,
    private readonly fd: number,
    left: { halfDone: StartEvent[]; repaired: boolean },
  ) {
    this.halfDone = left.halfDone;
    this.repaired = left.repaired;
  }

  /**
   * Opens DIR for this sweep (creating it and sweep.json), or for resuming it. Refuses a directory that
   * holds another sweep, one that holds this sweep without --resume, a non-empty directory that holds no
   * sweep, and one another live lnn process is using.
   * @throws DataError `--dir runs: holds another sweep (its seed is 1, this one's 2); choose another --dir`
   */
  static open(dir: string, identity: SweepIdentity, opts: OpenOptions): SweepRecord {
    prepareDirectory(dir);
    takeLock(dir);
    try {
      const had = readIdentity(dir);
      if (had) {
        const diff = identityDifference(had, identity);
        if (diff) throw new DataError(`--dir ${dir}: holds another sweep (${diff}); choose another --dir`, dir);
      } else {
        const others = readdirSync(dir).filter((n) => n !== 'lock');
        if (others.length > 0)
          throw new DataError(
            `--dir ${dir}: is not empty and holds no lnn sweep (${printable(others[0]!)}, ...); choose an empty or new directory`,
            dir,
          );
        writeOutput(join(dir, SWEEP_FILE), JSON.stringify(identity, null, 1) + '\n', undefined, '--dir');
        syncDirectory(dir);
      }
      const file = join(dir, TRIALS_FILE);
      const { events, torn, completeBytes } = readEvents(file);
      const { trials, halfDone } = collect(events);
      if (had && !opts.resume && (trials.length > 0 || halfDone.length > 0))
        throw new DataError(
          `--dir ${dir}: already holds this sweep (${trials.length} trial${trials.length === 1 ? '' : 's'} finished); add --resume to continue it, or choose another --dir`,
          dir,
        );
      const fd = openSync(file, 'a+');
      // A line cut short by a crash would glue itself to the next one: cut it off first.
      if (torn) ftruncateSync(fd, completeBytes);
      const record = new SweepRecord(dir, had ?? identity, fd, { halfDone, repaired: torn });
      // A trial no worker could run (refused, lost, unverified) is not finished: it runs again.
      for (const t of trials) if (!t.infrastructure) record.finished.set(t.id, t);
      record.unrun = trials.filter((t) => t.infrastructure).length;
      return record;
    } catch (e) {
      releaseLock(dir);
      throw e;
    }
  }

  /** Appends a start line (flushed): the trial is running. */
  start(id: string, index: number, p: Proposal): void {
    this.append({ event: 'start', id, index, ...p, at: new Date().toISOString() });
  }

  /**
   * Appends a finish line (flushed) unless the trial already finished: a duplicated or retried trial
   * counts once. Returns whether it was recorded.
   */
  finish(result: TrialResult): boolean {
    if (this.finished.has(result.id)) return false;
    this.append({ event: 'finish', ...result });
    this.finished.set(result.id, result);
    return true;
  }

  private append(event: object): void {
    const bytes = Buffer.from(stringifyMeasured(event) + '\n');
    try {
      for (let off = 0; off < bytes.length;) off += writeSync(this.fd, bytes, off, bytes.length - off);
      fsyncSync(this.fd);
    } catch (e) {
      throw new DataError(`${join(this.dir, TRIALS_FILE)}: cannot write (${fsReason(e)})`, this.dir);
    }
  }

  /**
   * Whether writing `file` would replace one of the record's own files (sweep.json, trials.jsonl, the
   * lock, the models directory or a model in it), through any path or symbolic link to the directory.
   */
  ownsFile(file: string): boolean {
    const real = (p: string) => {
      try {
        return realpathSync(p);
      } catch {
        return undefined;
      }
    };
    const parent = real(dirname(resolve(file)));
    const dir = real(this.dir);
    if (parent === undefined || dir === undefined) return false;
    if (parent === join(dir, 'models')) return true;
    return parent === dir && [SWEEP_FILE, TRIALS_FILE, 'lock', 'models'].includes(basename(resolve(file)));
  }

  /** Where the model of a trial is kept (only the best trial's). */
  modelFile(id: string): string {
    return join(this.dir, 'models', `${id}.json`);
  }

  /** Writes a trial's model atomically, before its finish line, so a recorded best always has its model. */
  saveModel(id: string, text: string): void {
    mkdirSync(join(this.dir, 'models'), { recursive: true });
    writeOutput(this.modelFile(id), text, undefined, '--dir');
  }

  /**
   * Keeps the test figure of `--evaluate-test` where it survives the sweep: in sweep.json (rewritten
   * atomically, its definition unchanged) and in the tested model's run record (its result's test
   * figures, the checksum made again). Returns the model's new text, for --save-best.
   */
  keepTest(trial: Pick<TrialResult, 'id' | 'index'>, e: Evaluation, modelText: string): string {
    const text = withTestFigures(modelText, e, this.modelFile(trial.id));
    this.saveModel(trial.id, text);
    this.identity.test = testFigure(trial, e);
    this.writeIdentity();
    return text;
  }

  /**
   * Keeps what `--refit` made in sweep.json (rewritten atomically, its definition unchanged): the trial
   * refit and the fit, and the refit model's test figure when it was measured (else an earlier test
   * figure, of another model, goes). The trial's own model file stays as it was.
   */
  keepRefit(trial: Pick<TrialResult, 'id' | 'index'>, refit: RefitRecord, e: Evaluation | undefined): void {
    const at = new Date().toISOString();
    this.identity.refit = { trial: trial.id, index: trial.index, ...refit, at };
    if (e) this.identity.test = { ...testFigure(trial, e), refit: true };
    else delete this.identity.test;
    this.writeIdentity();
  }

  private writeIdentity(): void {
    writeOutput(join(this.dir, SWEEP_FILE), JSON.stringify(this.identity, null, 1) + '\n', undefined, '--dir');
  }

  /** Removes every kept model but `keep`'s (a better trial took its place). */
  pruneModels(keep: string): void {
    const models = join(this.dir, 'models');
    if (!existsSync(models)) return;
    for (const name of readdirSync(models)) {
      // Also the temporary file of a model write that a signal cut short: `.ID.json.lnn-tmp-PID-RANDOM`.
      const pid = Number(/\.lnn-tmp-(\d+)-[0-9a-z]+$/.exec(name)?.[1]);
      const stale = Number.isInteger(pid) && pid > 0 && !processAlive(pid);
      if ((name !== `${keep}.json` && name.endsWith('.json')) || stale) rmSync(join(models, name), { force: true });
    }
  }

  close(): void {
    closeSync(this.fd);
    releaseLock(this.dir);
  }
}

/** The test figure of a trial's model (or of its refit), measured now. */
function testFigure(trial: Pick<TrialResult, 'id' | 'index'>, e: Evaluation): SweepTest {
  return {
    trial: trial.id,
    index: trial.index,
    m: e.m,
    error: e.error,
    ...(e.accuracy !== undefined ? { accuracy: e.accuracy } : {}),
    cost: e.cost,
    at: new Date().toISOString(),
  };
}

/** A model file's text with the test figures in its run record's result, and its checksum made again. */
function withTestFigures(text: string, e: Evaluation, file: string): string {
  const doc = parseJsonText(text, file) as Record<string, unknown> & { run?: RunRecord };
  if (doc.run) {
    doc.run.result = { ...doc.run.result, ...setFigures('test', e) };
    doc.run.data = { ...doc.run.data, test: e.m };
  }
  doc['checksum'] = documentChecksum(doc);
  return JSON.stringify(doc) + '\n';
}

/** The directory exists (or is created, when its parent does) and is writable. */
function prepareDirectory(dir: string): void {
  if (dir.trim() === '') throw new DataError('--dir needs a directory name but is empty');
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new DataError(`--dir ${dir}: cannot use (${fsReason(e)})`, dir);
  }
  if (st && !st.isDirectory()) throw new DataError(`--dir ${dir}: is a file, not a directory`, dir);
  if (!st) {
    const parent = dirname(resolve(dir));
    if (!existsSync(parent))
      throw new DataError(`--dir ${dir}: cannot create (the directory ${parent} does not exist)`, dir);
    try {
      mkdirSync(dir);
    } catch (e) {
      throw new DataError(`--dir ${dir}: cannot create (${fsReason(e)})`, dir);
    }
  }
}

/** Makes a new file's name durable (the rename or creation reaches the disk with the directory). */
function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems cannot fsync a directory; the data itself is flushed already.
  }
}

/** A trial by its number or the start of its id (at least 4 hex digits). */
export function findTrial(s: SweepContents, which: string): TrialResult {
  const byIndex = /^\d+$/.test(which) ? s.trials.find((t) => t.index === Number(which)) : undefined;
  if (byIndex) return byIndex;
  const matches = which.length >= 4 ? s.trials.filter((t) => t.id.startsWith(which.toLowerCase())) : [];
  if (matches.length === 1) return matches[0]!;
  if (matches.length > 1)
    throw new UsageError(
      `trial '${printable(which)}' matches ${matches.length} trials in ${s.dir}; give more of the id`,
    );
  const half = s.halfDone.find((h) => String(h.index) === which || h.id.startsWith(which));
  if (half) throw new DataError(`${s.dir}: trial ${half.index} started but has not finished`, s.dir);
  throw new DataError(
    `${s.dir}: no finished trial '${printable(which)}' (trials ${s.trials.map((t) => t.index).join(', ') || 'none'}); give its number or the start of its id`,
    s.dir,
  );
}
