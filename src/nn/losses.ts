import type { ActivationKind, LossKind } from '../backend/backend.js';
import { ValueError } from '../core/errors.js';
import { infoOf } from './activations.js';

export type { LossKind } from '../backend/backend.js';

/** Every loss, each with its matching output activation (a missing member is a compile error). */
const LOSS_OUTPUT = {
  'binary-cross-entropy': 'sigmoid',
  'categorical-cross-entropy': 'softmax',
  'mean-squared-error': 'linear',
} as const satisfies Record<LossKind, ActivationKind>;

export const LOSSES = Object.keys(LOSS_OUTPUT) as readonly LossKind[];

/**
 * The loss that goes with an output activation: sigmoid → binary cross-entropy, softmax → categorical
 * cross-entropy, anything else → mean squared error J = (1/2m) Σ (ŷ - y)². Each of these pairs gives
 * dZ[L] = A[L] - Y, which is how modelBackward computes it (no division by A[L] that could overflow).
 */
export function lossFor(output: ActivationKind): LossKind {
  return infoOf(output).output?.loss ?? 'mean-squared-error';
}

/** Whether dZ[L] = A[L] - Y holds for this output and loss. */
export function isMatchedPair(output: ActivationKind, loss: LossKind): boolean {
  return infoOf(output).output?.loss === loss;
}

export function parseLoss(name: string, what = 'loss'): LossKind {
  const alias: Record<string, LossKind> = {
    bce: 'binary-cross-entropy',
    cce: 'categorical-cross-entropy',
    mse: 'mean-squared-error',
  };
  const kind = (alias[name] ?? name) as LossKind;
  if (!LOSSES.includes(kind)) throw new ValueError(`${what} must be one of ${LOSSES.join(', ')} but is '${name}'`);
  return kind;
}
