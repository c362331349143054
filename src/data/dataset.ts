import { DataError } from '../core/errors.js';
import { Matrix, zeros, type DType } from '../core/matrix.js';
import { printable } from '../core/text.js';
import { featureSource, takeFeatures, toMatrix, type Features } from './features.js';
import { firstNonFinite as firstBad } from './gather.js';
import { RowFeatures } from './rows.js';
import { originOf, setOrigin, takeOrigin } from './origin.js';

/**
 * A data set in the course's layout: one example per COLUMN.
 * Features stay as the reader holds them — a float64 Matrix for CSV, JSON and built-in sets, the file's
 * own dtype for .npy and HDF5 (in memory, or on disk when streamed) — and are converted to the training
 * dtype a batch at a time (see src/data/features.ts).
 */
export interface Dataset {
  /** X: (n_x, m): a Matrix, or a holder of the file's rows (a split's sets are views on one holder). */
  X: Features;
  /**
   * labels: (n_y, m). Classification: one row of class indices 0..K-1 (see `classes`).
   * Regression: the target values, one row per output.
   */
  labels: Matrix;
  /** Class names by index for classification (e.g. ['non-cat', 'cat'] or ['0', ..., '9']); absent for regression. */
  classes?: string[] | undefined;
  /**
   * What the labels were before they became class names: numbers (a prediction then answers numbers) or
   * strings. Absent: as read from a file, names.
   */
  classKind?: 'string' | 'number' | undefined;
  /** Feature names when the source has them (CSV header). */
  featureNames?: string[];
  /** Where the data came from, for messages and run records. */
  source: string;
}

export type OutputKind = 'sigmoid' | 'softmax' | 'linear';

/** The output the labels call for: two classes → sigmoid, more → softmax, regression → linear. */
export function defaultOutput(d: Dataset): OutputKind {
  if (!d.classes) return 'linear';
  return d.classes.length <= 2 ? 'sigmoid' : 'softmax';
}

/** n[L] for an output: 1 for sigmoid, K for softmax, n_y for linear. A classifier needs two classes or more. */
export function outputUnits(d: Dataset, output: OutputKind): number {
  if (output === 'softmax') {
    if (!d.classes)
      throw new DataError(`${d.source}: softmax output needs class labels but the labels are continuous values`);
    checkTwoClasses(d, output);
    return d.classes.length;
  }
  if (output === 'sigmoid') {
    if (!d.classes)
      throw new DataError(`${d.source}: sigmoid output needs 0/1 labels but the labels are continuous values`);
    if (d.classes.length > 2)
      throw new DataError(
        `${d.source}: sigmoid output fits 2 classes but the labels have ${d.classes.length} (${listClasses(d.classes)}); use --output softmax`,
      );
    checkTwoClasses(d, output);
    return 1;
  }
  return d.labels.rows;
}

/** The first class names, quoted for a message: 'cat', 'dog', ... */
function listClasses(classes: string[], n = 5): string {
  return (
    classes
      .slice(0, n)
      .map((c) => `'${printable(c)}'`)
      .join(', ') + (classes.length > n ? ', ...' : '')
  );
}

/**
 * A classifier separates classes: labels with one class give a model that always answers it (and a
 * sigmoid whose "other" class has no name). Numeric labels can be fitted by regression instead.
 */
function checkTwoClasses(d: Dataset, output: 'sigmoid' | 'softmax'): void {
  const classes = d.classes ?? [];
  if (classes.length >= 2) return;
  const numeric = classes.every((c) => Number.isFinite(Number(c)));
  throw new DataError(
    `${d.source}: the labels have only one class (${listClasses(classes)}); a ${output} classifier needs at least two. ` +
      (numeric
        ? 'To fit the label as a number instead, train a regression with --output linear'
        : 'Check that --label names the label column and that the data holds every class'),
  );
}

/**
 * Whether a model's class list fits its output: a sigmoid (n[L] = 1) separates exactly 2 named classes,
 * a softmax one class per unit (K = n[L] ≥ 2); a linear output's classes are its integer targets.
 * @returns the rule broken, in words, or undefined when the list fits (or there is none).
 * @example classListMismatch(['cat'], 'sigmoid', 1) // => '"classes" has 1 name but a sigmoid output separates 2 classes'
 */
