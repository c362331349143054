import { DataError } from '../core/errors.js';
import { Matrix } from '../core/matrix.js';
import type { Dataset } from './dataset.js';
import { sameColumnsOrigin } from './origin.js';
import { quoted } from './table.js';

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
export function countMissing(X: Matrix): number {
  let n = 0;
  for (let k = 0; k < X.data.length; k++) if (Number.isNaN(X.data[k]!)) n++;
  return n;
}

/**
 * Fits mean imputation on the training set. train.X: (n_x, m) with NaN for missing values → means: (n_x).
 * A feature missing in every training example has no mean to fill from: a DataError naming it.
 * @example fitImputer(train).means // => [5.84, 3.05, ...]
 */
export function fitImputer(train: Dataset): Imputer {
  const { X } = train;
  const means: number[] = [];
  const missingInTrain: number[] = [];
  for (let i = 0; i < X.rows; i++) {
    let sum = 0,
      n = 0;
    const row = X.data.subarray(i * X.cols, (i + 1) * X.cols);
    for (let j = 0; j < row.length; j++) {
      const v = row[j]!;
      if (!Number.isNaN(v)) {
        sum += v;
        n++;
      }
    }
    if (n === 0 && X.cols > 0)
      throw new DataError(
        `${train.source}: feature ${featureName(train, i)} is missing in every training example; --impute mean has no value to fill it with`,
      );
    means.push(n === 0 ? 0 : sum / n);
    missingInTrain.push(X.cols - n);
  }
  return { kind: 'mean', means, missingInTrain };
}

/**
 * Fills the missing values of d.X: (n_x, m) with the imputer's means (fitted on train); returns a new
 * data set and leaves `d` as it was. n_x must match the imputer's.
 */
export function applyImputer(d: Dataset, imp: Imputer): Dataset {
  const { X } = d;
  if (X.rows !== imp.means.length)
    throw new DataError(
      `${d.source}: has n_x = ${X.rows} features but the imputer was fitted on ${imp.means.length}; they must match`,
    );
  const out = new Matrix(X.rows, X.cols, X.data.slice());
  for (let i = 0; i < X.rows; i++) {
    const mean = imp.means[i]!;
    for (let k = i * X.cols; k < (i + 1) * X.cols; k++) if (Number.isNaN(out.data[k]!)) out.data[k] = mean;
  }
  sameColumnsOrigin(X, out);
  return { ...d, X: out };
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
  const { X, labels } = d;
  if (X.cols === 0) throw new DataError(`${d.source}: has no examples (m = 0)`);
  if (labels.cols !== X.cols)
    throw new DataError(
      `${d.source}: X has m = ${X.cols} examples but the labels have ${labels.cols}; they must match one to one`,
    );
  for (let k = 0; k < X.data.length; k++) {
    const v = X.data[k]!;
    if (!Number.isNaN(v) && !Number.isFinite(v))
      throw new DataError(
        `${d.source}: feature ${Math.floor(k / X.cols)} of example ${k % X.cols} is ${v}; features must be finite numbers`,
      );
  }
  for (let k = 0; k < labels.data.length; k++)
    if (!Number.isFinite(labels.data[k]!))
      throw new DataError(
        `${d.source}: label of example ${k % labels.cols} is ${labels.data[k]}; labels must be finite numbers`,
      );
}
