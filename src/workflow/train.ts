/**
 * `train`: everything `lnn train` does, as one async call — data (a path, a Dataset, or rows and labels)
 * → train/dev/test sets → the network → the run → the figures on each set, the bias/variance diagnosis
 * and the run record. The command line is a thin shell over `runTraining`, which both share: the same
 * options (the flags, camelCase here), the same defaults (one table, options.ts), the same checks.
 */
import type { Backend } from '../backend/backend.js';
import { defined } from '../core/defined.js';
import type { Dataset } from '../data/dataset.js';
import type { Diagnosis } from '../evaluate/diagnose.js';
import type { Evaluation } from '../evaluate/metrics.js';
import type { Model } from '../train/model.js';
import type { OptimizerKind, OptimizerValues } from '../nn/update.js';
import type { CostPoint, EvalPoint, FoldRecord, FoldsRecord, RefitRecord, RunRecord } from '../train/run-record.js';
import type { TrainingControl } from '../train/control.js';
import { DataError } from '../core/errors.js';
import type { TrainResult } from '../train/trainer.js';
import { argsFrom, inCallersWords } from './camel.js';
import { datasetFromRows, isRowsAndLabels, type DataInput } from '../data/read/rows-input.js';
import { chooseBackend } from './inputs.js';
import { LIBRARY_SKIPS, trainOptions } from './options.js';
import { UsageError, type Io, type Parsed } from './parse.js';
import { prepareData, resolveNetwork, type Network, type PreparedData } from './prepare.js';
import {
  buildModel,
  checkRunFits,
  hyperparametersOf,
  scheduleFor,
  trainModel,
  type ReadyRun,
  type RunCallbacks,
  type RunControl,
  type TrainOutcome,
} from './run.js';
import { parseTrainSettings, type TrainSettings } from './settings.js';
import { runRecordOf } from './run-summary.js';
import {
  checkRefitSets,
  foldsLength,
  lengthWords,
  passesOf,
  refitOnTrainDev,
  refitRecordOf,
  type Refit,
} from './refit.js';
import { foldPlan, foldPrepared, foldRecord, foldsDiagnosis, foldsRunRecord, foldsSummary } from './cross-validate.js';

export type { ReadyRun } from './run.js';

/** Everything a run needs besides its options. */
export interface TrainContext {
  /** Where notes go (a guessed HDF5 key, streaming); absent: nowhere. */
  io?: Io;
  /** The data itself, instead of the data options' files. */
  dataset?: Dataset;
  /** The command line, for the record. */
  argv?: readonly string[];
  signal?: AbortSignal;
  /**
   * The callbacks of a fit, made once its model exists (a progress display needs its size): once per
   * run, or once per fit with --refit (then `stage` names the refit) and --folds (each fold, the refit).
   */
  onReady?: (run: ReadyRun) => RunCallbacks;
}

/**
 * A finished run: the outcome, the sets it ran on, and its record. The caller disposes `model`. With
 * --refit, `model` and `test` are the refit's and the rest the first fit's; with --folds, `train` and
 * `dev` are absent (the folds' means are in `folds`), `result` is fold 1's, `model` the refit.
 */
export interface TrainRun extends TrainOutcome {
  settings: TrainSettings;
  prepared: PreparedData;
  network: Network;
  record: RunRecord;
  backend: Backend;
  refit?: Refit;
  folds?: FoldsRecord;
}

const QUIET: Io = { out: () => {}, err: () => {}, errIsTTY: false };

/**
 * One training run from options in the flags' form: parse and check them, read the data and make the
 * sets, build the network (refused before allocation when it cannot fit in memory), train, measure;
 * with --refit, fit again on train + dev; with --folds, cross-validate, then fit on train + dev.
 */
export async function runTraining(args: Parsed, ctx: TrainContext = {}): Promise<TrainRun> {
  const io = ctx.io ?? QUIET;
  const settings = parseTrainSettings(args);
  const backend = await chooseBackend(args);
  const prepared = await prepareData(args, settings, io, ctx.dataset ? { dataset: ctx.dataset } : {});
  if (settings.earlyStop && !prepared.dev && settings.folds === undefined)
    throw new UsageError('--early-stop needs a dev set: keep the default --split or give --dev');
  checkRefitSets(settings, prepared);
  const network = resolveNetwork(settings, prepared);
  if (settings.folds !== undefined) return crossValidated(settings, { prepared, network, backend }, ctx);
  // The test set is measured once, on the model kept: the refit's.
  const first = await fitOnce(
    settings.refit ? { ...settings, evaluateTest: false } : settings,
    { prepared, network, backend },
    ctx,
  );
  if (!settings.refit || first.result.diverged) return first;
  return withRefit(first, settings, ctx);
}

