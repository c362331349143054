import { closeSync, readSync } from 'node:fs';
import type { Dataset as H5Dataset, File as H5File } from 'h5wasm/node';
import { DataError, RefusedFileError } from '../../core/errors.js';
import { zeros } from '../../core/matrix.js';
import { printable } from '../../core/text.js';
import { inexactLabel, labelsFromValues, type Dataset } from '../dataset.js';
import { allocStored, STORED_TYPES, type StoredArray, type StoredType } from '../features.js';
import { notRegular, openRegular, stampAt, stampOf, checkUnchanged } from '../../io/regular-file.js';
import { activeGuard, guarded, guardOpens, reading, type OpenGuard } from './hdf5-guard.js';
import type { DataSpec } from './load.js';
import { MemoryRows, RowFeatures, type FileStamp, type RowBacking, type StreamSpec } from '../rows.js';

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

/** Options of the .h5/.hdf5 reader (`DataSpec.hdf5`). */
export interface Hdf5Options {
  /** The dataset of features, one example per first-axis entry (e.g. train_set_x); guessed when absent. */
  xKey?: string | undefined;
  /** The dataset of labels (e.g. train_set_y); guessed when absent. */
  yKey?: string | undefined;
  /** The dataset of class names (strings); default: list_classes when the file has it. */
  classesKey?: string | undefined;
  /** Told which keys were guessed when none were given (the CLI prints it as a note). */
  onNote?: ((text: string) => void) | undefined;
}

type H5 = typeof import('h5wasm/node').default;
let h5wasmReady: Promise<H5> | undefined;
/** The loaded module, once `loadH5wasm` has resolved (file-backed rows open their own handle with it). */
let h5Loaded: H5 | undefined;
/**
 * Loads h5wasm (about 3 MB of WebAssembly) on first use only, so other commands start fast. HDF5's
 * errors are switched from printing their stack (~20 lines on stderr) to throwing it as an Error, which
 * withHdf5 turns into one line.
 */
function loadH5wasm(): Promise<H5> {
  h5wasmReady ??= import('h5wasm/node').then(async (mod) => {
    const module = await mod.default.ready;
    module.activate_throwing_error_handler();
    guardOpens(module.FS as unknown as Parameters<typeof guardOpens>[0]);
    h5Loaded = mod.default;
    return mod.default;
  });
  return h5wasmReady;
}

/**
 * The innermost reason of an HDF5 error stack, e.g. `truncated file: eof = 1500, sblock->base_addr = 0,
 * stored_eof = 6212`, printable; undefined for an error that does not come from HDF5.
 */
