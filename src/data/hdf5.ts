import { closeSync, openSync, readSync, statSync } from 'node:fs';
import type { Dataset as H5Dataset, File as H5File } from 'h5wasm/node';
import { DataError, fsReason } from '../core/errors.js';
import { zeros } from '../core/matrix.js';
import { examplesToColumns, labelsFromValues, type Dataset } from './dataset.js';
import type { DataSpec } from './load.js';

/**
 * HDF5 as the course ships its data (`train_catvnoncat.h5`: train_set_x (209, 64, 64, 3) uint8,
 * train_set_y (209,) int64, list_classes (2,) strings), read with h5wasm (the HDF5 C library compiled
 * to WebAssembly). `--data FILE.h5 --x-key train_set_x --y-key train_set_y`; without keys, the one pair
 * of numeric datasets with the same first dimension is used, and `spec.onNote` is told so.
 * X dataset: (m, ...) one example per first-axis entry, flattened row-major → X: (n_x, m).
 * Y dataset: (m,), (m, 1) or the course's (1, m) → labels: (1, m); (m, K) one-hot → class indices;
 * other (m, K) → K regression targets. Class names come from `list_classes` (or `--classes-key`).
 */

/** HDF5 class codes in h5wasm metadata: 0 integer, 1 float, 3 string. */
const H5T_INTEGER = 0,
  H5T_FLOAT = 1;
const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

type H5 = typeof import('h5wasm/node').default;
let h5wasmReady: Promise<H5> | undefined;
/** Loads h5wasm (about 3 MB of WebAssembly) on first use only, so other commands start fast. */
function loadH5wasm(): Promise<H5> {
  h5wasmReady ??= import('h5wasm/node').then(async (mod) => {
    await mod.default.ready;
    return mod.default;
  });
  return h5wasmReady;
}

/** One numeric dataset of a file, as the key guess sees it. */
export interface Hdf5Entry {
  key: string;
  shape: number[];
  dtype: string;
  numeric: boolean;
}

/**
 * Checks the file before HDF5 sees it (HDF5 would print its error stack to stderr): it must exist and
 * carry the HDF5 signature at offset 0, 512, 1024, ... (a user block may come first).
 */
function checkHdf5File(file: string): void {
  let size: number;
  try {
    const st = statSync(file);
    if (st.isDirectory()) throw new DataError(`${file}: cannot read (is a directory)`, file);
    size = st.size;
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`${file}: cannot read (${fsReason(e)})`, file);
  }
  if (size === 0)
    throw new DataError(`${file}: is empty; an HDF5 file starts with the signature \\x89HDF\\r\\n\\x1a\\n`, file);
  const fd = openSync(file, 'r');
  try {
    const buf = new Uint8Array(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      if (readSync(fd, buf, 0, 8, offset) === 8 && SIGNATURE.every((b, i) => buf[i] === b)) return;
    }
  } finally {
    closeSync(fd);
  }
  throw new DataError(
    `${file}: is not an HDF5 file (no HDF5 signature \\x89HDF\\r\\n\\x1a\\n at offset 0, 512, 1024, ...)`,
    file,
  );
}

/** Opens an HDF5 file read-only and hands it to `use`, closing it afterwards. */
export async function withHdf5<T>(file: string, use: (f: H5File) => T): Promise<T> {
  checkHdf5File(file);
  const h5 = await loadH5wasm();
  const f = new h5.File(file, 'r');
  if (f.file_id < 0n) throw new DataError(`${file}: HDF5 could not open it (corrupted or truncated?)`, file);
  try {
    return use(f);
  } finally {
    f.close();
  }
}

