import type { Backend } from '../backend/backend.js';
import { defaultBackend } from '../backend/index.js';
import { ShapeError, fmtShape } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';

/** What linearBackward needs from the forward pass. */
export interface LinearCache {
  /** A_prev: (n[l-1], m) */
  A_prev: Matrix;
  /** W: (n[l], n[l-1]) */
  W: Matrix;
  /** b: (n[l], 1) */
  b: Matrix;
}

export interface LayerOptions {
  backend?: Backend;
  /** l, for error messages in the course's notation (W[l], n[l]). */
  layer?: number;
}

const lname = (l: number | undefined) => (l === undefined ? 'l' : String(l));
const prev = (l: number | undefined) => (l === undefined ? 'l-1' : String(l - 1));

/** Checks W: (n[l], n[l-1]) against A_prev: (n[l-1], m) and b: (n[l], 1), naming the rule broken. */
function checkLinearShapes(
  op: string,
  { A_prev, W, b }: { A_prev: Matrix; W: Matrix; b: Matrix },
  layer?: number,
): void {
  const l = lname(layer),
    p = prev(layer);
  if (W.cols !== A_prev.rows)
    throw new ShapeError(
      `${op}: W[${l}] must be (n[${l}], n[${p}]) = ${fmtShape(W.rows, A_prev.rows)} but is ${fmtShape(W.rows, W.cols)} (A[${p}] is ${fmtShape(A_prev.rows, A_prev.cols)})`,
    );
  if (b.rows !== W.rows || b.cols !== 1)
    throw new ShapeError(
      `${op}: b[${l}] must be (n[${l}], 1) = ${fmtShape(W.rows, 1)} but is ${fmtShape(b.rows, b.cols)}`,
    );
  if (A_prev.dtype !== W.dtype || W.dtype !== b.dtype)
    throw new ShapeError(
      `${op}: A[${p}], W[${l}] and b[${l}] must share one dtype but are ${A_prev.dtype}, ${W.dtype}, ${b.dtype}`,
    );
}

/**
 * Z[l] = W[l]·A[l-1] + b[l].  A_prev: (n[l-1], m), W: (n[l], n[l-1]), b: (n[l], 1) → Z: (n[l], m).
 * `Z` may be passed in to reuse its storage.
 * @example linearForward(fromArray([[1], [2]]), fromArray([[3, 4]]), fromArray([[0.5]])).Z // => [[11.5]]
 */
export function linearForward(
  A_prev: Matrix,
  W: Matrix,
  b: Matrix,
  options: LayerOptions & { Z?: Matrix } = {},
): { Z: Matrix; cache: LinearCache } {
  const be = options.backend ?? defaultBackend();
  checkLinearShapes('linearForward', { A_prev, W, b }, options.layer);
  const Z = options.Z ?? be.zeros(W.rows, A_prev.cols, W.dtype);
  be.gemm(false, false, 1, W, A_prev, 0, Z);
  be.addBias(Z, b);
  return { Z, cache: { A_prev, W, b } };
}

/**
 * dW[l] = (1/m) dZ[l]·A[l-1]ᵀ, db[l] = (1/m) Σ_columns dZ[l], dA[l-1] = W[l]ᵀ·dZ[l].
 * dZ: (n[l], m) → dA_prev: (n[l-1], m), dW: (n[l], n[l-1]), db: (n[l], 1).
 * Outputs may be passed in to reuse storage; `dA_prev: null` skips it (layer 1 in training, where dA[0] is unused).
 */
export function linearBackward(
  dZ: Matrix,
  cache: LinearCache,
  options: LayerOptions & { dA_prev?: Matrix | null; dW?: Matrix; db?: Matrix } = {},
): { dA_prev: Matrix | null; dW: Matrix; db: Matrix } {
  const be = options.backend ?? defaultBackend();
  const { A_prev, W } = cache;
  const l = lname(options.layer);
  const m = A_prev.cols;
  if (dZ.rows !== W.rows || dZ.cols !== m)
    throw new ShapeError(
      `linearBackward: dZ[${l}] must be (n[${l}], m) = ${fmtShape(W.rows, m)} but is ${fmtShape(dZ.rows, dZ.cols)}`,
    );
  const dW = options.dW ?? be.zeros(W.rows, W.cols, W.dtype);
  const db = options.db ?? be.zeros(W.rows, 1, W.dtype);
  be.gemm(false, true, 1 / m, dZ, A_prev, 0, dW);
  be.sumColumns(dZ, db, 1 / m);
  let dA_prev: Matrix | null = null;
  if (options.dA_prev !== null) {
    dA_prev = options.dA_prev ?? be.zeros(A_prev.rows, m, W.dtype);
    be.gemm(true, false, 1, W, dZ, 0, dA_prev);
  }
  return { dA_prev, dW, db };
}
