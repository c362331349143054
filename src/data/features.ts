import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { Matrix, zeros } from '../core/matrix.js';
import { gatherMatrixColumns, type Affine } from './gather.js';
import { describeEntry, originOf, sameColumnsOrigin, takeOrigin } from './origin.js';

/**
 * X as the data pipeline sees it: n_x features (rows) by m examples (columns), in the course's layout,
 * whatever holds the values. Two kinds of holders implement it:
 * - a `Matrix` (n_x, m) in float64 — small data, the readers of CSV and JSON, tests and library callers
 *   who build X themselves (`ColumnFeatures` wraps it);
 * - a store of the file's rows, one example after another in the file's own dtype (uint8 stays uint8),
 *   in memory or read from disk by row ranges (`RowFeatures`, src/data/rows.ts).
 *
 * A training set, a dev set and a test set are views on one holder by example index (`take`): a split
 * copies indices, never values. Values leave the holder only through `gather` (a batch's columns, into a
 * backend matrix, with the preprocessing applied on the way), `chunks` (a pass for statistics) and an
 * explicit, guarded `materialize` for the few consumers that need a float64 matrix. Browser-safe.
 */
export interface FeatureSource {
  /** n_x: features per example. */
  readonly rows: number;
  /** m: examples. */
  readonly cols: number;
  /** The file (or builtin:name) the values come from, for messages. */
  readonly source: string;
  /** The element type values are held in ('uint8' ... 'float64'); a Matrix is 'float64' or 'float32'. */
  readonly stored: StoredType;
  /** Whether values are read from disk when asked for (a streamed file) rather than held in memory. */
  readonly onDisk: boolean;
  /** Bytes of values held in memory by the holder this view reads (shared by every view on it). */
  readonly memoryBytes: number;
  /** The examples at positions `index` of this view, in that order: a view, no values copied. */
  take(index: ArrayLike<number>): FeatureSource;
  /**
   * Batch columns: dst(i, j) = f_i(x(i, order[start + j])) for j < dst.cols, with f the preprocessing
   * (fill, shift, scale). dst: (n_x, b) in any dtype and any memory (a backend's).
   */
  gather(order: ArrayLike<number>, start: number, dst: Matrix, f: Affine): void;
  /**
   * Visits the examples in order, `size` at a time: `values` holds `count` examples example-major
   * (feature i of the e-th at values[e·n_x + i]), starting at position `start`. The array is reused
   * between calls.
   */
  chunks(size: number, visit: (values: ArrayLike<number>, count: number, start: number) => void): void;
  /** The example number in the source (its row in the file, from 0) of each position. */
  examples(): ArrayLike<number>;
  /** The raw value of feature `row` of the example at position `col`, and where the user finds it. */
  entry(row: number, col: number): { value: number; where: string };
  /** Every value as a float64 (n_x, m) matrix (a copy unless this already is one); refused above `limitBytes`. */
  materialize(limitBytes?: number): Matrix;
}

/** X of a data set: a Matrix (n_x, m), or any other holder of features. */
export type Features = Matrix | FeatureSource;

/** Element types of stored examples, as the .npy and HDF5 readers keep them. */
export type StoredType = 'uint8' | 'int8' | 'uint16' | 'int16' | 'uint32' | 'int32' | 'float32' | 'float64';
export type StoredArray =
  Uint8Array | Int8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

/** Bytes per value and a view constructor for each stored type. */
export const STORED_TYPES: Record<
  StoredType,
  { bytes: number; view: (buffer: ArrayBufferLike, byteOffset: number, length: number) => StoredArray }
> = {
  uint8: { bytes: 1, view: (b, o, n) => new Uint8Array(b, o, n) },
  int8: { bytes: 1, view: (b, o, n) => new Int8Array(b, o, n) },
  uint16: { bytes: 2, view: (b, o, n) => new Uint16Array(b, o, n) },
  int16: { bytes: 2, view: (b, o, n) => new Int16Array(b, o, n) },
  uint32: { bytes: 4, view: (b, o, n) => new Uint32Array(b, o, n) },
  int32: { bytes: 4, view: (b, o, n) => new Int32Array(b, o, n) },
  float32: { bytes: 4, view: (b, o, n) => new Float32Array(b, o, n) },
  float64: { bytes: 8, view: (b, o, n) => new Float64Array(b, o, n) },
};

/** A fresh zeroed array of `length` values of a stored type. */
export function allocStored(type: StoredType, length: number): StoredArray {
  const { bytes, view } = STORED_TYPES[type];
  return view(new ArrayBuffer(length * bytes), 0, length);
}

/**
 * Examples per chunk of a statistics pass. Fixed, so that statistics merged chunk by chunk come out the
 * same bit for bit whether the data was read from memory or from disk.
 */
export const STATS_CHUNK = 4096;

/** The most bytes `materialize` makes by default: beyond, a float64 copy is a sign of a wrong turn. */
const MATERIALIZE_LIMIT = 2 ** 31;

/** The pipeline's view of X: (n_x, m), whatever holds it. */
export function featureSource(X: Features): FeatureSource {
  return X instanceof Matrix ? new ColumnFeatures(X) : X;
}

