/**
 * Refit: once the dev set has judged a configuration, fit it again on train + dev — the examples of the
 * split's train and dev sets together (or of the training data and a --dev file), never a new split, so
 * the test set stays exactly the one held back — for as long as the first fit trained (up to the
 * parameters it kept: its early-stopping point when it had one), with normalization and imputation
 * fitted again on those examples. scikit-learn's GridSearchCV does the same (refit=True): the model kept
 * learns from every example it may see; on 120 iris rows that is 120, not 90. Browser-safe.
 */
import { defined } from '../core/defined.js';
import type { Backend } from '../backend/backend.js';
import { DataError } from '../core/errors.js';
import { concatExamples, type Dataset } from '../data/dataset.js';
import { featureSource } from '../data/features.js';
import { applyImputer, fitImputer } from '../data/prepare/impute.js';
import { leanTargets } from '../data/targets.js';
import type { Evaluation } from '../evaluate/metrics.js';
import type { Model } from '../train/model.js';
import type { RefitRecord, RunRecord } from '../train/run-record.js';
import { setFigures } from './run-summary.js';
import { makeSchedule, type Schedule } from '../train/schedule.js';
import type { TrainResult } from '../train/trainer.js';
import { UsageError } from './parse.js';
import type { Network, PreparedData } from './prepare.js';
import { buildModel, checkRunFits, trainModel, type ReadyRun, type RunCallbacks, type RunControl } from './run.js';
import type { TrainSettings } from './settings.js';

/** Train + dev as one set, before imputation: the training examples, then the dev examples. */
export function trainDevUnion(prepared: PreparedData): Dataset {
  const { train, dev } = prepared.unimputed ?? prepared.sets;
  if (!dev || dev.X.cols === 0) return train;
  return concatExamples(train, dev, `${prepared.data.source} (train + dev)`);
}

/** 'train + dev of the split (90 + 30)', or of a --dev file, or train alone when there is no dev. */
export function unionWords(prepared: PreparedData): string {
  const { train, dev } = prepared.sets;
  if (!dev) return `train (${train.X.cols}; no dev set)`;
  const from = prepared.sets.split?.devFile !== undefined ? 'the training data and the --dev file' : 'the split';
  return `train + dev of ${from} (${train.X.cols} + ${dev.X.cols})`;
}

/**
 * The PreparedData of a fit on `train` (judged on `dev` when given) made of the examples of `prepared`:
 * with --impute mean, an imputer fitted on `train` alone fills train, dev and test; the targets for the
 * output; the test set as held back. buildModel fits the normalization on `train`, as always.
 */
export function preparedOn(
  prepared: PreparedData,
  sets: { train: Dataset; dev?: Dataset; rule: string },
  settings: Pick<TrainSettings, 'impute'>,
): PreparedData {
  let { train, dev } = sets;
  let test = (prepared.unimputed ?? prepared.sets).test;
  const imputer = settings.impute ? fitImputer(train) : undefined;
  if (imputer) {
    train = applyImputer(train, imputer);
    if (dev) dev = applyImputer(dev, imputer);
    if (test) test = applyImputer(test, imputer);
  }
  const { output, data } = prepared;
  const split = prepared.sets.split;
  const bytes = featureSource(train.X).memoryBytes + (dev ? featureSource(dev.X).memoryBytes : 0);
  return {
    data,
    sets: defined({ train, dev, test, rule: sets.rule, split }),
    ...defined({ imputer }),
    output,
    Y: leanTargets(train, output),
    ...(dev ? { dev: { X: dev.X, Y: leanTargets(dev, output) } } : {}),
    storage: { streamed: false, bytes, budget: prepared.storage?.budget ?? Number.POSITIVE_INFINITY },
    ...(prepared.shuffle ? { shuffle: prepared.shuffle } : {}),
  };
}

/**
 * Refit and folds hold train + dev in memory as one set: refused for a training set streamed from disk,
 * and without a dev set to add (unless folds make their own from train).
 */
