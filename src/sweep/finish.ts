/**
 * What a finished sweep yields: the best trial, its model (checked whole before anything copies or
 * uses it) and, with --evaluate-test, that model on the test set, once (kept in sweep.json and in the
 * model's record). With --refit, the model is the best configuration fit again on train + dev
 * (`refitBest`), and the test figure is that model's.
 */
import { readFileSync } from 'node:fs';
import type { Backend } from '../backend/backend.js';
import { DataError, fsReason } from '../core/errors.js';
import { parseJsonText } from '../core/json.js';
import { leanTargets } from '../data/targets.js';
import type { Evaluation } from '../evaluate/metrics.js';
import type { Model } from '../train/model.js';
import { modelFromJSON, modelToJSON } from '../train/model-json.js';
import type { RefitRecord } from '../train/run-record.js';
import { UsageError, type Parsed } from '../workflow/parse.js';
import { resolveNetwork, type PreparedData } from '../workflow/prepare.js';
import { recordedLength, refitOnTrainDev, refitRecordOf } from '../workflow/refit.js';
import { parseTrainSettings } from '../workflow/settings.js';
import type { SweepRecord } from './record.js';
import type { SweepJob } from './run-sweep.js';
import { trialArgs } from './scheduler.js';
import { bestTrial, rankTrials, type TrialResult } from './trial.js';

/** The ranked trials and the best one, with its model's text and loaded model when asked. */
export interface SweepBest {
  /** Every recorded trial, best first. */
  ranked: TrialResult[];
  best: TrialResult | undefined;
  /** The best trial's model file, as the record keeps it (asked with `model`). */
  modelText?: string;
  model?: Model;
  /** The best model on the test set, once (asked with `test`). */
  test?: Evaluation;
}

/**
 * The best trial and what is asked of it. The model file is read only when asked: a record whose model
 * went missing still lists its trials.
 */
export function bestOf(
  record: SweepRecord,
  prepared: PreparedData,
  backend: Backend,
  ask: { model: boolean; test: boolean; keepModel?: boolean },
): SweepBest {
  const trials = [...record.finished.values()];
  const ranked = rankTrials(trials);
  const best = bestTrial(trials);
  if (!best || (!ask.model && !ask.test)) return { ranked, best };
  const file = record.modelFile(best.id);
  const modelText = readModel(file);
  const model = modelFromJSON(parseJsonText(modelText, file), file, backend);
  try {
    const test = ask.test ? testOf(model, prepared) : undefined;
    // The figure survives: in sweep.json and in the best model's record (and so in --save-best's copy).
    const kept = test ? record.keepTest(best, test, modelText) : modelText;
    return { ranked, best, modelText: kept, ...(ask.keepModel ? { model } : {}), ...(test ? { test } : {}) };
  } finally {
    if (!ask.keepModel) model.dispose();
  }
}

function readModel(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`${file}: the best trial's model cannot be read (${fsReason(e)})`, file);
  }
}

function testOf(model: Model, prepared: PreparedData): Evaluation {
  const test = prepared.sets.test!;
  return model.evaluate(test.X, leanTargets(test, prepared.output));
}

/** The refit model (the caller's), its model file's text, the fit, and its test figure when asked. */
export interface SweepRefitOutcome {
  model: Model;
  modelText: string;
  refit: RefitRecord;
  test?: Evaluation;
}

/**
 * --refit: the best trial's configuration (the sweep's shared options, its values) fit again on train +
 * dev for as long as it trained — its early-stopping point when it had one, the folds' mean with
 * --folds — and, with `test`, measured once on the held-back test set; sweep.json keeps both. The
 * model's record is the trial's (its dev figures estimate the configuration) with the refit in it.
 * @throws UsageError when no trial finished: there is no configuration to refit.
 */
export async function refitBest(
  job: SweepJob,
  best: TrialResult | undefined,
  o: { test: boolean; signal?: AbortSignal | undefined },
): Promise<SweepRefitOutcome> {
  const { record, prepared, backend } = job;
  if (!best?.run) throw new UsageError(noWinner(record));
  const settings = { ...parseTrainSettings(trialArgs(record.identity.base, best) as Parsed), evaluateTest: o.test };
  const network = resolveNetwork(settings, prepared);
  const length = recordedLength(best.run);
  const refit = await refitOnTrainDev({ settings, prepared, network, backend, ...length }, () =>
    o.signal ? { signal: o.signal } : {},
  );
  try {
    const run = refitRecordOf(best.run, refit);
    record.keepRefit(best, refit.record, refit.test);
    const modelText = JSON.stringify(modelToJSON(refit.model, run)) + '\n';
    return { model: refit.model, modelText, refit: refit.record, ...(refit.test ? { test: refit.test } : {}) };
  } catch (e) {
    refit.model.dispose();
    throw e;
  }
}

/** '--refit needs a sweep winner: ...', with why no trial won. */
function noWinner(record: SweepRecord): string {
  const trials = [...record.finished.values()];
  const pruned = trials.filter((t) => t.status === 'pruned').length;
  const why = trials.length === 0 ? 'no trial ran' : `all ${trials.length} failed${pruned ? ' or were pruned' : ''}`;
  return `--refit needs a sweep winner, the best trial to fit again on train + dev, and there is none (${why}; see lnn runs ${record.dir})`;
}
