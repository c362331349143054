import type { ActivationKind } from '../backend/backend.js';
import { defaultBackend } from '../backend/index.js';
import { ShapeError, fmtShape } from '../core/errors.js';
import type { Mask, Matrix } from '../core/matrix.js';
import { DEFAULT_LEAKY_SLOPE } from './activations.js';
import { linearBackward, linearForward, type LayerOptions, type LinearCache } from './linear.js';

/** What linearActivationBackward needs: the linear cache and Z[l] (and A[l], from which σ' and tanh' are cheaper). */
export interface LayerCache {
  linear: LinearCache;
  /** Z: (n[l], m) */
  Z: Matrix;
  /** A: (n[l], m), g(Z) */
  A: Matrix;
  activation: ActivationKind;
  /** D: (n[l], m), the inverted-dropout mask (1 kept, 0 dropped), when dropout is on for this layer. */
  D?: Mask;
  /** A·D/keepProb: (n[l], m), what the next layer received when dropout is on (A itself stays g(Z) for g'). */
  dropped?: Matrix;
  /** The keep probability D was drawn with: backward scales the kept gradients by its inverse too. */
  keepProb?: number;
}

export interface ActivationOptions extends LayerOptions {
  /** Leaky ReLU's slope for z < 0. */
  alpha?: number;
}

/**
 * A[l] = g(W[l]·A[l-1] + b[l]).  A_prev: (n[l-1], m), W: (n[l], n[l-1]), b: (n[l], 1) → A: (n[l], m).
 * @example linearActivationForward(A_prev, W, b, 'relu') // => { A, cache }
 */
export function linearActivationForward(
  A_prev: Matrix,
  W: Matrix,
  b: Matrix,
  activation: ActivationKind,
  options: ActivationOptions & { Z?: Matrix; A?: Matrix } = {},
): { A: Matrix; cache: LayerCache } {
  const be = options.backend ?? defaultBackend();
  const { Z, cache } = linearForward(A_prev, W, b, { ...options, backend: be });
  const A = options.A ?? be.zeros(Z.rows, Z.cols, Z.dtype);
  be.activationForward(activation, Z, A, options.alpha ?? DEFAULT_LEAKY_SLOPE);
  return { A, cache: { linear: cache, Z, A, activation } };
}

/**
 * dZ[l] = dA[l] * g'(Z[l]), then linearBackward.  dA: (n[l], m) → dA_prev: (n[l-1], m), dW, db.
 * `dZ` may be passed in to reuse storage; `dA_prev: null` skips dA[l-1].
 */
export function linearActivationBackward(
  dA: Matrix,
  cache: LayerCache,
  activation: ActivationKind = cache.activation,
  options: ActivationOptions & { dZ?: Matrix; dA_prev?: Matrix | null; dW?: Matrix; db?: Matrix } = {},
): { dA_prev: Matrix | null; dW: Matrix; db: Matrix; dZ: Matrix } {
  const be = options.backend ?? defaultBackend();
  const { Z, A } = cache;
  if (dA.rows !== Z.rows || dA.cols !== Z.cols) {
    const l = options.layer ?? 'l';
    throw new ShapeError(
      `linearActivationBackward: dA[${l}] must be (n[${l}], m) = ${fmtShape(Z.rows, Z.cols)} but is ${fmtShape(dA.rows, dA.cols)}`,
    );
  }
  const dZ = options.dZ ?? be.zeros(Z.rows, Z.cols, Z.dtype);
  be.activationBackward(activation, dA, Z, A, dZ, options.alpha ?? DEFAULT_LEAKY_SLOPE);
  return { ...linearBackward(dZ, cache.linear, { ...options, backend: be }), dZ };
}
