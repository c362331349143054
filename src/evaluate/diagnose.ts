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
  /**
   * The examples each error was measured on (give both): a difference then counts as high only when the
   * sizes resolve it too (at least 2 standard errors). Without them the noise is unknown and the
   * thresholds alone decide, as before.
   */
  trainSize?: number;
  devSize?: number;
  /** What the run already used, so the advice names the next step rather than the current one. */
  tried?: { optimizer?: string; l2?: number; keepProb?: number; folds?: number };
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
  /** With the set sizes (DiagnoseInput.trainSize, devSize): the examples each error was measured on. */
  trainSize?: number;
  devSize?: number;
  /** The standard error of each error rate (errorStandardError), and of avoidable bias and variance. */
  trainSE?: number;
  devSE?: number;
  biasSE?: number;
  varianceSE?: number;
  /** At or above its threshold but under 2 standard errors: the sets are too small to tell it from noise. */
  biasWithinNoise?: boolean;
  varianceWithinNoise?: boolean;
}

/** How many standard errors a difference must reach before the diagnosis calls it high. */
export const RESOLVING_SE = 2;

/**
 * The standard error of an error rate measured on m examples: √(p̃(1 − p̃)/(m + 4)) with
 * p̃ = (errors + 2)/(m + 4) (Agresti–Coull: near √(p(1 − p)/m) for large m, and never 0, for 0 errors
 * out of 30 do not mean an error rate of 0).
 * @example errorStandardError(2 / 30, 30) // => 0.0499 (one example of 30 is 3.3%)
 */
export function errorStandardError(error: number, m: number): number {
  const p = (error * m + 2) / (m + 4);
  return Math.sqrt((p * (1 - p)) / (m + 4));
}

/** A diagnosis in a table cell: 'high bias', 'high variance', 'high bias + variance', 'neither'; '—' without one. */
export function verdictLabel(
  d: Pick<Diagnosis, 'highBias' | 'highVariance' | 'biasWithinNoise' | 'varianceWithinNoise'> | undefined,
): string {
  if (!d) return '—';
  if (d.highBias && d.highVariance) return 'high bias + variance';
  if (d.highBias || d.highVariance) return d.highBias ? 'high bias' : 'high variance';
  return d.biasWithinNoise || d.varianceWithinNoise ? 'within noise' : 'neither';
}

/**
 * What to try for high bias, most promising first, given what the run already used. With high variance
 * too (`both`), regularization stays (the variance advice asks for more of it, with the bigger network).
 */
function biasAdvice(tried: DiagnoseInput['tried'] = {}, both = false): string[] {
  const regularized = (tried.l2 ?? 0) > 0 || (tried.keepProb ?? 1) < 1;
  return [
    'Train a bigger network: more hidden units (--hidden) or more layers.',
    tried.optimizer === 'adam'
      ? 'Train longer (--iterations / --epochs) or tune the learning rate (--lr).'
      : 'Train longer (--iterations / --epochs) or with a better optimizer (--optimizer adam).',
    ...(regularized && !both
      ? ['Regularization raises bias: try a smaller --l2 or a keep probability closer to 1.']
      : []),
    'Try another architecture or activation (--activation).',
  ];
}

/**
 * What to try for high variance, most promising first, given what the run already used. With high bias
 * too (`both`), the bias advice already names another architecture, and a smaller network would undo
 * the bigger one it asks for.
 */
function varianceAdvice(tried: DiagnoseInput['tried'] = {}, both = false): string[] {
  const l2 = tried.l2 ?? 0,
    keep = tried.keepProb ?? 1;
  return [
    'Get more training data.',
    l2 > 0 || keep < 1
      ? `Regularize more: a larger L2 λ than ${l2} (--l2) or a lower keep probability than ${keep} (--keep-prob).`
      : 'Add regularization: L2 (--l2 LAMBDA) or dropout (--keep-prob P).',
    ...(both ? [] : ['Try another architecture (a smaller network also lowers variance).']),
  ];
}

/**
 * The advice when a difference above its threshold is within noise: measure better before changing
 * anything — with k-fold cross-validation when the run did not use it yet (every example of train + dev
 * then counts in the dev error, instead of the dev set's share), else with more data.
 */