export function classListMismatch(
  classes: string[] | null | undefined,
  output: string,
  nL: number,
): string | undefined {
  if (!classes) return undefined;
  const names = `${classes.length} name${classes.length === 1 ? '' : 's'}`;
  if (output === 'sigmoid' && (classes.length !== 2 || nL !== 1))
    return `"classes" has ${names} but a sigmoid output with n[L] = ${nL} separates 2 classes with n[L] = 1`;
  if (output === 'softmax' && classes.length !== nL)
    return `"classes" has ${names} but the softmax output has n[L] = ${nL} units, one per class`;
  const twice = classes.findIndex((c, i) => classes.indexOf(c) !== i);
  if (twice >= 0) return `"classes" names '${printable(classes[twice]!)}' twice`;
  return undefined;
}

/**
 * Y: (n[L], m) for the output: class indices as they are for sigmoid (0/1), one-hot for softmax,
 * targets as they are for linear.
 */
export function targets(d: Dataset, output: OutputKind, dtype: DType = 'float64'): Matrix {
  const m = d.X.cols;
  const n = outputUnits(d, output);
  const Y = zeros(n, m, dtype);
  if (output === 'softmax') {
    for (let j = 0; j < m; j++) Y.data[d.labels.data[j]! * m + j] = 1;
  } else if (output === 'linear' && d.classes) {
    // Integer targets were read as classes; a linear output regresses on their values.
    const values = d.classes.map(Number);
    if (values.some((v) => !Number.isFinite(v)))
      throw new DataError(
        `${d.source}: linear output needs numeric labels but the classes are names (${listClasses(d.classes, 3)})`,
      );
    for (let j = 0; j < m; j++) Y.data[j] = values[d.labels.data[j]!]!;
  } else {
    Y.data.set(d.labels.data);
  }
  return setOrigin(Y, { source: featuresSource(d), examples: exampleNumbers(d.X), rows: 'target' });
}

/** The file the features came from (for messages about a target), else the data set's source. */
function featuresSource(d: Dataset): string {
  return d.X instanceof Matrix ? (originOf(d.X)?.source ?? d.source) : d.X.source;
}

/** Example j of X: (n_x, m) is example numbers[j] of its file; undefined when X is the file's examples in order. */
function exampleNumbers(X: Features): ArrayLike<number> | undefined {
  if (X instanceof Matrix) return originOf(X)?.examples;
  if (X instanceof RowFeatures && !X.index && !X.backing.exampleNumbers) return undefined;
  return X.examples();
}

/**
 * The course's layout from the files' layout: `values` hold m examples one after another, n values each
 * (numpy's (m, ...) flattened row-major) → (n, m), one example per column: out(i, j) = values[j·n + i].
 */
export function examplesToColumns(values: ArrayLike<number>, m: number, n: number): Matrix {
  const out = zeros(n, m, 'float64');
  for (let j = 0; j < m; j++) for (let i = 0; i < n; i++) out.data[i * m + j] = values[j * n + i]!;
  return out;
}

/**
 * The examples at `index` (columns of X and labels), in that order.  X: (n_x, m) → (n_x, index.length).
 * X becomes a view on the same values (no copy); the labels, small, are copied.
 */
export function takeExamples(d: Dataset, index: ArrayLike<number>, source = d.source): Dataset {
  const pick = (M: Matrix): Matrix => {
    const out = zeros(M.rows, index.length, 'float64');
    for (let i = 0; i < M.rows; i++) {
      const src = i * M.cols,
        dst = i * index.length;
      for (let j = 0; j < index.length; j++) out.data[dst + j] = M.data[src + index[j]!]!;
    }
    return out;
  };
  const X = takeFeatures(d.X, index),
    labels = pick(d.labels);
  takeOrigin(d.labels, labels, index);
  return { ...d, X, labels, source };
}

/**
 * The examples of `a`, then those of `b`, as one data set: X (n_x, m_a) and (n_x, m_b) → (n_x, m_a + m_b),
 * copied into float64 (within toMatrix's guard); labels likewise. Both must hold the same features and
 * the same classes by index (a --dev file is aligned to the training data as it is read).
 */
