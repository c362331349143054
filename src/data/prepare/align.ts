import { DataError } from '../../core/errors.js';
import { zeros } from '../../core/matrix.js';
import { printable } from '../../core/text.js';
import type { Dataset } from '../dataset.js';
import { toMatrix } from '../features.js';
import { sameColumnsOrigin } from '../origin.js';

/**
 * Matches the features of new data to the n[0] features a model was trained on, so that each row of X
 * means what it meant in training. Browser-safe.
 * - Both have feature names (a CSV header, JSON keys): by name. Columns are reordered into the model's
 *   order, a feature the data lacks is refused by name, and columns the model does not know are left
 *   out and named in `note`, for the user.
 * - Otherwise (.npy, HDF5, JSON X arrays, a model trained on those): by position, and n_x must be n[0].
 * d.X: (n_x, m) → data.X: (n[0], m).
 * @param owner who expects the features, for messages: `the model cat.json`.
 * @example alignFeatures(csvWithColumns(['b', 'a', 'id']), ['a', 'b'], 2, 'the model m.json').note // => "d.csv: ignoring column 'id': not a feature of the model m.json"
 */
export function alignFeatures(
  d: Dataset,
  names: readonly string[] | undefined,
  n0: number,
  owner: string,
): { data: Dataset; note?: string } {
  const have = d.featureNames;
  if (!names || !have) {
    if (d.X.rows !== n0)
      throw new DataError(
        `${d.source}: has n_x = ${d.X.rows} features per example but ${owner} expects n[0] = ${n0}`,
        d.source,
      );
    return { data: d };
  }
  const at = names.map((n) => have.indexOf(n));
  const missing = names.filter((_, i) => at[i]! < 0);
  if (missing.length)
    throw new DataError(
      `${d.source}: has no column${missing.length > 1 ? 's' : ''} ${quote(missing)} that ${owner} was trained on; its ${n0} features are ${quote(names)}`,
      d.source,
    );
  const ignored = have.filter((n) => !names.includes(n));
  const note = ignored.length
    ? {
        note: `${d.source}: ignoring column${ignored.length > 1 ? 's' : ''} ${quote(ignored)}: not a feature of ${owner}`,
      }
    : {};
  if (ignored.length === 0 && at.every((k, i) => k === i)) return { data: d };
  // Named columns come from CSV and JSON readers, which hold X as a matrix already.
  const from = toMatrix(d.X);
  const m = from.cols;
  const X = zeros(names.length, m, 'float64');
  at.forEach((k, i) => X.data.set(from.data.subarray(k * m, (k + 1) * m), i * m));
  sameColumnsOrigin(from, X, [...names]);
  return { data: { ...d, X, featureNames: [...names] }, ...note };
}

/** 'a', 'b', ... (at most 10 names), printable. */
function quote(names: readonly string[]): string {
  return (
    names
      .slice(0, 10)
      .map((n) => `'${printable(n)}'`)
      .join(', ') + (names.length > 10 ? `, ... (${names.length} in all)` : '')
  );
}
