import { ShapeError } from '../core/errors.js';
import type { FileStamp } from '../io/regular-file.js';
import { Matrix, zeros } from '../core/matrix.js';
import { printable } from '../core/text.js';
import {
  checkBatch,
  takenPositions,
  checkMaterialize,
  allocStored,
  type FeatureSource,
  type StoredArray,
  type StoredType,
} from './features.js';
import { gatherRows, identityAffine, type Affine } from './gather.js';

/**
 * Examples held as their file holds them: row r of the file is example r, its n values one after
 * another (numpy's (m, ...) array flattened row-major), in the file's dtype. In memory that is one typed
 * array of m·n values — 1 byte a value for uint8 images, against 8 for a float64 matrix — and on disk it
 * is the file itself, read by row ranges at their byte offsets. Browser-safe: readers that touch the
 * file system implement `RowBacking` in their own (Node) modules.
 */
export interface RowBacking {
  /** The file, for messages: `X.npy`, `train.h5:train_set_x`. */
  readonly source: string;
  /** Examples (rows) in the file. */
  readonly m: number;
  /** Values per example: n_x. */
  readonly n: number;
  readonly stored: StoredType;
  readonly featureNames?: string[] | undefined;
  /** Every value, example-major, when held in memory. */
  readonly values?: StoredArray | undefined;
  /** The example number in the original file of each row, when the rows are a copy of some of its rows. */
  readonly exampleNumbers?: Int32Array | undefined;
  /**
   * Rows rows[0..count) into `into`, example-major (row rows[k] at into[k·n ...]). Reads from disk for a
   * file-backed holder; throws a DataError naming the file, the row and the byte offset when the file
   * ends early.
   */
  readRows(rows: ArrayLike<number>, count: number, into: StoredArray): void;
  /** What a background reader needs to read the file itself (file-backed holders only). */
  readonly stream?: StreamSpec | undefined;
}

export type { FileStamp } from '../io/regular-file.js';

/**
 * How a reader thread reads rows of a file: .npy rows at dataOffset + row · rowBytes, with big-endian
 * values swapped and 64-bit integers turned into float64 after reading; HDF5 rows by hyperslab. `stamp`
 * is the file as it was opened: every buffer read is checked against it.
 */
export type StreamSpec =
  | {
      kind: 'npy';
      file: string;
      stamp: FileStamp;
      /** Byte offset of row 0. */
      dataOffset: number;
      /** Bytes per value in the file (2, 4, 8) when its byte order is big-endian. */
      swap?: number | undefined;
      /** 64-bit integers in the file, converted to float64 in place. */
      int64?: 'signed' | 'unsigned' | undefined;
    }
  | {
      kind: 'hdf5';
      file: string;
      stamp: FileStamp;
      key: string;
      h5wasm: string;
      int64?: 'signed' | 'unsigned' | undefined;
      /** The file may read no other file (DataSpec.confined): HDF5 opens only this one. */
      confined?: boolean | undefined;
    };

/** Rows held in memory: one typed array of m·n values. */
export class MemoryRows implements RowBacking {
  readonly m: number;
  readonly featureNames?: string[] | undefined;
  readonly exampleNumbers?: Int32Array | undefined;

  /** `values`: m·n values, example after example; `exampleNumbers`: each row's number in its file, for messages. */
  constructor(
    readonly source: string,
    readonly n: number,
    readonly stored: StoredType,
    readonly values: StoredArray,
    names: { featureNames?: string[] | undefined; exampleNumbers?: Int32Array | undefined } = {},
  ) {
    this.featureNames = names.featureNames;
    this.exampleNumbers = names.exampleNumbers;
    if (n <= 0 && values.length > 0) throw new ShapeError(`${source}: an example needs at least one value`);
    this.m = n > 0 ? values.length / n : 0;
    if (!Number.isInteger(this.m))
      throw new ShapeError(`${source}: ${values.length} values do not make whole examples of n_x = ${n}`);
  }

  readRows(rows: ArrayLike<number>, count: number, into: StoredArray): void {
    const n = this.n;
    for (let k = 0; k < count; k++) {
      const r = rows[k]!;
      into.set(this.values.subarray(r * n, (r + 1) * n), k * n);
    }
  }
}

/**
 * X: (n_x, m) over a row holder, optionally viewed through `index` (position p is file row index[p]).
 * The view of a split: train, dev and test share one holder.
 */
export class RowFeatures implements FeatureSource {
  readonly rows: number;
  readonly cols: number;

  constructor(
    readonly backing: RowBacking,
    readonly index?: Int32Array,
  ) {
    this.rows = backing.n;
    this.cols = index ? index.length : backing.m;
  }

  get source(): string {
    return this.backing.source;
  }
  get stored(): StoredType {
    return this.backing.stored;
  }
  get onDisk(): boolean {
    return this.backing.values === undefined;
  }
  get memoryBytes(): number {
    return this.backing.values?.byteLength ?? 0;
  }

  /** The file row of position p. */
  row(p: number): number {
    return this.index ? this.index[p]! : p;
  }

  take(index: ArrayLike<number>): RowFeatures {
    return new RowFeatures(
      this.backing,
      takenPositions(index, this.cols, (q) => this.row(q)),
    );
  }

  gather(order: ArrayLike<number>, start: number, dst: Matrix, f: Affine): void {
    checkBatch(this, dst);
    const b = dst.cols,
      n = this.rows;
    const bases = new Float64Array(b);
    const values = this.backing.values;
    if (values) {
      for (let j = 0; j < b; j++) bases[j] = this.row(order[start + j]!) * n;
      gatherRows({ values, n }, bases, dst.data, f);
      return;
    }
    const rows = new Float64Array(b);
    for (let j = 0; j < b; j++) ((rows[j] = this.row(order[start + j]!)), (bases[j] = j * n));
    const buf = allocStored(this.stored, b * n);
    this.backing.readRows(rows, b, buf);
    gatherRows({ values: buf, n }, bases, dst.data, f);
  }