/** What a fit runs on: the prepared sets, the network resolved for them, the backend. */
interface FitOn {
  prepared: PreparedData;
  network: Network;
  backend: Backend;
}

/** One fit of the settings on the prepared sets, with its record: `lnn train` without --refit and --folds. */
async function fitOnce(settings: TrainSettings, on: FitOn, ctx: TrainContext, stage?: string): Promise<TrainRun> {
  const { prepared, network, backend } = on;
  const schedule = scheduleFor(settings, prepared);
  checkRunFits({ settings, prepared, network, schedule }, backend);
  const model = buildModel(settings, prepared, network, backend);
  try {
    const hyperparameters = hyperparametersOf(settings, network, schedule, model);
    const ready = { settings, prepared, network, schedule, model, ...(stage ? { stage } : {}) };
    const trained = await trainModel(ready, readyOf(ctx)(ready));
    const outcome = { model, schedule, hyperparameters, ...trained };
    const record = runRecordOf(outcome, prepared, ctx.argv ?? []);
    return { ...outcome, settings, prepared, network, record, backend };
  } catch (e) {
    model.dispose();
    throw e;
  }
}

/** The context's callbacks for a fit about to start, with its abort signal. */
function readyOf(ctx: TrainContext): (run: ReadyRun) => RunCallbacks & RunControl {
  return (run) => ({ ...(ctx.onReady?.(run) ?? {}), ...(ctx.signal ? { signal: ctx.signal } : {}) });
}

/** --refit: the first fit's configuration fit again on train + dev, for as long; its model replaces the first. */
async function withRefit(first: TrainRun, settings: TrainSettings, ctx: TrainContext): Promise<TrainRun> {
  const { prepared, network, backend, schedule, result } = first;
  try {
    const plan = { settings, prepared, network, backend, first: schedule };
    const passes = passesOf(schedule, result);
    const length = { passes, length: lengthWords(schedule.full, passes, result.bestIteration !== undefined) };
    const refit = await refitOnTrainDev({ ...plan, ...length }, readyOf(ctx));
    const record = refitRecordOf(first.record, refit);
    return { ...first, settings, model: refit.model, ...(refit.test ? { test: refit.test } : {}), record, refit };
  } finally {
    first.model.dispose();
  }
}

/**
 * --folds K: each fold trained on the others and judged on itself, one after another; the means with
 * their standard error and the diagnosis they give; then the configuration fit on all of train + dev
 * for the folds' mean length, the model kept. A fold that diverges ends the run (no mean means much).
 */
async function crossValidated(settings: TrainSettings, on: FitOn, ctx: TrainContext): Promise<TrainRun> {
  const { prepared, network, backend } = on;
  const plan = foldPlan(prepared, settings);
  const { k } = plan.folds;
  const each: FoldRecord[] = [];
  const passes: number[] = [];
  let first: TrainRun | undefined;
  for (let f = 1; f <= k; f++) {
    const on = { prepared: foldPrepared(prepared, plan, f, settings), network, backend };
    const run = await fitOnce({ ...settings, evaluateTest: false }, on, ctx, `fold ${f} of ${k}`);
    run.model.dispose();
    if (run.result.diverged || !run.dev)
      throw new DataError(`--folds: fold ${f} of ${k} diverged (${run.result.stopped}); try a smaller --lr`);
    each.push(foldRecord(f, run));
    passes.push(passesOf(run.schedule, run.result));
    first ??= run;
  }
  const { stratified } = plan.folds;
  const folds = foldsSummary(each, { k, seed: settings.seed, stratified, examples: plan.union.X.cols });
  const diagnosis = first!.diagnosis ? foldsDiagnosis(folds, settings) : undefined;
  const length = foldsLength(passes, settings.earlyStop !== undefined, first!.schedule.full);
  const refitPlan = { settings, prepared, network, backend, first: first!.schedule, ...length };
  const refit = await refitOnTrainDev(refitPlan, readyOf(ctx));
  const { train: _t, dev: _d, ...fold1 } = first!;
  const outcome = { ...fold1, ...(diagnosis ? { diagnosis } : {}) };
  const record = refitRecordOf(foldsRunRecord(runRecordOf(outcome, prepared, ctx.argv ?? []), folds), refit);
  return {
    ...outcome,
    settings,
    prepared,
    model: refit.model,
    ...(refit.test ? { test: refit.test } : {}),
    record,
    refit,
    folds,
  };
}

