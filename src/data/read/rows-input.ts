/**
 * Data as users hold it: rows (one example per row, as tfjs, brain.js and scikit-learn take it) and
 * labels (class names or numbers, or regression targets). The rows become X: (n_x, m) without a copy
 * of the layout (RowFeatures reads each example's row into a batch column when a batch is gathered).
 * Browser-safe.
 */
import { DataError, ShapeError } from '../../core/errors.js';
import { zeros, type Matrix } from '../../core/matrix.js';
import { printable } from '../../core/text.js';
import { labelsFromStrings, labelsFromValues, validateDataset, type Dataset } from '../dataset.js';
import { MemoryRows, RowFeatures } from '../rows.js';

/** A typed array of m·n values, row after row, with its shape [m, n]. */
export interface ShapedRows {
  data: Float32Array | Float64Array | Int32Array | Uint8Array | number[];
  shape: readonly [number, number];
}

/** Examples as rows: `number[][]` (m rows of n features) or a typed array with its shape. */
export type Rows = readonly (readonly number[])[] | ShapedRows;

/** One label per example: class names, class numbers, or regression targets. */
export type Labels = readonly string[] | readonly number[];

/** A data set as rows and labels; `featureNames` name the n columns. */
export interface RowsAndLabels {
  rows: Rows;
  labels: Labels;
  featureNames?: string[];
}

/** What the workflow's functions take as data: a path (or `builtin:iris`), a Dataset, or rows and labels. */
export type DataInput = string | Dataset | RowsAndLabels;

/** The advice for a NaN in rows: what the library offers against missing values. */
const LIBRARY_IMPUTE = "fill it in, or pass impute: 'mean' to fill it with the feature's mean over the training set";

export function isRowsAndLabels(d: unknown): d is RowsAndLabels {
  return typeof d === 'object' && d !== null && 'rows' in d && 'labels' in d;
}

export function isShapedRows(rows: unknown): rows is ShapedRows {
  // A Matrix has data and a shape too, but it is the course's (rows, cols) layout: it has `cols`.
  return typeof rows === 'object' && rows !== null && 'shape' in rows && 'data' in rows && !('cols' in rows);
}

/**
 * The rows as X: (n_x, m) over a float64 copy of the values (the caller's arrays may change later).
 * @throws ShapeError `rows: row 3 has 5 values but row 0 has 4; every example needs the same n_x features`
 */
export function rowFeatures(rows: Rows, source = 'rows'): RowFeatures {
  if (isShapedRows(rows)) {
    const [m, n] = rows.shape;
    if (!Number.isInteger(m) || !Number.isInteger(n) || m < 0 || n < 1)
      throw new ShapeError(`${source}: shape must be [m, n] with n ≥ 1 but is [${rows.shape.join(', ')}]`);
    if (rows.data.length !== m * n)
      throw new ShapeError(
        `${source}: shape [${m}, ${n}] needs m·n = ${m * n} values but data has ${rows.data.length}`,
      );
    return new RowFeatures(new MemoryRows(source, n, 'float64', Float64Array.from(rows.data)));
  }
  if (!Array.isArray(rows)) throw new ShapeError(`${source}: must be an array of rows (number[][]) or { data, shape }`);
  const m = rows.length;
  if (m === 0) throw new DataError(`${source}: has no examples (m = 0)`);
  const n = Array.isArray(rows[0]) ? rows[0].length : -1;
  if (n < 1) throw new ShapeError(`${source}: row 0 must be an array of at least one number`);
  const values = new Float64Array(m * n);
  for (let j = 0; j < m; j++) {
    const row = rows[j];
    if (!Array.isArray(row) || row.length !== n)
      throw new ShapeError(
        `${source}: row ${j} has ${Array.isArray(row) ? `${row.length} value${row.length === 1 ? '' : 's'}` : 'no values (not an array)'} but row 0 has ${n}; every example needs the same n_x features`,
      );
    for (let i = 0; i < n; i++) {
      const v = row[i];
      if (typeof v !== 'number')
        throw new DataError(
          `${source}: example ${j}, feature ${i} is ${printable(String(v))}; features must be numbers`,
        );
      values[j * n + i] = v;
    }
  }
  return new RowFeatures(new MemoryRows(source, n, 'float64', values));
}

/** Labels that are all strings, or all numbers; which index breaks the rule otherwise. */
function labelKind(labels: Labels, source: string): 'string' | 'number' {
  if (!Array.isArray(labels)) throw new DataError(`${source}: labels must be an array of strings or numbers`);
  const first = typeof labels[0];
  if (first !== 'string' && first !== 'number')
    throw new DataError(`${source}: label 0 is ${printable(String(labels[0]))}; labels are strings or numbers`);
  const odd = labels.findIndex((l) => typeof l !== first);
  if (odd >= 0)
    throw new DataError(
      `${source}: label ${odd} is a ${typeof labels[odd]} but label 0 is a ${first}; give every label the same type`,
    );
  return first;
}

/**
 * Labels as the course's (1, m) row: string labels are classes (sorted names), integer numbers classes
 * too (when few), other numbers regression targets.
 */
export function labelRow(
  labels: Labels,
  source = 'labels',
): { labels: Matrix; classes?: string[]; classKind?: 'string' | 'number' } {
  const kind = labelKind(labels, source);
  if (kind === 'string') return { ...labelsFromStrings(labels as string[]), classKind: kind };
  const row = labelsFromValues(labels as number[], source);
  return row.classes ? { ...row, classKind: kind } : row;
}

/**
 * A Dataset from rows and labels (see labelRow). Checked: equal counts, finite values (a NaN feature
 * is kept as missing only with `keepMissing`).
 * @throws DataError `rows: 150 examples but 149 labels; give one label per row`
 */
export function datasetFromRows(input: RowsAndLabels, source = 'rows', keepMissing = false): Dataset {
  const X = rowFeatures(input.rows, source);
  if (!Array.isArray(input.labels) || input.labels.length !== X.cols)
    throw new DataError(
      `${source}: ${X.cols} examples but ${Array.isArray(input.labels) ? input.labels.length : 'no'} labels; give one label per row`,
    );
  const { labels, classes, classKind } = labelRow(input.labels, source);
  const featureNames = input.featureNames;
  if (featureNames && featureNames.length !== X.rows)
    throw new ShapeError(
      `${source}: featureNames has ${featureNames.length} names but the rows have ${X.rows} features`,
    );
  const d: Dataset = {
    X,
    labels,
    ...(classes ? { classes, classKind } : {}),
    ...(featureNames ? { featureNames } : {}),
    source,
  };
  validateDataset(d, { keep: keepMissing, advice: LIBRARY_IMPUTE });
  return d;
}

/** Rows for prediction (no labels: labels (0, m)), checked finite. */
export function unlabeledRows(rows: Rows, source = 'rows', keepMissing = false): Dataset {
  const X = rowFeatures(rows, source);
  const d: Dataset = { X, labels: zeros(0, X.cols, 'float64'), source };
  validateDataset(d, { keep: keepMissing, advice: LIBRARY_IMPUTE });
  return d;
}
