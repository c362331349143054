/**
 * What a finished sweep yields: the best trial, its model (checked whole before anything copies or
 * uses it) and, with --evaluate-test, that model on the test set, once (kept in sweep.json and in the
 * model's record).
 */
import { readFileSync } from 'node:fs';
import type { Backend } from '../backend/backend.js';
import { DataError, fsReason } from '../core/errors.js';
import { parseJsonText } from '../core/json.js';
import { leanTargets } from '../data/targets.js';
import type { Evaluation } from '../evaluate/metrics.js';
import type { Model } from '../train/model.js';
import { modelFromJSON } from '../train/modelFile.js';
import type { PreparedData } from '../workflow/prepare.js';
import type { SweepRecord } from './record.js';
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
