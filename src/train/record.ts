import type { SplitRecord } from '../data/split-record.js';
import type { Diagnosis } from '../evaluate/diagnose.js';

/** One point of the cost curve: J after `iteration` updates (0 = before the first). */
export interface CostPoint {
  iteration: number;
  cost: number;
  /** Mini-batch training: the epoch this cost averages over (the course's per-epoch cost). */
  epoch?: number;
}

/** One evaluation during training: errors are fractions in [0, 1] (classification) or the cost (regression). */
export interface EvalPoint {
  iteration: number;
  /** Epoch (fractional for mid-epoch evaluations) when training with mini-batches. */
  epoch?: number;
  trainError: number;
  devError?: number;
  trainCost?: number;
  devCost?: number;
}

export interface TrainingHistory {
  costs: CostPoint[];
  evals: EvalPoint[];
}

/**
 * The record of one training run: what was tried and what came of it. Written by `lnn train --record`,
 * embedded in saved models under `run`, read by `lnn report`.
 */
export interface RunRecord {
  format: 'lnn-run';
  version: 1;
  createdAt: string;
  /** The command line, when the run came from the CLI. */
  command?: string[];
  hyperparameters: Record<string, unknown>;
  data: {
    source: string;
    nx: number;
    classes?: string[];
    train: number;
    dev?: number;
    test?: number;
    splitRule?: string;
    /** The seeded split the model was trained on: source, seed, rule, a hash of the example order. */
    split?: SplitRecord;
  };
  history: TrainingHistory;
  result: {
    trainAccuracy?: number;
    devAccuracy?: number;
    testAccuracy?: number;
    trainError?: number;
    devError?: number;
    testError?: number;
    trainCost?: number;
    devCost?: number;
    testCost?: number;
    finalCost?: number;
    iterations: number;
    seconds: number;
    stopped?: string;
  };
  diagnosis?: Diagnosis;
}