/** Every dataset in the file (groups walked), with shape and dtype. */
export function listEntries(f: H5File): Hdf5Entry[] {
  const out: Hdf5Entry[] = [];
  for (const path of f.paths()) {
    const obj = f.get(path);
    if (!obj || !('shape' in obj) || !('metadata' in obj)) continue;
    const ds = obj as H5Dataset;
    const type = ds.metadata.type;
    out.push({
      key: path.replace(/^\//, ''),
      shape: ds.shape ?? [],
      dtype: String(ds.dtype),
      numeric: type === H5T_INTEGER || type === H5T_FLOAT,
    });
  }
  return out;
}

const describe = (entries: Hdf5Entry[]) => entries.map((e) => `${e.key} (${e.shape.join(', ')})`).join(', ');
const perExample = (e: Hdf5Entry) => e.shape.slice(1).reduce((a, b) => a * b, 1);
/** Whether `y` can hold the labels of m examples: (m,), (m, K), or the course's (1, m). */
const fitsLabels = (y: Hdf5Entry, m: number) =>
  (y.shape.length === 1 && y.shape[0] === m) ||
  (y.shape.length === 2 && (y.shape[0] === m || (y.shape[0] === 1 && y.shape[1] === m)));

/**
 * Picks the X and Y datasets: the given keys, or the one pair of numeric datasets where Y fits the
 * labels of X's first dimension m (X being the one with more values per example).
 */
export function chooseKeys(
  entries: Hdf5Entry[],
  file: string,
  xKey?: string,
  yKey?: string,
): { xKey: string; yKey: string; guessed: boolean } {
  const byKey = (k: string, opt: string) => {
    const e = entries.find((x) => x.key === k || x.key === k.replace(/^\//, ''));
    if (!e)
      throw new DataError(
        `${file}: no dataset '${k}' for ${opt}; the file has ${describe(entries) || 'no datasets'}`,
        file,
      );
    if (!e.numeric) throw new DataError(`${file}: dataset '${k}' (${opt}) holds ${e.dtype} values, not numbers`, file);
    if (e.shape.length === 0)
      throw new DataError(`${file}: dataset '${k}' (${opt}) is a scalar; it must hold one entry per example`, file);
    return e;
  };
  if (xKey !== undefined && yKey !== undefined) {
    byKey(xKey, '--x-key');
    byKey(yKey, '--y-key');
    return { xKey, yKey, guessed: false };
  }
  const numeric = entries.filter((e) => e.numeric && e.shape.length > 0);
  const pairs: [Hdf5Entry, Hdf5Entry][] = [];
  for (const x of xKey !== undefined ? [byKey(xKey, '--x-key')] : numeric)
    for (const y of yKey !== undefined ? [byKey(yKey, '--y-key')] : numeric)
      if (
        x !== y &&
        fitsLabels(y, x.shape[0]!) &&
        (perExample(x) > (y.shape[0] === 1 ? 1 : perExample(y)) || xKey !== undefined || yKey !== undefined)
      )
        pairs.push([x, y]);
  if (pairs.length === 1) return { xKey: pairs[0]![0].key, yKey: pairs[0]![1].key, guessed: true };
  const hint = `pass --x-key and --y-key; the file has ${describe(entries) || 'no datasets'}`;
  if (pairs.length === 0)
    throw new DataError(`${file}: found no pair of numeric datasets with one label per example; ${hint}`, file);
  throw new DataError(
    `${file}: ${pairs.length} pairs of datasets could be X and Y (${pairs.map(([x, y]) => `${x.key}/${y.key}`).join(', ')}); ${hint}`,
    file,
  );
}

/** A typed array from h5wasm (uint8 ... float64, or BigInt64 for int64) as plain numbers, read in place. */
function numbersOf(value: unknown, key: string, file: string): ArrayLike<number> {
  if (value instanceof BigInt64Array || value instanceof BigUint64Array)
    return Float64Array.from(value, (v) => Number(v));
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return value as unknown as ArrayLike<number>;
  throw new DataError(`${file}: dataset '${key}' did not read as a numeric array`, file);
}

/** Features alone (prediction): X: (n_x, m) from `xKey`, labels: (0, m). */
export function readHdf5Features(f: H5File, file: string, xKey: string): Dataset {
  const entries = listEntries(f);
  const e = entries.find((x) => x.key === xKey.replace(/^\//, ''));
  if (!e)
    throw new DataError(
      `${file}: no dataset '${xKey}' for --x-key; the file has ${describe(entries) || 'no datasets'}`,
      file,
    );
  if (!e.numeric || e.shape.length === 0)
    throw new DataError(
      `${file}: dataset '${xKey}' (--x-key) must hold numbers, one entry per example, but is ${e.dtype} (${e.shape.join(', ')})`,
      file,
    );
  const X = featuresOf(f.get(xKey) as H5Dataset, xKey, file);
  return { X, labels: zeros(0, X.cols, 'float64'), source: `${file}:${xKey}` };
}

/** X dataset (m, ...) → X: (n_x, m), each example flattened row-major. */
function featuresOf(xd: H5Dataset, key: string, file: string) {
  const xs = xd.shape ?? [];
  const m = xs[0]!;
  if (m === 0) throw new DataError(`${file}: dataset '${key}' has no examples (m = 0)`, file);
  const nx = xs.slice(1).reduce((a, b) => a * b, 1);
  const xv = numbersOf(xd.value, key, file);
  return examplesToColumns(xv, m, nx);
}

/** Reads the data set from an open file. See the module comment for the layouts. */
export function readHdf5Dataset(
  f: H5File,
  file: string,
  keys: { xKey: string; yKey: string; classesKey?: string | undefined },
): Dataset {
  const xd = f.get(keys.xKey) as H5Dataset;
  const yd = f.get(keys.yKey) as H5Dataset;
  const ys = yd.shape ?? [];
  const X = featuresOf(xd, keys.xKey, file);
  const m = X.cols;
  const shape = `(${ys.join(', ')})`;
  if (!fitsLabels({ key: keys.yKey, shape: ys, dtype: '', numeric: true }, m))
    throw new DataError(
      `${file}: dataset '${keys.yKey}' is ${shape} but X '${keys.xKey}' has m = ${m} examples; labels must be (m,), (m, 1), (m, K) or (1, m) = (1, ${m})`,
      file,
    );
  const yv = numbersOf(yd.value, keys.yKey, file);
  const k = ys.length === 2 && ys[0] === m ? ys[1]! : 1;
  const source = `${file}:${keys.xKey}`;
  if (k === 1) {
    const names = classNames(f, file, keys.classesKey);
    const values = Array.from(yv);
    if (names && values.every((v) => Number.isInteger(v) && v >= 0 && v < names.length)) {
      const labels = zeros(1, m, 'float64');
      labels.data.set(values);
      return { X, labels, classes: names, source };
    }
    if (names && keys.classesKey !== undefined)
      throw new DataError(
        `${file}: labels in '${keys.yKey}' must be integers 0..${names.length - 1} to index '${keys.classesKey}'`,
        file,
      );
    return { X, ...labelsFromValues(values, file), source };
  }
  const rows = Array.from({ length: m }, (_, j) => Array.from({ length: k }, (_, i) => yv[j * k + i]!));
  if (rows.every((r) => r.every((v) => v === 0 || v === 1) && r.reduce((a: number, b: number) => a + b, 0) === 1)) {
    const labels = zeros(1, m, 'float64');
    rows.forEach((r, j) => (labels.data[j] = r.indexOf(1)));
    const names = classNames(f, file, keys.classesKey);
    return { X, labels, classes: names?.length === k ? names : Array.from({ length: k }, (_, i) => String(i)), source };
  }
  const labels = zeros(k, m, 'float64');
  rows.forEach((r, j) => r.forEach((v, i) => (labels.data[i * m + j] = v)));
  return { X, labels, source };
}

/** Class names from `list_classes` (or the given key), decoded from bytes when stored as such. */
function classNames(f: H5File, file: string, key?: string): string[] | undefined {
  const k = key ?? (f.keys().includes('list_classes') ? 'list_classes' : undefined);
  if (k === undefined) return undefined;
  const obj = f.get(k);
  if (!obj || !('value' in obj)) throw new DataError(`${file}: no dataset '${k}' for --classes-key`, file);
  const v = (obj as H5Dataset).value;
  const list = Array.isArray(v) ? v : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : [v];
  return list.map((s) => (s instanceof Uint8Array ? new TextDecoder().decode(s) : String(s)).replace(/\0+$/, ''));
}

const stringOption = (spec: DataSpec, ...names: string[]): string | undefined => {
  for (const n of names) if (typeof spec[n] === 'string') return spec[n] as string;
  return undefined;
};

/**
 * The `--data FILE.h5` reader. spec: `xKey`/`x-key`, `yKey`/`y-key`, `classesKey`/`classes-key`, and
 * `onNote(text)`, told which keys were guessed when none were given.
 * @example await readHdf5('train_catvnoncat.h5', {}) // X: (12288, 209), classes ['non-cat', 'cat']
 */
export async function readHdf5(file: string, spec: DataSpec = {}): Promise<Dataset> {
  const xKey = stringOption(spec, 'xKey', 'x-key');
  const yKey = stringOption(spec, 'yKey', 'y-key');
  const classesKey = stringOption(spec, 'classesKey', 'classes-key');
  return withHdf5(file, (f) => {
    if (spec.unlabeled === true && xKey !== undefined && yKey === undefined) return readHdf5Features(f, file, xKey);
    const keys = chooseKeys(listEntries(f), file, xKey, yKey);
    if (keys.guessed && typeof spec['onNote'] === 'function')
      (spec['onNote'] as (s: string) => void)(
        `${file}: using --x-key ${keys.xKey} --y-key ${keys.yKey} (the only pair of datasets with one label per example)`,
      );
    return readHdf5Dataset(f, file, { ...keys, classesKey });
  });
}