/** What one evaluation during training says (Keras's `logs`): errors are fractions for classifiers. */
export interface EpochLogs {
  /** Updates so far. */
  iteration: number;
  /** Passes over the training set so far (mini-batches); absent for full-batch runs. */
  epoch?: number;
  cost?: number;
  trainError: number;
  devError?: number;
  devCost?: number;
  /** With `refit` or `folds`, which fit: 'fold 2 of 5', 'refit on train + dev ...'. */
  stage?: string;
}

/**
 * The options of `train`: `lnn train`'s flags in camelCase, with the same defaults (`lnn train --help`
 * lists them); numbers and lists as values, not texts. Then the library's own: `signal` and callbacks.
 */
export interface TrainOptions extends OptimizerValues {
  /** A path or `builtin:iris` (as --data), a Dataset, or rows and labels. */
  data: DataInput;
  /** --x / --y: features and labels as separate .npy files (instead of data). */
  x?: string;
  y?: string;
  /** The label column of a CSV/JSON file (a name, or a 0-based index, -1 = last). */
  label?: string | number;
  xKey?: string;
  yKey?: string;
  classesKey?: string;
  /** 'mean': fill missing values with the training set's means (kept in the model). */
  impute?: 'mean' | 'none';
  /** Separate dev and test sets (paths), instead of the split. */
  dev?: string;
  test?: string;
  devX?: string;
  devY?: string;
  testX?: string;
  testY?: string;
  devKeys?: string;
  testKeys?: string;
  /** 'auto' (default), 'none', or train,dev,test percentages such as '70,15,15'. */
  split?: string;
  evaluateTest?: boolean;
  /** After the dev evaluation, fit again on train + dev for as long, and return that model (`refit`). */
  refit?: boolean;
  /** k-fold cross-validation over train + dev (K ≥ 2): the folds' figures in `folds`, the model fit on all of them. */
  folds?: number;
  stream?: boolean;
  memory?: string | number;
  shuffle?: string;
  /** n[0..L] in full; or `hidden`, the widths between the data's n[0] and n[L] (default [256, 128]). */
  dims?: number[];
  hidden?: number[] | 'none';
  activation?: string;
  output?: 'sigmoid' | 'softmax' | 'linear';
  alpha?: number;
  /** 'he', 'xavier', 'course', 'scaled:0.01', or a parameters .json file. */
  init?: string;
  lr?: number;
  iterations?: number;
  epochs?: number;
  batchSize?: number;
  /** One of OPTIMIZERS (default 'adam'); its own hyperparameters (`beta1`, ...: OptimizerValues) sit beside it. */
  optimizer?: OptimizerKind;
  l2?: number;
  keepProb?: number;
  seed?: number;
  dtype?: 'float32' | 'float64';
  normalize?: string;
  printCostEvery?: number;
  evalEvery?: number;
  /** Patience: stop when dev error has not improved for this many evaluations. */
  earlyStop?: number;
  minDelta?: number;
  humanError?: number | string;
  /** 'native', 'wasm' or 'ts'; default the fastest available. */
  backend?: string;
  /** Abort between updates: the promise rejects with an AbortError. */
  signal?: AbortSignal;
  /** After each evaluation: each epoch with mini-batches, every `evalEvery` iterations with full batch. */
  onEpochEnd?: (logs: EpochLogs) => void;
  /** After every update; return false to stop training there (the run then ends normally). */
  onIteration?: (s: { iteration: number; total: number; epoch?: number; cost?: number }) => boolean | void;
  /** Each recorded cost (the course's "Cost after iteration i"). */
  onCost?: (p: CostPoint) => void;
  /** Notes the command line prints as `note: ...` (a guessed HDF5 key, streaming from disk). */
  onNote?: (text: string) => void;
  /** Pause, step, resume and change the learning rate as the run goes, with snapshots of its parameters. */
  control?: TrainingControl;
}

