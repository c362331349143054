/**
 * A space that varies `--optimizer` is conditional, as Optuna's and Keras Tuner's are: each trial keeps
 * only the hyperparameters its own optimizer takes (`--beta` for momentum; `--beta1`, `--beta2`,
 * `--epsilon` for adam), so `--optimizer momentum --optimizer adam --beta 0.8 --beta 0.95` runs momentum
 * at both β and adam once. Where the optimizer is not varied, `lnn train`'s rule stands: a flag the
 * optimizer does not take is refused. Browser-safe.
 */
import { OPTIMIZER_HYPERPARAMETERS, OPTIMIZER_INFO, type OptimizerKind } from '../nn/update.js';
import { canonicalJson } from '../core/json.js';
import type { Plan } from './strategies.js';
import type { Proposal } from './trial.js';

/** Whether `optimizer` (a name as given; an unknown one is left for the settings to refuse) takes `key`. */
function takes(optimizer: string, key: string): boolean {
  if (!Object.hasOwn(OPTIMIZER_INFO, optimizer)) return true;
  return Object.hasOwn(OPTIMIZER_INFO[optimizer as OptimizerKind].hyperparameters, key);
}

/**
 * A trial's arguments without the optimizer hyperparameters its optimizer does not take, when the trial
 * chose its optimizer (`values.optimizer`); otherwise unchanged.
 */
export function applicableArgs<T extends Record<string, unknown>>(args: T, chosen: boolean): T {
  const optimizer = args['optimizer'];
  if (!chosen || typeof optimizer !== 'string') return args;
  const out: Record<string, unknown> = { ...args };
  for (const k of OPTIMIZER_HYPERPARAMETERS) if (!takes(optimizer, k)) delete out[k];
  return out as T;
}

/**
 * A plan of known trials with each trial's values cut to what its optimizer takes, and the trials that
 * then coincide run once (the first keeps its place). Adaptive plans never vary the optimizer.
 */
export function conditionalPlan(plan: Plan): Plan {
  if (plan.kind !== 'all' || !plan.proposals.some((p) => p.values.optimizer !== undefined)) return plan;
  const seen = new Set<string>();
  const proposals: Proposal[] = [];
  for (const p of plan.proposals) {
    const values = applicableArgs(p.values, true);
    const key = canonicalJson(values);
    if (seen.has(key)) continue;
    seen.add(key);
    proposals.push({ ...p, values });
  }
  const merged = plan.proposals.length - proposals.length;
  if (merged === 0) return { ...plan, proposals };
  const n = plan.proposals.length;
  const note = `${merged} of the ${n} combinations repeated another once each kept only the hyperparameters its optimizer takes: ${proposals.length} trials`;
  return { kind: 'all', proposals, note: plan.note ? `${plan.note}; ${note}` : note };
}