/** The examples at `index` of X: (n_x, m), in that order (a view): (n_x, index.length). */
export function takeFeatures(X: Features, index: ArrayLike<number>): FeatureSource {
  return featureSource(X).take(index);
}

/** X as a float64 Matrix (n_x, m): itself when it is one, else a guarded copy (see `materialize`). */
export function toMatrix(X: Features, limitBytes?: number): Matrix {
  return X instanceof Matrix && X.dtype === 'float64' ? X : featureSource(X).materialize(limitBytes);
}

/** Refuses a materialization beyond `limit` bytes, naming the source and the size. */
export function checkMaterialize(source: string, n: number, m: number, limit = MATERIALIZE_LIMIT): void {
  const bytes = n * m * 8;
  const size = (b: number) => (b >= 1e9 ? `${(b / 1e9).toFixed(1)} GB` : `${Math.ceil(b / 1e6)} MB`);
  if (bytes > limit)
    throw new ValueError(
      `${source}: X ${fmtShape(n, m)} would take ${size(bytes)} as float64; this step needs it whole (at most ${size(limit)}), so use a subset of the examples`,
    );
}

/**
 * X: (n_x, M) held as a Matrix in the course's layout, optionally viewed through `index` (position p is
 * column index[p] of the matrix).
 */
export class ColumnFeatures implements FeatureSource {
  readonly rows: number;
  readonly cols: number;
  readonly source: string;
  readonly stored: StoredType;
  readonly onDisk = false;

  constructor(
    readonly matrix: Matrix,
    readonly index?: Int32Array,
  ) {
    this.rows = matrix.rows;
    this.cols = index ? index.length : matrix.cols;
    this.source = originOf(matrix)?.source ?? 'X';
    this.stored = matrix.dtype;
  }

  get memoryBytes(): number {
    return this.matrix.data.byteLength;
  }

  private column(p: number): number {
    return this.index ? this.index[p]! : p;
  }

  take(index: ArrayLike<number>): FeatureSource {
    return new ColumnFeatures(
      this.matrix,
      takenPositions(index, this.cols, (q) => this.column(q)),
    );
  }

  gather(order: ArrayLike<number>, start: number, dst: Matrix, f: Affine): void {
    checkBatch(this, dst);
    const b = dst.cols;
    const cols = new Int32Array(b);
    for (let j = 0; j < b; j++) cols[j] = this.column(order[start + j]!);
    gatherMatrixColumns(this.matrix, cols, dst, f);
  }

  chunks(size: number, visit: (values: ArrayLike<number>, count: number, start: number) => void): void {
    const n = this.rows,
      M = this.matrix.cols,
      x = this.matrix.data;
    const buf = new Float64Array(Math.min(size, this.cols) * n);
    for (let start = 0; start < this.cols; start += size) {
      const count = Math.min(size, this.cols - start);
      for (let e = 0; e < count; e++) {
        const c = this.column(start + e);
        for (let i = 0; i < n; i++) buf[e * n + i] = x[i * M + c]!;
      }
      visit(buf, count, start);
    }
  }

  examples(): ArrayLike<number> {
    const o = originOf(this.matrix)?.examples;
    const out = new Float64Array(this.cols);
    for (let p = 0; p < out.length; p++) {
      const c = this.column(p);
      out[p] = o ? o[c]! : c;
    }
    return out;
  }

  entry(row: number, col: number): { value: number; where: string } {
    const c = this.column(col);
    return {
      value: this.matrix.data[row * this.matrix.cols + c]!,
      where: describeEntry(this.matrix, row, c, { source: this.source, rows: 'feature' }),
    };
  }

  materialize(limitBytes?: number): Matrix {
    if (!this.index && this.matrix.dtype === 'float64') return this.matrix;
    checkMaterialize(this.source, this.rows, this.cols, limitBytes);
    const out = zeros(this.rows, this.cols, 'float64');
    const all = new Int32Array(this.cols);
    for (let p = 0; p < all.length; p++) all[p] = p;
    this.gather(all, 0, out, { shift: new Float64Array(this.rows), scale: new Float64Array(this.rows).fill(1) });
    // The copy keeps the origin of its columns, so a value found wrong in it is still named by its file.
    if (this.index) takeOrigin(this.matrix, out, this.index);
    else sameColumnsOrigin(this.matrix, out);
    return out;
  }
}

/** A batch matrix dst: (n_x, b) must have X's n_x rows (the pipeline's contract with every holder). */
/**
 * Where examples index[0..] of m sit in their holder (`at(q)`: a matrix column, a file row), each
 * checked to be an example there is.
 */
export function takenPositions(index: ArrayLike<number>, m: number, at: (q: number) => number): Int32Array {
  const out = new Int32Array(index.length);
  for (let p = 0; p < out.length; p++) {
    const q = index[p]!;
    if (!(q >= 0 && q < m)) throw new ShapeError(`take: example ${q} is outside 0..${m - 1}`);
    out[p] = at(q);
  }
  return out;
}

export function checkBatch(X: FeatureSource, dst: Matrix): void {
  if (dst.rows !== X.rows)
    throw new ShapeError(`gather: the batch must have n_x = ${X.rows} rows but is ${fmtShape(dst.rows, dst.cols)}`);
}
