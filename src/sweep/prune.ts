/**
 * `--prune`: asynchronous successive halving, as Optuna's SuccessiveHalvingPruner and Ray Tune's ASHA
 * do it. Every trial reports its dev error at fixed fractions of its budget (the rungs); at each rung it
 * goes on only if it is among the best 1/η of the trials that reached that rung so far. Until η trials
 * have reached a rung there is nothing to compare, and every trial goes on. Browser-safe.
 */
import type { EvalPoint } from '../train/run-record.js';

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

/** A rung as a fraction of the budget, for messages: '1/9', '1/3'. */
export function rungFraction(r: number): string {
  return `1/${Math.round(1 / RUNG_FRACTIONS[r]!)}`;
}

/**
 * The rung an evaluation at `iteration` reports to: the last rung at or before it, from rung `from` on;
 * -1 for none. One evaluation is one measurement: when it passes several rungs at once (an evaluation
 * per epoch of a 3-epoch run passes 1/9 and 1/3 together), it counts at the last of them only.
 */
export function rungAt(rungs: readonly number[], iteration: number, from = 0): number {
  let r = -1;
  for (let i = from; i < rungs.length && rungs[i]! <= iteration; i++) r = i;
  return r;
}

/** The rungs a recorded curve reached, each with the evaluation that reported to it (rungAt's rule). */
export function rungsReached(
  evals: readonly EvalPoint[],
  total: number,
): { rung: number; iteration: number; devError: number }[] {
  const rungs = rungIterations(total);
  const out: { rung: number; iteration: number; devError: number }[] = [];
  for (const e of evals) {
    if (e.devError === undefined) continue;
    const r = rungAt(rungs, e.iteration, out.length ? out[out.length - 1]!.rung + 1 : 0);
    if (r >= 0) out.push({ rung: r, iteration: e.iteration, devError: e.devError });
  }
  return out;
}

/** The dev errors every trial reported at each rung, and the decisions made from them. */
export class Rungs {
  private readonly seen: Map<string, number>[] = RUNG_FRACTIONS.map(() => new Map());

  /** What a trial of an earlier run had at each rung (a resumed sweep compares against it too). */
  remember(id: string, evals: readonly EvalPoint[], total: number): void {
    for (const { rung, devError } of rungsReached(evals, total))
      if (Number.isFinite(devError)) this.seen[rung]!.set(id, devError);
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
