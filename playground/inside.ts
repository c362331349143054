/**
 * "Look inside a step": one forward pass and one backward pass on the current parameters, walked layer
 * by layer with the course's blocks from lnn/browser, so that every cache the course names can be shown:
 * forward Z[l] = W[l]·A[l-1] + b[l] and A[l] = g[l](Z[l]) (modelForward keeps them in its caches);
 * backward dZ[L] = A[L] − Y, then for each layer linearBackward's dW[l], db[l], dA[l-1] and
 * linearActivationBackward's dZ[l] = dA[l] * g[l]'(Z[l]). All in float64 on the reference kernels (a few
 * examples: exact, and what the gradient check needs). modelBackward on the same caches must agree.
 */
import {
  computeCost,
  fromArray,
  gradientCheck,
  l2Cost,
  linearActivationBackward,
  linearBackward,
  modelBackward,
  modelForward,
  ReferenceBackend,
  zeros,
  type GradCheckResult,
  type Matrix,
  type Model,
} from '../src/browser.js';

const reference = new ReferenceBackend();

/** One matrix to show: its name in the course's notation, the formula that made it, its values. */
export interface Shown {
  name: string;
  formula: string;
  M: Matrix;
}

export interface Inside {
  m: number;
  cost: number;
  /** A[0] = X, then Z[l] and A[l] for l = 1..L. */
  forward: Shown[][];
  /** For l = L..1: dZ[l], dW[l], db[l]. */
  backward: Shown[][];
  /** The largest difference between these dW[l], db[l] and modelBackward's: 0 when the walk is the course's. */
  agreement: number;
}

/** The current parameters in float64 ordinary memory (the page's model keeps them in the kernels' memory). */
export function parameters64(model: Model) {
  return model.parametersFloat64();
}

/**
 * Forward and backward for X: (n[0], m) normalized as the model normalizes, Y: (n[L], m), with L2's
 * term when λ > 0. Dropout is off here (one pass to look at, not a training step).
 */
export function lookInside(model: Model, X: Matrix, Y: Matrix, lambda: number): Inside {
  const params = parameters64(model);
  const { activations, alpha, loss } = model.arch;
  const L = activations.length;
  const { AL, caches } = modelForward(X, params, { backend: reference, activations, alpha });
  const m = X.cols;
  const cost = computeCost(AL, Y, { loss, backend: reference }) + l2Cost(params, lambda, m, reference);
  const forward: Shown[][] = [[{ name: 'A[0]', formula: 'X, normalized', M: X }]];
  caches.forEach((c, i) => {
    const l = i + 1;
    forward.push([
      { name: `Z[${l}]`, formula: `W[${l}]·A[${l - 1}] + b[${l}]`, M: c.Z },
      { name: `A[${l}]`, formula: `${c.activation}(Z[${l}])`, M: c.A },
    ]);
  });
  const backward: Shown[][] = [];
  const addL2 = (l: number, dW: Matrix) => lambda > 0 && reference.axpby(lambda / m, params[`W${l}`]!, 1, dW);
  // Output layer: the loss matches g[L], so dZ[L] = A[L] − Y (sigmoid and cross-entropy, softmax and its cross-entropy, linear and squared error).
  const dZL = zeros(AL.rows, m, 'float64');
  reference.subtract(AL, Y, dZL);
  let step = linearBackward(dZL, caches[L - 1]!.linear, { backend: reference, layer: L });
  addL2(L, step.dW);
  backward.push(grads(L, dZL, step.dW, step.db, `A[${L}] − Y`, lambda));
  for (let l = L - 1; l >= 1; l--) {
    const cache = caches[l - 1]!;
    const r = linearActivationBackward(step.dA_prev!, cache, cache.activation, { backend: reference, layer: l, alpha });
    addL2(l, r.dW);
    backward.push(grads(l, r.dZ, r.dW, r.db, `dA[${l}] * ${cache.activation}′(Z[${l}])`, lambda));
    step = r;
  }
  const library = modelBackward(AL, Y, caches, { backend: reference, alpha, loss, l2: lambda });
  let agreement = 0;
  for (const row of backward)
    for (const s of row.slice(1)) {
      const key = s.name.replace(/^(d[Wb])\[(\d+)\]$/, '$1$2');
      const other = library[key]!.data;
      s.M.data.forEach((v, i) => (agreement = Math.max(agreement, Math.abs(v - other[i]!))));
    }
  return { m, cost, forward, backward, agreement };
}

