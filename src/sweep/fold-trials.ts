/**
 * A sweep with --folds K: each trial is K runs, fold × configuration, spread over the executor's slots
 * (threads here, or jobs on the queue, each carrying its fold's index), then one result: the folds' mean
 * train and dev error, the dev error's standard error, each fold's figures in its run record and the
 * diagnosis of the means. No fold's model is kept; --refit fits the best configuration on all of train
 * + dev at the end.
 */
import { defined } from '../core/defined.js';
import { parseTrainSettings } from '../workflow/settings.js';
import type { Parsed } from '../workflow/parse.js';
import { foldsDiagnosis, foldsRunRecord, foldsSummary } from '../workflow/cross-validate.js';
import type { FoldRecord, RunRecord } from '../train/run-record.js';
import { trialIdentity, type Executor, type TrialRun, type TrialSpec } from './scheduler.js';
import { trialDiagnosis, type TrialResult } from './trial.js';

/** What a trial's record says of the sets whatever the fold: the sweep's own train and dev. */
export type SweepSets = Pick<RunRecord['data'], 'train' | 'dev' | 'splitRule'>;

/** Runs each trial as its K folds on `inner`, at most `units` fold runs at once, and gives one result. */
export class FoldingExecutor implements Executor {
  readonly capacity: number;
  private free: number;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly inner: Executor,
    private readonly k: number,
    units: number,
    private readonly sets: SweepSets,
  ) {
    this.capacity = inner.capacity;
    this.free = Math.max(1, units);
  }

  async run(spec: TrialSpec): Promise<TrialRun> {
    const t0 = performance.now();
    const runs = await Promise.all(this.folds(spec).map((f) => this.slot(() => this.inner.run(f))));
    return combineFolds(spec, runs, this.sets, (performance.now() - t0) / 1000);
  }

  async recorded(spec: TrialSpec): Promise<void> {
    await Promise.all(this.folds(spec).map((f) => this.inner.recorded?.(f)));
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  private folds(spec: TrialSpec): TrialSpec[] {
    return Array.from({ length: this.k }, (_, i) => ({ ...spec, fold: i + 1 }));
  }

  /** Runs `work` when a slot is free: fold runs of several trials share the executor's slots. */
  private async slot<T>(work: () => Promise<T>): Promise<T> {
    if (this.free === 0) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.free--;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.free++;
    }
  }
}

/** A fold's figures from its run's record (what a thread or a worker sent back). */
function foldOf(fold: number, run: RunRecord): FoldRecord {
  const r = run.result;
  return {
    fold,
    train: run.data.train,
    dev: run.data.dev ?? 0,
    ...defined({ trainAccuracy: r.trainAccuracy }),
    trainError: r.trainError!,
    trainCost: r.trainCost!,
    ...defined({ devAccuracy: r.devAccuracy }),
    devError: r.devError!,
    devCost: r.devCost!,
    iterations: r.iterations,
    ...defined({ bestIteration: r.bestIteration }),
    seconds: r.seconds,
    stopped: r.stopped ?? '',
  };
}

/**
 * The trial from its folds: failed when one failed (no worker could run it, when that was why: --resume
 * runs it again), else the means, each fold's figures in `run.folds`, and the diagnosis of the means.
 */
export function combineFolds(spec: TrialSpec, runs: TrialRun[], sets: SweepSets, seconds: number): TrialRun {
  const ranOn = [...new Set(runs.map((r) => r.result.ranOn))].join(', ');
  const base = { ...trialIdentity(spec), seconds, ranOn, finishedAt: new Date().toISOString() };
  const bad = runs.findIndex((r) => r.result.status !== 'ok' || !r.result.run);
  if (bad >= 0) {
    const r = runs[bad]!.result;
    const error = `fold ${bad + 1} of ${runs.length}: ${r.error ?? r.status}`;
    const infrastructure = runs.some((x) => x.result.infrastructure) ? { infrastructure: true as const } : {};
    return { result: { ...base, status: 'failed', error, ...infrastructure } };
  }
  const first = runs[0]!.result.run!;
  const each = runs.map((r, i) => foldOf(i + 1, r.result.run!));
  const stratified = first.data.classes !== undefined;
  const settings = parseTrainSettings(spec.args as Parsed);
  const folds = foldsSummary(each, {
    k: runs.length,
    seed: settings.seed,
    stratified,
    examples: each[0]!.train + each[0]!.dev,
  });
  const diagnosis = first.diagnosis ? foldsDiagnosis(folds, settings) : undefined;
  const run: RunRecord = {
    ...foldsRunRecord(first, folds),
    data: { ...first.data, ...sets },
    ...defined({ diagnosis }),
  };
  const result: TrialResult = {
    ...base,
    status: 'ok',
    trainError: folds.trainError,
    devError: folds.devError,
    ...(diagnosis ? { diagnosis: trialDiagnosis(diagnosis) } : {}),
    run,
  };
  return { result };
}
