/**
 * The end of a sweep: the ranked table or the JSON document, the best trial, its model (--save-best)
 * and, with --evaluate-test, the best model on the test set once.
 */
import { readFileSync } from 'node:fs';
import type { Backend } from '../backend/backend.js';
import { DataError, fsReason } from '../core/errors.js';
import { parseJsonText } from '../core/json.js';
import { targets } from '../data/dataset.js';
import type { Evaluation } from '../evaluate/metrics.js';
import type { SweepRecord } from './record.js';
import type { SweepOutcome } from './scheduler.js';
import { bestTrial, rankTrials, type TrialResult } from './trial.js';
import { modelFromJSON } from '../train/modelFile.js';
import type { OutputPlan } from '../io/outputs.js';
import type { Io } from '../workflow/parse.js';
import { commitWithSignals, usesStdout } from '../cli/outputs.js';
import type { PreparedData } from '../workflow/prepare.js';
import { setFigures } from '../workflow/summary.js';
import { errorText, rankedTable, trialJson, valuesText } from '../cli/sweep/display.js';

export interface FinishOptions {
  json: boolean;
  saveBest: string | undefined;
  evaluateTest: boolean;
  seconds: number;
}

/**
 * The best trial's model file, as the record kept it, checked whole (JSON, every field, the checksum)
 * before anything copies or uses it: a damaged model is an error, never a saved file.
 */
function bestModelText(record: SweepRecord, best: TrialResult, backend: Backend): string {
  const file = record.modelFile(best.id);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`${file}: the best trial's model cannot be read (${fsReason(e)})`, file);
  }
  modelFromJSON(parseJsonText(text, file), file, backend).dispose();
  return text;
}

/** The best model on the test set, once. */
function testBest(text: string, file: string, prepared: PreparedData, backend: Backend): Evaluation {
  const model = modelFromJSON(parseJsonText(text, file), file, backend);
  try {
    const test = prepared.sets.test!;
    return model.evaluate(test.X, targets(test, prepared.output));
  } finally {
    model.dispose();
  }
}

/** Prints the result of a sweep and writes its outputs; returns the exit code (1 when no trial finished). */
export async function finishSweep(
  record: SweepRecord,
  outcome: SweepOutcome,
  prepared: PreparedData,
  backend: Backend,
  plan: OutputPlan,
  io: Io,
  o: FinishOptions,
): Promise<number> {
  const trials = [...record.finished.values()];
  const ranked = rankTrials(trials);
  const best = bestTrial(trials);
  const classification = record.identity.data.classes !== undefined;
  // The model is read only when asked for: a record whose model file went missing still lists its trials.
  const text = best && (o.saveBest !== undefined || o.evaluateTest) ? bestModelText(record, best, backend) : undefined;
  const test = best && o.evaluateTest ? testBest(text!, record.modelFile(best.id), prepared, backend) : undefined;
  // The figure survives: in sweep.json and in the best model's record (and so in --save-best's copy).
  const kept = test ? record.keepTest(best!, test, text!) : text;
  if (best && o.saveBest !== undefined) await commitWithSignals(plan, { '--save-best': kept }, io.out);
  const results = usesStdout(plan) ? io.err : io.out;
  if (o.json) {
    const entries = ranked.map((t, i) => trialJson(t, i + 1));
    const doc = {
      sweep: record.identity.id,
      dir: record.dir,
      strategy: record.identity.strategy,
      trials: entries,
      best: best ? entries[ranked.indexOf(best)] : null,
      ran: outcome.ran,
      stopped: outcome.stopped,
      seconds: o.seconds,
      ...(test ? { test: setFigures('test', test) } : {}),
      ...(best && o.saveBest !== undefined ? { model: o.saveBest } : {}),
    };
    results(JSON.stringify(doc) + '\n');
  } else {
    const lines = [rankedTable(trials, classification).trimEnd(), ''];
    if (best)
      lines.push(
        `best: trial ${best.index} (${best.id.slice(0, 8)}) ${valuesText(best.values)}: dev ${errorText(best.devError, classification)}, train ${errorText(best.trainError, classification)}`,
      );
    else lines.push('no trial finished: every one failed (see the table)');
    if (test)
      lines.push(
        `test (the best trial, once): error ${errorText(test.error, classification)}${test.accuracy !== undefined ? `, accuracy ${errorText(test.accuracy, true)}` : ''}`,
      );
    lines.push(
      `${outcome.stopped}; ${outcome.ran} trial${outcome.ran === 1 ? '' : 's'} trained now, ${trials.length} in ${record.dir}`,
    );
    if (best && o.saveBest !== undefined) lines.push(`saved the best model to ${o.saveBest}`);
    results(lines.join('\n') + '\n');
  }
  return best ? 0 : 1;
}
