import { ValueError } from '../core/errors.js';

/**
 * The domain of every numeric hyperparameter, written once. The library checks values against it where
 * they enter (`Model.fit`, `trainParameters`), and the command line parses its options with the same
 * rules, so `--lr -1` and `fit({ learningRate: -1 })` are refused by one rule with one wording.
 */
export interface NumberRule {
  /** Words for library messages: 'learning rate'. */
  readonly name: string;
  /** The command-line option without dashes: 'lr'. */
  readonly flag: string;
  readonly integer?: boolean;
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: boolean;
  readonly exclusiveMax?: boolean;
  /** Its values span decades: a sweep samples its range log-uniformly. */
  readonly log?: boolean;
}

export const HYPERPARAMETERS = {
  learningRate: { name: 'learning rate', flag: 'lr', min: 0, exclusiveMin: true, log: true },
  iterations: { name: 'iterations', flag: 'iterations', integer: true, min: 1 },
  epochs: { name: 'epochs', flag: 'epochs', integer: true, min: 1 },
  batchSize: { name: 'batch size', flag: 'batch-size', integer: true, min: 1 },
  l2: { name: 'l2 (lambda)', flag: 'l2', min: 0 },
  keepProb: { name: 'keep probability', flag: 'keep-prob', min: 0, max: 1, exclusiveMin: true },
  beta: { name: "momentum's beta", flag: 'beta', min: 0, max: 1, exclusiveMax: true },
  beta1: { name: "Adam's beta1", flag: 'beta1', min: 0, max: 1, exclusiveMax: true },
  beta2: { name: "Adam's beta2", flag: 'beta2', min: 0, max: 1, exclusiveMax: true },
  epsilon: { name: "Adam's epsilon", flag: 'epsilon', min: 0, exclusiveMin: true, log: true },
  alpha: { name: "leaky ReLU's slope alpha", flag: 'alpha', min: 0 },
  seed: { name: 'seed', flag: 'seed', integer: true, min: 0, max: 0xffffffff },
  costEvery: { name: 'costEvery', flag: 'print-cost-every', integer: true, min: 1 },
  evalEvery: { name: 'evalEvery', flag: 'eval-every', integer: true, min: 1 },
  patience: { name: 'early-stop patience', flag: 'early-stop', integer: true, min: 1 },
  minDelta: { name: 'early-stop minDelta', flag: 'min-delta', min: 0 },
} as const satisfies Record<string, NumberRule>;

export type HyperparameterName = keyof typeof HYPERPARAMETERS;

/** 'a number > 0', 'an integer in [0, 4294967295]', 'a number in [0, 1)'. */
export function describeRule(rule: NumberRule): string {
  const what = rule.integer ? 'an integer' : 'a number';
  if (rule.min !== undefined && rule.max !== undefined)
    return `${what} in ${rule.exclusiveMin ? '(' : '['}${rule.min}, ${rule.max}${rule.exclusiveMax ? ')' : ']'}`;
  if (rule.min !== undefined) return `${what} ${rule.exclusiveMin ? '>' : '≥'} ${rule.min}`;
  if (rule.max !== undefined) return `${what} ${rule.exclusiveMax ? '<' : '≤'} ${rule.max}`;
  return what;
}

/** Whether a number satisfies the rule (finite, integer when asked, within the bounds). */
export function satisfies(rule: NumberRule, v: number): boolean {
  return (
    Number.isFinite(v) &&
    (!rule.integer || Number.isInteger(v)) &&
    (rule.min === undefined || (rule.exclusiveMin ? v > rule.min : v >= rule.min)) &&
    (rule.max === undefined || (rule.exclusiveMax ? v < rule.max : v <= rule.max))
  );
}

/**
 * Checks one hyperparameter given to the library; undefined passes (the default applies).
 * @throws ValueError `learning rate must be a number > 0 but is -1`
 */
export function checkHyperparameter(key: HyperparameterName, v: number | undefined): void {
  if (v === undefined) return;
  const rule: NumberRule = HYPERPARAMETERS[key];
  if (typeof v !== 'number' || !satisfies(rule, v))
    throw new ValueError(`${rule.name} must be ${describeRule(rule)} but is ${String(v)}`);
}
