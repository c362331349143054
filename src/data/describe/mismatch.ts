import type { Dataset } from '../dataset.js';
import { featureSource, STATS_CHUNK, type Features } from '../features.js';
import { FeatureStats } from '../stats.js';
import { quoted } from '../read/table.js';

/**
 * Do two data sets come from the same distribution? The course's rule (Course 2, Week 1; Course 3):
 * dev and test must come from the same distribution, the one you want to do well on, or a model tuned on
 * dev will be aimed at the wrong target. This compares label proportions (chi-square test of
 * homogeneity) and each feature's mean (standardized mean difference) and says in plain words when
 * they differ. Browser-safe: no Node imports.
 */

export interface MismatchOptions {
  /** |standardized mean difference| above this marks a feature as shifted (default 0.25). */
  smdThreshold?: number;
  /** Warn when at least this share of the features is shifted (default 0.1), and at least one. */
  shiftedShare?: number;
  /** Warn when a class's share differs by more than this many points, as a fraction (default 0.10). */
  proportionPoints?: number;
  /** Warn when the chi-square test's p-value is below this (default 0.001). */
  alpha?: number;
}

export interface FeatureComparison {
  /** Row i of X. */
  index: number;
  name: string;
  meanA: number;
  meanB: number;
  stdA: number;
  stdB: number;
  /**
   * Standardized mean difference (meanA − meanB) / sqrt((varA + varB) / 2); 0 when both are the same
   * constant, ±Infinity when they are different constants.
   */
  smd: number;
}

export interface LabelComparison {
  /** Class names, the union of both sets' classes, in the first set's order then the second's. */
  classes: string[];
  /** Share of each class in the first set and in the second (fractions summing to 1). */
  proportionsA: number[];
  proportionsB: number[];
  /** Largest |proportionsA − proportionsB|, as a fraction. */
  maxDifference: number;
  /** Chi-square statistic of the 2 × K table of counts, its degrees of freedom K − 1 and p-value. */
  chiSquare: number;
  df: number;
  pValue: number;
}

export interface DistributionComparison {
  names: [string, string];
  /** m of each set. */
  sizes: [number, number];
  /** Label proportions (classification); null for regression targets. */
  labelProportions: LabelComparison | null;
  /** Regression targets compared like features (one per label row); null for classification. */
  targets: FeatureComparison[] | null;
  /** One entry per feature (empty when n_x differs). */
  features: FeatureComparison[];
  /** Features with |smd| above the threshold. */
  shiftedFeatures: number;
  /** Plain-words warnings; empty when nothing looks different. */
  warnings: string[];
}

/**
 * Mean and population standard deviation of every row of X (feature), NaN (missing) left out, in one
 * streaming pass over chunks of examples: X may be a file on disk.
 */
function rowStats(X: Features): { mean: number; std: number }[] {
  const src = featureSource(X);
  const st = new FeatureStats(src.rows);
  src.chunks(STATS_CHUNK, (values, count) => st.addRows(values, count));
  return Array.from({ length: src.rows }, (_, i) => st.feature(i) ?? { mean: NaN, std: NaN });
}

function compareRows(
  a: { mean: number; std: number },
  b: { mean: number; std: number },
  i: number,
  name: string,
): FeatureComparison {
  const pooled = Math.sqrt((a.std ** 2 + b.std ** 2) / 2);
  const diff = a.mean - b.mean;
  const smd = pooled > 0 ? diff / pooled : diff === 0 || Number.isNaN(diff) ? 0 : Math.sign(diff) * Infinity;
  return { index: i, name, meanA: a.mean, meanB: b.mean, stdA: a.std, stdB: b.std, smd };
}

/**
 * Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a): the chi-square survival function is
 * Q(df / 2, x / 2). Series for x < a + 1, continued fraction otherwise (Numerical Recipes' gammq).
 */
function gammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const lnGammaA = lnGamma(a);
  if (x < a + 1) {
    let sum = 1 / a,
      term = sum;
    for (let n = 1; n < 500; n++) {
      term *= x / (a + n);
      sum += term;
      if (Math.abs(term) < Math.abs(sum) * 1e-15) break;
    }
    return 1 - sum * Math.exp(-x + a * Math.log(x) - lnGammaA);
  }
  const tiny = 1e-300;
  let b = x + 1 - a,
    c = 1 / tiny,
    d = 1 / b,
    h = d;
  for (let i = 1; i < 500; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return Math.exp(-x + a * Math.log(x) - lnGammaA) * h;
}

