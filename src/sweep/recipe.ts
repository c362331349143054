/**
 * The `recipe` strategy: the course's basic recipe for machine learning as a search. Train the
 * baseline; read the best trial's bias/variance diagnosis; high avoidable bias → train longer while
 * the cost still falls, then a bigger network (more units, then another layer); high variance → more
 * regularization (L2, then dropout) or a smaller network; a cost that diverged or stalled → a smaller
 * learning rate; neither, or a next move whose gain the dev set cannot resolve → stop. Each move starts
 * from the best trial so far; a move that improved dev error is tried again first, one that did not
 * gives way to the next. Browser-safe.
 */
import { assertNever } from '../core/assert.js';
import { formatPercent } from '../core/text.js';
import { errorStandardError, RESOLVING_SE } from '../evaluate/diagnose.js';
import { canonicalJson } from '../core/hash.js';
import { widthsOf, widthsValue, type SweepKey, type TrialValues } from './space.js';
import type { Plan } from './strategies.js';
import { bestTrial, type Proposal, type TrialSummary } from './trial.js';

const BIAS_MOVES = ['units', 'layer', 'longer'] as const;
const VARIANCE_MOVES = ['l2', 'dropout', 'smaller'] as const;
/** 'lr': a tenth of the learning rate, after a cost that diverged or stalled. */
export type Move = (typeof BIAS_MOVES)[number] | (typeof VARIANCE_MOVES)[number] | 'lr';

/** The first L2 λ the recipe tries when it is not told one (see `firstL2For`); each later step multiplies it by 10. */
export const FIRST_L2 = 0.01;

/**
 * A first L2 λ that matters for m training examples: the cost's term (λ/2m)·Σ||W||² decays each weight
 * by λ/m per step, so λ = 1e-4·m gives the usual 1e-4 (0.01 for 90 examples, 0.6 for 6,000).
 */
export function firstL2For(m: number): number {
  return Math.max(0.001, Number((1e-4 * m).toPrecision(1)));
}
/** Dropout steps lower the keep probability by this much, down to MIN_KEEP_PROB. */
const KEEP_PROB_STEP = 0.2;
const MIN_KEEP_PROB = 0.5;
const MAX_WIDTH = 4096;
const MAX_LAYERS = 6;
/** A network grown from logistic regression gets one hidden layer this wide. */
const FIRST_WIDTH = 32;
/** Tries with a tenth of the learning rate after a failed baseline. */
const MAX_LR_RETRIES = 3;

export interface RecipeOptions {
  /** The first trial: must hold lr, hidden, l2, keep-prob and epochs or iterations. */
  baseline: TrialValues;
  /** The most trials the recipe runs. */
  budget: number;
  /** The λ of the first L2 step (default FIRST_L2). */
  firstL2?: number;
}

/**
 * `values` changed by one move of the recipe, or undefined when the move does not apply (no hidden
 * layer to widen, the widest network, dropout already at its floor).
 */
export function applyMove(move: Move, values: TrialValues, firstL2 = FIRST_L2): TrialValues | undefined {
  const widths = widthsOf(values.hidden ?? 'none');
  const set = (key: SweepKey, v: string | undefined) => (v === undefined ? undefined : { ...values, [key]: v });
  switch (move) {
    case 'units':
      return widths.length === 0 || widths.every((w) => w >= MAX_WIDTH)
        ? undefined
        : set('hidden', widthsValue(widths.map((w) => Math.min(MAX_WIDTH, 2 * w))));
    case 'layer':
      return widths.length >= MAX_LAYERS
        ? undefined
        : set('hidden', widthsValue([...widths, widths.at(-1) ?? FIRST_WIDTH]));
    case 'longer': {
      const key: SweepKey = values.epochs !== undefined ? 'epochs' : 'iterations';
      return values[key] === undefined ? undefined : set(key, String(2 * Number(values[key])));
    }
    case 'l2': {
      const l2 = Number(values.l2 ?? 0);
      return set('l2', String(l2 === 0 ? firstL2 : Number((l2 * 10).toPrecision(6))));
    }
    case 'dropout': {
      const keep = Number(values['keep-prob'] ?? 1);
      const next = Number((Math.min(1, keep) - KEEP_PROB_STEP).toFixed(2));
      return next < MIN_KEEP_PROB - 1e-9 ? undefined : set('keep-prob', String(next));
    }
    case 'smaller':
      return widths.length === 0 || widths.every((w) => w <= 2)
        ? undefined
        : set('hidden', widthsValue(widths.map((w) => Math.max(1, Math.ceil(w / 2)))));
    case 'lr': {
      const lr = Number(values.lr);
      return Number.isFinite(lr) && lr > 0 ? set('lr', String(Number((lr / 10).toPrecision(6)))) : undefined;
    }
    default:
      return assertNever(move, 'recipe move');
  }
}