export function concatExamples(a: Dataset, b: Dataset, source: string): Dataset {
  if (a.X.rows !== b.X.rows || a.labels.rows !== b.labels.rows)
    throw new DataError(
      `${source}: cannot join ${a.source} (n_x = ${a.X.rows}) and ${b.source} (n_x = ${b.X.rows}): their examples differ in shape`,
    );
  const join = (A: Matrix, B: Matrix): Matrix => {
    const m = A.cols + B.cols;
    const out = zeros(A.rows, m, 'float64');
    for (let i = 0; i < A.rows; i++) {
      out.data.set(A.data.subarray(i * A.cols, (i + 1) * A.cols), i * m);
      out.data.set(B.data.subarray(i * B.cols, (i + 1) * B.cols), i * m + A.cols);
    }
    return out;
  };
  return { ...a, X: join(toMatrix(a.X), toMatrix(b.X)), labels: join(a.labels, b.labels), source };
}

/**
 * The same examples in the order of their file (ascending example number): what streaming reads
 * without seeking back, and what `--shuffle none` and `blocks` train on, held in memory or not.
 */
export function inFileOrder(d: Dataset): Dataset {
  const numbers = featureSource(d.X).examples();
  let sorted = true;
  for (let p = 1; p < numbers.length && sorted; p++) if (numbers[p]! < numbers[p - 1]!) sorted = false;
  if (sorted) return d;
  const order = Int32Array.from({ length: numbers.length }, (_, p) => p).sort((a, b) => numbers[a]! - numbers[b]!);
  return takeExamples(d, order);
}

/** The advice for a refused missing value when the command offers --impute mean (train, sweep, split). */
export const IMPUTE_ADVICE =
  "fill it in, or pass --impute mean to fill it with the feature's mean over the training set";

/** What validateDataset does with a missing feature value: NaN, as a .npy or HDF5 file holds one. */
export interface MissingValues {
  /** Keep it, for an imputer fitted on the training set (`--impute mean`); default: refuse it. */
  keep?: boolean | undefined;
  /** What the refusal tells the user to do (default: IMPUTE_ADVICE). */
  advice?: string | undefined;
}

/**
 * Checks that every feature and label is finite and that labels fit the model; names the example
 * (column) and feature (row) that breaks the rule. A NaN feature is a missing value: kept with
 * `missing.keep` (an imputer fitted on train fills it), else refused with `missing.advice`; ±Infinity is
 * never missing, always refused.
 */
export function validateDataset(d: Dataset, missing: MissingValues = {}): void {
  const { X, labels } = d;
  if (X.cols === 0) throw new DataError(`${d.source}: has no examples (m = 0)`);
  if (labels.cols !== X.cols)
    throw new DataError(
      `${d.source}: X has m = ${X.cols} examples but the labels have ${labels.cols}; they must match one to one`,
    );
  const bad = firstNonFiniteFeature(X, missing.keep === true);
  if (bad) {
    // Worded as a batch checked while it is read names it (src/data/fits.ts, origin.ts' describeEntry).
    const name = d.featureNames?.[bad.row];
    const at = `${d.source}: example ${bad.col}, feature ${name !== undefined ? `'${printable(name)}'` : bad.row}`;
    if (Number.isNaN(bad.value))
      throw new DataError(
        `${at} is NaN (a missing value); features must be finite numbers: ${missing.advice ?? IMPUTE_ADVICE}`,
      );
    throw new DataError(`${at} is ${bad.value}; features must be finite numbers`);
  }
  const badY = firstNonFinite(labels);
  if (badY)
    throw new DataError(`${d.source}: label of example ${badY.col} is ${badY.value}; labels must be finite numbers`);
}

/**
 * The first feature value that is not a finite number (NaN skipped when `keepNaN`). Integer stores
 * cannot hold one; a float store in memory is scanned once; a file left on disk is checked batch by
 * batch as it is read (src/data/fits.ts). X: (n_x, m); row is the feature, col the example.
 */
function firstNonFiniteFeature(X: Features, keepNaN: boolean): { row: number; col: number; value: number } | undefined {
  if (X instanceof Matrix) return firstNonFinite(X, keepNaN);
  const values = X instanceof RowFeatures ? X.backing.values : undefined;
  if (!values || !(values instanceof Float32Array || values instanceof Float64Array)) return undefined;
  if (X instanceof RowFeatures && X.index) return undefined;
  // One branch-free pass finds whether there is anything to look for; only then is it searched for.
  let t = firstBad(values);
  if (t >= 0 && keepNaN) while (t < values.length && !(Math.abs(values[t]!) === Infinity)) t++;
  if (t < 0 || t >= values.length) return undefined;
  return { row: t % X.rows, col: Math.floor(t / X.rows), value: values[t]! };
}

