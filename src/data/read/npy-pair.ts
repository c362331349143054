/**
 * A pair of .npy files as a data set, from their bytes: X.npy: (m, ...) one example per first-axis
 * entry, Y.npy: the labels. The labels' rules are the `--x X.npy --y Y.npy` reader's (src/data/read/load.ts
 * reads the files, this reads what is in them). Browser-safe: a page hands in the bytes of dropped files.
 */
import { DataError } from '../../core/errors.js';
import { zeros } from '../../core/matrix.js';
import { examplesToColumns, inexactLabel, labelsFromStrings, labelsFromValues, type Dataset } from '../dataset.js';
import { parseNpy, parseNpyStrings, type NpyArray } from './npy.js';

/**
 * Labels for m examples from Y.npy's bytes: (m,) or (m, 1) class numbers or text, (m, K) one-hot or
 * multi-output targets, or the course's (1, m).
 */
export function npyLabels(bytes: Uint8Array, yFile: string, m: number): Pick<Dataset, 'labels' | 'classes'> {
  const text = parseNpyStrings(bytes, yFile);
  if (text) return labelsFromNpyStrings(text, m, yFile);
  return labelsFromNpy(parseNpy(bytes, yFile), m, yFile);
}

/**
 * X.npy and Y.npy from their bytes → X: (n_x, m) in float64, each example's values flattened row-major.
 * @example npyPair(xBytes, 'x.npy', yBytes, 'y.npy').X.rows // => 784 for (m, 28, 28) images
 * @throws DataError naming the file and the rule (`y.npy: has 10 labels but X has m = 12 examples; ...`)
 */
export function npyPair(xBytes: Uint8Array, xFile: string, yBytes: Uint8Array, yFile: string): Dataset {
  const xa = parseNpy(xBytes, xFile);
  const m = xa.shape[0];
  if (m === undefined || xa.shape.length < 2)
    throw new DataError(
      `${xFile}: features must be (m, n_x) or (m, ...) with one example per first-axis entry but are (${xa.shape.join(', ')})`,
      xFile,
    );
  const n = xa.data.length / Math.max(1, m);
  return { X: examplesToColumns(xa.data, m, n), ...npyLabels(yBytes, yFile, m), source: xFile };
}

/** Text labels ('<U k' strings, one per example): classes, sorted as labelsFromStrings sorts them. */
function labelsFromNpyStrings(
  text: { shape: number[]; strings: string[] },
  m: number,
  file: string,
): Pick<Dataset, 'labels' | 'classes'> {
  const s = text.shape;
  if (!(s.length === 1 || (s.length === 2 && (s[1] === 1 || s[0] === 1))) || text.strings.length !== m)
    throw new DataError(
      `${file}: has ${text.strings.length} text labels, shape (${s.join(', ')}), but X has m = ${m} examples; text labels must be (m,) and match one to one`,
      file,
    );
  return labelsFromStrings(text.strings.map((t) => t.trim()));
}

function labelsFromNpy(ya: NpyArray, m: number, file: string): Pick<Dataset, 'labels' | 'classes'> {
  const s = ya.shape;
  const flat = s.length === 1 || (s.length === 2 && (s[1] === 1 || (s[0] === 1 && s[1] === m && m !== 1)));
  const inexact = ya.int64 && inexactLabel(ya.int64, flat ? 1 : (s[1] ?? 1), file);
  if (inexact) throw inexact;
  if (flat) {
    if (ya.data.length !== m)
      throw new DataError(
        `${file}: has ${ya.data.length} labels but X has m = ${m} examples; they must match one to one`,
        file,
      );
    return labelsFromValues(ya.data, file);
  }
  if (s.length !== 2)
    throw new DataError(`${file}: labels must be (m,), (m, 1), (m, K) or (1, m) but are (${s.join(', ')})`, file);
  if (s[0] !== m)
    throw new DataError(
      `${file}: has ${s[0]} labels (first axis) but X has m = ${m} examples; they must match one to one`,
      file,
    );
  const k = s[1]!;
  const oneHot = Array.from({ length: m }, (_, j) => ya.data.subarray(j * k, (j + 1) * k)).every(
    (row) => row.every((v) => v === 0 || v === 1) && row.reduce((a, b) => a + b, 0) === 1,
  );
  if (oneHot) {
    const labels = zeros(1, m, 'float64');
    for (let j = 0; j < m; j++) labels.data[j] = ya.data.subarray(j * k, (j + 1) * k).indexOf(1);
    return { labels, classes: Array.from({ length: k }, (_, i) => String(i)) };
  }
  return { labels: examplesToColumns(ya.data, m, k) };
}
