/**
 * The end of `lnn sweep`: the ranked table or the JSON document, the best trial, its model written to
 * --save-best and, with --evaluate-test, the best model on the test set once.
 */
import type { OutputPlan } from '../../io/outputs.js';
import { bestOf, refitBest } from '../../sweep/finish.js';
import type { SweepData } from '../../sweep/record.js';
import type { TrialResult } from '../../sweep/trial.js';
import type { RefitRecord } from '../../train/run-record.js';
import type { SweepJob } from '../../sweep/run-sweep.js';
import { errorText, valuesText } from '../../sweep/trial-text.js';
import type { Io } from '../../workflow/parse.js';
import { setFigures } from '../../workflow/run-summary.js';
import { commitWithSignals, usesStdout } from '../command-outputs.js';
import { rankedTable, trialJson } from './display.js';

export interface FinishOptions {
  json: boolean;
  quiet?: boolean;
  saveBest: string | undefined;
  evaluateTest: boolean;
  seconds: number;
}

/** Prints the result of a sweep and writes its outputs; returns the exit code (1 when no trial finished). */
export async function finishSweep(job: SweepJob, plan: OutputPlan, io: Io, o: FinishOptions): Promise<number> {
  const { record, outcome, prepared, backend } = job;
  const wantModel = o.saveBest !== undefined;
  const refitting = job.trainSettings.refit;
  const got = bestOf(record, prepared, backend, {
    model: wantModel && !refitting,
    test: o.evaluateTest && !refitting,
  });
  const { ranked, best } = got;
  if (refitting && best && !o.quiet) io.err(refitAnnouncement(best, record.identity.data));
  const refit = refitting ? await refitBest(job, best, { test: o.evaluateTest }) : undefined;
  refit?.model.dispose();
  const modelText = refit?.modelText ?? got.modelText;
  const test = refit?.test ?? got.test;
  if (best && wantModel) await commitWithSignals(plan, { '--save-best': modelText }, io.out);
  const results = usesStdout(plan) ? io.err : io.out;
  const classification = record.identity.data.classes !== undefined;
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
      ...(refit ? { refit: refit.refit } : {}),
      ...(best && wantModel ? { model: o.saveBest } : {}),
    };
    results(JSON.stringify(doc) + '\n');
    return best ? 0 : 1;
  }
  const lines = [rankedTable(ranked, classification).trimEnd(), ''];
  if (best)
    lines.push(
      `best: trial ${best.index} (${best.id.slice(0, 8)}) ${valuesText(best.values)}: dev ${errorText(best.devError, classification)}, train ${errorText(best.trainError, classification)}`,
    );
  else lines.push('no trial finished: every one failed (see the table)');
  if (refit) lines.push(refitLine(refit.refit, classification));
  if (test)
    lines.push(
      `test (${refit ? 'the refit model' : 'the best trial'}, once): error ${errorText(test.error, classification)}${test.accuracy !== undefined ? `, accuracy ${errorText(test.accuracy, true)}` : ''}`,
    );
  lines.push(
    `${outcome.stopped}; ${outcome.ran} trial${outcome.ran === 1 ? '' : 's'} trained now, ${ranked.length} in ${record.dir}`,
  );
  if (best && wantModel) lines.push(`saved the ${refit ? 'refit' : 'best'} model to ${o.saveBest}`);
  results(lines.join('\n') + '\n');
  return best ? 0 : 1;
}

/** 'refit: trial 3 on train + dev of the split (90 + 30): 120 examples, 1500 iterations (...): train + dev error 1.67%'. */
function refitLine(r: RefitRecord, classification: boolean): string {
  const steps = r.epochs !== undefined ? `${+r.epochs.toFixed(2)} epochs` : `${r.iterations} iterations`;
  return `refit: the best configuration fit again on ${r.sets}, ${r.train} examples, ${steps} (${r.length}): train + dev error ${errorText(r.trainError, classification)}`;
}

/** The line before the refit trains: which trial, on how many examples. */
function refitAnnouncement(best: TrialResult, data: SweepData): string {
  return `refitting trial ${best.index} (${best.id.slice(0, 8)}) ${valuesText(best.values)} on train + dev (${data.train} + ${data.dev} examples)\n`;
}