/** The first entry of M: (rows, cols) that is not a finite number (NaN skipped when `keepNaN`), in storage order. */
function firstNonFinite(M: Matrix, keepNaN = false): { row: number; col: number; value: number } | undefined {
  const a = M.data;
  for (let x = 0; x < a.length; x++)
    if (!Number.isFinite(a[x]!) && !(keepNaN && Number.isNaN(a[x]!)))
      return { row: Math.floor(x / M.cols), col: x % M.cols, value: a[x]! };
  return undefined;
}

/** 2^53: beyond it in magnitude a float64 no longer holds every integer (2^53 + 1 reads as 2^53). */
const EXACT = 2n ** 53n;

/**
 * The first of 64-bit integer labels (int64 or uint64, k values an example) beyond ±2^53, where two
 * labels that differ would read as one number and merge into one class: the one line for it, naming
 * the file, the dataset (`where`, e.g. " in 'train_set_y'") and the example; undefined when all fit.
 */
export function inexactLabel(
  values: BigInt64Array | BigUint64Array,
  k: number,
  file: string,
  where = '',
): DataError | undefined {
  for (let t = 0; t < values.length; t++) {
    const v = values[t]!;
    if (v > EXACT || v < -EXACT)
      return new DataError(
        `${file}: label ${v} of example ${Math.floor(t / k)}${where} is beyond ±2^53 (9007199254740992); 64-bit integer labels must lie within it, where every integer is a distinct float64 (2^53 and 2^53 + 1 would merge into one class)`,
        file,
      );
  }
  return undefined;
}

/**
 * Turns raw label values (one per example) into classes when they look like classes (integers, at most
 * `maxClasses` distinct values), else keeps them as regression targets.  values: m → labels: (1, m).
 */
export function labelsFromValues(
  values: ArrayLike<number>,
  source: string,
  maxClasses = 1000,
): { labels: Matrix; classes?: string[] } {
  const m = values.length;
  const distinct = new Set<number>();
  let integral = true;
  for (let j = 0; j < m; j++) {
    const v = values[j]!;
    if (!Number.isFinite(v))
      throw new DataError(`${source}: label of example ${j} is ${v}; labels must be finite numbers`);
    if (!Number.isInteger(v)) integral = false;
    if (distinct.size <= maxClasses) distinct.add(v);
  }
  const labels = zeros(1, m, 'float64');
  if (!integral || distinct.size > maxClasses) {
    labels.data.set(Array.from(values));
    return { labels };
  }
  const sorted = [...distinct].sort((a, b) => a - b);
  const index = new Map(sorted.map((v, i) => [v, i]));
  for (let j = 0; j < m; j++) labels.data[j] = index.get(values[j]!)!;
  return { labels, classes: sorted.map(String) };
}

/** Classes from string labels, sorted so the mapping is repeatable.  values: m → labels: (1, m). */
export function labelsFromStrings(values: string[]): { labels: Matrix; classes: string[] } {
  const classes = [...new Set(values)].sort();
  const index = new Map(classes.map((c, i) => [c, i]));
  const labels = zeros(1, values.length, 'float64');
  for (let j = 0; j < values.length; j++) labels.data[j] = index.get(values[j]!)!;
  return { labels, classes };
}

/**
 * Re-indexes d's class labels by `classes` (the training data's or a model's), so that index k means the
 * same class in both; `owner` names who defines the classes in the error for a class it lacks.
 * labels: (1, m) → a new (1, m).
 */
export function alignClasses(d: Dataset, classes: string[] | undefined, owner: string): Dataset {
  if (!classes || !d.classes) return d;
  const map = d.classes.map((c) => classes.indexOf(c));
  const unknown = d.classes.filter((_, i) => map[i]! < 0);
  if (unknown.length)
    throw new DataError(
      `${d.source}: has class${unknown.length > 1 ? 'es' : ''} ${listClasses(unknown)} that ${owner} does not have (${classes.slice(0, 10).map(printable).join(', ')}${classes.length > 10 ? ', ...' : ''})`,
    );
  const labels = zeros(1, d.labels.cols, 'float64');
  for (let j = 0; j < labels.cols; j++) labels.data[j] = map[d.labels.data[j]!]!;
  return { ...d, labels, classes };
}
