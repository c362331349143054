/**
 * `train`: everything `lnn train` does, as one async call — data (a path, a Dataset, or rows and labels)
 * → train/dev/test sets → the network → the run → the figures on each set, the bias/variance diagnosis
 * and the run record. The command line is a thin shell over `runTraining`, which both share: the same
 * options (the flags, camelCase here), the same defaults (one table, options.ts), the same checks.
 */
import type { Backend } from '../backend/backend.js';
import type { Dataset } from '../data/dataset.js';
import type { Diagnosis } from '../evaluate/diagnose.js';
import type { Evaluation } from '../evaluate/metrics.js';
import type { Model } from '../train/model.js';
import type { CostPoint, EvalPoint, RunRecord } from '../train/record.js';
import type { Schedule } from '../train/schedule.js';
import type { TrainingControl } from '../train/control.js';
import type { TrainResult } from '../train/trainer.js';
import { argsFrom, inCallersWords } from './camel.js';
import { datasetFromRows, isRowsAndLabels, type DataInput } from '../data/rows-input.js';
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
  type RunCallbacks,
  type TrainOutcome,
} from './run.js';
import { parseTrainSettings, type TrainSettings } from './settings.js';
import { runRecordOf } from './summary.js';

/** A run about to start: what the command line announces, and what its progress display is made for. */
export interface ReadyRun {
  settings: TrainSettings;
  prepared: PreparedData;
  network: Network;
  schedule: Schedule;
  model: Model;
}

/** Everything a run needs besides its options. */
export interface TrainContext {
  /** Where notes go (a guessed HDF5 key, streaming); absent: nowhere. */
  io?: Io;
  /** The data itself, instead of the data options' files. */
  dataset?: Dataset;
  /** The command line, for the record. */
  argv?: readonly string[];
  signal?: AbortSignal;
  /** The callbacks of the run, made once the model exists (a progress display needs its size). */
  onReady?: (run: ReadyRun) => RunCallbacks;
}

/** A finished run: the outcome, the sets it ran on, and its record. The caller disposes `model`. */
export interface TrainRun extends TrainOutcome {
  settings: TrainSettings;
  prepared: PreparedData;
  network: Network;
  record: RunRecord;
  backend: Backend;
}

const QUIET: Io = { out: () => {}, err: () => {}, errIsTTY: false };

/**
 * One training run from options in the flags' form: parse and check them, read the data and make the
 * sets, build the network (refused before allocation when it cannot fit in memory), train, measure.
 */
export async function runTraining(args: Parsed, ctx: TrainContext = {}): Promise<TrainRun> {
  const io = ctx.io ?? QUIET;
  const settings = parseTrainSettings(args);
  const backend = await chooseBackend(args);
  const prepared = await prepareData(args, settings, io, ctx.dataset ? { dataset: ctx.dataset } : {});
  if (settings.earlyStop && !prepared.dev)
    throw new UsageError('--early-stop needs a dev set: keep the default --split or give --dev');
  const network = resolveNetwork(settings, prepared);
  const schedule = scheduleFor(settings, prepared);
  checkRunFits(settings, prepared, network, schedule, backend);
  const model = buildModel(settings, prepared, network, backend);
  try {
    const hyperparameters = hyperparametersOf(settings, network, schedule, model);
    const callbacks = ctx.onReady?.({ settings, prepared, network, schedule, model }) ?? {};
    const trained = await trainModel(settings, prepared, model, schedule, {
      ...callbacks,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const outcome = { model, schedule, hyperparameters, ...trained };
    const record = runRecordOf(outcome, prepared, ctx.argv ?? []);
    return { ...outcome, settings, prepared, network, record, backend };
  } catch (e) {
    model.dispose();
    throw e;
  }
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
}

/**
 * The options of `train`: `lnn train`'s flags in camelCase, with the same defaults (`lnn train --help`
 * lists them); numbers and lists as values, not texts. Then the library's own: `signal` and callbacks.
 */
export interface TrainOptions {
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
  optimizer?: 'gd' | 'momentum' | 'adam';
  beta?: number;
  beta1?: number;
  beta2?: number;
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
      onReady: () => callbacksOf(options),
    });
    const { model, result, train: t, dev, test, diagnosis, record } = run;
    return { model, result, ...opt({ train: t, dev, test, diagnosis }), record };
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

function callbacksOf(o: TrainOptions): RunCallbacks {
  return {
    ...(o.onCost ? { onCost: (p: CostPoint) => o.onCost!(p) } : {}),
    ...(o.onEpochEnd ? { onEval: (p: EvalPoint) => o.onEpochEnd!(logsOf(p)) } : {}),
    ...(o.onIteration ? { onIteration: o.onIteration } : {}),
    ...(o.control ? { control: o.control } : {}),
  };
}

function logsOf(p: EvalPoint): EpochLogs {
  return {
    iteration: p.iteration,
    ...opt({ epoch: p.epoch, cost: p.trainCost, devError: p.devError, devCost: p.devCost }),
    trainError: p.trainError,
  };
}

/** The members whose value is defined. */
function opt<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as never;
}