function hdf5Reason(e: unknown): string | undefined {
  const text = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
  if (e instanceof WebAssembly.RuntimeError) return `the HDF5 library failed: ${printable(text)}`;
  if (!text.startsWith('HDF5-DIAG')) return undefined;
  const frames = text.split('\n').filter((l) => /^\s*#\d+:/.test(l));
  const last = frames[frames.length - 1]?.replace(/^\s*#\d+:.*? in [\w.]+\(\): /, '');
  return printable((last ?? text.split('\n')[0]!).trim());
}

/** One numeric dataset of a file, as the key guess sees it. */
export interface Hdf5Entry {
  key: string;
  shape: number[];
  dtype: string;
  numeric: boolean;
}

/**
 * Checks the file before HDF5 sees it (HDF5 would print its error stack to stderr): it must be a regular
 * file and carry the HDF5 signature at offset 0, 512, 1024, ... (a user block may come first). Returns
 * its stamp: which file it is (for a confined read) and how it was (for a streamed one).
 */
function checkHdf5File(file: string): FileStamp {
  const { fd, stat } = openRegular(file);
  const size = Number(stat.size);
  try {
    if (size === 0)
      throw new DataError(`${file}: is empty; an HDF5 file starts with the signature \\x89HDF\\r\\n\\x1a\\n`, file);
    const buf = new Uint8Array(8);
    for (let offset = 0; offset + 8 <= size; offset = offset === 0 ? 512 : offset * 2) {
      if (readSync(fd, buf, 0, 8, offset) === 8 && SIGNATURE.every((b, i) => buf[i] === b)) return stampOf(stat);
    }
  } finally {
    closeSync(fd);
  }
  throw new DataError(
    `${file}: is not an HDF5 file (no HDF5 signature \\x89HDF\\r\\n\\x1a\\n at offset 0, 512, 1024, ...)`,
    file,
  );
}

/** What a confined read (DataSpec.confined) refuses, and why: the rule of its messages. */
const CONFINED_RULE =
  'under a --data-root an HDF5 file must hold its own data: external links, external storage and virtual datasets read other files, and are refused';

/**
 * The one line for an open the guard refused (naming the dataset being read): a file that is not a regular one,
 * or, confined, any file but the data file itself (external storage, or a link HDF5 followed).
 */
function refusedOpen(file: string, g: OpenGuard): RefusedFileError {
  const { path, stat, reading } = g.refused!;
  const what = reading !== undefined ? `dataset '${name(reading)}' reads` : 'reading it opens';
  if (!stat.isFile())
    return new RefusedFileError(`${file}: ${what} ${notRegular(printable(path), stat).message}`, file);
  return new RefusedFileError(`${file}: ${what} another file, ${printable(path)}; ${CONFINED_RULE}`, file);
}

/**
 * Refuses a file that would make HDF5 read other files: an external link anywhere in it (found without
 * following it), or a virtual dataset over another file. External storage cannot be seen from here; the
 * guard refuses its open when its values are read.
 */
function checkConfined(f: H5File, file: string): void {
  const paths = f.paths();
  for (const path of paths) {
    const link = f.get_external_link(path) as { filename?: string; obj_path?: string } | undefined;
    if (link?.filename !== undefined)
      throw new RefusedFileError(
        `${file}: '${name(path)}' is an HDF5 external link to ${printable(link.filename)} (${printable(link.obj_path ?? '')}); ${CONFINED_RULE}`,
        file,
      );
  }
  for (const path of paths) {
    const obj = f.get(path);
    if (!obj || !('metadata' in obj) || !('shape' in obj)) continue;
    const other = (obj as H5Dataset).metadata.virtual_sources?.find((v) => v.file_name !== '.');
    if (other)
      throw new RefusedFileError(
        `${file}: dataset '${name(path)}' is an HDF5 virtual dataset over ${printable(other.file_name)} (${printable(other.dset_name)}); ${CONFINED_RULE}`,
        file,
      );
  }
}

/**
 * Opens an HDF5 file read-only and hands it to `use`, closing it afterwards. Meanwhile HDF5 opens only
 * regular files, and with `confined` only this one (see hdf5-guard.ts); file-backed rows made by `use`
 * keep that guard for their later reads.
 */
async function withHdf5<T>(file: string, use: (f: H5File) => T, confined = false): Promise<T> {
  const stamp = checkHdf5File(file);
  const h5 = await loadH5wasm();
  const g: OpenGuard = { only: confined ? { dev: stamp.dev, ino: stamp.ino } : undefined };
  let f: H5File;
  try {
    f = guarded(g, () => new h5.File(file, 'r'));
  } catch (e) {
    if (g.refused) throw refusedOpen(file, g);
    const reason = hdf5Reason(e);
    if (reason === undefined) throw e;
    throw new DataError(`${file}: HDF5 could not open it (corrupted or truncated?): ${reason}`, file);
  }
  if (f.file_id < 0n) throw new DataError(`${file}: HDF5 could not open it (corrupted or truncated?)`, file);
  try {
    return guarded(g, () => {
      if (confined) checkConfined(f, file);
      return use(f);
    });
  } catch (e) {
    if (g.refused && !(e instanceof RefusedFileError)) throw refusedOpen(file, g);
    const reason = hdf5Reason(e);
    if (reason === undefined) throw e;
    throw new DataError(`${file}: HDF5 could not read it (corrupted or truncated?): ${reason}`, file);
  } finally {
    try {
      f.close();
    } catch {
      // A damaged file can fail to close too; the reason thrown above is the one to show.
    }
  }
}

/** Every dataset in the file (groups walked), with shape and dtype. */
function listEntries(f: H5File): Hdf5Entry[] {
  const out: Hdf5Entry[] = [];
  for (const path of f.paths()) {
    const obj = reading(path, () => f.get(path));
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

/** Dataset names come from the file: quoted through printable() so a hostile name cannot drive the terminal. */
const name = (key: string) => printable(key);
const describe = (entries: Hdf5Entry[]) =>
  entries
    .slice(0, 20)
    .map((e) => `${name(e.key)} (${e.shape.join(', ')})`)
    .join(', ') + (entries.length > 20 ? `, ... (${entries.length} datasets)` : '');
const perExample = (e: Hdf5Entry) => e.shape.slice(1).reduce((a, b) => a * b, 1);
/** Whether `y` can hold the labels of m examples: (m,), (m, K), or the course's (1, m). */
const fitsLabels = (y: Hdf5Entry, m: number) =>
  (y.shape.length === 1 && y.shape[0] === m) ||
  (y.shape.length === 2 && (y.shape[0] === m || (y.shape[0] === 1 && y.shape[1] === m)));

/**
 * Picks the X and Y datasets: the given keys, or the one pair of numeric datasets where Y fits the
 * labels of X's first dimension m (X being the one with more values per example).
 */
function chooseKeys(
  entries: Hdf5Entry[],
  file: string,
  xKey?: string,
  yKey?: string,
): { xKey: string; yKey: string; guessed: boolean } {
  const byKey = (k: string, opt: string) => {
    const e = entries.find((x) => x.key === k || x.key === k.replace(/^\//, ''));
    if (!e)
      throw new DataError(
        `${file}: no dataset '${name(k)}' for ${opt}; the file has ${describe(entries) || 'no datasets'}`,
        file,
      );
    if (!e.numeric)
      throw new DataError(`${file}: dataset '${name(k)}' (${opt}) holds ${name(e.dtype)} values, not numbers`, file);
    if (e.shape.length === 0)
      throw new DataError(
        `${file}: dataset '${name(k)}' (${opt}) is a scalar; it must hold one entry per example`,
        file,
      );
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
    `${file}: ${pairs.length} pairs of datasets could be X and Y (${pairs
      .slice(0, 10)
      .map(([x, y]) => `${name(x.key)}/${name(y.key)}`)
      .join(', ')}${pairs.length > 10 ? ', ...' : ''}); ${hint}`,
    file,
  );
}

/**
 * Labels from h5wasm (uint8 ... float64, or BigInt64 for int64, k values an example) as plain numbers,
 * read in place; 64-bit integers beyond ±2^53, which float64 cannot tell apart, are refused.
 */
function labelNumbers(value: unknown, k: number, key: string, file: string): ArrayLike<number> {
  if (value instanceof BigInt64Array || value instanceof BigUint64Array) {
    const inexact = inexactLabel(value, k, file, ` in '${name(key)}'`);
    if (inexact) throw inexact;
    return Float64Array.from(value, (v) => Number(v));
  }
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return value as unknown as ArrayLike<number>;
  throw new DataError(`${file}: dataset '${name(key)}' did not read as a numeric array`, file);
}

/** Features alone (prediction): X: (n_x, m) from `xKey`, labels: (0, m). */
function readHdf5Features(f: H5File, file: string, xKey: string, stream = false): Dataset {
  const entries = listEntries(f);
  const e = entries.find((x) => x.key === xKey.replace(/^\//, ''));
  if (!e)
    throw new DataError(
      `${file}: no dataset '${name(xKey)}' for --x-key; the file has ${describe(entries) || 'no datasets'}`,
      file,
    );
  if (!e.numeric || e.shape.length === 0)
    throw new DataError(
      `${file}: dataset '${name(xKey)}' (--x-key) must hold numbers, one entry per example, but is ${name(e.dtype)} (${e.shape.join(', ')})`,
      file,
    );
  const X = featuresOf(f, xKey, file, stream);
  return { X, labels: zeros(0, X.cols, 'float64'), source: `${file}:${xKey}` };
}

/**
 * X dataset `key`: (m, ...) → X: (n_x, m), each example flattened row-major, held in the dataset's dtype:
 * read into memory by hyperslabs of rows (so HDF5's own heap holds one slab at a time, never the whole
 * dataset), or, with `stream`, left in the file and read by hyperslab when rows are asked for.
 */
function featuresOf(f: H5File, key: string, file: string, stream = false): RowFeatures {
  const xd = f.get(key) as H5Dataset;
  const xs = xd.shape ?? [];
  const m = xs[0]!;
  if (m === 0) throw new DataError(`${file}: dataset '${name(key)}' has no examples (m = 0)`, file);
  const n = xs.slice(1).reduce((a, b) => a * b, 1);
  const type = hdf5StoredType(xd, key, file);
  const rows = new Hdf5Rows(f, { file, key, m, n, type });
  if (stream) return new RowFeatures(Hdf5Rows.reopen(rows));
  const values = allocStored(type.stored, m * n);
  const slab = Math.max(1, Math.floor(SLAB_BYTES / (n * STORED_TYPES[type.stored].bytes)));
  for (let r = 0; r < m; r += slab) {
    const count = Math.min(slab, m - r);
    rows.readRange(r, count, values, r * n);
  }
  return new RowFeatures(new MemoryRows(`${file}:${key}`, n, type.stored, values));
}

/** Bytes of one hyperslab when a dataset is read into memory. */
const SLAB_BYTES = 16 * 2 ** 20;

/** How an HDF5 dataset's values are held: numbers of 1 to 8 bytes; 64-bit integers become float64. */
function hdf5StoredType(
  ds: H5Dataset,
  key: string,
  file: string,
): { stored: StoredType; int64?: 'signed' | 'unsigned' } {
  const meta = ds.metadata;
  const size = meta.size;
  const signed = Boolean(meta.signed);
  if (meta.type === H5T_INTEGER) {
    if (size === 8) return { stored: 'float64', int64: signed ? 'signed' : 'unsigned' };
    const ints: Record<number, StoredType> = signed
      ? { 1: 'int8', 2: 'int16', 4: 'int32' }
      : { 1: 'uint8', 2: 'uint16', 4: 'uint32' };
    const t = ints[size];
    if (t) return { stored: t };
  } else if (meta.type === H5T_FLOAT && (size === 4 || size === 8))
    return { stored: size === 4 ? 'float32' : 'float64' };
  throw new DataError(
    `${file}: dataset '${name(key)}' holds ${size}-byte ${meta.type === H5T_FLOAT ? 'floats' : 'values'} that lnn cannot read as features (integers of 1-8 bytes, float32 or float64)`,
    file,
  );
}

/** Where an HDF5 dataset's rows are and what they hold: m examples of n values each, of one type. */
interface Hdf5Place {
  file: string;
  key: string;
  m: number;
  n: number;
  type: { stored: StoredType; int64?: 'signed' | 'unsigned' };
}

/** Rows of an HDF5 dataset, read by hyperslab: [r, r + count) of the first axis, every other axis whole. */
class Hdf5Rows implements RowBacking {
  readonly source: string;
  readonly stored: StoredType;
  readonly stream: StreamSpec | undefined;
  readonly file: string;
  readonly key: string;
  readonly m: number;
  readonly n: number;
  private readonly type: Hdf5Place['type'];
  /** The guard of the loader call that made the rows: what HDF5 may open when they are read. */
  private readonly guard: OpenGuard = activeGuard() ?? {};

  constructor(
    private readonly f: H5File,
    private readonly place: Hdf5Place,
    stream?: StreamSpec,
  ) {
    ({ file: this.file, key: this.key, m: this.m, n: this.n, type: this.type } = place);
    this.source = `${this.file}:${this.key}`;
    this.stored = this.type.stored;
    this.stream = stream;
  }

  /** The same rows through a handle of their own, kept open for reads long after the reader's handle closed. */
  static reopen(r: Hdf5Rows): Hdf5Rows {
    const h5 = h5Loaded!;
    const stamp = stampAt(r.file);
    if (!stamp) throw new DataError(`${r.file}: removed while lnn opened it`, r.file);
    const f = guarded(r.guard, () => new h5.File(r.file, 'r'));
    const spec: StreamSpec = {
      kind: 'hdf5',
      file: r.file,
      stamp,
      key: r.key,
      h5wasm: import.meta.resolve('h5wasm/node'),
      ...(r.type.int64 ? { int64: r.type.int64 } : {}),
      ...(r.guard.only ? { confined: true } : {}),
    };
    return new Hdf5Rows(f, r.place, spec);
  }

  /** Rows [r, r + count) into into[at ...]. */
  readRange(r: number, count: number, into: StoredArray, at: number): void {
    let slab: unknown;
    try {
      slab = guarded(this.guard, () =>
        reading(this.key, () => (this.f.get(this.key) as H5Dataset).slice([[r, r + count]])),
      );
    } catch (e) {
      if (this.guard.refused) throw refusedOpen(this.file, this.guard);
      const reason = hdf5Reason(e);
      if (reason === undefined) throw e;
      throw new DataError(
        `${this.file}: HDF5 could not read examples ${r} to ${r + count - 1} of '${name(this.key)}' (corrupted or truncated?): ${reason}`,
        this.file,
      );
    }
    const values = slab as ArrayLike<number | bigint>;
    if (!values || values.length !== count * this.n)
      throw new DataError(
        `${this.file}: HDF5 returned ${values?.length ?? 0} values for examples ${r} to ${r + count - 1} of '${name(this.key)}', not ${count * this.n}`,
        this.file,
      );
    if (values instanceof BigInt64Array || values instanceof BigUint64Array)
      for (let t = 0; t < values.length; t++) into[at + t] = Number(values[t]!);
    else into.set(values as ArrayLike<number>, at);
  }

  readRows(rows: ArrayLike<number>, count: number, into: StoredArray): void {
    for (let k = 0; k < count;) {
      let end = k + 1;
      while (end < count && rows[end] === rows[end - 1]! + 1) end++;
      this.readRange(rows[k]!, end - k, into, k * this.n);
      k = end;
    }
    // Rows left in the file are read all run long: the file must stay as it was opened.
    if (this.stream) {
      const onPath = stampAt(this.file);
      checkUnchanged(this.file, this.stream.stamp, { now: onPath ?? this.stream.stamp, onPath });
    }
  }
}

/** Reads the data set from an open file. See the module comment for the layouts. */
function readHdf5Dataset(
  f: H5File,
  file: string,
  keys: { xKey: string; yKey: string; classesKey?: string | undefined },
  stream = false,
): Dataset {
  const yd = f.get(keys.yKey) as H5Dataset;
  const ys = yd.shape ?? [];
  const X = featuresOf(f, keys.xKey, file, stream);
  const m = X.cols;
  const shape = `(${ys.join(', ')})`;
  if (!fitsLabels({ key: keys.yKey, shape: ys, dtype: '', numeric: true }, m))
    throw new DataError(
      `${file}: dataset '${name(keys.yKey)}' is ${shape} but X '${name(keys.xKey)}' has m = ${m} examples; labels must be (m,), (m, 1), (m, K) or (1, m) = (1, ${m})`,
      file,
    );
  const k = ys.length === 2 && ys[0] === m ? ys[1]! : 1;
  const yv = labelNumbers(
    reading(keys.yKey, () => yd.value),
    k,
    keys.yKey,
    file,
  );
  const source = `${file}:${keys.xKey}`;
  const names = classNames(f, file, keys.classesKey);
  if (k === 1) {
    const values = Array.from(yv);
    if (!names) return { X, ...labelsFromValues(values, file), source };
    const bad = values.findIndex((v) => !(Number.isInteger(v) && v >= 0 && v < names.list.length));
    if (bad >= 0)
      throw new DataError(
        `${file}: label ${values[bad]} of example ${bad} in '${name(keys.yKey)}' does not index the ${names.list.length} class names in '${name(names.key)}'; labels must be integers 0..${names.list.length - 1}${names.given ? '' : ' (pass --classes-key to name another list)'}`,
        file,
      );
    const labels = zeros(1, m, 'float64');
    labels.data.set(values);
    return { X, labels, classes: names.list, source };
  }
  const rows = Array.from({ length: m }, (_, j) => Array.from({ length: k }, (_, i) => yv[j * k + i]!));
  if (rows.every((r) => r.every((v) => v === 0 || v === 1) && r.reduce((a: number, b: number) => a + b, 0) === 1)) {
    const labels = zeros(1, m, 'float64');
    rows.forEach((r, j) => (labels.data[j] = r.indexOf(1)));
    if (names && names.list.length !== k)
      throw new DataError(
        `${file}: '${name(names.key)}' has ${names.list.length} class names but the one-hot labels in '${name(keys.yKey)}' have K = ${k} classes; they must match${names.given ? '' : ' (pass --classes-key to name another list)'}`,
        file,
      );
    return { X, labels, classes: names?.list ?? Array.from({ length: k }, (_, i) => String(i)), source };
  }
  const labels = zeros(k, m, 'float64');
  rows.forEach((r, j) => r.forEach((v, i) => (labels.data[i * m + j] = v)));
  return { X, labels, source };
}

/**
 * Class names from `key` (--classes-key), or from `list_classes` when the file has it: a dataset of
 * strings (bytes decoded as UTF-8), at least one, all different. `given` says whether the user named it.
 */
function classNames(
  f: H5File,
  file: string,
  key?: string,
): { key: string; list: string[]; given: boolean } | undefined {
  const k = key ?? (f.keys().includes('list_classes') ? 'list_classes' : undefined);
  if (k === undefined) return undefined;
  const opt = key !== undefined ? ' (--classes-key)' : ' (class names)';
  const obj = f.get(k);
  if (!obj || !('value' in obj) || !('metadata' in obj))
    throw new DataError(`${file}: no dataset '${name(k)}' for --classes-key`, file);
  const ds = obj as H5Dataset;
  const type = ds.metadata.type;
  if (type === H5T_INTEGER || type === H5T_FLOAT)
    throw new DataError(
      `${file}: dataset '${name(k)}'${opt} holds numbers, shape (${(ds.shape ?? []).join(', ')}), not class names; class names are strings`,
      file,
    );
  const v = reading(k, () => ds.value);
  const raw = Array.isArray(v) ? v : ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : [v];
  const list = raw.map((s) => (s instanceof Uint8Array ? new TextDecoder().decode(s) : String(s)).replace(/\0+$/, ''));
  if (list.length === 0) throw new DataError(`${file}: dataset '${name(k)}'${opt} holds no class names`, file);
  const twice = list.findIndex((c, i) => list.indexOf(c) !== i);
  if (twice >= 0)
    throw new DataError(
      `${file}: dataset '${name(k)}'${opt} names class '${printable(list[twice]!)}' twice; class names must be unique`,
      file,
    );
  return { key: k, list, given: key !== undefined };
}

/**
 * The `--data FILE.h5` reader: spec.hdf5's xKey, yKey, classesKey, and onNote, told which keys were
 * guessed when none were given; spec.unlabeled with only xKey reads features alone; spec.confined
 * refuses a file that reads other files (external links, external storage, virtual datasets).
 * @example await readHdf5('train_catvnoncat.h5') // X: (12288, 209), classes ['non-cat', 'cat']
 */
export async function readHdf5(file: string, spec: DataSpec = {}): Promise<Dataset> {
  const { xKey, yKey, classesKey, onNote } = spec.hdf5 ?? {};
  const stream = spec.stream === true;
  return withHdf5(
    file,
    (f) => {
      if (spec.unlabeled === true && xKey !== undefined && yKey === undefined)
        return readHdf5Features(f, file, xKey, stream);
      const keys = chooseKeys(listEntries(f), file, xKey, yKey);
      if (keys.guessed && onNote)
        onNote(
          `${file}: using --x-key ${name(keys.xKey)} --y-key ${name(keys.yKey)} (the only pair of datasets with one label per example)`,
        );
      return readHdf5Dataset(f, file, { ...keys, classesKey }, stream);
    },
    spec.confined,
  );
}

/**
 * The sizes of the features dataset without reading it (the keys as `readHdf5` would choose them,
 * without notes): for the choice between memory and disk.
 */
export async function probeHdf5(
  file: string,
  spec: DataSpec = {},
): Promise<{ m: number; n: number; stored: StoredType; bytes: number }> {
  const { xKey, yKey } = spec.hdf5 ?? {};
  return withHdf5(
    file,
    (f) => {
      const key =
        spec.unlabeled === true && xKey !== undefined && yKey === undefined
          ? xKey
          : chooseKeys(listEntries(f), file, xKey, yKey).xKey;
      const xd = f.get(key) as H5Dataset | null;
      if (!xd || !('shape' in xd)) throw new DataError(`${file}: no dataset '${name(key)}' for --x-key`, file);
      const xs = xd.shape ?? [];
      const m = xs[0] ?? 0,
        n = xs.slice(1).reduce((a, b) => a * b, 1);
      const { stored } = hdf5StoredType(xd, key, file);
      return { m, n, stored, bytes: m * n * STORED_TYPES[stored].bytes };
    },
    spec.confined,
  );
}