/** ln Γ(z) by the Lanczos approximation (g = 7, 9 terms), accurate to ~1e-15 for z > 0. */
function lnGamma(z: number): number {
  const g = 7;
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - lnGamma(1 - z);
  z -= 1;
  let x = c[0]!;
  for (let i = 1; i < g + 2; i++) x += c[i]! / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(x);
}

/** P(χ²(df) ≥ x). */
export function chiSquareSurvival(x: number, df: number): number {
  return df <= 0 ? 1 : Math.min(1, Math.max(0, gammaQ(df / 2, x / 2)));
}

function compareLabels(a: Dataset, b: Dataset): LabelComparison {
  const classes = [...a.classes!];
  for (const c of b.classes!) if (!classes.includes(c)) classes.push(c);
  const count = (d: Dataset) => {
    const byName = new Array<number>(classes.length).fill(0);
    const index = d.classes!.map((c) => classes.indexOf(c));
    for (let j = 0; j < d.labels.cols; j++) byName[index[d.labels.data[j]!]!]!++;
    return byName;
  };
  const ca = count(a),
    cb = count(b);
  const na = a.labels.cols,
    nb = b.labels.cols,
    n = na + nb;
  const proportionsA = ca.map((c) => (na ? c / na : 0));
  const proportionsB = cb.map((c) => (nb ? c / nb : 0));
  let chiSquare = 0,
    used = 0;
  classes.forEach((_, k) => {
    const total = ca[k]! + cb[k]!;
    if (total === 0 || na === 0 || nb === 0) return;
    used++;
    const ea = (na * total) / n,
      eb = (nb * total) / n;
    chiSquare += (ca[k]! - ea) ** 2 / ea + (cb[k]! - eb) ** 2 / eb;
  });
  const df = Math.max(used - 1, 0);
  return {
    classes,
    proportionsA,
    proportionsB,
    maxDifference: Math.max(0, ...proportionsA.map((p, k) => Math.abs(p - proportionsB[k]!))),
    chiSquare,
    df,
    pValue: chiSquareSurvival(chiSquare, df),
  };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
const RULE =
  "the course's rule is that dev and test come from the same distribution (the data you want to do well on), or results on one will not carry over to the other";

/** A warning of compareDistributions without the course's rule it ends with: what differs, with its figures. */
export function mismatchFinding(warning: string): string {
  const rule = `; ${RULE}.`;
  return warning.endsWith(rule) ? warning.slice(0, -rule.length) : warning.replace(/\.$/, '');
}

/**
 * Compares two data sets (a.X: (n_x, m_a), b.X: (n_x, m_b)) and warns in plain words when they look
 * like different distributions.
 * @example
 * compareDistributions(dev, test, ['dev', 'test']).warnings
 * // => ["dev and test differ in 12 of 20 features (|standardized mean difference| > 0.25; largest: 'x3' 1.31) ..."]
 */
export function compareDistributions(
  a: Dataset,
  b: Dataset,
  names: [string, string],
  opts: MismatchOptions = {},
): DistributionComparison {
  const o = {
    smdThreshold: opts.smdThreshold ?? 0.25,
    shiftedShare: opts.shiftedShare ?? 0.1,
    proportionPoints: opts.proportionPoints ?? 0.1,
    alpha: opts.alpha ?? 0.001,
  };
  const warnings: string[] = [];
  const ctx = { names, thresholds: o, warnings };
  const { features, shifted } = compareFeatures(a, b, ctx);
  const { labelProportions, targets } = compareLabelsOrTargets(a, b, ctx);
  return {
    names,
    sizes: [a.X.cols, b.X.cols],
    labelProportions,
    targets,
    features,
    shiftedFeatures: shifted,
    warnings,
  };
}

type Thresholds = Required<MismatchOptions>;

/** What each comparison reads and adds to: the sets' names, the thresholds, the warnings so far. */
interface Comparison {
  names: [string, string];
  thresholds: Thresholds;
  warnings: string[];
}

/** Each feature's means compared; a warning when enough of them shift by more than the threshold. */
function compareFeatures(
  a: Dataset,
  b: Dataset,
  { names: [na, nb], thresholds: o, warnings }: Comparison,
): { features: FeatureComparison[]; shifted: number } {
  if (a.X.rows !== b.X.rows) {
    warnings.push(
      `${na} has n_x = ${a.X.rows} features but ${nb} has ${b.X.rows}: they cannot come from the same distribution; ${RULE}.`,
    );
    return { features: [], shifted: 0 };
  }
  const sa = rowStats(a.X),
    sb = rowStats(b.X);
  const features: FeatureComparison[] = [];
  for (let i = 0; i < a.X.rows; i++)
    features.push(compareRows(sa[i]!, sb[i]!, i, a.featureNames?.[i] ?? b.featureNames?.[i] ?? `x${i}`));
  const shifted = features.filter((f) => Math.abs(f.smd) > o.smdThreshold);
  if (shifted.length > 0 && shifted.length >= Math.max(1, Math.ceil(o.shiftedShare * features.length))) {
    const top = [...shifted].sort((x, y) => Math.abs(y.smd) - Math.abs(x.smd)).slice(0, 3);
    const fmt = (f: FeatureComparison) =>
      `${quoted(f.name)} ${Number.isFinite(f.smd) ? f.smd.toFixed(2) : f.smd > 0 ? '+∞' : '−∞'} (mean ${+f.meanA.toPrecision(4)} vs ${+f.meanB.toPrecision(4)})`;
    warnings.push(
      `${na} and ${nb} differ in ${shifted.length} of ${features.length} features (|standardized mean difference| > ${o.smdThreshold}; largest: ${top.map(fmt).join(', ')}); ${RULE}.`,
    );
  }
  return { features, shifted: shifted.length };
}

/** Class proportions (chi-square) for classes, target means for regression; a warning when they differ. */
function compareLabelsOrTargets(
  a: Dataset,
  b: Dataset,
  { names: [na, nb], thresholds: o, warnings }: Comparison,
): { labelProportions: LabelComparison | null; targets: FeatureComparison[] | null } {
  const classesA = a.classes !== undefined && a.labels.rows === 1,
    classesB = b.classes !== undefined && b.labels.rows === 1;
  if (classesA && classesB) {
    const lp = compareLabels(a, b);
    const bigTable = a.labels.cols >= 5 && b.labels.cols >= 5;
    if (lp.maxDifference > o.proportionPoints || (bigTable && lp.pValue < o.alpha)) {
      const k = lp.proportionsA.reduce(
        (best, p, i) =>
          Math.abs(p - lp.proportionsB[i]!) > Math.abs(lp.proportionsA[best]! - lp.proportionsB[best]!) ? i : best,
        0,
      );
      warnings.push(
        `${na} and ${nb} have different label proportions: class ${quoted(lp.classes[k]!)} is ${pct(lp.proportionsA[k]!)} of ${na} but ${pct(lp.proportionsB[k]!)} of ${nb} (chi-square ${lp.chiSquare.toFixed(1)}, df ${lp.df}, p = ${lp.pValue.toPrecision(2)}); ${RULE}.`,
      );
    }
    return { labelProportions: lp, targets: null };
  }
  if (!classesA && !classesB && a.labels.rows === b.labels.rows) {
    const sa = rowStats(a.labels),
      sb = rowStats(b.labels);
    const targets = Array.from({ length: a.labels.rows }, (_, i) =>
      compareRows(sa[i]!, sb[i]!, i, a.labels.rows === 1 ? 'target' : `target ${i}`),
    );
    const off = targets.filter((t) => Math.abs(t.smd) > o.smdThreshold);
    if (off.length > 0)
      warnings.push(
        `${na} and ${nb} have different targets: ${off.map((t) => `${t.name} mean ${+t.meanA.toPrecision(4)} vs ${+t.meanB.toPrecision(4)} (standardized difference ${t.smd.toFixed(2)})`).join(', ')}; ${RULE}.`,
      );
    return { labelProportions: null, targets };
  }
  warnings.push(
    `${na} has ${classesA ? 'class labels' : `${a.labels.rows} regression target row(s)`} but ${nb} has ${classesB ? 'class labels' : `${b.labels.rows} regression target row(s)`}: they cannot come from the same distribution; ${RULE}.`,
  );
  return { labelProportions: null, targets: null };
}
