import type { ActivationKind, LossKind } from '../backend/backend.js';
import { ValueError } from '../core/errors.js';

export type { ActivationKind } from '../backend/backend.js';

/** What an activation means beyond its kernel: the initialization it wants, and its use as g[L]. */
export interface ActivationInfo {
  /** The initialization for hidden layers of this kind: He for the ReLU family, Xavier otherwise. */
  readonly init: 'he' | 'xavier';
  /**
   * Whether it may be a hidden g[l], l < L. Softmax may not: it ties a layer's units together (each column
   * sums to 1), which is a K-class output's job; train, sweep and model files refuse it below g[L].
   */
  readonly hidden: boolean;
  /** As the output g[L]: the loss that makes dZ[L] = A[L] - Y, and whether it classifies. */
  readonly output?: { readonly loss: LossKind; readonly classifier: boolean };
}

/**
 * Every activation. A new member of ActivationKind (a row of ACTIVATION_CODES in kernel-spec.ts) must be
 * added here (`satisfies` makes a missing one a compile error) and to each backend's kernels: the
 * reference's switches end in `assertNever` (a compile error), the C++ switches over the generated enum
 * have no default (a build error), and the AssemblyScript ones trap on an unknown code (a test failure).
 * The backend tests iterate ACTIVATIONS, so they test it at once.
 */
const ACTIVATION_INFO = {
  relu: { init: 'he', hidden: true },
  'leaky-relu': { init: 'he', hidden: true },
  tanh: { init: 'xavier', hidden: true },
  sigmoid: { init: 'xavier', hidden: true, output: { loss: 'binary-cross-entropy', classifier: true } },
  softmax: { init: 'xavier', hidden: false, output: { loss: 'categorical-cross-entropy', classifier: true } },
  linear: { init: 'xavier', hidden: true, output: { loss: 'mean-squared-error', classifier: false } },
} as const satisfies Record<ActivationKind, ActivationInfo>;

/** The names `--activation` and `--output` take. */
export const ACTIVATIONS = Object.keys(ACTIVATION_INFO) as readonly ActivationKind[];

/** The activations that can be a hidden g[l] (`--activation`), l < L. */
export const HIDDEN_ACTIVATIONS = ACTIVATIONS.filter((g) => infoOf(g).hidden);

/** The activations that can be g[L]: each has a matching loss. */
export const OUTPUT_ACTIVATIONS = ACTIVATIONS.filter((g) => infoOf(g).output !== undefined);

/** Leaky ReLU's slope for z < 0 unless the model says otherwise. */
export const DEFAULT_LEAKY_SLOPE = 0.01;

export function infoOf(kind: ActivationKind): ActivationInfo {
  return ACTIVATION_INFO[kind];
}

/** g[1..L]: `hidden` for layers 1..L-1, then `output`. */
export function layerActivations(L: number, hidden: ActivationKind, output: ActivationKind): ActivationKind[] {
  return [...Array<ActivationKind>(Math.max(0, L - 1)).fill(hidden), output];
}

/** The default initialization for these hidden activations: He when all are ReLU-like, Xavier otherwise. */
export function defaultInit(hidden: readonly ActivationKind[]): 'he' | 'xavier' {
  return hidden.every((g) => infoOf(g).init === 'he') ? 'he' : 'xavier';
}

/** Whether g[L] = `output` makes the network a classifier (sigmoid: 2 classes, softmax: K). */
export function isClassifierOutput(output: ActivationKind): boolean {
  return infoOf(output).output?.classifier === true;
}

export function parseActivation(name: string, what = 'activation'): ActivationKind {
  const n = name.trim().toLowerCase().replace('_', '-');
  const alias: Record<string, ActivationKind> = { leakyrelu: 'leaky-relu', lrelu: 'leaky-relu', identity: 'linear' };
  const kind = (alias[n] ?? n) as ActivationKind;
  if (!ACTIVATIONS.includes(kind))
    throw new ValueError(`${what} must be one of ${ACTIVATIONS.join(', ')} but is '${name}'`);
  return kind;
}
