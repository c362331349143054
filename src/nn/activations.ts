import type { ActivationKind } from '../backend/backend.js';
import { ACTIVATION_TABLE, type ActivationRow } from '../backend/kernel-spec.js';
import { ValueError } from '../core/errors.js';

export type { ActivationKind } from '../backend/backend.js';

/** What an activation means beyond its kernel: the initialization it wants, and its use as g[L]. */
export type ActivationInfo = ActivationRow;

/**
 * Every activation: ACTIVATION_TABLE's rows (src/backend/kernel-spec.ts), one per kind, its code beside
 * its meaning, so that a new activation is one row there plus its kernels: the reference's switches end
 * in `assertNever` (a compile error), the C++ switches over the generated enum have no default (a build
 * error), and the AssemblyScript ones trap on an unknown code (a test failure). The backend tests iterate
 * ACTIVATIONS, so they test it at once.
 */
const ACTIVATION_INFO: Readonly<Record<ActivationKind, ActivationInfo>> = ACTIVATION_TABLE;

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