/** What `train` gives back. The model is the caller's: `model.dispose()` frees its backend memory. */
export interface TrainOutput {
  model: Model;
  /** How training went: the cost curve and evaluations (`history`), why it stopped, its time. */
  result: TrainResult;
  /** The kept parameters on each set (test only with `evaluateTest: true`); absent after a divergence. */
  train?: Evaluation;
  dev?: Evaluation;
  test?: Evaluation;
  diagnosis?: Diagnosis;
  /** The run record (`lnn train --record`): hyperparameters, data, curves, figures. */
  record: RunRecord;
  /**
   * With `refit` or `folds`: the fit on train + dev that `model` is (its training, its figures on those
   * examples); `result`, `train`, `dev` and `diagnosis` are then the first fit's (fold 1's `result`).
   */
  refit?: { result: TrainResult; train?: Evaluation; record: RefitRecord };
  /** With `folds`: each fold's figures, their means and the dev error's standard error. */
  folds?: FoldsRecord;
}

/** Library-only keys of TrainOptions, read here rather than as flags. */
const OWN_KEYS = ['data', 'signal', 'onEpochEnd', 'onIteration', 'onCost', 'onNote', 'control'];

/**
 * Trains a network as `lnn train` does, from rows and labels, a Dataset or a file, on the fastest
 * backend available. Yields to the event loop as it trains; `signal` aborts it.
 * @example
 * const { model, dev, diagnosis } = await train({ data: { rows, labels }, hidden: [16], epochs: 50 });
 * model.predict([[5.1, 3.5, 1.4, 0.2]]) // => ['setosa']
 * @throws ValueError for an option outside its rule (`keepProb must be a number in (0, 1] but is '1.5'`),
 *   DataError for data that breaks its format, AbortError when `signal` aborts.
 */
export async function train(options: TrainOptions): Promise<TrainOutput> {
  try {
    for (const key of LIBRARY_SKIPS)
      if ((options as unknown as Record<string, unknown>)[key] !== undefined)
        throw new UsageError(`--${key} is for the command line; the library returns the model and its record`);
    const { data } = options;
    const args = argsFrom(options as unknown as Record<string, unknown>, trainOptions, OWN_KEYS);
    const dataset = datasetOf(data, args['impute'] === 'mean');
    if (typeof data === 'string') args['data'] = data;
    const run = await runTraining(args, {
      ...(dataset ? { dataset } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
      ...(options.onNote ? { io: noteSink(options.onNote) } : {}),
      argv: ['train'],
      onReady: (ready) => callbacksOf(options, ready.stage),
    });
    const { model, result, train: t, dev, test, diagnosis, record, refit, folds } = run;
    const refitOut = refit && { result: refit.result, ...defined({ train: refit.train }), record: refit.record };
    return { model, result, ...defined({ train: t, dev, test, diagnosis, refit: refitOut, folds }), record };
  } catch (e) {
    throw inCallersWords(e);
  }
}

/** The data as a Dataset when it is not a path; rows and labels are checked and converted here. */
export function datasetOf(data: DataInput, keepMissing = false): Dataset | undefined {
  if (typeof data === 'string') return undefined;
  if (isRowsAndLabels(data)) return datasetFromRows(data, 'rows', keepMissing);
  if (data && typeof data === 'object' && 'X' in data && 'labels' in data) return data;
  throw new UsageError(
    '--data must be a path (or builtin:iris), a Dataset, or { rows, labels } with one row of features per example',
  );
}

/** Notes as the command line writes them (`note: ...\n` on stderr), handed to `onNote` as plain text. */
function noteSink(onNote: (text: string) => void): Io {
  return { out: () => {}, err: (t) => onNote(t.replace(/^(note|warning): /, '').trimEnd()), errIsTTY: false };
}

function callbacksOf(o: TrainOptions, stage: string | undefined): RunCallbacks {
  return {
    ...(o.onCost ? { onCost: (p: CostPoint) => o.onCost!(p) } : {}),
    ...(o.onEpochEnd ? { onEval: (p: EvalPoint) => o.onEpochEnd!(logsOf(p, stage)) } : {}),
    ...(o.onIteration ? { onIteration: o.onIteration } : {}),
    ...(o.control ? { control: o.control } : {}),
  };
}

function logsOf(p: EvalPoint, stage: string | undefined): EpochLogs {
  const { iteration, epoch, trainCost: cost, devError, devCost, trainError } = p;
  return defined({ stage, iteration, epoch, cost, devError, devCost, trainError });
}
