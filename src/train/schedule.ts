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
  /** Undefined or ≥ m: full batch. */
  batchSize?: number | undefined;
}

/**
 * The schedule for m examples: full batch when batchSize is undefined or ≥ m; `iterations` updates, or
 * `epochs` passes, or by default 2500 iterations (full batch) / 20 epochs (mini-batches).
 * @example makeSchedule(10000, { batchSize: 64, epochs: 2 }) // => { full: false, perEpoch: 157, iterations: 314, epochs: 2, ... }
 */
export function makeSchedule(m: number, o: ScheduleOptions): Schedule {
  if (m === 0) throw new ValueError('cannot train on m = 0 examples');
  if (o.iterations !== undefined && o.epochs !== undefined) throw new ValueError('give iterations or epochs, not both');
  checkHyperparameter('iterations', o.iterations);
  checkHyperparameter('epochs', o.epochs);
  checkHyperparameter('batchSize', o.batchSize);
  const full = o.batchSize === undefined || o.batchSize >= m;
  const batchSize = full ? m : o.batchSize!;
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
