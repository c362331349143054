import type { ActivationKind, Backend, LossKind, UniformSource } from '../backend/backend.js';
import { defaultBackend } from '../backend/index.js';
import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { DEFAULT_LEAKY_SLOPE } from './activations.js';
import { checkHyperparameter } from './hyperparameters.js';
import { linearActivationBackward, linearActivationForward, type LayerCache } from './linear-activation.js';
import { linearBackward, linearForward } from './linear.js';
import { isMatchedPair, lossFor } from './losses.js';
import { depth, layerDims, type Gradients, type Parameters } from './params.js';
import type { LayerWorkspace, Workspace } from './workspace.js';

export interface ModelOptions {
  backend?: Backend;
  /** g[1..L]; default the course's: ReLU for hidden layers, sigmoid for the output. */
  activations?: ActivationKind[];
  /** Leaky ReLU's slope for z < 0. */
  alpha?: number;
  /** Preallocated matrices for this batch size (training reuses them every iteration). */
  workspace?: Workspace;
}

/** The course's activations for L layers: ReLU × (L-1), then sigmoid. */
export function courseActivations(L: number): ActivationKind[] {
  return [...Array<ActivationKind>(L - 1).fill('relu'), 'sigmoid'];
}

function activationsFor(parameters: Parameters, options: ModelOptions): ActivationKind[] {
  const L = depth(parameters);
  const acts = options.activations ?? courseActivations(L);
  if (acts.length !== L)
    throw new ValueError(`modelForward: need one activation per layer, g[1..${L}], but got ${acts.length}`);
  return acts;
}

/**
 * The generators of dropout masks: 'philox', drawn inside the kernels from a key (fast, the default of
 * training), and 'numpy', the uniforms of numpy's seeded generator drawn one at a time (the course's
 * exact masks, slow).
 */
export const DROPOUT_RNGS = ['philox', 'numpy'] as const;
export type DropoutRng = (typeof DROPOUT_RNGS)[number];

/**
 * Where the dropout masks of a forward pass come from (one of the two; see modelForward):
 * `dropoutKey`, the Philox stream of training step `step` under `seed`, drawn inside the kernels (the
 * layer completes the key), or `rng`, a uniform generator drawn in order on the host, as the course's
 * np.random.rand (exact and slow).
 */
export interface DropoutOptions {
  /** Inverted dropout's keep probability for the hidden layers (1: off). */
  keepProb?: number;
  dropoutKey?: { seed: number; step: number };
  rng?: UniformSource;
}

/**
 * Forward propagation for l = 1..L: A[l] = g[l](W[l]·A[l-1] + b[l]), A[0] = X, with inverted dropout on
 * the hidden layers when keepProb < 1: layer l passes on A[l] ⊙ D[l] / keepProb, D[l] drawn from
 * `dropoutKey` with layer l (the fast generator) or from `rng` (numpy's masks).
 * X: (n[0], m) → AL: (n[L], m), caches[l-1] for layer l.
 * @example modelForward(X, initializeParametersDeep([5, 4, 3, 1])) // => { AL: (1, m), caches: 3 caches }
 */
