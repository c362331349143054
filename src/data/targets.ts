import { DataError, ShapeError, fmtShape } from '../core/errors.js';
import { Matrix, zeros } from '../core/matrix.js';
import { outputUnits, targets, type Dataset, type OutputKind } from './dataset.js';
import { checkGathered } from './fits.js';
import { describeEntry } from './origin.js';

/**
 * Y as training reads it, a batch at a time: a Matrix (n[L], m) of targets, or — for classes — the
 * class index of each example, turned into the output's rows as a batch is gathered (0/1 for a sigmoid,
 * one-hot for a softmax, the class's value for a linear output on integer classes). A one-hot Y of a
 * million examples and ten classes is 80 MB in float64; its class indices are the labels the data set
 * already holds. Browser-safe.
 */
export interface TargetSource {
  /** n[L] */
  readonly rows: number;
  /** m */
  readonly cols: number;
  /**
   * dst(i, j) = y(i, order[start + j]) for j < dst.cols, in dst's dtype; a value the dtype cannot hold
   * (1e308 in float32) is refused with its example.
   */
  gather(order: ArrayLike<number>, start: number, dst: Matrix): void;
  /** The class of each example, for the classification error; undefined for regression targets. */
  classOf?: ((j: number) => number) | undefined;
}

/** Y of a training run: a Matrix (n[L], m), or any other holder of targets. */
export type Targets = Matrix | TargetSource;

/** Y: (n[L], m) in the course's layout (any dtype), optionally read through a view `index`. */
class MatrixTargets implements TargetSource {
  readonly rows: number;
  readonly cols: number;

  constructor(readonly Y: Matrix) {
    this.rows = Y.rows;
    this.cols = Y.cols;
  }

  gather(order: ArrayLike<number>, start: number, dst: Matrix): void {
    const Y = this.Y,
      b = dst.cols,
      m = Y.cols;
    if (dst.rows !== Y.rows)
      throw new ShapeError(`gather: Y_b must have n[L] = ${Y.rows} rows but is ${fmtShape(dst.rows, b)}`);
    for (let i = 0; i < Y.rows; i++)
      for (let j = 0; j < b; j++) dst.data[i * b + j] = Y.data[i * m + order[start + j]!]!;
    checkGathered(
      dst,
      (row, col) => {
        const e = order[start + col]!;
        return { value: Y.data[row * m + e]!, where: describeEntry(Y, row, e, { source: 'Y', rows: 'target' }) };
      },
      undefined,
      'target',
    );
  }
}

/**
 * Targets of classification read from class indices (the data set's labels (1, m)): 'sigmoid' gives the
 * index itself (0/1), 'softmax' a one-hot column of K rows, 'linear' the class's numeric value.
 */
export class ClassTargets implements TargetSource {
  readonly cols: number;

  constructor(
    readonly output: OutputKind,
    readonly rows: number,
    /** Class index of each example (the labels' row). */
    readonly indices: ArrayLike<number>,
    /** 'linear': the value of each class. */
    readonly values?: readonly number[],
  ) {
    this.cols = indices.length;
  }

  readonly classOf = (j: number): number => this.indices[j]!;

  gather(order: ArrayLike<number>, start: number, dst: Matrix): void {
    const b = dst.cols,
      d = dst.data,
      k = this.indices;
    if (dst.rows !== this.rows)
      throw new ShapeError(`gather: Y_b must have n[L] = ${this.rows} rows but is ${fmtShape(dst.rows, b)}`);
    if (this.output === 'softmax') {
      d.fill(0);
      for (let j = 0; j < b; j++) d[k[order[start + j]!]! * b + j] = 1;
    } else if (this.values) {
      const v = this.values;
      for (let j = 0; j < b; j++) d[j] = v[k[order[start + j]!]!]!;
      checkGathered(
        dst,
        (_row, col) => ({
          value: v[k[order[start + col]!]!]!,
          where: `example ${order[start + col]}, the label`,
        }),
        undefined,
        'target',
      );
    } else for (let j = 0; j < b; j++) d[j] = k[order[start + j]!]!;
  }
}

/** The pipeline's view of Y. */
export function targetSource(Y: Targets): TargetSource {
  return Y instanceof Matrix ? new MatrixTargets(Y) : Y;
}

/**
 * Y for the output as the trainer reads it, without building the (n[L], m) matrix `targets` makes:
 * class indices read through `ClassTargets`, or, for regression, the labels themselves.
 * @example leanTargets(mnist, 'softmax').rows // => 10, with no (10, m) matrix allocated
 */
export function leanTargets(d: Dataset, output: OutputKind): Targets {
  const n = outputUnits(d, output);
  if (output === 'linear' && !d.classes) return d.labels;
  if (output === 'linear') {
    const values = d.classes!.map(Number);
    if (values.some((v) => !Number.isFinite(v))) return targets(d, output);
    return new ClassTargets(output, 1, d.labels.data, values);
  }
  if (d.labels.rows !== 1)
    throw new DataError(
      `${d.source}: a ${output} output needs one class label per example but the labels have ${d.labels.rows} rows`,
    );
  return new ClassTargets(output, n, d.labels.data);
}

/** A small Y as a Matrix (n[L], m) in float64, whatever holds it (for tests and summaries). */
export function targetsMatrix(Y: Targets): Matrix {
  if (Y instanceof Matrix) return Y;
  const out = zeros(Y.rows, Y.cols, 'float64');
  Y.gather(
    Int32Array.from({ length: Y.cols }, (_, j) => j),
    0,
    out,
  );
  return out;
}
