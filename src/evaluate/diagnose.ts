import { formatPercent } from '../core/text.js';
import { ValueError } from '../core/errors.js';

export interface DiagnoseInput {
  /** Training-set error, a fraction in [0, 1]. */
  trainError: number;
  /** Dev-set error, a fraction in [0, 1]. */
  devError: number;
  /** Human-level error, the proxy for Bayes error (default 0). */
  humanError?: number;
  /** Avoidable bias at or above this is high bias (default 0.02, i.e. 2 percentage points). */
  biasThreshold?: number;
  /** Variance at or above this is high variance (default 0.02). */
  varianceThreshold?: number;
  /** What the run already used, so the advice names the next step rather than the current one. */
  tried?: { optimizer?: string; l2?: number; keepProb?: number };
}

export interface Diagnosis {
  trainError: number;
  devError: number;
  humanError: number;
  /** trainError − humanError. */
  avoidableBias: number;
  /** devError − trainError. */
  variance: number;
  highBias: boolean;
  highVariance: boolean;
  biasThreshold: number;
  varianceThreshold: number;
  /** One sentence: what the numbers say. */
  verdict: string;
  /** What to try next, most promising first. */
  advice: string[];
}

/** A diagnosis in a table cell: 'high bias', 'high variance', 'high bias + variance', 'neither'; '—' without one. */
export function verdictLabel(d: Pick<Diagnosis, 'highBias' | 'highVariance'> | undefined): string {
  if (!d) return '—';
  if (d.highBias && d.highVariance) return 'high bias + variance';
  return d.highBias ? 'high bias' : d.highVariance ? 'high variance' : 'neither';
}

/** What to try for high bias, most promising first, given what the run already used. */
function biasAdvice(tried: DiagnoseInput['tried'] = {}): string[] {
  return [
    'Train a bigger network: more hidden units (--hidden) or more layers.',
    tried.optimizer === 'adam'
      ? 'Train longer (--iterations / --epochs) or tune the learning rate (--lr).'
      : 'Train longer (--iterations / --epochs) or with a better optimizer (--optimizer adam).',
    ...((tried.l2 ?? 0) > 0 || (tried.keepProb ?? 1) < 1
      ? ['Regularization raises bias: try a smaller --l2 or a keep probability closer to 1.']
      : []),
    'Try another architecture or activation (--activation).',
  ];
}

/** What to try for high variance, most promising first, given what the run already used. */
function varianceAdvice(tried: DiagnoseInput['tried'] = {}): string[] {
  const l2 = tried.l2 ?? 0,
    keep = tried.keepProb ?? 1;
  return [
    'Get more training data.',
    l2 > 0 || keep < 1
      ? `Regularize more: a larger L2 λ than ${l2} (--l2) or a lower keep probability than ${keep} (--keep-prob).`
      : 'Add regularization: L2 (--l2 LAMBDA) or dropout (--keep-prob P).',
    'Try another architecture (a smaller network also lowers variance).',
  ];
}

/**
 * The course's bias/variance reading (Course 2, Week 1): avoidable bias = train − human,
 * variance = dev − train; each is high at or above its threshold.
 * @example diagnose({ trainError: 0.01, devError: 0.11 }) // => highVariance: true, highBias: false
 */
export function diagnose(input: DiagnoseInput): Diagnosis {
  const { trainError, devError } = input;
  const humanError = input.humanError ?? 0;
  const biasThreshold = input.biasThreshold ?? 0.02;
  const varianceThreshold = input.varianceThreshold ?? 0.02;
  for (const [name, v] of Object.entries({ trainError, devError, humanError }))
    if (!Number.isFinite(v) || v < 0 || v > 1)
      throw new ValueError(`diagnose: ${name} must be a fraction in [0, 1] but is ${v}`);
  for (const [name, v] of Object.entries({ biasThreshold, varianceThreshold }))
    if (!Number.isFinite(v) || v <= 0 || v > 1) throw new ValueError(`diagnose: ${name} must be in (0, 1] but is ${v}`);
  // Round away binary noise (0.11 - 0.01 = 0.09999999999999999) so thresholds compare as written.
  const clean = (x: number) => Math.round(x * 1e12) / 1e12;
  const avoidableBias = clean(trainError - humanError);
  const variance = clean(devError - trainError);
  const highBias = avoidableBias >= biasThreshold;
  const highVariance = variance >= varianceThreshold;
  const pct = (x: number) => formatPercent(x);
  let verdict: string;
  if (highBias && highVariance)
    verdict = `High bias and high variance: avoidable bias ${pct(avoidableBias)} and variance ${pct(variance)} are both at or above the thresholds.`;
  else if (highBias)
    verdict = `High bias: the network underfits the training set (avoidable bias ${pct(avoidableBias)}, variance ${pct(variance)}).`;
  else if (highVariance)
    verdict = `High variance: the network overfits (variance ${pct(variance)}, avoidable bias ${pct(avoidableBias)}).`;
  else
    verdict = `Neither high bias nor high variance (avoidable bias ${pct(avoidableBias)}, variance ${pct(variance)}).`;
  if (avoidableBias < 0) verdict += ' Training error is below human-level error: check the human-level estimate.';
  if (variance < 0)
    verdict +=
      ' Dev error is below training error: check that dev and train come from the same distribution and that dev is large enough.';
  const advice: string[] = [];
  // Fix bias first: variance remedies do not help a network that cannot fit its training set.
  if (highBias) advice.push(...biasAdvice(input.tried));
  if (highVariance) advice.push(...varianceAdvice(input.tried));
  if (!highBias && !highVariance)
    advice.push(
      avoidableBias >= variance
        ? 'Both are small; to go further, reduce avoidable bias first (bigger network, train longer).'
        : 'Both are small; to go further, reduce variance first (more data, regularization).',
    );
  return {
    trainError,
    devError,
    humanError,
    avoidableBias,
    variance,
    highBias,
    highVariance,
    biasThreshold,
    varianceThreshold,
    verdict,
    advice,
  };
}

/** Reads an error as the user writes it: a fraction (`0.11`) or a percentage (`11%`). */
export function parseErrorRate(text: string, name = 'error'): number {
  const t = text.trim();
  const pct = t.endsWith('%');
  const v = Number(pct ? t.slice(0, -1) : t);
  if (t === '' || t === '%' || !Number.isFinite(v))
    throw new ValueError(`${name} must be a fraction (0.11) or a percentage (11%) but is '${text}'`);
  const f = pct ? v / 100 : v;
  if (f < 0 || f > 1) throw new ValueError(`${name} must be between 0 and 1 (0% and 100%) but is '${text}'`);
  return f;
}
