import { ValueError } from '../core/errors.js';
import type { ActivationKind } from '../backend/backend.js';

export type { ActivationKind } from '../backend/backend.js';

/** The names `--activation` and `--output` take. */
export const ACTIVATIONS: readonly ActivationKind[] = ['relu', 'leaky-relu', 'tanh', 'sigmoid', 'softmax', 'linear'];

/** Leaky ReLU's slope for z < 0 unless the model says otherwise. */
export const DEFAULT_LEAKY_SLOPE = 0.01;

export function parseActivation(name: string, what = 'activation'): ActivationKind {
  const n = name.trim().toLowerCase().replace('_', '-');
  const alias: Record<string, ActivationKind> = { leakyrelu: 'leaky-relu', lrelu: 'leaky-relu', identity: 'linear' };
  const kind = (alias[n] ?? n) as ActivationKind;
  if (!ACTIVATIONS.includes(kind))
    throw new ValueError(`${what} must be one of ${ACTIVATIONS.join(', ')} but is '${name}'`);
  return kind;
}
