import { ValueError } from '../core/errors.js';
import { checkHyperparameter } from '../nn/hyperparameters.js';

/** The course's num_iterations for full-batch training. */
export const DEFAULT_ITERATIONS = 2500;
/** Passes over the data for mini-batch training when neither iterations nor epochs are given. */
export const DEFAULT_EPOCHS = 20;
/** The course's rule (Course 2, Week 2): up to 2,000 examples, batch gradient descent; beyond, mini-batches of 64. */
export const FULL_BATCH_LIMIT = 2000;
export const DEFAULT_MINI_BATCH = 64;

/** How many updates a run makes, on batches of what size: computed once, read by the trainer and the CLI. */
export interface Schedule {
  /** Training examples. */
  m: number;
  /** One iteration = one step on all m examples (batch gradient descent). */
  full: boolean;
  /** Examples per update (m when full). */
  batchSize: number;
  /** Updates per pass over the data (1 when full). */
  perEpoch: number;
  /** Updates in all. */
  iterations: number;
  /** Passes over the data (mini-batches only): iterations / perEpoch. */
  epochs?: number;
}

export interface ScheduleOptions {
  iterations?: number | undefined;
  epochs?: number | undefined;
  /** ≥ m: full batch. Undefined: full batch with `iterations` (or neither), epochBatchSize(m) with `epochs`. */
  batchSize?: number | undefined;
}

/**
 * The schedule for m examples: `iterations` updates, or `epochs` passes in mini-batches (of batchSize, else
 * epochBatchSize(m)), or by default 2500 iterations (full batch) / 20 epochs (mini-batches). Full batch when
 * batchSize ≥ m, or when it is undefined without `epochs`.
 * @example makeSchedule(10000, { batchSize: 64, epochs: 2 }) // => { full: false, perEpoch: 157, iterations: 314, epochs: 2, ... }
 */
export function makeSchedule(m: number, o: ScheduleOptions): Schedule {
  if (m === 0) throw new ValueError('cannot train on m = 0 examples');
  if (o.iterations !== undefined && o.epochs !== undefined) throw new ValueError('give iterations or epochs, not both');
  checkHyperparameter('iterations', o.iterations);
  checkHyperparameter('epochs', o.epochs);
  checkHyperparameter('batchSize', o.batchSize);
  // Epochs are passes in mini-batches, here as in `lnn train`: without a batch size, epochBatchSize's.
  const given = o.batchSize ?? (o.epochs !== undefined ? epochBatchSize(m) : undefined);
  const full = given === undefined || given >= m;
  const batchSize = full ? m : given;
  const perEpoch = Math.ceil(m / batchSize);
  const iterations =
    o.iterations ??
    (o.epochs !== undefined ? o.epochs * perEpoch : full ? DEFAULT_ITERATIONS : DEFAULT_EPOCHS * perEpoch);
  return { m, full, batchSize, perEpoch, iterations, ...(full ? {} : { epochs: iterations / perEpoch }) };
}

/** The course's default batch size for m examples: all of them up to 2,000 (undefined = full batch), else 64. */
export function courseBatchSize(m: number): number | undefined {
  return m <= FULL_BATCH_LIMIT ? undefined : DEFAULT_MINI_BATCH;
}

/** The largest batch `--epochs` takes on its own up to m = 2,000: Keras's default. */
export const SMALL_MINI_BATCH = 32;
/** The smallest one, for the smallest sets. */
export const MIN_EPOCH_BATCH = 4;
/** Up to m = 2,000, an epoch makes at least this many updates (when MIN_EPOCH_BATCH allows). */
export const UPDATES_PER_EPOCH = 16;

/**
 * The batch size of `--epochs N` without `--batch-size`: an epoch is a pass in mini-batches, always.
 * Above m = 2,000, 64 (the course's); up to 2,000, m/16 rounded down to a power of two, between 4 and
 * 32, so that a small set's epoch still makes about 16 updates: 50 epochs of 90 iris examples in
 * batches of 32 would be 150 Adam steps, too few to fit it (dev 55%); in batches of 4, 1,150 (dev 91%).
 * @example epochBatchSize(90) // => 4;  epochBatchSize(1000) // => 32;  epochBatchSize(6000) // => 64
 */
export function epochBatchSize(m: number): number {
  if (m > FULL_BATCH_LIMIT) return DEFAULT_MINI_BATCH;
  const b = 2 ** Math.floor(Math.log2(Math.max(1, m / UPDATES_PER_EPOCH)));
  return Math.min(SMALL_MINI_BATCH, Math.max(MIN_EPOCH_BATCH, b));
}

/**
 * The batch size when none is given: `epochs` are passes in mini-batches (epochBatchSize); `iterations`,
 * and neither, keep the course's rule (full batch up to 2,000 examples, else 64).
 */
export function defaultBatchSize(m: number, o: { epochs?: number | undefined }): number | undefined {
  return o.epochs !== undefined ? epochBatchSize(m) : courseBatchSize(m);
}
