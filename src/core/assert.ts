/**
 * The default of a switch over a closed set (ActivationKind, LossKind, OptimizerKind, ...): the
 * compiler rejects the call when a member is left unhandled, and at run time a value from outside
 * the set (an untyped caller, a hand-edited file) fails loudly instead of taking some other branch.
 * @example
 * switch (kind) { case 'relu': ...; case 'tanh': ...; default: return assertNever(kind, 'activation'); }
 */
export function assertNever(value: never, what: string): never {
  throw new Error(`unhandled ${what} '${String(value)}'`);
}
