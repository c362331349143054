/**
 * The `depth` strategy: logistic regression first (no hidden layer), then 1 hidden layer, then 2, ...,
 * until dev error stops improving by `minGain` or the depth reaches `maxDepth`. Browser-safe.
 */
import { formatPercent } from '../core/text.js';
import type { Plan } from './strategies.js';
import { widthsValue, type TrialValues } from './space.js';
import type { TrialSummary } from './trial.js';

export interface DepthOptions {
  /** The other hyperparameters of every trial. */
  baseline: TrialValues;
  /** Widths of hidden layers 1, 2, ...; deeper layers repeat the last one. */
  widths: readonly number[];
  /** The most hidden layers to try. */
  maxDepth: number;
  /** The dev-error drop (a fraction: 0.005 = 0.5 percentage points) that one more layer must bring. */
  minGain: number;
}

/** 'logistic regression', '1 hidden layer', '3 hidden layers'. */
function depthName(d: number): string {
  return d === 0 ? 'logistic regression' : `${d} hidden layer${d === 1 ? '' : 's'}`;
}

/** Widths of a network with `d` hidden layers: the given ones, the last repeated (32 when none is given). */
export function widthsForDepth(widths: readonly number[], d: number): number[] {
  return Array.from({ length: d }, (_, i) => widths[i] ?? widths.at(-1) ?? 32);
}

export function depthPlan(o: DepthOptions): Plan {
  return {
    kind: 'sequential',
    next(history: readonly TrialSummary[]) {
      const d = history.length;
      const stop = d > 0 ? stopRule(history, o.minGain) : undefined;
      if (stop) return { stop };
      if (d > o.maxDepth) return { stop: `reached --max-depth ${o.maxDepth}` };
      const widths = widthsForDepth(o.widths, d);
      const previous = history.at(-1);
      const after =
        previous?.devError !== undefined
          ? ` (after dev ${formatPercent(previous.devError, 2)} with ${depthName(d - 1)})`
          : '';
      return {
        values: { ...o.baseline, hidden: widthsValue(widths) },
        reason: d === 0 ? 'logistic regression (no hidden layer)' : `${depthName(d)} [${widths.join(', ')}]${after}`,
        ...(d > 0 ? { parent: d } : {}),
      };
    },
  };
}

/** Why to stop after the last trial: it failed, or it did not beat the shallower ones by minGain. */
function stopRule(history: readonly TrialSummary[], minGain: number): string | undefined {
  const d = history.length - 1;
  const last = history[d]!;
  if (last.status !== 'ok' || last.devError === undefined)
    return `${depthName(d)} failed${last.error ? ` (${last.error})` : ''}; stopping`;
  if (d === 0) return undefined;
  let best: TrialSummary | undefined;
  for (const t of history.slice(0, d))
    if (t.status === 'ok' && t.devError !== undefined && (!best || t.devError < best.devError!)) best = t;
  if (!best) return undefined;
  const gain = best.devError! - last.devError;
  if (gain >= minGain - 1e-12) return undefined;
  return (
    `${depthName(d)}: dev ${formatPercent(last.devError, 2)} is not ${formatPercent(minGain, 1).replace('%', '')} points ` +
    `better than ${formatPercent(best.devError!, 2)} (${depthName(best.index - 1)}) → stop`
  );
}
