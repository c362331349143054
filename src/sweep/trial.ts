/**
 * What strategies, the scheduler and the record say about one trial. Browser-safe.
 */
import { errorStandardError, type Diagnosis } from '../evaluate/diagnose.js';
import type { RunRecord } from '../train/run-record.js';
import type { CostTrend } from './curve.js';
import type { TrialValues } from './space.js';

/** A trial a strategy asks for: its values and, for adaptive strategies, why and from which trial. */
export interface Proposal {
  values: TrialValues;
  /** Why this trial (recipe, depth): 'high variance in trial 2 (train 0.4%, dev 5.1%) → --l2 0.01'. */
  reason?: string;
  /** The trial (by index) this one changes. */
  parent?: number;
  /** The recipe's move that made it ('units', 'l2', ...). */
  move?: string;
}

export type TrialStatus = 'ok' | 'failed' | 'pruned';

/** What a trial keeps of its diagnosis: the reading, and with the set sizes its noise. */
export type TrialDiagnosis = Pick<
  Diagnosis,
  | 'trainError'
  | 'devError'
  | 'highBias'
  | 'highVariance'
  | 'avoidableBias'
  | 'variance'
  | 'trainSize'
  | 'devSize'
  | 'biasSE'
  | 'varianceSE'
  | 'biasWithinNoise'
  | 'varianceWithinNoise'
>;

/** A diagnosis as a trial keeps it (the members of TrialDiagnosis that it has). */
export function trialDiagnosis(d: Diagnosis): TrialDiagnosis {
  const keys = ['trainError', 'devError', 'avoidableBias', 'variance', 'highBias', 'highVariance'] as const;
  const noise = ['trainSize', 'devSize', 'biasSE', 'varianceSE', 'biasWithinNoise', 'varianceWithinNoise'] as const;
  const out: Record<string, unknown> = {};
  for (const k of [...keys, ...noise]) if (d[k] !== undefined) out[k] = d[k];
  return out as TrialDiagnosis;
}

/** A finished trial as strategies and ranking see it. */
export interface TrialSummary {
  id: string;
  /** 1-based, in the order the strategy proposed the trials. */
  index: number;
  values: TrialValues;
  status: TrialStatus;
  trainError?: number;
  devError?: number;
  diagnosis?: TrialDiagnosis;
  reason?: string;
  parent?: number;
  move?: string;
  /** How its cost curve ended (from the run record; strategies read no curves themselves). */
  cost?: CostTrend;
  /** Why it failed (a divergence, an error) or where it was pruned. */
  error?: string;
  /**
   * The trial itself never ran to a result: no worker could run it (refused, lost three times, or its
   * results failed their checks). Such a failure says nothing of the configuration; `--resume` runs it again.
   */
  infrastructure?: true;
}

/** A trial as the record keeps it: the summary plus its run record (curves, hyperparameters, result). */
export interface TrialResult extends TrialSummary {
  /** The run record of `lnn train --record`; absent when the trial failed before training. */
  run?: RunRecord;
  /** Seconds the trial took, start to end. */
  seconds: number;
  /** Where it ran: 'local' or the worker's host and process id. */
  ranOn: string;
  finishedAt: string;
}

/**
 * Best first: finished trials by dev error (then by index); then pruned ones by dev error; then failed
 * ones. A diverged or failed trial is never the best, nor is a pruned one.
 */
export function rankTrials<T extends TrialSummary>(trials: readonly T[]): T[] {
  const group = (t: TrialSummary) =>
    t.status === 'ok' && t.devError !== undefined ? 0 : t.status === 'pruned' ? 1 : 2;
  const dev = (t: TrialSummary) => (t.devError !== undefined && Number.isFinite(t.devError) ? t.devError : Infinity);
  return [...trials].sort((a, b) => group(a) - group(b) || dev(a) - dev(b) || a.index - b.index);
}

/** The best trial: the finished one with the lowest dev error; undefined when none finished. */
export function bestTrial<T extends TrialSummary>(trials: readonly T[]): T | undefined {
  const first = rankTrials(trials)[0];
  return first && first.status === 'ok' && first.devError !== undefined ? first : undefined;
}

/** The best trial's dev error and its standard error, from the dev set's size its diagnosis recorded. */
export interface BestNoise {
  devError: number;
  devSize: number;
  /** errorStandardError(devError, devSize). */
  se: number;
}

/**
 * The finished trials (the best excluded) whose dev error is within one standard error of the best's:
 * a dev set of that size does not tell them from the best. Empty without a best or without the dev
 * set's size (regression, records of older runs).
 * @example 30 dev examples, best 3.3%: one standard error is 3.9%, so a trial at 6.7% is within it
 */
export function nearBest<T extends TrialSummary>(trials: readonly T[]): { near: Set<T>; best?: BestNoise } {
  const best = bestTrial(trials);
  const devSize = best?.diagnosis?.devSize;
  if (!best || devSize === undefined) return { near: new Set() };
  const se = errorStandardError(best.devError!, devSize);
  const near = trials.filter(
    (t) => t !== best && t.status === 'ok' && t.devError !== undefined && t.devError - best.devError! <= se,
  );
  return { near: new Set(near), best: { devError: best.devError!, devSize, se } };
}
