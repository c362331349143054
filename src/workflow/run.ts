import type { TrainingControl } from '../train/control.js';
import type { Backend } from '../backend/backend.js';
import { defined } from '../core/defined.js';
import { featureSource, STORED_TYPES } from '../data/features.js';
import { leanTargets } from '../data/targets.js';
import { fitNormalization, normalizeName } from '../data/prepare/normalize.js';
import { diagnose, type Diagnosis } from '../evaluate/diagnose.js';
import type { Evaluation } from '../evaluate/metrics.js';
import { Model, type FitOptions } from '../train/model.js';
import { checkMemory, estimateTrainingMemory } from '../train/memory.js';
import { blockLayout, type Shuffle } from '../train/order.js';
import { defaultBatchSize, makeSchedule, type Schedule } from '../train/schedule.js';
import type { CostPoint, EvalPoint } from '../train/run-record.js';
import type { TrainResult } from '../train/trainer.js';
import { machineMemory } from './machine.js';
import type { Network, PreparedData } from './prepare.js';
import type { TrainSettings } from './settings.js';

/** One finished training run: the model, how training went, and the figures on each set. */
export interface TrainOutcome {
  model: Model;
  schedule: Schedule;
  result: TrainResult;
  /** On whole sets with the final (or best) parameters; absent after a divergence (the parameters are unusable). */
  train?: Evaluation;
  dev?: Evaluation;
  test?: Evaluation;
  diagnosis?: Diagnosis;
  hyperparameters: Record<string, unknown>;
}

/**
 * What a run tells as it goes: each recorded cost (`evaluated`: an evaluation of the same iteration
 * follows), each evaluation, and each update (return false to stop after it: a sweep prunes a losing
 * trial this way). The command line draws its progress from these; a library caller passes its own.
 */
export interface RunCallbacks {
  onCost?: (p: CostPoint, info: { evaluated: boolean }) => void;
  onEval?: (p: EvalPoint) => void;
  onIteration?: (s: { iteration: number; total: number; epoch?: number; cost?: number }) => boolean | void;
  /** Pause, step, resume and a new learning rate between updates (a page's buttons). */
  control?: TrainingControl;
}

/** A run planned on the prepared sets, before its model exists: what checkRunFits measures. */
export interface PlannedRun {
  settings: TrainSettings;
  prepared: PreparedData;
  network: Network;
  schedule: Schedule;
}

/** A run about to start: what the command line announces, and what its progress display is made for. */
export interface ReadyRun extends PlannedRun {
  model: Model;
  /** Which of several fits this is: 'fold 2 of 5', 'refit on train + dev ...'; absent for a run's one fit. */
  stage?: string;
}

/** How a run goes on: synchronously (a sweep's trial in its own thread), or yielding, abortable. */
export interface RunControl {
  /** Abort between updates: the run rejects with an AbortError, the model keeping its last update. */
  signal?: AbortSignal;
}

/**
 * The schedule of a run on these sets: the settings' batch size, or for m examples: with epochs,
 * mini-batches that suit m (epochBatchSize); else the course's rule (full batch up to 2,000 examples,
 * else mini-batches of 64).
 */
export function scheduleFor(settings: TrainSettings, prepared: PreparedData): Schedule {
  const m = prepared.sets.train.X.cols;
  return makeSchedule(m, {
    iterations: settings.iterations,
    epochs: settings.epochs,
    batchSize: settings.batchSize ?? defaultBatchSize(m, settings),
  });
}

/**
 * Refuses a network that cannot fit in the backend's or the machine's memory, before anything is
 * allocated (a width of 10^9 would otherwise allocate for minutes before failing).
 */
export function checkRunFits(run: PlannedRun, backend: Backend): void {
  const { settings, prepared, network, schedule } = run;
  const { data, sets } = prepared;
  const storage = prepared.storage ?? { streamed: false, bytes: featureSource(data.X).memoryBytes };
  const shuffle = prepared.shuffle ?? { kind: 'examples' };
  const train = featureSource(sets.train.X);
  const rowBytes = train.rows * STORED_TYPES[train.stored].bytes;
  const estimate = estimateTrainingMemory({
    dims: network.dims,
    dtype: settings.dtype,
    batchSize: schedule.batchSize,
    m: schedule.m,
    ...(prepared.dev ? { devM: prepared.dev.X.cols } : {}),
    optimizer: settings.optimizer,
    dropout: settings.keepProb < 1,
    earlyStop: settings.earlyStop !== undefined,
    dataBytes: storage.bytes,
    ...(storage.streamed && !schedule.full
      ? {
          streamBytes: streamRingBytes(shuffle, {
            rowBytes,
            batchSize: schedule.batchSize,
            m: train.cols,
            spread: data.X.cols / train.cols,
          }),
        }
      : {}),
    // The labels of the whole set and the copies the sets take, and the class of each training example.
    labelBytes: 2 * data.labels.data.byteLength + 4 * schedule.m,
  });
  const machineBytes = machineMemory().total;
  checkMemory(estimate, { machineBytes, backendBytes: backend.memoryLimit, backendName: backend.name });
}

/**
 * The read-ahead ring of a streamed run: 4 buffers of K blocks of B rows (order.ts), each block's rows
 * spread over `spread` times as many file rows by the held-out examples between them; never more blocks
 * than the file has.
 */