export function checkRefitSets(settings: TrainSettings, prepared: PreparedData): void {
  const asked = settings.folds !== undefined ? `--folds ${settings.folds}` : settings.refit ? '--refit' : undefined;
  if (!asked) return;
  if (prepared.storage?.streamed)
    throw new UsageError(
      `${asked} holds train + dev in memory as one set, and the training set is streamed from disk (--stream or --memory); convert a subset, or drop ${asked}`,
    );
  if (settings.folds === undefined && (!prepared.sets.dev || prepared.sets.dev.X.cols === 0))
    throw new UsageError(
      `--refit fits again on train + dev after the dev evaluation, and there is no dev set (${prepared.sets.rule}); keep a --split with a dev share, or give --dev`,
    );
}

/** The passes over its examples a fit made up to the parameters it kept (its early-stopping point, if any). */
export function passesOf(schedule: Schedule, used: Pick<TrainResult, 'iterations' | 'bestIteration'>): number {
  return (used.bestIteration ?? used.iterations) / schedule.perEpoch;
}

/** What a refit keeps of the first fit's schedule: full batch or not, and the batch size. */
export type FitShape = Pick<Schedule, 'full' | 'batchSize'>;

/**
 * The refit's schedule on m examples: as many passes as the first fit made (`passes`), in batches of the
 * first fit's size (full batch stays full batch: one iteration is one pass), at least one update.
 * @example refitSchedule({ full: false, batchSize: 4 }, 50, 120) // => 50 epochs of 30 updates: 1,500 iterations
 */
export function refitSchedule(first: FitShape, passes: number, m: number): Schedule {
  if (first.full) return makeSchedule(m, { iterations: Math.max(1, Math.round(passes)) });
  const perEpoch = Math.ceil(m / first.batchSize);
  return makeSchedule(m, { iterations: Math.max(1, Math.round(passes * perEpoch)), batchSize: first.batchSize });
}

/** Why the refit trains that long, in words: "the first fit's 50 epochs", "... early-stopping epoch (23)". */
export function lengthWords(full: boolean, passes: number, early: boolean): string {
  const unit = full ? 'iteration' : 'epoch';
  const n = +passes.toFixed(2);
  return early ? `the first fit's early-stopping ${unit} (${n})` : `the first fit's ${n} ${unit}${n === 1 ? '' : 's'}`;
}

/**
 * How long a recorded run trained (a sweep's best trial): its batch size, and its passes up to the
 * parameters it kept, or with folds their mean, each fold's from its own training examples.
 */
export function recordedLength(run: RunRecord): { first: FitShape; passes: number; length: string } {
  const hp = run.hyperparameters;
  const batchSize = Number(hp['batchSize']);
  const epochs = hp['epochs'] === undefined ? undefined : Number(hp['epochs']);
  const first = { full: epochs === undefined, batchSize };
  const perEpoch = (m: number) => (first.full ? 1 : Math.ceil(m / batchSize));
  if (run.folds) {
    const passes = run.folds.each.map((f) => (f.bestIteration ?? f.iterations) / perEpoch(f.train));
    const early = run.folds.each.some((f) => f.bestIteration !== undefined);
    return { first, ...foldsLength(passes, early, first.full) };
  }
  const used = run.result.bestIteration ?? run.result.iterations;
  const passes = used / (first.full ? 1 : Number(hp['iterations']) / epochs!);
  return { first, passes, length: lengthWords(first.full, passes, run.result.bestIteration !== undefined) };
}

/** How long the refit after the folds trains: their mean passes, and why in words. */
export function foldsLength(
  passes: readonly number[],
  early: boolean,
  full: boolean,
): { passes: number; length: string } {
  const p = passes.reduce((a, b) => a + b, 0) / passes.length;
  const unit = full ? 'iterations' : 'epochs';
  const list = passes.map((x) => +x.toFixed(2)).join(', ');
  return {
    passes: p,
    length: `the folds' mean ${early ? `early-stopping ${unit}` : unit} (${list} → ${+p.toFixed(2)})`,
  };
}