/** 'high bias', 'high variance', 'high bias and high variance'. */
function condition(t: TrialSummary): string {
  const d = t.diagnosis!;
  return d.highBias && d.highVariance ? 'high bias and high variance' : d.highBias ? 'high bias' : 'high variance';
}

/** The options a move changed, as on a command line: '--hidden 32,16', '--l2 0.01'. */
function changes(from: TrialValues, to: TrialValues): string {
  return (Object.keys(to) as SweepKey[])
    .filter((k) => to[k] !== from[k])
    .map((k) => `--${k} ${to[k]}`)
    .join(' ');
}

export function recipePlan(o: RecipeOptions): Plan {
  return {
    kind: 'sequential',
    next(history: readonly TrialSummary[]) {
      if (history.length === 0) return { values: o.baseline, reason: 'baseline' };
      if (history.length >= o.budget) return { stop: `the budget of ${o.budget} trials is spent` };
      const best = bestTrial(history);
      if (!best) return retryRate(history);
      const seen = new Set(history.map((t) => canonicalJson(t.values)));
      return afterDivergence(history, seen) ?? movesFrom(best, history, seen, o.firstL2);
    },
  };
}

/** '(train 12.00%, dev 13.00%)' of a trial's diagnosis. */
function figuresOf(t: TrialSummary): string {
  const d = t.diagnosis!;
  return `(train ${formatPercent(d.trainError, 2)}, dev ${formatPercent(d.devError, 2)})`;
}

/**
 * The next move from the best trial: stop when neither is high or when the dev set cannot resolve the
 * gain the move could bring; else the first move of the condition's list not yet tried from it.
 */
function movesFrom(
  best: TrialSummary,
  history: readonly TrialSummary[],
  seen: Set<string>,
  firstL2: number | undefined,
): Proposal | { stop: string } {
  const d = best.diagnosis;
  if (!d)
    return { stop: `trial ${best.index} has no bias/variance diagnosis (the recipe needs a classifier and a dev set)` };
  const figures = figuresOf(best);
  if (!d.highBias && !d.highVariance)
    return d.biasWithinNoise || d.varianceWithinNoise
      ? {
          stop: `within noise in trial ${best.index} ${figures}: neither avoidable bias nor variance is beyond what m = ${d.devSize} dev examples resolve → stop (a larger dev set, or cross-validation with --folds, would tell smaller differences apart)`,
        }
      : { stop: `neither high bias nor high variance in trial ${best.index} ${figures} → stop` };
  const tooSmall = gainWithinNoise(best);
  if (tooSmall) return { stop: tooSmall };
  const children = history.filter((t) => t.parent === best.index);
  const tried = new Set(children.map((t) => t.move));
  for (const move of moveOrder(best)) {
    const values =
      move === 'l2'
        ? nextL2(best, children, firstL2)
        : tried.has(move)
          ? undefined
          : applyMove(move, best.values, firstL2);
    if (!values || seen.has(canonicalJson(values))) continue;
    const reason = `${condition(best)} in trial ${best.index} ${figures}${trendNote(best, move)} → ${changes(best.values, values)}`;
    return { values, reason, parent: best.index, move };
  }
  return { stop: `no move from trial ${best.index} improved dev error (${condition(best)} ${figures}) → stop` };
}

/**
 * The moves for the best trial's condition, most promising first: bias before variance; a move that
 * made it is tried again first; while the cost still falls, longer training before a bigger network,
 * and once it is flat, after everything else (the course's "bigger network, train longer", in the order
 * the curve asks for); a cost that stalled tries a smaller learning rate before anything else.
 */
function moveOrder(best: TrialSummary): Move[] {
  const d = best.diagnosis!;
  const kinds: Move[] = d.highBias ? [...BIAS_MOVES] : [...VARIANCE_MOVES];
  const again = kinds.indexOf(best.move as Move);
  if (again > 0) kinds.unshift(...kinds.splice(again, 1));
  const longer = kinds.indexOf('longer');
  if (longer >= 0 && best.cost?.kind === 'falling') kinds.unshift(...kinds.splice(longer, 1));
  else if (longer >= 0 && best.cost) kinds.push(...kinds.splice(longer, 1));
  if (best.cost?.kind === 'stalled') kinds.unshift('lr');
  return kinds;
}

/** What the curve adds to a move's reason: '; its cost still falling (4.1% over the last fifth of training)'. */
function trendNote(best: TrialSummary, move: Move): string {
  const c = best.cost;
  if (move === 'longer' && c?.kind === 'falling')
    return `; its cost still falling (${formatPercent(c.lastDrop)} over the last fifth of training)`;
  if (move === 'lr' && c?.kind === 'stalled') return `; its cost stalled (${c.why})`;
  return '';
}

