/**
 * The model as a tfjs or scikit-learn user meets it: rows in (one example per row), labels out (the
 * class names it was trained on, or numbers when it was trained on numbers), probabilities one row per
 * example. Underneath, the rows are X: (n[0], m) and A[L]: (n[L], m) as the course writes them.
 * Browser-safe.
 */
import { DataError, ShapeError, fmtShape } from '../core/errors.js';
import { fromArray, Matrix } from '../core/matrix.js';
import { alignClasses, type Dataset } from '../data/dataset.js';
import type { Features } from '../data/features.js';
import { isShapedRows, labelRow, rowFeatures, type Labels, type Rows } from '../data/read/rows-input.js';
import { leanTargets, type Targets } from '../data/targets.js';
import type { Model } from './model.js';

/** Whether `X` is rows (number[][] or { data, shape }) rather than the course's columns. */
export function isRows(X: unknown): X is Rows {
  return Array.isArray(X) || isShapedRows(X);
}

/**
 * X: (n[0], m) from rows, checked against the model's n[0] with both layouts named.
 * @throws ShapeError `rows has 4 columns but the model takes n[0] = 5 features`
 */
export function columnsOf(model: Model, rows: Rows | Features, where: string): Features {
  if (!isRows(rows)) return rows;
  const X = rowFeatures(rows, where);
  const n0 = model.arch.dims[0]!;
  if (X.rows !== n0)
    throw new ShapeError(
      `${where} has ${X.rows} column${X.rows === 1 ? '' : 's'} but the model takes n[0] = ${n0} features (X would be ${fmtShape(X.rows, X.cols)}, must be ${fmtShape(n0, X.cols)})`,
    );
  return X;
}

/**
 * One row of K probabilities per example (each row sums to 1): a softmax's A[L] column by column; a
 * sigmoid's [P(class 0), P(class 1)] = [1 − a, a].  A[L]: (n[L], m) → m rows.
 */
export function probabilityRows(model: Model, AL: Matrix): number[][] {
  if (!model.isClassifier)
    throw new DataError(`predictProba: the model's output is ${model.output}, not a classifier; use predict`);
  const m = AL.cols;
  const out: number[][] = [];
  if (model.output === 'sigmoid') for (let j = 0; j < m; j++) out.push([1 - AL.data[j]!, AL.data[j]!]);
  else for (let j = 0; j < m; j++) out.push(Array.from({ length: AL.rows }, (_, k) => AL.data[k * m + j]!));
  return out;
}

/** The label of each class index: its name, or its number for a model trained on numbers. */
export function labelOf(model: Model): (k: number) => string | number {
  const names = model.classes;
  if (!names) return (k) => k;
  if (model.classKind === 'number') {
    const numbers = names.map(Number);
    return (k) => numbers[k]!;
  }
  return (k) => names[k]!;
}

/** Predictions as values: a number per example for one output unit, else a row of n[L] per example. */
export function valueRows(AL: Matrix): number[] | number[][] {
  const m = AL.cols;
  if (AL.rows === 1) return Array.from(AL.data.subarray(0, m));
  return Array.from({ length: m }, (_, j) => Array.from({ length: AL.rows }, (_, i) => AL.data[i * m + j]!));
}

/**
 * Y: (n[L], m) for the model's output from labels as users hold them: class names or numbers indexed by
 * the model's classes (a model without classes takes them from these labels), or regression targets.
 * @throws DataError `labels: has class 'x' that the model does not have (a, b, c)`
 */
export function targetsFromLabels(model: Model, X: Features, labels: Labels): Targets {
  if (!Array.isArray(labels) || labels.length !== X.cols)
    throw new DataError(
      `labels: ${Array.isArray(labels) ? labels.length : 'no'} labels for ${X.cols} examples; give one label per row`,
    );
  if (!model.isClassifier) {
    const nL = model.arch.dims[model.depth]!;
    if (nL !== 1 || labels.some((v) => typeof v !== 'number' || !Number.isFinite(v)))
      throw new DataError(
        `labels: a regression with n[L] = ${nL} output${nL === 1 ? '' : 's'} takes one finite number per example${nL === 1 ? '' : ' per output (use the column layout, Y: (n[L], m))'}`,
      );
    return fromArray([labels as number[]], 'float64');
  }
  const row = labelRow(labels, 'labels');
  if (!row.classes) throw new DataError('labels: the model classifies but the labels are continuous values');
  if (!model.classes) {
    model.classes = row.classes;
    model.classKind = row.classKind;
  }
  const d: Dataset = { X, labels: row.labels, classes: row.classes, source: 'labels' };
  return leanTargets(alignClasses(d, model.classes, 'the model'), model.output as 'sigmoid' | 'softmax');
}