function noiseAdvice(tried: DiagnoseInput['tried'] = {}): string {
  return tried.folds !== undefined
    ? `Measure more precisely before acting on it: this dev error is already the mean over ${tried.folds} folds, every example of train + dev judged once; only more data (a larger training and dev set) can tell a difference this small from chance.`
    : 'Measure more precisely before acting on it: a larger dev set (and training set), or k-fold cross-validation (--folds 5: the mean dev error over 5 folds of train + dev, so every one of those examples is judged once), so that a difference this small can be told from chance.';
}

/** The inputs as numbers, checked: each error a fraction, each threshold in (0, 1], the sizes whole and together. */
function checkInput(input: DiagnoseInput): { humanError: number; biasThreshold: number; varianceThreshold: number } {
  const { trainError, devError, trainSize, devSize } = input;
  const humanError = input.humanError ?? 0;
  const biasThreshold = input.biasThreshold ?? 0.02;
  const varianceThreshold = input.varianceThreshold ?? 0.02;
  for (const [name, v] of Object.entries({ trainError, devError, humanError }))
    if (!Number.isFinite(v) || v < 0 || v > 1)
      throw new ValueError(`diagnose: ${name} must be a fraction in [0, 1] but is ${v}`);
  for (const [name, v] of Object.entries({ biasThreshold, varianceThreshold }))
    if (!Number.isFinite(v) || v <= 0 || v > 1) throw new ValueError(`diagnose: ${name} must be in (0, 1] but is ${v}`);
  for (const [name, v] of Object.entries({ trainSize, devSize }))
    if (v !== undefined && (!Number.isInteger(v) || v < 1))
      throw new ValueError(`diagnose: ${name} must be an integer ≥ 1 (examples) but is ${v}`);
  if ((trainSize === undefined) !== (devSize === undefined))
    throw new ValueError(
      `diagnose: trainSize and devSize go together (the noise of variance = dev − train comes from both sets) but only ${trainSize === undefined ? 'devSize' : 'trainSize'} is given`,
    );
  return { humanError, biasThreshold, varianceThreshold };
}

type Noise = Required<Pick<Diagnosis, 'trainSize' | 'devSize' | 'trainSE' | 'devSE' | 'biasSE' | 'varianceSE'>>;

/** The standard errors the set sizes give: of each error, of avoidable bias (train's) and of variance (both). */
function noiseOf(input: DiagnoseInput): Noise | undefined {
  const { trainSize, devSize } = input;
  if (trainSize === undefined || devSize === undefined) return undefined;
  const trainSE = errorStandardError(input.trainError, trainSize);
  const devSE = errorStandardError(input.devError, devSize);
  // Human-level error is taken as given: the noise of avoidable bias is the train error's.
  return { trainSize, devSize, trainSE, devSE, biasSE: trainSE, varianceSE: Math.hypot(trainSE, devSE) };
}

const pct = (x: number) => formatPercent(x);

/** 'within noise for m = 30 dev examples: variance 3.3% reaches its 2% threshold but not 2 standard errors (2 × 5.0%)'. */
function noiseSentence(
  name: string,
  { value, threshold, se }: { value: number; threshold: number; se: number },
  sizes: string,
): string {
  return `${name} ${pct(value)} reaches its ${pct(threshold)} threshold but is within noise for ${sizes}: under ${RESOLVING_SE} standard errors (${RESOLVING_SE} × ${pct(se)} = ${pct(RESOLVING_SE * se)}).`;
}

