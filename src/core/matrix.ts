import { ShapeError, fmtShape } from './errors.js';

export type DType = 'float32' | 'float64';
export type FloatArray = Float32Array | Float64Array;

/**
 * A dense (rows, cols) matrix stored row-major in a typed array: element (i, j) is data[i * cols + j].
 * Examples are columns, so X: (n_x, m) keeps one example per column.
 *
 * A Matrix does not own its storage: a backend may hand out matrices whose `data` is a view into its
 * own memory (WebAssembly linear memory), which is why kernels take matrices and never raw arrays.
 */
export class Matrix {
  /** Fixed at construction (kernels ask for it on every call, so it is a field, not a getter). */
  readonly dtype: DType;
  readonly size: number;

  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly data: FloatArray,
  ) {
    this.dtype = data instanceof Float64Array ? 'float64' : 'float32';
    this.size = rows * cols;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
      throw new ShapeError(`Matrix: shape must be two non-negative integers but is ${fmtShape(rows, cols)}`);
    }
    if (data.length !== rows * cols) {
      throw new ShapeError(`Matrix: ${fmtShape(rows, cols)} needs ${rows * cols} values but got ${data.length}`);
    }
  }

  get shape(): [number, number] {
    return [this.rows, this.cols];
  }

  get(i: number, j: number): number {
    return this.data[i * this.cols + j]!;
  }

  set(i: number, j: number, v: number): void {
    this.data[i * this.cols + j] = v;
  }

  /** Nested arrays in the (rows, cols) layout: what numpy's `.tolist()` writes. */
  toArray(): number[][] {
    const out: number[][] = [];
    for (let i = 0; i < this.rows; i++) out.push(Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)));
    return out;
  }

  toString(): string {
    return `Matrix${fmtShape(this.rows, this.cols)} ${this.dtype}`;
  }
}

/**
 * A (rows, cols) matrix of bytes stored row-major: a dropout mask D, 1 where a unit is kept and 0 where it
 * is dropped. Like a Matrix it does not own its storage (a backend hands out views of its own memory).
 */
export class Mask {
  readonly size: number;

  constructor(
    readonly rows: number,
    readonly cols: number,
    readonly data: Uint8Array,
  ) {
    this.size = rows * cols;
    if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0)
      throw new ShapeError(`Mask: shape must be two non-negative integers but is ${fmtShape(rows, cols)}`);
    if (data.length !== rows * cols)
      throw new ShapeError(`Mask: ${fmtShape(rows, cols)} needs ${rows * cols} bytes but got ${data.length}`);
  }

  toString(): string {
    return `Mask${fmtShape(this.rows, this.cols)}`;
  }
}

/** A fresh all-zero (rows, cols) mask in ordinary JavaScript memory. */
export function zerosMask(rows: number, cols: number): Mask {
  return new Mask(rows, cols, new Uint8Array(rows * cols));
}

function allocArray(dtype: DType, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/** A fresh zero (rows, cols) matrix in ordinary JavaScript memory. Backends have their own `zeros` for hot-path storage. */
export function zeros(rows: number, cols: number, dtype: DType = 'float32'): Matrix {
  return new Matrix(rows, cols, allocArray(dtype, rows * cols));
}

/**
 * Builds a matrix from nested arrays in the (rows, cols) layout.
 * @example fromArray([[1, 2, 3], [4, 5, 6]]) // => Matrix(2, 3)
 */
export function fromArray(rows: ArrayLike<ArrayLike<number>>, dtype: DType = 'float32', name = 'matrix'): Matrix {
  const r = rows.length;
  if (r === 0) throw new ShapeError(`${name}: must have at least one row`);
  const c = rows[0]!.length;
  const m = zeros(r, c, dtype);
  for (let i = 0; i < r; i++) {
    const row = rows[i]!;
    if (row.length !== c) throw new ShapeError(`${name}: row ${i} has ${row.length} values but row 0 has ${c}`);
    for (let j = 0; j < c; j++) {
      const v = row[j]!;
      if (typeof v !== 'number')
        throw new ShapeError(`${name}: entry (${i}, ${j}) must be a number but is ${JSON.stringify(v)}`);
      m.data[i * c + j] = v;
    }
  }
  return m;
}

/** A column vector (n, 1). */
export function columnVector(values: ArrayLike<number>, dtype: DType = 'float32'): Matrix {
  const m = zeros(values.length, 1, dtype);
  m.data.set(Array.from(values));
  return m;
}

/** Throws `op: name must be (rowsName, colsName) = (r, c) but is (r', c')` unless M has the expected shape. */
export function expectShape(
  op: string,
  name: string,
  M: Pick<Matrix, 'rows' | 'cols'>,
  rows: number,
  cols: number,
  rule?: string,
): void {
  if (M.rows !== rows || M.cols !== cols) {
    const r = rule ? `${rule} = ` : '';
    throw new ShapeError(`${op}: ${name} must be ${r}${fmtShape(rows, cols)} but is ${fmtShape(M.rows, M.cols)}`);
  }
}

export function expectSameDType(op: string, ...ms: Matrix[]): void {
  const d = ms[0]!.dtype;
  for (const m of ms)
    if (m.dtype !== d) throw new ShapeError(`${op}: all matrices must share one dtype but got ${d} and ${m.dtype}`);
}

/**
 * dst[:, j] = src[:, index[start + j]] for j < dst.cols: the columns (examples) of one mini-batch.
 * src: (n, m), dst: (n, count). Converts dtype on the way (float64 data into a float32 batch).
 */
export function gatherColumns(src: Matrix, index: ArrayLike<number>, start: number, dst: Matrix): void {
  if (dst.rows !== src.rows) throw new ShapeError(`gatherColumns: dst must have ${src.rows} rows but has ${dst.rows}`);
  const n = src.rows,
    m = src.cols,
    b = dst.cols,
    s = src.data,
    d = dst.data;
  for (let i = 0; i < n; i++) {
    const si = i * m,
      di = i * b;
    for (let j = 0; j < b; j++) d[di + j] = s[si + index[start + j]!]!;
  }
}

/** dst[:, 0..count) = src[:, start..start+count).  src: (n, m), dst: (n, count). */
export function sliceColumns(src: Matrix, start: number, dst: Matrix): void {
  if (dst.rows !== src.rows || start + dst.cols > src.cols)
    throw new ShapeError(
      `sliceColumns: cannot take ${dst.cols} columns from ${start} of ${fmtShape(src.rows, src.cols)} into ${fmtShape(dst.rows, dst.cols)}`,
    );
  const n = src.rows,
    m = src.cols,
    b = dst.cols;
  for (let i = 0; i < n; i++) dst.data.set(src.data.subarray(i * m + start, i * m + start + b), i * b);
}

/** A copy of M: (rows, cols) with another dtype (or the same), in ordinary memory. */
export function convert(M: Matrix, dtype: DType): Matrix {
  const out = zeros(M.rows, M.cols, dtype);
  out.data.set(M.data);
  return out;
}
