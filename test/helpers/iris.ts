/** Iris as users hold it (rows of 4 features, the species names), for the library's rows-and-labels tests. */
import { loadBuiltin } from '../../src/index.js';

/** The 150 iris rows and labels; `missing`: some values NaN (row i, feature i mod 7), for `impute: 'mean'`. */
export function irisRows(missing = false): { rows: number[][]; labels: string[] } {
  const d = loadBuiltin('iris');
  const X = d.X as { data: Float64Array; rows: number; cols: number };
  const rows = Array.from({ length: X.cols }, (_, j) =>
    Array.from({ length: X.rows }, (_, i) => (missing && j % 7 === i ? NaN : X.data[i * X.cols + j]!)),
  );
  return { rows, labels: Array.from(d.labels.data, (k) => d.classes![k]!) };
}
