import { Matrix } from '../core/matrix.js';
import { printable } from '../core/text.js';

/**
 * Where the values of a data matrix came from, so that a value found wrong later (after the split,
 * the imputation, the conversion to float32) can be named as the user finds it in the file: the
 * source, the example in file order and the feature's name. Browser-safe.
 */
export interface Origin {
  /** The file (or builtin:name) the values came from. */
  source: string;
  /** Column j holds example examples[j] of the source (0-based, in file order); j itself when absent. */
  examples?: ArrayLike<number> | undefined;
  /** What row i holds: feature i of X, or target i of the labels. */
  rows: 'feature' | 'target';
  /** Row names (the features' names from a CSV header or JSON keys), when the source has them. */
  rowNames?: string[] | undefined;
}

// Keyed by the matrix itself: the data layer's functions record it as they make matrices, and nothing
// keeps a matrix alive for its origin's sake.
const origins = new WeakMap<Matrix, Origin>();

/** Records where M's values came from; returns M. */
export function setOrigin<M extends Matrix>(matrix: M, origin: Origin): M {
  origins.set(matrix, origin);
  return matrix;
}

export function originOf(matrix: Matrix): Origin | undefined {
  return origins.get(matrix);
}

/** The origin of `index` columns taken from `from` in that order (a split, a shuffle). */
export function takeOrigin(from: Matrix, to: Matrix, index: ArrayLike<number>): void {
  const o = origins.get(from);
  if (!o) return;
  const examples = Array.from(index, (j) => (o.examples ? o.examples[j]! : j));
  origins.set(to, { ...o, examples });
}

/**
 * Names entry (row, col) of M as the user finds it, from M's recorded origin (else from `fallback`):
 * `flowers.csv: example 17, feature 'petal width'`, `X: example 3, feature 0` (positions 0-based).
 */
export function describeEntry(matrix: Matrix, row: number, col: number, fallback: Origin): string {
  const o = origins.get(matrix) ?? fallback;
  const example = o.examples ? o.examples[col]! : col;
  const name = o.rowNames?.[row];
  const what =
    o.rows === 'target'
      ? `the label${matrix.rows > 1 ? ` (target ${row})` : ''}`
      : `feature ${name !== undefined ? `'${printable(name)}'` : row}`;
  return `${o.source}: example ${example}, ${what}`;
}

/**
 * Records that d.X and d.labels hold d's examples in file order (a freshly loaded data set); returns d.
 * A holder of file rows (src/data/rows.ts) knows its own origin; only a Matrix X is recorded here.
 */
export function recordLoaded<
  D extends { X: Matrix | object; labels: Matrix; source: string; featureNames?: string[] | undefined },
>(d: D): D {
  if (isMatrix(d.X)) origins.set(d.X, { source: d.source, rows: 'feature', rowNames: d.featureNames });
  origins.set(d.labels, { source: d.source, rows: 'target' });
  return d;
}

/** Gives `to` the origin of `from` with its rows named `rowNames` (same columns: imputed, reordered). */
export function sameColumnsOrigin(from: Matrix, to: Matrix, rowNames?: string[]): void {
  const o = origins.get(from);
  if (o) origins.set(to, rowNames ? { ...o, rowNames } : o);
}

function isMatrix(x: unknown): x is Matrix {
  return x instanceof Matrix;
}
