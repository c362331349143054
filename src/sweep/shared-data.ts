/**
 * The sets of a sweep, made once and shared by every trial thread without copies: each matrix moves
 * into a SharedArrayBuffer, and the threads rebuild the same PreparedData over it.
 */
import { Matrix } from '../core/matrix.js';
import type { Dataset, OutputKind } from '../data/dataset.js';
import { toMatrix, type Features } from '../data/features.js';
import { targetsMatrix, type Targets } from '../data/targets.js';
import type { Imputer } from '../data/prepare/impute.js';
import type { SplitRecord } from '../data/prepare/split-record.js';
import type { PreparedData } from '../workflow/prepare.js';

interface SharedMatrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

/** What a trial thread needs of the prepared data: train and dev (never test), their targets, the names. */
export interface SharedSets {
  source: string;
  classes?: string[];
  featureNames?: string[];
  output: OutputKind;
  rule: string;
  /** The split of the sweep's data, for each trial's run record (and so the best model's). */
  split?: SplitRecord;
  imputer?: Imputer;
  train: { X: SharedMatrix; labels: SharedMatrix };
  dev?: { X: SharedMatrix; labels: SharedMatrix; Y: SharedMatrix };
  Y: SharedMatrix;
  /** With --folds and --impute mean: train and dev before imputation, which each fold imputes on its own. */
  unimputed?: { train: { X: SharedMatrix; labels: SharedMatrix }; dev?: { X: SharedMatrix; labels: SharedMatrix } };
}

/**
 * One matrix in shared memory, (rows, cols) as given: X (n_x, m) or Y (n[L], m). Sweeps hold their sets in memory (trials in threads read them side by
 * side), so features kept in the file's dtype or behind a view are materialized here, within toMatrix's guard.
 */
function share(X: Features | Targets): SharedMatrix {
  const M = X instanceof Matrix ? X : 'materialize' in X ? toMatrix(X as Features) : targetsMatrix(X as Targets);
  const data = new Float64Array(new SharedArrayBuffer(M.size * 8));
  data.set(M.data);
  return { rows: M.rows, cols: M.cols, data };
}

function unshare(s: SharedMatrix): Matrix {
  return new Matrix(s.rows, s.cols, s.data);
}

/**
 * The train and dev sets in shared memory (the test set stays with the sweep: trials never see it);
 * with `folds`, also as they were before imputation (each fold fits its own imputer).
 */
export function shareSets(p: PreparedData, folds = false): SharedSets {
  const { data, sets } = p;
  const raw = folds ? p.unimputed : undefined;
  const pair = (d: Dataset) => ({ X: share(d.X), labels: share(d.labels) });
  return {
    ...(raw ? { unimputed: { train: pair(raw.train), ...(raw.dev ? { dev: pair(raw.dev) } : {}) } } : {}),
    source: data.source,
    ...(data.classes ? { classes: data.classes } : {}),
    ...(data.featureNames ? { featureNames: data.featureNames } : {}),
    output: p.output,
    rule: sets.rule,
    ...(sets.split ? { split: sets.split } : {}),
    ...(p.imputer ? { imputer: p.imputer } : {}),
    train: { X: share(sets.train.X), labels: share(sets.train.labels) },
    ...(sets.dev && p.dev ? { dev: { X: share(sets.dev.X), labels: share(sets.dev.labels), Y: share(p.dev.Y) } } : {}),
    Y: share(p.Y),
  };
}

/** PreparedData over the shared memory: `data` is the training set under the data's name and classes. */
export function preparedFrom(s: SharedSets): PreparedData {
  const named = (X: Matrix, labels: Matrix): Dataset => ({
    X,
    labels,
    source: s.source,
    ...(s.classes ? { classes: s.classes } : {}),
    ...(s.featureNames ? { featureNames: s.featureNames } : {}),
  });
  const train = named(unshare(s.train.X), unshare(s.train.labels));
  const dev = s.dev ? named(unshare(s.dev.X), unshare(s.dev.labels)) : undefined;
  const raw = s.unimputed;
  const rawDev = raw?.dev ? named(unshare(raw.dev.X), unshare(raw.dev.labels)) : undefined;
  return {
    ...(raw
      ? {
          unimputed: {
            train: named(unshare(raw.train.X), unshare(raw.train.labels)),
            ...(rawDev ? { dev: rawDev } : {}),
          },
        }
      : {}),
    data: train,
    sets: { train, ...(dev ? { dev } : {}), rule: s.rule, ...(s.split ? { split: s.split } : {}) },
    ...(s.imputer ? { imputer: s.imputer } : {}),
    output: s.output,
    Y: unshare(s.Y),
    ...(dev && s.dev ? { dev: { X: dev.X, Y: unshare(s.dev.Y) } } : {}),
  };
}
