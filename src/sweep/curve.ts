/**
 * How a trial's cost curve ended, for the recipe: still falling (train longer before growing the
 * network), flat (the network has learned what it can at this size), or stalled (it never fell, or rose
 * back above its low: a smaller learning rate). Read from the run record's costs, so a resumed sweep
 * reads the same. Browser-safe.
 */
import type { CostPoint } from '../train/run-record.js';

export type CostTrendKind = 'falling' | 'flat' | 'stalled';

export interface CostTrend {
  kind: CostTrendKind;
  /**
   * The cost's relative drop over the last fifth of training, (J_then − J_end) / J_then, scaled to a
   * fifth when the curve has fewer points (two epochs: the second's mean against the first's);
   * negative when it rose.
   */
  lastDrop: number;
  /** Stalled: why, in words ('it rose 8.0% above its low', 'it never fell below 96% of its start'). */
  why?: string;
}

/** A drop of at least this much over the last fifth of training is "still falling". */
export const FALLING_DROP = 0.01;
/** An end cost this far above the low of the curve's second half is a cost that rose back: stalled. */
const ROSE_BACK = 0.05;
/** An end cost at or above this share of the first is a cost that never fell: stalled. */
const NEVER_FELL = 0.95;

/**
 * The trend at the end of a cost curve (points in iteration order); undefined with fewer than two
 * finite points (nothing to compare).
 * @example costTrend([{ iteration: 0, cost: 1 }, { iteration: 80, cost: 0.5 }, { iteration: 100, cost: 0.4 }])
 * // => { kind: 'falling', lastDrop: 0.2 }
 */
export function costTrend(costs: readonly CostPoint[]): CostTrend | undefined {
  const points = costs.filter((p) => Number.isFinite(p.cost));
  if (points.length < 2) return undefined;
  const first = points[0]!,
    end = points.at(-1)!;
  const span = end.iteration - first.iteration;
  if (span <= 0) return undefined;
  // The last point at or before 4/5 of the run: the cost a fifth of training ago (or as near as recorded).
  const cut = first.iteration + 0.8 * span;
  const then = [...points].reverse().find((p) => p.iteration <= cut && p !== end) ?? first;
  const fifths = (end.iteration - then.iteration) / (0.2 * span);
  const lastDrop = then.cost > 0 ? (then.cost - end.cost) / then.cost / Math.max(1, fifths) : 0;
  const secondHalf = points.filter((p) => p.iteration >= first.iteration + span / 2);
  const low = Math.min(...secondHalf.map((p) => p.cost));
  if (end.cost > low * (1 + ROSE_BACK))
    return { kind: 'stalled', lastDrop, why: `it rose ${pct(end.cost / low - 1)} above its low` };
  // A mini-batch curve starts at the first epoch's mean, already far below J at iteration 0: only a
  // curve recorded from iteration 0 says whether the cost ever fell.
  if (first.iteration === 0 && end.cost >= NEVER_FELL * first.cost)
    return { kind: 'stalled', lastDrop, why: `it never fell below ${pct(end.cost / first.cost)} of its start` };
  return { kind: lastDrop >= FALLING_DROP ? 'falling' : 'flat', lastDrop };
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}