/** The verdict: the course's reading, then what the noise leaves open. */
function verdictOf(d: Omit<Diagnosis, 'verdict' | 'advice'>): string {
  const { avoidableBias, variance, highBias, highVariance } = d;
  let verdict: string;
  if (highBias && highVariance)
    verdict = `High bias and high variance: avoidable bias ${pct(avoidableBias)} and variance ${pct(variance)} are both at or above the thresholds.`;
  else if (highBias)
    verdict = `High bias: the network underfits the training set (avoidable bias ${pct(avoidableBias)}, variance ${pct(variance)}).`;
  else if (highVariance)
    verdict = `High variance: the network overfits (variance ${pct(variance)}, avoidable bias ${pct(avoidableBias)}).`;
  else if (d.biasWithinNoise || d.varianceWithinNoise) {
    const [m, set] = d.varianceWithinNoise ? [d.devSize!, 'dev'] : [d.trainSize!, 'training'];
    verdict = `Within noise for m = ${m} ${set} examples (one example is ${pct(1 / m)}): neither high bias nor high variance can be told from chance (avoidable bias ${pct(avoidableBias)}, variance ${pct(variance)}).`;
  } else
    verdict = `Neither high bias nor high variance (avoidable bias ${pct(avoidableBias)}, variance ${pct(variance)}).`;
  if (d.biasWithinNoise)
    verdict += ` ${noiseSentence('Avoidable bias', { value: avoidableBias, threshold: d.biasThreshold, se: d.biasSE! }, `m = ${d.trainSize} training examples`)}`;
  if (d.varianceWithinNoise)
    verdict += ` ${noiseSentence('Variance', { value: variance, threshold: d.varianceThreshold, se: d.varianceSE! }, `m = ${d.trainSize} training and ${d.devSize} dev examples`)}`;
  if (avoidableBias < 0) verdict += ' Training error is below human-level error: check the human-level estimate.';
  if (variance < 0)
    verdict +=
      ' Dev error is below training error: check that dev and train come from the same distribution and that dev is large enough.';
  return verdict;
}

/** What to try next, most promising first. */
function adviceOf(d: Omit<Diagnosis, 'verdict' | 'advice'>, tried: DiagnoseInput['tried']): string[] {
  const advice: string[] = [];
  // Fix bias first: variance remedies do not help a network that cannot fit its training set.
  const both = d.highBias && d.highVariance;
  if (d.highBias) advice.push(...biasAdvice(tried, both));
  if (d.highVariance) advice.push(...varianceAdvice(tried, both));
  const noisy = d.biasWithinNoise || d.varianceWithinNoise;
  if (noisy) advice.push(noiseAdvice(tried));
  if (!d.highBias && !d.highVariance) {
    const first = noisy ? 'Until then, the larger of the two is the better guess' : 'Both are small; to go further';
    advice.push(
      d.avoidableBias >= d.variance
        ? `${first}: reduce avoidable bias first (bigger network, train longer).`
        : `${first}: reduce variance first (more data, regularization).`,
    );
  }
  return advice;
}

/**
 * The course's bias/variance reading (Course 2, Week 1): avoidable bias = train − human,
 * variance = dev − train; each is high at or above its threshold and, when the set sizes are given,
 * at or above 2 standard errors (what sets of that size can resolve): 2 errors out of 90 training
 * examples (2.2%) is not high bias, for one example is 1.1% and one more or less is chance.
 * @example diagnose({ trainError: 0.01, devError: 0.11 }) // => highVariance: true, highBias: false
 * @example diagnose({ trainError: 0, devError: 2 / 30, trainSize: 90, devSize: 30 }) // => varianceWithinNoise: true, verdict 'Within noise for m = 30 dev examples ...'
 */
export function diagnose(input: DiagnoseInput): Diagnosis {
  const { trainError, devError } = input;
  const { humanError, biasThreshold, varianceThreshold } = checkInput(input);
  // Round away binary noise (0.11 - 0.01 = 0.09999999999999999) so thresholds compare as written.
  const clean = (x: number) => Math.round(x * 1e12) / 1e12;
  const avoidableBias = clean(trainError - humanError);
  const variance = clean(devError - trainError);
  const noise = noiseOf(input);
  const biasOver = avoidableBias >= biasThreshold;
  const varianceOver = variance >= varianceThreshold;
  const biasResolved = !noise || avoidableBias >= clean(RESOLVING_SE * noise.biasSE);
  const varianceResolved = !noise || variance >= clean(RESOLVING_SE * noise.varianceSE);
  const d: Omit<Diagnosis, 'verdict' | 'advice'> = {
    trainError,
    devError,
    humanError,
    avoidableBias,
    variance,
    highBias: biasOver && biasResolved,
    highVariance: varianceOver && varianceResolved,
    biasThreshold,
    varianceThreshold,
    ...(noise
      ? { ...noise, biasWithinNoise: biasOver && !biasResolved, varianceWithinNoise: varianceOver && !varianceResolved }
      : {}),
  };
  return { ...d, verdict: verdictOf(d), advice: adviceOf(d, input.tried) };
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
