/**
 * From the parsed sweep to the strategy's plan, and the checks every known trial passes before the
 * first one trains (its options parse as `lnn train`'s, its network fits the data and the memory).
 */
import { defined } from '../core/defined.js';
import type { Backend } from '../backend/backend.js';
import { DataError, ValueError } from '../core/errors.js';
import { conditionalPlan } from './conditional.js';
import { depthPlan } from './depth.js';
import { firstL2For, recipePlan } from './recipe.js';
import { trialArgs } from './scheduler.js';
import { widthsOf, widthsValue, type TrialValues } from './space.js';
import { gridPlan, oneAtATimePlan, randomPlan, singleValues, type Plan } from './strategies.js';
import type { Proposal } from './trial.js';
import { assertNever } from '../core/assert.js';
import { asUsageError, UsageError, type Parsed } from '../workflow/parse.js';
import { resolveNetwork, type PreparedData } from '../workflow/prepare.js';
import { checkRunFits, scheduleFor } from '../workflow/run.js';
import { parseTrainSettings, type TrainSettings } from '../workflow/settings.js';
import { valuesText } from './trial-text.js';
import type { SweepSettings } from './sweep-settings.js';

/** A ValueError of the space or a strategy is a usage error: the command line asked for it. */
function usage<T>(f: () => T): T {
  return asUsageError(f);
}

/** The strategy's plan over the space, with the baseline of depth and recipe filled in from the settings. */
export function makePlan(s: SweepSettings, settings: TrainSettings, prepared: PreparedData): Plan {
  switch (s.strategy) {
    case 'grid':
      return usage(() => conditionalPlan(gridPlan(s.axes)));
    case 'random':
      return usage(() => conditionalPlan(randomPlan(s.axes, s.trials, settings.seed)));
    case 'one-at-a-time':
      return usage(() => conditionalPlan(oneAtATimePlan(s.axes)));
    case 'depth': {
      const baseline = adaptiveBaseline(s, settings, 'depth');
      const widths = widthsOf(baseline.hidden ?? widthsValue(settings.hidden));
      delete baseline.hidden;
      return depthPlan({ baseline, widths, maxDepth: s.maxDepth, minGain: s.minGain });
    }
    case 'recipe':
      return recipePlan({
        baseline: recipeBaseline(s, settings, prepared),
        budget: s.trials,
        firstL2: firstL2For(prepared.sets.train.X.cols),
      });
    default:
      return assertNever(s.strategy, 'strategy');
  }
}

function adaptiveBaseline(s: SweepSettings, settings: TrainSettings, name: string): TrialValues {
  if (settings.dims)
    throw new UsageError(`--strategy ${name} changes the hidden layers itself; give --hidden widths, not --dims`);
  return usage(() => singleValues(s.axes, name));
}

/**
 * The recipe's first trial, with everything it may change written out: the rate, the widths, L2, the
 * keep probability, and the epochs or iterations the schedule would use.
 */
function recipeBaseline(s: SweepSettings, settings: TrainSettings, prepared: PreparedData): TrialValues {
  const v = adaptiveBaseline(s, settings, 'recipe');
  const hasLength = v.epochs !== undefined || v.iterations !== undefined;
  const schedule = scheduleFor({ ...settings, ...scheduleOverrides(v) }, prepared);
  return {
    ...v,
    lr: v.lr ?? String(settings.learningRate),
    hidden: v.hidden ?? widthsValue(settings.hidden),
    l2: v.l2 ?? String(settings.l2),
    'keep-prob': v['keep-prob'] ?? String(settings.keepProb),
    ...(hasLength
      ? {}
      : schedule.full
        ? { iterations: String(schedule.iterations) }
        : { epochs: String(schedule.epochs) }),
  };
}

function scheduleOverrides(v: TrialValues): Partial<TrainSettings> {
  const number = (x: unknown): number | undefined => (x === undefined ? undefined : Number(x));
  return defined({ epochs: number(v.epochs), iterations: number(v.iterations), batchSize: number(v['batch-size']) });
}

/**
 * Checks a trial before any trains: its options parse as `lnn train`'s, its network fits the data, and
 * it fits in memory. The error names the trial and its values.
 * @throws UsageError / DataError `trial 3 (--hidden 4000000000): ...`
 */
export function checkTrial(
  base: Record<string, string | boolean>,
  p: Proposal,
  index: number,
  { prepared, backend }: { prepared: PreparedData; backend: Backend },
): void {
  try {
    const settings = parseTrainSettings(trialArgs(base, p) as Parsed);
    const network = resolveNetwork(settings, prepared);
    const schedule = scheduleFor(settings, prepared);
    checkRunFits({ settings, prepared, network, schedule }, backend);
  } catch (e) {
    const where = `trial ${index} (${valuesText(p.values)}): `;
    if (e instanceof UsageError) throw new UsageError(where + e.message);
    if (e instanceof DataError || e instanceof ValueError) throw new DataError(where + e.message);
    throw e;
  }
}

/** The trials a plan knows before any runs: all of them, or the first of an adaptive strategy. */
export function knownTrials(plan: Plan): Proposal[] {
  if (plan.kind === 'all') return plan.proposals;
  const first = plan.next([]);
  return 'stop' in first ? [] : [first];
}