/** A finished refit: the model (the caller's), its schedule, how it went, and its figures. */
export interface Refit {
  model: Model;
  prepared: PreparedData;
  schedule: Schedule;
  result: TrainResult;
  /** On the examples it was fit on. */
  train?: Evaluation;
  /** On the held-back test set (with --evaluate-test). */
  test?: Evaluation;
  record: RefitRecord;
}

/** What a refit starts from: the configuration, the data, and how long the first fit (or the folds) trained. */
export interface RefitPlan {
  settings: TrainSettings;
  prepared: PreparedData;
  network: Network;
  backend: Backend;
  /** The first fit's batch size, and whether it was full batch. */
  first: FitShape;
  /** Passes over its examples to make (passesOf the first fit, or the folds' mean). */
  passes: number;
  /** Why that many, for the record. */
  length: string;
}

/**
 * Fits the plan's configuration on train + dev for `passes` passes, with the same seed; no dev set, so
 * no early stopping. A refit that diverges is an error (the first fit did not): nothing is kept.
 * @throws DataError `--refit: the fit on train + dev (120 examples) diverged (...)`
 */
export async function refitOnTrainDev(
  plan: RefitPlan,
  ready: (run: ReadyRun) => RunCallbacks & RunControl = () => ({}),
): Promise<Refit> {
  const { prepared, network, backend } = plan;
  const union = trainDevUnion(prepared);
  const sets = unionWords(prepared);
  const on = preparedOn(prepared, { train: union, rule: sets }, plan.settings);
  const { earlyStop: _stop, ...rest } = plan.settings;
  const settings: TrainSettings = rest;
  const schedule = refitSchedule(plan.first, plan.passes, union.X.cols);
  checkRunFits({ settings, prepared: on, network, schedule }, backend);
  const model = buildModel(settings, on, network, backend);
  if (model.split) model.split = { ...model.split, refit: true };
  try {
    const run = { settings, prepared: on, network, schedule, model, stage: 'refit on train + dev' };
    const trained = await trainModel(run, ready(run));
    const { result } = trained;
    if (result.diverged)
      throw new DataError(
        `--refit: the fit on train + dev (${union.X.cols} examples) diverged (${result.stopped}); the first fit did not: try a smaller --lr, or drop --refit`,
      );
    const record: RefitRecord = {
      train: union.X.cols,
      sets,
      iterations: result.iterations,
      ...(schedule.full ? {} : { epochs: schedule.epochs! }),
      batchSize: schedule.batchSize,
      length: plan.length,
      ...refitFigures(trained.train),
      finalCost: result.finalCost,
      seconds: result.seconds,
      stopped: result.stopped,
    };
    const { train, test } = trained;
    return { model, prepared: on, schedule, result, ...defined({ train, test }), record };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

function refitFigures(e: Evaluation | undefined): Pick<RefitRecord, 'trainAccuracy' | 'trainError' | 'trainCost'> {
  if (!e) return {};
  return defined({ trainAccuracy: e.accuracy, trainError: e.error, trainCost: e.cost });
}

/**
 * The record of a refit model: the first fit's (its dev figures and diagnosis estimate the configuration),
 * the refit's test figures, `refit` saying what the model is, and its split marked as fit on train + dev.
 */
export function refitRecordOf(first: RunRecord, refit: Pick<Refit, 'record' | 'test'>): RunRecord {
  const split = first.data.split;
  const { testAccuracy: _a, testError: _e, testCost: _c, ...result } = first.result;
  return {
    ...first,
    data: { ...first.data, ...(split ? { split: { ...split, refit: true as const } } : {}) },
    result: { ...result, ...setFigures('test', refit.test) },
    refit: refit.record,
  };
}
