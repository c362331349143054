import type { Backend } from '../backend/backend.js';
import type { Parameters } from '../nn/params.js';

/** A cost this many times the first one, at this many recorded costs in a row, is divergence. */
const EXPLODING_FACTOR = 10;
const EXPLODING_POINTS = 3;

/** Why a run diverged, with what a caller needs to explain it and to suggest the next value. */
export interface Divergence {
  /** The iteration whose forward pass showed it (its parameters are the bad ones). */
  iteration: number;
  kind: 'non-finite cost' | 'non-finite parameters' | 'exploding cost' | 'final cost';
  cost: number;
  /** J before the first update, the yardstick for "exploding". */
  firstCost: number;
  learningRate: number;
  /** A learning rate to try instead: a tenth of this one. */
  suggestedLearningRate: number;
}

/**
 * Watches a run for divergence: a non-finite cost at any iteration, non-finite parameters, or a cost that
 * stays above 10x its first value for 3 recorded costs in a row (gradient descent overshooting without
 * reaching Infinity yet, e.g. a learning rate of 1e6). Checked where the trainer already has the cost.
 * At the end, the run's outcome is judged whatever its length (checkFinal): 3 records in a row guard a
 * long run against stopping on a passing spike, but a run that ends 10x above its start (50 iterations
 * record 2 costs) or with non-finite parameters (after the last update) has diverged.
 */
export class DivergenceWatch {
  private firstCost = NaN;
  private above = 0;

  /** The learning rate of the updates watched (a run's control may change it): a divergence suggests a tenth of it. */
  constructor(public learningRate: number) {}

  /** The cost of a forward pass (every iteration): NaN or +Infinity is divergence. */
  checkCost(iteration: number, cost: number): Divergence | undefined {
    if (Number.isNaN(this.firstCost)) this.firstCost = cost;
    return Number.isFinite(cost) ? undefined : this.diverged(iteration, 'non-finite cost', cost);
  }

  /** A recorded cost (J printed every costEvery iterations, or an epoch's mean). */
  checkRecorded(iteration: number, cost: number): Divergence | undefined {
    const first = this.firstCost;
    this.above = Number.isFinite(first) && first > 0 && cost > EXPLODING_FACTOR * first ? this.above + 1 : 0;
    return this.above >= EXPLODING_POINTS ? this.diverged(iteration, 'exploding cost', cost) : undefined;
  }

  /**
   * The end of a run: its last recorded cost (the last full-batch cost, or the last epoch's mean) above
   * 10x the cost before training, or parameters no longer finite after the last update, is divergence.
   */
  checkFinal(
    at: { iteration: number; cost: number },
    parameters: Parameters,
    backend: Backend,
    updates: number,
  ): Divergence | undefined {
    const first = this.firstCost;
    if (Number.isFinite(first) && first > 0 && at.cost > EXPLODING_FACTOR * first)
      return this.diverged(at.iteration, 'final cost', at.cost);
    return this.checkParameters(updates, parameters, backend, at.cost);
  }

  /** Σ W² + b² over every parameter must be finite (one pass; done at recorded costs, not every step). */
  checkParameters(iteration: number, parameters: Parameters, backend: Backend, cost: number): Divergence | undefined {
    let sum = 0;
    for (const M of Object.values(parameters)) sum += backend.sumSquares(M);
    return Number.isFinite(sum) ? undefined : this.diverged(iteration, 'non-finite parameters', cost);
  }

  private diverged(iteration: number, kind: Divergence['kind'], cost: number): Divergence {
    const lr = this.learningRate;
    return {
      iteration,
      kind,
      cost,
      firstCost: this.firstCost,
      learningRate: lr,
      suggestedLearningRate: +(lr / 10).toPrecision(6),
    };
  }
}

/**
 * The divergence in words, with its likely cause and a value to try:
 * `diverged at iteration 12: the cost is NaN (0.6931 before training); the learning rate 10 is likely too large: try 1`
 */
export function describeDivergence(d: Divergence): string {
  const what =
    d.kind === 'exploding cost'
      ? `the cost has stayed above ${EXPLODING_FACTOR}x its start for ${EXPLODING_POINTS} recorded costs ` +
        `(${fmt(d.cost)}; ${fmt(d.firstCost)} before training)`
      : d.kind === 'final cost'
        ? `the run ended with its cost above ${EXPLODING_FACTOR}x its start (${fmt(d.cost)}; ${fmt(d.firstCost)} before training)`
        : d.kind === 'non-finite parameters'
          ? `the parameters are no longer finite numbers (cost ${fmt(d.cost)})`
          : `the cost is ${fmt(d.cost)} (${fmt(d.firstCost)} before training)`;
  return `diverged at iteration ${d.iteration}: ${what}; the learning rate ${d.learningRate} is likely too large: try ${d.suggestedLearningRate}`;
}

const fmt = (x: number) => (Number.isFinite(x) ? String(+x.toPrecision(4)) : String(x));
