import type { Backend, LossKind } from '../backend/backend.js';
import { defaultBackend } from '../backend/index.js';
import { ShapeError, fmtShape } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { checkHyperparameter } from './hyperparameters.js';
import { depth, type Parameters } from './params.js';

/**
 * J = (1/m) Σ loss(A[L], Y); binary cross-entropy by default, as the course's `compute_cost`:
 * J = -(1/m) Σ (Y log A[L] + (1-Y) log(1-A[L])).  AL, Y: (n[L], m).
 * @example computeCost(fromArray([[0.8, 0.9, 0.4]]), fromArray([[1, 1, 0]])) // => 0.2797765635793422
 */
export function computeCost(AL: Matrix, Y: Matrix, options: { loss?: LossKind; backend?: Backend } = {}): number {
  const be = options.backend ?? defaultBackend();
  if (Y.rows !== AL.rows || Y.cols !== AL.cols)
    throw new ShapeError(
      `computeCost: Y must be (n[L], m) = ${fmtShape(AL.rows, AL.cols)} like A[L] but is ${fmtShape(Y.rows, Y.cols)}`,
    );
  return be.lossSum(options.loss ?? 'binary-cross-entropy', AL, Y) / AL.cols;
}

/**
 * The L2 term of the cost: (λ / 2m) Σ_l ||W[l]||²_F, with λ = `l2` (the course's `lambd`). W[l]: (n[l], n[l-1]).
 * @throws ValueError `l2 (lambda) must be a number ≥ 0 but is -1`
 */
export function l2Cost(parameters: Parameters, l2: number, m: number, backend: Backend = defaultBackend()): number {
  checkHyperparameter('l2', l2);
  if (l2 === 0) return 0;
  let s = 0;
  for (let l = 1; l <= depth(parameters); l++) s += backend.sumSquares(parameters[`W${l}`]!);
  return (l2 / (2 * m)) * s;
}

/**
 * J with L2 regularization, the course's `compute_cost_with_regularization(A3, Y, parameters, lambd)`:
 * computeCost + (λ / 2m) Σ_l ||W[l]||²_F with λ = `l2`.  AL, Y: (n[L], m), W[l]: (n[l], n[l-1]).
 */
export function computeCostWithRegularization(
  AL: Matrix,
  Y: Matrix,
  parameters: Parameters,
  l2: number,
  options: { loss?: LossKind; backend?: Backend } = {},
): number {
  return computeCost(AL, Y, options) + l2Cost(parameters, l2, AL.cols, options.backend);
}