export function modelForward(
  X: Matrix,
  parameters: Parameters,
  options: ModelOptions & DropoutOptions = {},
): { AL: Matrix; caches: LayerCache[] } {
  const be = options.backend ?? defaultBackend();
  const acts = activationsFor(parameters, options);
  const dims = layerDims(parameters, 'modelForward');
  const L = dims.length - 1;
  if (X.rows !== dims[0])
    throw new ShapeError(
      `modelForward: X must be (n[0], m) = ${fmtShape(dims[0]!, X.cols)} to match W[1]: ${fmtShape(dims[1]!, dims[0]!)} but is ${fmtShape(X.rows, X.cols)}`,
    );
  const keepProb = checkDropoutOptions(options);
  const ws = options.workspace;
  if (ws && ws.m !== X.cols)
    throw new ShapeError(`modelForward: the workspace is for m = ${ws.m} examples but X has ${X.cols}`);
  const caches: LayerCache[] = [];
  let A = X;
  const alpha = options.alpha ?? DEFAULT_LEAKY_SLOPE;
  for (let l = 1; l <= L; l++) {
    const layer = ws?.layers[l - 1];
    const W = parameters[`W${l}`]!,
      b = parameters[`b${l}`]!;
    // One object literal per call: options spread from a shared object here made V8 deoptimize and
    // re-optimize the layer functions again and again (measured: RSS +13 MB over the 10,000 iterations
    // of test/backend/native.test.ts).
    const out =
      keepProb < 1 && l < L
        ? dropoutLayerForward(A, W, b, acts[l - 1]!, {
            backend: be,
            layer: l,
            alpha,
            keepProb,
            masks: options,
            ws: layer,
          })
        : linearActivationForward(A, W, b, acts[l - 1]!, {
            backend: be,
            layer: l,
            alpha,
            ...(layer ? { Z: layer.Z, A: layer.A } : {}),
          });
    caches.push(out.cache);
    A = out.A;
  }
  return { AL: A, caches };
}

/** keepProb by its rule in HYPERPARAMETERS (the words of every door), and a source of masks when it is below 1. */
function checkDropoutOptions(options: DropoutOptions): number {
  const keepProb = options.keepProb ?? 1;
  checkHyperparameter('keepProb', keepProb);
  if (keepProb < 1 && !options.rng && !options.dropoutKey)
    throw new ValueError('modelForward: dropout (keepProb < 1) needs a dropoutKey or a seeded rng');
  return keepProb;
}

/**
 * A hidden layer with inverted dropout: Z = W·A_prev + b, then one fused kernel for A = g(Z), D and
 * A ⊙ D / keepProb (D drawn in the kernel from the key, or first on the host from `rng`).
 * A_prev: (n[l-1], m) → A ⊙ D / keepProb: (n[l], m), and the layer's cache (with D and keepProb).
 */
function dropoutLayerForward(
  A_prev: Matrix,
  W: Matrix,
  b: Matrix,
  g: ActivationKind,
  o: {
    backend: Backend;
    layer: number;
    alpha: number;
    keepProb: number;
    masks: DropoutOptions;
    ws: LayerWorkspace | undefined;
  },
): { A: Matrix; cache: LayerCache } {
  const { backend: be, ws, masks } = o;
  const { Z, cache: linear } = linearForward(A_prev, W, b, { backend: be, layer: o.layer, ...(ws ? { Z: ws.Z } : {}) });
  const A = ws?.A ?? be.zeros(Z.rows, Z.cols, Z.dtype);
  const D = ws?.D ?? be.zerosMask(Z.rows, Z.cols);
  const dropped = ws?.dropped ?? be.zeros(Z.rows, Z.cols, Z.dtype);
  if (masks.rng) be.dropoutMask(D, o.keepProb, masks.rng);
  const key = masks.rng ? null : { ...masks.dropoutKey!, layer: o.layer };
  be.dropoutForward(g, Z, A, D, dropped, o.alpha, o.keepProb, key);
  return { A: dropped, cache: { linear, Z, A, activation: g, D, dropped, keepProb: o.keepProb } };
}

/** What modelBackward takes besides the forward pass's options. */
export interface BackwardOptions extends ModelOptions {
  /** Default: the output's own loss (see lossFor). */
  loss?: LossKind;
  /** λ of L2 regularization, the course's `lambd` (default 0). */
  l2?: number;
  /** @deprecated The old name of `l2`, still read when `l2` is not given. */
  lambda?: number;
  computeDA0?: boolean;
  fused?: boolean;
}

/**
 * Backward propagation for l = L..1. dZ[L] = A[L] - Y when the loss matches the output (sigmoid + binary
 * cross-entropy, softmax + categorical cross-entropy, linear + mean squared error); otherwise the course's
 * route, dA[L] = ∂loss/∂A[L] then dZ[L] = dA[L] * g'(Z[L]). With L2 (`l2` = λ), dW[l] += (λ/m) W[l].
 * AL, Y: (n[L], m) → grads { dA{l-1}: (n[l-1], m), dW{l}: (n[l], n[l-1]), db{l}: (n[l], 1) }.
 * `fused: false` takes the course route even for matched pairs (for tests and teaching).
 * `computeDA0: false` skips dA0 = W[1]ᵀ·dZ[1], which training never uses.
 */
