import type { ActivationKind, Backend, LossKind } from '../backend/backend.js';
import { defaultBackend } from '../backend/index.js';
import { defined } from '../core/defined.js';
import { ValueError } from '../core/errors.js';
import { zeros, type Matrix } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import { l2Cost } from './cost.js';
import { lossFor } from './losses.js';
import { modelBackward, modelForward } from './propagation.js';
import { checkArchitecture } from './architecture.js';
import { depth, layerDims, type Parameters } from './params.js';

export interface GradCheckOptions {
  activations: ActivationKind[];
  loss?: LossKind;
  alpha?: number;
  /** λ of the L2 term (default 0). */
  l2?: number;
  /** @deprecated The old name of `l2`, still read when `l2` is not given. */
  lambda?: number;
  /** Two-sided difference step (default 1e-7). */
  epsilon?: number;
  /** Check at most this many coordinates, chosen at random (seeded); all by default. */
  maxChecks?: number;
  seed?: number;
  backend?: Backend;
  /** Told after each checked coordinate (each costs two forward passes over the m examples). */
  onProgress?: (checked: number, total: number) => void;
  /**
   * Inverted dropout with one fixed mask: every forward pass draws the masks of this seed and step, so
   * J(θ ± ε) and backprop see the same units dropped.
   */
  dropout?: { keepProb: number; seed: number; step?: number };
}

export interface GradCheckResult {
  /** ||g - g_approx|| / (||g|| + ||g_approx||) over the checked coordinates. */
  relativeDifference: number;
  checked: number;
  total: number;
  /** The coordinate that differs most: name (W2), row, column, backprop and numerical values. */
  worst: { name: string; row: number; col: number; backprop: number; numerical: number };
}

/**
 * Gradient checking: compares backprop's dW, db with two-sided differences
 * (J(θ+ε) - J(θ-ε)) / 2ε, in float64 (the parameters, X and Y must be float64; dropout off, or with
 * `dropout` one fixed mask). X: (n[0], m), Y: (n[L], m).
 */
export function gradientCheck(
  parameters: Parameters,
  X: Matrix,
  Y: Matrix,
  options: GradCheckOptions,
): GradCheckResult {
  const be = options.backend ?? defaultBackend();
  checkFloat64({ X, Y, ...parameters });
  const { activations, alpha, epsilon = 1e-7 } = options;
  const l2 = options.l2 ?? options.lambda ?? 0;
  checkArchitecture(layerDims(parameters, 'gradientCheck'), activations, 'gradientCheck');
  const loss = options.loss ?? lossFor(activations[activations.length - 1]!);
  const m = X.cols;
  const d = options.dropout;
  const forward = {
    backend: be,
    activations,
    ...defined({ alpha }),
    ...(d ? { keepProb: d.keepProb, dropoutKey: { seed: d.seed, step: d.step ?? 0 } } : {}),
  };
  const J = () => compensatedCost(be, loss, modelForward(X, parameters, forward).AL, Y) + l2Cost(parameters, l2, m, be);
  const { AL, caches } = modelForward(X, parameters, forward);
  const grads = modelBackward(AL, Y, caches, { ...forward, loss, l2 });
  const { chosen, total } = coordinates(parameters, options);
  let num = 0,
    sumG = 0,
    sumA = 0,
    worstGap = -1;
  let worst: GradCheckResult['worst'] = { name: '', row: 0, col: 0, backprop: 0, numerical: 0 };
  for (const [k, { name, index }] of chosen.entries()) {
    options.onProgress?.(k, chosen.length);
    const P = parameters[name]!;
    const keep = P.data[index]!;
    P.data[index] = keep + epsilon;
    const plus = J();
    P.data[index] = keep - epsilon;
    const minus = J();
    P.data[index] = keep;
    const approx = (plus - minus) / (2 * epsilon);
    const g = grads[`d${name}`]!.data[index]!;
    num += (g - approx) ** 2;
    sumG += g * g;
    sumA += approx * approx;
    if (Math.abs(g - approx) > worstGap) {
      worstGap = Math.abs(g - approx);
      worst = { name, row: Math.floor(index / P.cols), col: index % P.cols, backprop: g, numerical: approx };
    }
  }
  options.onProgress?.(chosen.length, chosen.length);
  const denom = Math.sqrt(sumG) + Math.sqrt(sumA);
  return {
    relativeDifference: denom === 0 ? 0 : Math.sqrt(num) / denom,
    checked: chosen.length,
    total,
    worst,
  };
}

/** Finite differences in float32 are noise: every matrix of the check must be float64. */
function checkFloat64(matrices: Record<string, Matrix>): void {
  for (const [name, M] of Object.entries(matrices))
    if (M.dtype !== 'float64')
      throw new ValueError(
        `gradientCheck: ${name} must be float64 (finite differences in float32 are noise) but is ${M.dtype}`,
      );
}

/** Every W[l], b[l] entry as (name, index), or maxChecks of them chosen at random (seeded). */
function coordinates(
  parameters: Parameters,
  options: GradCheckOptions,
): { chosen: { name: string; index: number }[]; total: number } {
  const coords: { name: string; index: number }[] = [];
  for (let l = 1; l <= depth(parameters); l++)
    for (const p of ['W', 'b'])
      for (let i = 0; i < parameters[`${p}${l}`]!.size; i++) coords.push({ name: `${p}${l}`, index: i });
  if (options.maxChecks === undefined || options.maxChecks >= coords.length)
    return { chosen: coords, total: coords.length };
  const perm = new Rng(options.seed ?? 0).permutation(coords.length);
  return { chosen: Array.from(perm.subarray(0, options.maxChecks), (k) => coords[k]!), total: coords.length };
}

/** Columns per block of compensatedCost: few enough that a block's plain sum loses nothing that matters. */
const BLOCK = 16;

/**
 * J = (1/m) Σ loss(A[L], Y), summed in blocks of 16 examples whose sums are added with Neumaier's
 * compensation. A plain sum of m terms carries a rounding error that grows with m; the two-sided
 * difference (J(θ+ε) − J(θ−ε)) / 2ε divides it by 2ε = 2e-7, which at m = 1000 was enough to fail a
 * correct gradient. Compensated, the error stays near one rounding of J at any m.  AL, Y: (n[L], m).
 */
function compensatedCost(be: Backend, loss: LossKind, AL: Matrix, Y: Matrix): number {
  const n = AL.rows,
    m = AL.cols;
  const blockA = zeros(n, Math.min(BLOCK, m), 'float64'),
    blockY = zeros(n, Math.min(BLOCK, m), 'float64');
  let sum = 0,
    c = 0;
  for (let j0 = 0; j0 < m; j0 += BLOCK) {
    const b = Math.min(BLOCK, m - j0);
    const A = b === blockA.cols ? blockA : zeros(n, b, 'float64'),
      T = b === blockY.cols ? blockY : zeros(n, b, 'float64');
    for (let i = 0; i < n; i++) {
      A.data.set(AL.data.subarray(i * m + j0, i * m + j0 + b), i * b);
      T.data.set(Y.data.subarray(i * m + j0, i * m + j0 + b), i * b);
    }
    const term = be.lossSum(loss, A, T);
    const t = sum + term;
    c += Math.abs(sum) >= Math.abs(term) ? sum - t + term : term - t + sum;
    sum = t;
  }
  return (sum + c) / m;
}
