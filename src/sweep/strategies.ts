/**
 * How a sweep chooses its trials. `grid`, `random` and `one-at-a-time` know every trial up front;
 * `depth` and `recipe` (depth.ts, recipe.ts) choose each trial from the results so far. Pure functions
 * of their inputs and of the finished trials, so a resumed sweep asks for the same trials again.
 * Browser-safe.
 */
import { ValueError } from '../core/errors.js';
import { Rng } from '../core/rng.js';
import { canonicalJson } from '../core/hash.js';
import { describeAxis, sampleRange, type Axis, type TrialValues } from './space.js';
import type { Proposal, TrialSummary } from './trial.js';

export const STRATEGIES = ['grid', 'random', 'one-at-a-time', 'depth', 'recipe'] as const;
export type StrategyName = (typeof STRATEGIES)[number];

/** Every trial known up front, or the next one chosen from the finished trials (in index order). */
export type Plan =
  | { kind: 'all'; proposals: Proposal[]; note?: string }
  | { kind: 'sequential'; next(history: readonly TrialSummary[]): Proposal | { stop: string } };

/** The listed values of every axis; a range is refused by strategies that do not sample. */
function listedAxes(axes: readonly Axis[], strategy: string): Extract<Axis, { kind: 'values' }>[] {
  return axes.map((a) => {
    if (a.kind === 'range')
      throw new ValueError(
        `--strategy ${strategy} tries listed values, but --${a.key} ${describeAxis(a)} is a range; list values, or use --strategy random`,
      );
    return a;
  });
}

function checkNotEmpty(axes: readonly Axis[], strategy: string): void {
  if (axes.length === 0)
    throw new ValueError(
      `the space is empty: --strategy ${strategy} needs hyperparameters to vary (e.g. --lr 0.1 --lr 0.01, or --space FILE)`,
    );
}

/**
 * Every combination of the listed values, the first hyperparameter varying slowest:
 * `--lr 0.1 --lr 0.01 --hidden 4 --hidden 16,8` → (0.1, 4), (0.1, 16,8), (0.01, 4), (0.01, 16,8).
 * @throws ValueError for an empty space, a range, or a space of one point (nothing is compared)
 */
export function gridPlan(axes: readonly Axis[]): Plan {
  checkNotEmpty(axes, 'grid');
  const listed = listedAxes(axes, 'grid');
  let points: TrialValues[] = [{}];
  for (const a of listed) points = points.flatMap((p) => a.values.map((v) => ({ ...p, [a.key]: v })));
  if (points.length < 2)
    throw new ValueError(
      'the space has a single point, so a grid compares nothing; give some hyperparameter two or more values',
    );
  return { kind: 'all', proposals: points.map((values) => ({ values })) };
}

/**
 * `trials` distinct draws, seeded: a listed hyperparameter takes one of its values uniformly, a range is
 * sampled (log-uniformly for rates). A space with fewer distinct points than `trials` gives all of them.
 */
export function randomPlan(axes: readonly Axis[], trials: number, seed: number): Plan {
  checkNotEmpty(axes, 'random');
  const rng = new Rng(seed);
  const seen = new Set<string>();
  const proposals: Proposal[] = [];
  // Duplicates are redrawn; a small finite space runs out, and 50 misses in a row end the search.
  for (let misses = 0; proposals.length < trials && misses < 50;) {
    const values: TrialValues = {};
    for (const a of axes)
      values[a.key] = a.kind === 'values' ? a.values[rng.int(a.values.length)]! : sampleRange(a, rng);
    const key = canonicalJson(values);
    if (seen.has(key)) {
      misses++;
      continue;
    }
    misses = 0;
    seen.add(key);
    proposals.push({ values });
  }
  const note =
    proposals.length < trials ? `the space has only ${proposals.length} distinct points; running each once` : undefined;
  return { kind: 'all', proposals, ...(note ? { note } : {}) };
}

/**
 * The course's advice: change one thing at a time. The baseline takes the first value of every
 * hyperparameter; each other value is then tried alone, the rest at the baseline.
 */
export function oneAtATimePlan(axes: readonly Axis[]): Plan {
  checkNotEmpty(axes, 'one-at-a-time');
  const listed = listedAxes(axes, 'one-at-a-time');
  const baseline: TrialValues = {};
  for (const a of listed) baseline[a.key] = a.values[0]!;
  const proposals: Proposal[] = [{ values: baseline, reason: 'baseline: the first value of each hyperparameter' }];
  for (const a of listed)
    for (const v of a.values.slice(1))
      proposals.push({
        values: { ...baseline, [a.key]: v },
        reason: `--${a.key} ${v}, the rest at the baseline`,
        parent: 1,
      });
  if (proposals.length < 2)
    throw new ValueError('one-at-a-time needs a hyperparameter with two or more values to vary around the baseline');
  return { kind: 'all', proposals };
}

/**
 * The baseline of an adaptive strategy: one value per hyperparameter (they vary it themselves).
 * @throws ValueError `--strategy depth starts from one value of each hyperparameter; --lr has 2`
 */
export function singleValues(axes: readonly Axis[], strategy: string): TrialValues {
  const out: TrialValues = {};
  for (const a of listedAxes(axes, strategy)) {
    if (a.values.length > 1)
      throw new ValueError(
        `--strategy ${strategy} starts from one value of each hyperparameter and chooses the next trials itself; --${a.key} has ${a.values.length} (${describeAxis(a)})`,
      );
    out[a.key] = a.values[0]!;
  }
  return out;
}