function streamRingBytes(
  shuffle: Shuffle,
  { rowBytes, batchSize, m, spread }: { rowBytes: number; batchSize: number; m: number; spread: number },
): number {
  const { B, K } = blockLayout(shuffle, rowBytes, batchSize);
  const blocks = Math.min(K, Math.ceil(m / B));
  return 4 * blocks * Math.ceil(Math.min(B * spread, m * spread)) * rowBytes;
}

/** Builds the model: its parameters initialized, its normalization fitted on train alone. */
export function buildModel(settings: TrainSettings, prepared: PreparedData, network: Network, backend: Backend): Model {
  const { data, sets } = prepared;
  const model = Model.create({
    dims: network.dims,
    activations: network.activations,
    alpha: settings.alpha,
    init: network.init,
    seed: settings.seed,
    dtype: settings.dtype,
    backend,
    ...(data.classes ? { classes: data.classes, ...(data.classKind ? { classKind: data.classKind } : {}) } : {}),
    ...(data.featureNames ? { featureNames: data.featureNames } : {}),
    normalize: fitNormalization(sets.train.X, settings.normalize),
  });
  model.imputer = prepared.imputer;
  model.split = sets.split;
  return model;
}

/** What the run record and --json say was tried. */
export function hyperparametersOf(
  settings: TrainSettings,
  network: Network,
  schedule: Schedule,
  model: Model,
): Record<string, unknown> {
  return {
    dims: network.dims,
    activations: network.activations,
    alpha: settings.alpha,
    init: network.initLabel,
    seed: settings.seed,
    dtype: settings.dtype,
    backend: model.backend.name,
    threads: model.backend.threads,
    optimizer: settings.optimizer,
    learningRate: settings.learningRate,
    ...settings.optimizerValues,
    batchSize: schedule.batchSize,
    iterations: schedule.iterations,
    ...defined({ epochs: schedule.epochs }),
    l2: settings.l2,
    keepProb: settings.keepProb,
    ...(settings.keepProb < 1 ? { dropoutRng: settings.dropoutRng } : {}),
    normalize: normalizeName(model.normalization!),
    loss: model.arch.loss,
    ...(settings.earlyStop ? { earlyStop: settings.earlyStop } : {}),
  };
}

/**
 * Trains the model on the prepared sets with the settings (yielding to the event loop as it goes), then
 * measures train, dev (and, with --evaluate-test, test) with the kept parameters and reads the
 * bias/variance diagnosis.
 */
export async function trainModel(
  run: Pick<ReadyRun, 'settings' | 'prepared' | 'model' | 'schedule'>,
  callbacks: RunCallbacks & RunControl = {},
): Promise<Omit<TrainOutcome, 'hyperparameters' | 'schedule' | 'model'>> {
  const { settings, prepared, model, schedule } = run;
  const result = await model.fit(
    prepared.sets.train.X,
    prepared.Y,
    fitOptions(settings, prepared, schedule, callbacks),
  );
  if (result.diverged && result.bestIteration === undefined) return { result };
  return { result, ...measureSets(settings, prepared, model, result) };
}

/** Train, dev and (with --evaluate-test) test figures of the kept parameters, and the diagnosis. */
function measureSets(
  settings: TrainSettings,
  prepared: PreparedData,
  model: Model,
  result: TrainResult,
): Pick<TrainOutcome, 'train' | 'dev' | 'test' | 'diagnosis'> {
  const { sets, dev, output } = prepared;
  const train = model.evaluate(sets.train.X, prepared.Y);
  const devEval = dev ? model.evaluate(dev.X, dev.Y) : undefined;
  const test =
    sets.test && settings.evaluateTest ? model.evaluate(sets.test.X, leanTargets(sets.test, output)) : undefined;
  const diagnosis =
    devEval && model.isClassifier && !result.diverged
      ? diagnose({
          trainError: train.error,
          devError: devEval.error,
          humanError: settings.humanError,
          trainSize: train.m,
          devSize: devEval.m,
          tried: { optimizer: settings.optimizer, l2: settings.l2, keepProb: settings.keepProb },
        })
      : undefined;
  return {
    train,
    ...(devEval ? { dev: devEval } : {}),
    ...(test ? { test } : {}),
    ...(diagnosis ? { diagnosis } : {}),
  };
}

/** The settings as the trainer's options, with the run's callbacks. */
function fitOptions(
  settings: TrainSettings,
  prepared: PreparedData,
  schedule: Schedule,
  callbacks: RunCallbacks & RunControl,
): FitOptions {
  const { full, iterations } = schedule;
  const { evalEvery, earlyStop } = settings;
  return {
    learningRate: settings.learningRate,
    iterations,
    ...(full ? {} : { batchSize: schedule.batchSize }),
    optimizer: settings.optimizer,
    ...settings.optimizerValues,
    l2: settings.l2,
    keepProb: settings.keepProb,
    dropoutRng: settings.dropoutRng,
    seed: settings.seed,
    ...(prepared.shuffle ? { shuffle: prepared.shuffle } : {}),
    costEvery: settings.costEvery,
    ...defined({ evalEvery }),
    ...(prepared.dev ? { dev: prepared.dev } : {}),
    ...(earlyStop ? { earlyStop } : {}),
    ...callbacks,
  };
}
