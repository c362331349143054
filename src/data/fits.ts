import { DataError } from '../core/errors.js';
import { zeros, type DType, type Matrix } from '../core/matrix.js';
import { normalizeName, type Normalization } from './prepare/normalize.js';
import { describeEntry } from './origin.js';
import { firstNonFinite } from './gather.js';

/**
 * Values the pipeline makes non-finite although the data holds finite numbers: 1e308 is a float64 but
 * not a float32 (it becomes Infinity), and a normalization can push a value past either limit. Checked
 * where the data is converted for the network, and named as the user finds it in the file.
 * Browser-safe.
 */

/**
 * Why a missing feature value met while training or evaluating is refused, and what to do: it reaches
 * the network only when no imputer filled it, in `lnn train` as in `lnn eval` of a model trained without
 * one, so the advice holds for both.
 */
const UNFILLED =
  "features must be finite numbers: fill it in, or pass --impute mean to lnn train to fill it with the feature's mean over the training set";

/** The largest finite float32, (2 − 2⁻²³)·2¹²⁷. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Checks that `converted` (raw after `normalization`, in converted's dtype) holds only finite values;
 * raw, converted: (n, m). The first bad entry is named by raw's origin (file, example, feature), or by
 * `where` when it has none.
 * @throws DataError `flowers.csv: example 17, feature 'x3' is 1e+308, beyond the range of float32 (±3.4028e+38); ...`
 */
export function checkConverted(
  raw: Matrix,
  converted: Matrix,
  where: string,
  options: { rows?: 'feature' | 'target'; normalization?: Normalization | undefined } = {},
): void {
  checkGathered(
    converted,
    (row, col) => ({
      value: raw.data[row * raw.cols + col]!,
      where: describeEntry(raw, row, col, { source: where, rows: options.rows ?? 'feature' }),
    }),
    options.normalization,
    options.rows,
  );
}

/**
 * Checks a batch (or chunk) gathered from a data set for the network: `converted`: (n, b) in the
 * training dtype, after the normalization. The first non-finite entry is refused with the raw value
 * that made it and where the user finds it (`rawAt(row, col)`: file, example, feature), and why: a value
 * that was never a finite number, or one that the dtype's range or the normalization pushed out of it.
 * Every batch is checked as it is gathered, so data streamed from disk keeps this guarantee. A NaN
 * feature is a missing value that nothing filled (the run has no --impute mean): the message says so
 * (`rows`: whether converted holds features or targets).
 * @throws DataError `X.npy: example 17, feature 3 is 1e+300, beyond the range of float32 (±3.4028e+38); ...`
 */
export function checkGathered(
  converted: Matrix,
  rawAt: (row: number, col: number) => { value: number; where: string },
  normalization?: Normalization,
  rows: 'feature' | 'target' = 'feature',
): void {
  const c = converted.data;
  const k = firstNonFinite(c);
  if (k < 0) return;
  const row = Math.floor(k / converted.cols),
    col = k % converted.cols;
  const { value, where: at } = rawAt(row, col);
  if (Number.isNaN(value) && rows === 'feature') throw new DataError(`${at} is NaN (a missing value); ${UNFILLED}`);
  if (!Number.isFinite(value))
    throw new DataError(`${at} is ${value}; ${rows === 'feature' ? 'features' : 'labels'} must be finite numbers`);
  const dtype = converted.dtype;
  const range = dtype === 'float32' ? ` (±${FLOAT32_MAX.toPrecision(5)})` : '';
  const norm = normalization?.kind !== 'none' ? normalization : undefined;
  const made = norm ? `, which --normalize ${normalizeName(norm)} makes ${c[k]}` : '';
  // A fitted scaling (minmax, standard) is already the advice: the value lies far outside the data it was
  // fitted on (a dev, test or prediction set unlike the training set). A fixed divisor may be the cause.
  const fitted = norm?.kind === 'minmax' || norm?.kind === 'standard';
  const scaling = fitted
    ? `check the value: it lies far outside the training data, on which --normalize ${normalizeName(norm)} was fitted`
    : norm
      ? 'use --normalize minmax or standard'
      : 'scale the data (--normalize minmax or standard)';
  const advice = dtype === 'float32' ? `train with --dtype float64, or ${scaling}` : scaling;
  throw new DataError(`${at} is ${value}${made}, beyond the range of ${dtype}${range}; ${advice}`);
}

/**
 * Targets Y in `dtype` (a copy), refusing a value that the dtype cannot hold (1e308 in float32) with
 * its position. Y: (n[L], m) → (n[L], m).
 */
export function convertTargets(Y: Matrix, dtype: DType, where: string): Matrix {
  const out = zeros(Y.rows, Y.cols, dtype);
  out.data.set(Y.data);
  checkConverted(Y, out, where, { rows: 'target' });
  return out;
}
