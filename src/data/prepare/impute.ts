import { DataError } from '../../core/errors.js';
import { Matrix } from '../../core/matrix.js';
import { validateDataset, type Dataset } from '../dataset.js';
import {
  ColumnFeatures,
  featureSource,
  STATS_CHUNK,
  type FeatureSource,
  type Features,
  type StoredType,
} from '../features.js';
import type { Affine } from '../gather.js';
import { sameColumnsOrigin } from '../origin.js';
import { FeatureStats } from '../stats.js';
import { quoted } from '../read/table.js';

/**
 * Mean imputation fitted on TRAIN only: a missing feature value (NaN, as the CSV and JSON readers keep
 * it with `--impute mean`) is replaced by that feature's mean over the training examples that have
 * it, in train, dev, test and at predict time alike, so dev and test never leak into training.
 * Browser-safe: no Node imports.
 */
export interface Imputer {
  kind: 'mean';
  /** Per-feature means over the training set's present values: length n_x. */
  means: number[];
  /** How many values each feature was missing in the training set: length n_x. */
  missingInTrain: number[];
}

/** The number of NaN (missing) entries in X: (n_x, m). */
export function countMissing(X: Features): number {
  let n = 0;
  featureSource(X).chunks(STATS_CHUNK, (values, count) => {
    const len = count * X.rows;
    for (let k = 0; k < len; k++) if (Number.isNaN(values[k]!)) n++;
  });
  return n;
}

/**
 * Fits mean imputation on the training set. train.X: (n_x, m) with NaN for missing values → means: (n_x).
 * A feature missing in every training example has no mean to fill from: a DataError naming it.
 * @example fitImputer(train).means // => [5.84, 3.05, ...]
 */
export function fitImputer(train: Dataset): Imputer {
  const X = featureSource(train.X);
  // One streaming pass: the running sum of each feature's present values, in example order.
  const stats = new FeatureStats(X.rows, { sums: true, moments: false });
  X.chunks(STATS_CHUNK, (values, count) => stats.addRows(values, count));
  const means: number[] = [];
  const missingInTrain: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    const n = stats.count[i]!;
    if (n === 0 && X.cols > 0)
      throw new DataError(
        `${train.source}: feature ${featureName(train, i)} is missing in every training example; --impute mean has no value to fill it with`,
      );
    means.push(n === 0 ? 0 : stats.sums![i]! / n);
    missingInTrain.push(X.cols - n);
  }
  return { kind: 'mean', means, missingInTrain };
}

/**
 * Fills the missing values of d.X: (n_x, m) with the imputer's means (fitted on train); returns a new
 * data set and leaves `d` as it was. n_x must match the imputer's. A Matrix X is copied and filled; any
 * other holder (a view of a split, a file) is wrapped, and filled as its values are read.
 */
export function applyImputer(d: Dataset, imp: Imputer): Dataset {
  const { X } = d;
  if (X.rows !== imp.means.length)
    throw new DataError(
      `${d.source}: has n_x = ${X.rows} features but the imputer was fitted on ${imp.means.length}; they must match`,
    );
  if (!(X instanceof Matrix)) return { ...d, X: new ImputedFeatures(X, Float64Array.from(imp.means)) };
  const out = new Matrix(X.rows, X.cols, X.data.slice());
  for (let i = 0; i < X.rows; i++) {
    const mean = imp.means[i]!;
    for (let k = i * X.cols; k < (i + 1) * X.cols; k++) if (Number.isNaN(out.data[k]!)) out.data[k] = mean;
  }
  sameColumnsOrigin(X, out);
  return { ...d, X: out };
}

/** Features whose missing values (NaN) read as the training means: a view, filled as it is read. */
export class ImputedFeatures implements FeatureSource {
  constructor(
    readonly inner: FeatureSource,
    readonly means: Float64Array,
  ) {}
  get rows(): number {
    return this.inner.rows;
  }
  get cols(): number {
    return this.inner.cols;
  }
  get source(): string {
    return this.inner.source;
  }
  get stored(): StoredType {
    return this.inner.stored;
  }
  get onDisk(): boolean {
    return this.inner.onDisk;
  }
  get memoryBytes(): number {
    return this.inner.memoryBytes;
  }
  take(index: ArrayLike<number>): FeatureSource {
    return new ImputedFeatures(this.inner.take(index), this.means);
  }
  gather(order: ArrayLike<number>, start: number, dst: Matrix, f: Affine): void {
    this.inner.gather(order, start, dst, { ...f, fill: this.means });
  }
  chunks(size: number, visit: (values: ArrayLike<number>, count: number, start: number) => void): void {
    const n = this.rows;
    this.inner.chunks(size, (values, count, start) => {
      const out = Float64Array.from({ length: count * n }, (_, t) => values[t]!);
      for (let t = 0; t < out.length; t++) if (out[t] !== out[t]) out[t] = this.means[t % n]!;
      visit(out, count, start);
    });
  }
  examples(): ArrayLike<number> {
    return this.inner.examples();
  }
  entry(row: number, col: number): { value: number; where: string } {
    const e = this.inner.entry(row, col);
    return Number.isNaN(e.value) ? { ...e, value: this.means[row]! } : e;
  }
  materialize(limitBytes?: number): Matrix {
    const M = this.inner.materialize(limitBytes);
    // A matrix without a view is handed out as it is: fill a copy, never the caller's data.
    const shared = this.inner instanceof ColumnFeatures && !this.inner.index;
    const out = shared ? new Matrix(M.rows, M.cols, M.data.slice()) : M;
    for (let i = 0; i < out.rows; i++)
      for (let k = i * out.cols; k < (i + 1) * out.cols; k++)
        if (Number.isNaN(out.data[k]!)) out.data[k] = this.means[i]!;
    return out;
  }
}

/**
 * Fits on `train` and fills `train` and every other set from train's means.
 * @example const [trainF, devF, testF] = imputeMean(train, dev, test);
 */
export function imputeMean(train: Dataset, ...others: Dataset[]): Dataset[] {
  const imp = fitImputer(train);
  return [train, ...others].map((d) => applyImputer(d, imp));
}

function featureName(d: Dataset, i: number): string {
  const name = d.featureNames?.[i];
  return name !== undefined ? `${quoted(name)} (row ${i} of X)` : `${i} (row ${i} of X)`;
}

/**
 * validateDataset's rules with missing values allowed: as many labels as examples, labels finite,
 * every feature finite or NaN (missing, to be filled by an imputer fitted on train). Names the
 * example (column) and feature (row) that breaks them.
 */
export function validateAllowingMissing(d: Dataset): void {
  validateDataset(d, { keep: true });
}
