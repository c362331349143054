import type { FloatArray, Matrix } from '../core/matrix.js';

/**
 * The inner loops of the data pipeline: examples gathered into a batch's columns with their
 * preprocessing applied on the way, x' = (fill(x) − shift[i]) / scale[i] for feature i. One affine form
 * covers every normalization bit for bit: none is (x − 0) / 1 = x and scale:k is (x − 0) / k = x / k
 * (IEEE subtraction of +0 and division by 1 are exact, −0 included), so a batch holds exactly what
 * `applyNormalization` computes for the same example — the arithmetic is done in float64 and rounded
 * once on the store into the batch's dtype. Browser-safe.
 */

/** Per-feature preprocessing resolved to arrays: fill (mean imputation, NaN → fill[i]), shift, scale. */
export interface Affine {
  shift: Float64Array;
  scale: Float64Array;
  /** Present when missing values are filled (with the training means). */
  fill?: Float64Array | undefined;
}

/** The identity for n features: shift 0, scale 1, no fill. */
export function identityAffine(n: number): Affine {
  return { shift: new Float64Array(n), scale: new Float64Array(n).fill(1) };
}

/**
 * dst(i, j) = f_i(values[bases[j] + i]) for i < n, j < b = bases.length: rows held example-major (a
 * file's layout), one example's n values from bases[j], into a (n, b) batch, row-major. The loop runs
 * down the batch's rows so that its writes are contiguous; the b source rows it reads stay in cache across i.
 */
export function gatherRows(
  { values, n }: { values: ArrayLike<number>; n: number },
  bases: ArrayLike<number>,
  dst: FloatArray,
  f: Affine,
): void {
  const b = bases.length;
  const { shift, scale, fill } = f;
  for (let i = 0; i < n; i++) {
    const s = shift[i]!,
      k = scale[i]!,
      o = i * b;
    if (fill) {
      const mean = fill[i]!;
      for (let j = 0; j < b; j++) {
        let v = values[bases[j]! + i]!;
        if (v !== v) v = mean;
        dst[o + j] = (v - s) / k;
      }
    } else for (let j = 0; j < b; j++) dst[o + j] = (values[bases[j]! + i]! - s) / k;
  }
}

/**
 * dst(i, j) = f_i(src(i, cols[j])) for src: (n, m) in the course's layout (row-major, one example per
 * column) and dst: (n, b), b = cols.length: the columns of one batch, as `gatherColumns` takes them,
 * preprocessed.
 */
export function gatherMatrixColumns(source: Matrix, cols: ArrayLike<number>, batch: Matrix, f: Affine): void {
  const { data: src, rows: n, cols: srcCols } = source;
  const { data: dst, cols: b } = batch;
  const { shift, scale, fill } = f;
  for (let i = 0; i < n; i++) {
    const s = shift[i]!,
      k = scale[i]!,
      o = i * b,
      r = i * srcCols;
    if (fill) {
      const mean = fill[i]!;
      for (let j = 0; j < b; j++) {
        let v = src[r + cols[j]!]!;
        if (v !== v) v = mean;
        dst[o + j] = (v - s) / k;
      }
    } else for (let j = 0; j < b; j++) dst[o + j] = (src[r + cols[j]!]! - s) / k;
  }
}

/**
 * The position of the first NaN or ±Infinity in `a`, or -1. A sum of x·0 is 0 while every x is finite
 * and NaN as soon as one is not (it cannot overflow), so the common case costs one pass without a
 * branch; the position is searched for only then.
 */
export function firstNonFinite(a: ArrayLike<number>, length = a.length): number {
  let acc = 0;
  for (let t = 0; t < length; t++) acc += a[t]! * 0;
  if (acc === 0) return -1;
  for (let t = 0; t < length; t++) if (!Number.isFinite(a[t]!)) return t;
  return -1;
}
