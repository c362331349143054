/**
 * `--prune`: asynchronous successive halving, as Optuna's SuccessiveHalvingPruner and Ray Tune's ASHA
 * do it. Every trial reports its dev error at fixed fractions of its budget (the rungs); at each rung it
 * goes on only if it is among the best 1/η of the trials that reached that rung so far. Until η trials
 * have reached a rung there is nothing to compare, and every trial goes on. Browser-safe.
 */
import type { EvalPoint } from '../train/record.js';

/** The rungs, as fractions of a trial's iterations (η = 3: 1/9, then 1/3 of the budget). */
const RUNG_FRACTIONS = [1 / 9, 1 / 3] as const;
/** Successive halving's reduction factor: a trial goes on at a rung if it is in the best 1/η. */
export const ETA = 3;

/** The iteration of each rung for a trial of `total` iterations (rungs before the first update are dropped). */
export function rungIterations(total: number): number[] {
  return RUNG_FRACTIONS.map((f) => Math.ceil(f * total)).filter(
    (it, r, all) => it >= 1 && it < total && all.indexOf(it) === r,
  );
}

/** The dev error a trial had at the rung: its first evaluation at or after the rung's iteration. */
function devErrorAt(evals: readonly EvalPoint[], iteration: number): number | undefined {
  return evals.find((e) => e.iteration >= iteration && e.devError !== undefined)?.devError;
}

/** The dev errors every trial reported at each rung, and the decisions made from them. */
export class Rungs {
  private readonly seen: Map<string, number>[] = RUNG_FRACTIONS.map(() => new Map());

  /** What a trial of an earlier run had at each rung (a resumed sweep compares against it too). */
  remember(id: string, evals: readonly EvalPoint[], total: number): void {
    rungIterations(total).forEach((it, r) => {
      const e = devErrorAt(evals, it);
      if (e !== undefined && Number.isFinite(e)) this.seen[r]!.set(id, e);
    });
  }

  /**
   * A trial reached rung `r` with this dev error: records it and says whether the trial goes on.
   * @example with η = 3 and dev errors 0.10, 0.20 already at the rung, 0.30 stops and 0.05 goes on
   */
  report(r: number, id: string, devError: number): boolean {
    const at = this.seen[r];
    if (!at) return true;
    at.set(id, Number.isFinite(devError) ? devError : Infinity);
    const n = at.size;
    if (n < ETA) return true;
    const keep = Math.floor(n / ETA);
    let better = 0;
    for (const [other, e] of at) if (other !== id && e < at.get(id)!) better++;
    return better < keep;
  }
}