/**
 * Why the recipe stops although a condition is high: the most the next move can gain (the avoidable
 * bias it fixes, or the variance) is under 2 standard errors of a difference between two trials' dev
 * errors, so the dev set could not tell its result from the best's. Undefined when it could, or when
 * the dev set's size is unknown.
 */
function gainWithinNoise(best: TrialSummary): string | undefined {
  const d = best.diagnosis!;
  if (d.devSize === undefined) return undefined;
  const gain = d.highBias ? d.avoidableBias : d.variance;
  const resolves = RESOLVING_SE * Math.SQRT2 * errorStandardError(d.devError, d.devSize);
  if (gain >= resolves) return undefined;
  const what = d.highBias ? 'avoidable bias' : 'variance';
  return `the next move's gain is within noise: at most the ${what}, ${formatPercent(gain, 2)}, under the ${formatPercent(resolves, 2)} that m = ${d.devSize} dev examples resolve between two trials (${RESOLVING_SE} standard errors of a difference) in trial ${best.index} ${figuresOf(best)} → stop (a larger dev set, or cross-validation with --folds, would resolve it)`;
}

/**
 * The last trial diverged: the same values with a tenth of its rate (up to MAX_LR_RETRIES in a row).
 * Undefined when the last trial did not diverge, or the retries are spent.
 */
function afterDivergence(history: readonly TrialSummary[], seen: Set<string>): Proposal | undefined {
  const last = history.at(-1)!;
  if (!isDivergence(last)) return undefined;
  let retries = 0;
  for (let t: TrialSummary | undefined = last; t && t.move === 'lr' && isDivergence(t); retries++)
    t = history.find((h) => h.index === t!.parent);
  const values = retries < MAX_LR_RETRIES ? applyMove('lr', last.values) : undefined;
  if (!values || seen.has(canonicalJson(values))) return undefined;
  return {
    values,
    reason: `trial ${last.index} diverged (${last.error}) → ${changes(last.values, values)}`,
    parent: last.index,
    move: 'lr',
  };
}

/** A trial that trained and diverged (not one no worker could run, nor an error before training). */
function isDivergence(t: TrialSummary): boolean {
  return t.status === 'failed' && !t.infrastructure && /diverg/i.test(t.error ?? '');
}

/** L2 steps tried from one trial before the recipe gives up on L2 there. */
export const L2_TRIES = 3;

/**
 * The next L2 λ to try from `best`, searching the way the course suggests (try a range of λ): the first
 * step as `applyMove`; then, between the strongest λ that still overfit and the weakest that went too
 * far (high bias, or a failure), their geometric middle; with no λ too far yet, 10x the strongest.
 * Undefined after L2_TRIES steps.
 * @example steps 0.6 (too far) → 0.2 (still overfits) → next sqrt(0.2 × 0.6) ≈ 0.3
 */
function nextL2(best: TrialSummary, children: readonly TrialSummary[], firstL2 = FIRST_L2): TrialValues | undefined {
  const steps = children.filter((t) => t.move === 'l2');
  if (steps.length === 0) return applyMove('l2', best.values, firstL2);
  if (steps.length >= L2_TRIES) return undefined;
  const l2 = (t: TrialSummary) => Number(t.values.l2 ?? 0);
  const tooFar = steps.filter((t) => t.status !== 'ok' || t.diagnosis?.highBias === true).map(l2);
  const overfit = [l2(best), ...steps.filter((t) => !tooFar.includes(l2(t))).map(l2)];
  const lo = Math.max(...overfit);
  const hi = tooFar.length ? Math.min(...tooFar) : undefined;
  const next = hi === undefined ? lo * 10 : Math.sqrt(hi * (lo > 0 && lo < hi ? lo : hi / 10));
  return { ...best.values, l2: String(Number(next.toPrecision(1))) };
}

/** No trial finished yet: the last one failed (diverged, most likely), so try a tenth of its rate. */
function retryRate(history: readonly TrialSummary[]): Proposal | { stop: string } {
  const last = history.at(-1)!;
  const lr = Number(last.values.lr);
  if (history.length > MAX_LR_RETRIES || !Number.isFinite(lr))
    return { stop: `no trial finished (trial ${last.index}: ${last.error ?? 'failed'}) → stop` };
  const values = { ...last.values, lr: String(Number((lr / 10).toPrecision(6))) };
  return {
    values,
    reason: `trial ${last.index} failed (${last.error ?? 'no result'}) → ${changes(last.values, values)}`,
    parent: last.index,
    move: 'lr',
  };
}