function grads(l: number, dZ: Matrix, dW: Matrix, db: Matrix, dZformula: string, lambda: number): Shown[] {
  const l2 = lambda > 0 ? ` + (λ/m)·W[${l}]` : '';
  return [
    { name: `dZ[${l}]`, formula: dZformula, M: dZ },
    { name: `dW[${l}]`, formula: `(1/m)·dZ[${l}]·A[${l - 1}]ᵀ${l2}`, M: dW },
    { name: `db[${l}]`, formula: `(1/m)·Σ columns of dZ[${l}]`, M: db },
  ];
}

/** The gradient check's threshold, as `lnn gradcheck` passes it. */
export const GRADCHECK_THRESHOLD = 1e-7;

/**
 * The gradient check on the current network and these examples: backprop's dW, db against two-sided
 * differences, in float64, at most `maxChecks` coordinates chosen at random.
 */
export function checkGradients(
  model: Model,
  X: Matrix,
  Y: Matrix,
  lambda: number,
  maxChecks = 400,
): GradCheckResult & { kinks: number } {
  const { activations, alpha, loss } = model.arch;
  const params = parameters64(model);
  const r = gradientCheck(params, X, Y, {
    activations,
    alpha,
    loss,
    l2: lambda,
    backend: reference,
    maxChecks,
    seed: 1,
  });
  return { ...r, kinks: kinksOf(params, X, activations, alpha) };
}

/**
 * How many Z[l] of the ReLU-family layers lie within ε (1e-7, the check's step) of the kink at 0, where
 * the two-sided difference sees half of each slope and is not the derivative: zero biases at the
 * initialization put Z[l] exactly at 0 for an example whose A[l-1] is all zeros.
 */
function kinksOf(
  params: ReturnType<typeof parameters64>,
  X: Matrix,
  activations: Model['arch']['activations'],
  alpha: number,
): number {
  const { caches } = modelForward(X, params, { backend: reference, activations, alpha });
  let n = 0;
  for (const c of caches)
    if (c.activation === 'relu' || c.activation === 'leaky-relu') for (const z of c.Z.data) if (Math.abs(z) < 1e-7) n++;
  return n;
}

/** A matrix as a float64 Matrix in ordinary memory. */
export function float64(M: Matrix): Matrix {
  return fromArray(M.toArray(), 'float64');
}

/**
 * A heat map of M: one cell per entry (at most `maxCols` columns shown), diverging around 0: blue for
 * negative, red for positive, white for 0, scaled by the largest |value|.
 */
export function heatmap(M: Matrix, maxCols = 64): HTMLCanvasElement {
  const cols = Math.min(M.cols, maxCols);
  const canvas = document.createElement('canvas');
  canvas.width = cols;
  canvas.height = M.rows;
  const ctx = canvas.getContext('2d')!;
  const img = ctx.createImageData(cols, M.rows);
  let max = 0;
  for (const v of M.data) max = Math.max(max, Math.abs(v));
  for (let i = 0; i < M.rows; i++)
    for (let j = 0; j < cols; j++) {
      const t = max > 0 ? M.data[i * M.cols + j]! / max : 0;
      const k = 4 * (i * cols + j);
      const fade = Math.round(255 * (1 - Math.abs(t)));
      img.data.set(t >= 0 ? [255, fade, fade, 255] : [fade, fade, 255, 255], k);
    }
  ctx.putImageData(img, 0, 0);
  // Cells at least 4 px, the whole at most 320 px wide and 240 px high.
  const cell = Math.max(1, Math.min(14, Math.floor(320 / cols), Math.floor(240 / M.rows)));
  canvas.style.width = `${cols * Math.max(cell, 1)}px`;
  canvas.style.height = `${M.rows * Math.max(cell, 1)}px`;
  return canvas;
}