  chunks(size: number, visit: (values: ArrayLike<number>, count: number, start: number) => void): void {
    const n = this.rows,
      values = this.backing.values;
    let buf: StoredArray | undefined;
    const rows = new Float64Array(Math.min(size, this.cols));
    for (let start = 0; start < this.cols; start += size) {
      const count = Math.min(size, this.cols - start);
      if (values && !this.index) {
        visit(values.subarray(start * n, (start + count) * n), count, start);
        continue;
      }
      buf ??= allocStored(this.stored, rows.length * n);
      for (let e = 0; e < count; e++) rows[e] = this.row(start + e);
      this.backing.readRows(rows, count, buf);
      visit(buf, count, start);
    }
  }

  /** The example number in the file of row r. */
  private exampleNumber(r: number): number {
    return this.backing.exampleNumbers ? this.backing.exampleNumbers[r]! : r;
  }

  examples(): ArrayLike<number> {
    const numbers = this.backing.exampleNumbers;
    if (this.index && !numbers) return this.index;
    const out = new Int32Array(this.cols);
    for (let p = 0; p < out.length; p++) out[p] = this.exampleNumber(this.row(p));
    return out;
  }

  entry(row: number, col: number): { value: number; where: string } {
    const r = this.row(col);
    const buf = allocStored(this.stored, this.rows);
    this.backing.readRows([r], 1, buf);
    const name = this.backing.featureNames?.[row];
    return {
      value: buf[row]!,
      where: `${this.source}: example ${this.exampleNumber(r)}, feature ${name !== undefined ? `'${printable(name)}'` : row}`,
    };
  }

  materialize(limitBytes?: number): Matrix {
    checkMaterialize(this.source, this.rows, this.cols, limitBytes);
    const out = zeros(this.rows, this.cols, 'float64');
    const all = new Int32Array(this.cols);
    for (let p = 0; p < all.length; p++) all[p] = p;
    const chunk = 1024;
    const part = zeros(this.rows, chunk, 'float64');
    const f = identityAffine(this.rows);
    for (let start = 0; start < this.cols; start += chunk) {
      const count = Math.min(chunk, this.cols - start);
      const dst = count === chunk ? part : zeros(this.rows, count, 'float64');
      this.gather(all, start, dst, f);
      for (let i = 0; i < this.rows; i++)
        out.data.set(dst.data.subarray(i * count, (i + 1) * count), i * this.cols + start);
    }
    return out;
  }

  /**
   * The same examples held in memory (in the stored dtype): for a held-out set small enough to keep,
   * so that each evaluation does not read the file again.
   */
  toMemory(): RowFeatures {
    if (!this.onDisk) return this;
    const values = allocStored(this.stored, this.cols * this.rows);
    const rows = Int32Array.from({ length: this.cols }, (_, p) => this.row(p));
    const chunk = 65536;
    const part = allocStored(this.stored, Math.min(chunk, this.cols) * this.rows);
    for (let start = 0; start < this.cols; start += chunk) {
      const count = Math.min(chunk, this.cols - start);
      this.backing.readRows(rows.subarray(start, start + count), count, part);
      values.set(part.subarray(0, count * this.rows), start * this.rows);
    }
    // The file's example numbers stay with the rows, for messages.
    const numbers = Int32Array.from(rows, (r) => this.exampleNumber(r));
    return new RowFeatures(
      new MemoryRows(this.source, this.rows, this.stored, values, {
        featureNames: this.backing.featureNames,
        exampleNumbers: numbers,
      }),
    );
  }
}

/**
 * Reads buffers of rows of a file in the background, into a ring of `slots` slots of `slotBytes` bytes
 * each, so that training rarely waits for the disk. Buffers are numbered in the order they are posted
 * (0, 1, 2, ... over the whole run); buffer s goes into slot s % slots. Implemented in Node by a worker
 * thread (src/data/stream/reader.ts); the trainer uses it through this interface.
 */
export interface RowStreamer {
  /** The whole ring as the stored type's values (slot s starts at value s · slotBytes / bytes per value). */
  readonly values: StoredArray;
  readonly slots: number;
  readonly slotBytes: number;
  /**
   * Queues buffers to read, in order; each is a list of spans (first file row, row count, byte offset in
   * the slot), three numbers a span.
   */
  post(buffers: Float64Array[]): void;
  /** Blocks until buffer `seq` is in its slot; throws the reader's error (a truncated file) if it failed. */
  wait(seq: number): void;
  /** Gives back the slots of every buffer before `seq`. */
  release(seq: number): void;
  /** How often, and for how long in all, `wait` had to block: how often the kernels waited for the disk. */
  readonly waits: { count: number; seconds: number; buffers: number };
  close(): void;
}

/** A background reader's ring: `slots` slots of `slotBytes` bytes, filled with rows of `rowBytes` bytes of `stored` values. */
export interface RingLayout {
  stored: StoredType;
  rowBytes: number;
  slotBytes: number;
  slots: number;
}

/** Makes the background reader for a file (registered by the Node entry; absent in a browser). */
export type RowStreamerFactory = (spec: StreamSpec, layout: RingLayout) => RowStreamer;

let streamerFactory: RowStreamerFactory | undefined;

/** Registers how files are read in the background (src/data/read/register-readers.ts does, in Node). */
export function registerRowStreamer(factory: RowStreamerFactory): void {
  streamerFactory = factory;
}

/** The registered background reader, or undefined where there is none (a browser). */
export function rowStreamer(): RowStreamerFactory | undefined {
  return streamerFactory;
}