export function modelBackward(AL: Matrix, Y: Matrix, caches: LayerCache[], options: BackwardOptions = {}): Gradients {
  const be = options.backend ?? defaultBackend();
  const L = caches.length;
  if (L === 0) throw new ValueError('modelBackward: no caches; run modelForward first');
  if (Y.rows !== AL.rows || Y.cols !== AL.cols)
    throw new ShapeError(
      `modelBackward: Y must be (n[${L}], m) = ${fmtShape(AL.rows, AL.cols)} like A[${L}] but is ${fmtShape(Y.rows, Y.cols)}`,
    );
  const output = caches[L - 1]!.activation;
  const loss = options.loss ?? lossFor(output);
  const alpha = options.alpha ?? DEFAULT_LEAKY_SLOPE;
  const l2 = options.l2 ?? options.lambda ?? 0;
  const m = AL.cols;
  const ws = options.workspace;
  const grads: Gradients = {};
  const store = (l: number, r: { dA_prev: Matrix | null; dW: Matrix; db: Matrix }) => {
    const W = caches[l - 1]!.linear.W;
    if (l2 > 0) be.axpby(l2 / m, W, 1, r.dW);
    grads[`dW${l}`] = r.dW;
    grads[`db${l}`] = r.db;
    if (r.dA_prev) grads[`dA${l - 1}`] = r.dA_prev;
    return r.dA_prev;
  };
  const outs = (l: number) => {
    const layer = ws?.layers[l - 1];
    const skip = l === 1 && options.computeDA0 === false;
    return {
      backend: be,
      layer: l,
      alpha,
      ...(layer ? { dZ: layer.dZ, dW: layer.dW, db: layer.db } : {}),
      ...(skip ? { dA_prev: null } : l > 1 && ws ? { dA_prev: ws.layers[l - 2]!.dA } : {}),
    };
  };

  const last = caches[L - 1]!;
  let dA: Matrix | null;
  if (options.fused !== false && isMatchedPair(output, loss)) {
    const dZ = ws?.layers[L - 1]!.dZ ?? be.zeros(AL.rows, m, AL.dtype);
    be.subtract(AL, Y, dZ);
    dA = store(L, linearBackward(dZ, last.linear, outs(L)));
  } else {
    const dAL = ws?.layers[L - 1]!.dA ?? be.zeros(AL.rows, m, AL.dtype);
    be.lossGradient(loss, AL, Y, dAL);
    grads[`dA${L}`] = dAL;
    dA = store(L, linearActivationBackward(dAL, last, output, outs(L)));
  }
  for (let l = L - 1; l >= 1; l--) dA = store(l, hiddenLayerBackward(dA!, caches[l - 1]!, outs(l)));
  return grads;
}

/**
 * dZ[l] = dA[l] * g'(Z[l]), then linearBackward, for a hidden layer; with dropout, dA[l] is first masked
 * and scaled as forward was: only the units kept pass gradient back, scaled by the same 1/keepProb.
 * dA: (n[l], m) → dA_prev: (n[l-1], m), dW, db.
 */
function hiddenLayerBackward(
  dA: Matrix,
  cache: LayerCache,
  o: { backend: Backend; layer: number; alpha: number; dZ?: Matrix; dW?: Matrix; db?: Matrix; dA_prev?: Matrix | null },
): { dA_prev: Matrix | null; dW: Matrix; db: Matrix } {
  if (!cache.D) return linearActivationBackward(dA, cache, cache.activation, o);
  const be = o.backend;
  const dZ = o.dZ ?? be.zeros(cache.Z.rows, cache.Z.cols, cache.Z.dtype);
  be.dropoutBackward(cache.activation, dA, cache.Z, cache.A, cache.D, dZ, o.alpha, cache.keepProb ?? 1);
  return linearBackward(dZ, cache.linear, o);
}
