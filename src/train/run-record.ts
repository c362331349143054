import type { SplitRecord } from '../data/prepare/split-record.js';
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
    /** With early stopping: the iteration whose parameters were kept (a refit trains that long). */
    bestIteration?: number;
    seconds: number;
    stopped?: string;
  };
  diagnosis?: Diagnosis;
  /**
   * The model was fit again on train + dev after its dev evaluation (--refit). `result`, `history` and
   * `diagnosis` stay those of the first fit (trained on `data.train`, judged on `data.dev`): the dev
   * figures estimate the configuration, not this model, which has seen dev. The test figures, when
   * there are any, are this model's.
   */
  refit?: RefitRecord;
  /**
   * k-fold cross-validation (--folds K): `result`'s train and dev figures are the means over the folds
   * (dev error with its standard error here), `history` is fold 1's, `diagnosis` reads the means.
   */
  folds?: FoldsRecord;
}

/** The fit on train + dev that a refit model is (RunRecord.refit). */
export interface RefitRecord {
  /** Examples it was fit on: every example of train and dev. */
  train: number;
  /** Which, in words: 'train + dev of the split (90 + 30)'. */
  sets: string;
  iterations: number;
  /** Passes over its examples (mini-batches). */
  epochs?: number;
  batchSize: number;
  /** Why that long: "the first fit's 50 epochs", "the first fit's early-stopping epoch (23)". */
  length: string;
  /** Its figures on the examples it was fit on (its training error). */
  trainAccuracy?: number;
  trainError?: number;
  trainCost?: number;
  finalCost: number;
  seconds: number;
  stopped: string;
}

/** One fold of a cross-validation: trained on the other folds, judged on this one. */
export interface FoldRecord {
  /** 1..K. */
  fold: number;
  /** Examples it trained on and was judged on. */
  train: number;
  dev: number;
  trainAccuracy?: number;
  trainError: number;
  trainCost: number;
  devAccuracy?: number;
  devError: number;
  devCost: number;
  iterations: number;
  bestIteration?: number;
  seconds: number;
  stopped: string;
}

/** k-fold cross-validation of one configuration over train + dev (RunRecord.folds). */
export interface FoldsRecord {
  k: number;
  /** The examples the folds partition: train + dev. */
  examples: number;
  /** The folds' seed (--seed) and whether each class was spread over them in its proportion. */
  seed: number;
  stratified: boolean;
  /** The mean over the folds, and the standard error of the mean dev error (their standard deviation / √K). */
  trainError: number;
  devError: number;
  devSE: number;
  devAccuracy?: number;
  devCost: number;
  each: FoldRecord[];
}
