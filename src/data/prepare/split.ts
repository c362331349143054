import { ValueError } from '../../core/errors.js';
import { hashArrays } from '../../core/hash.js';
import { Rng } from '../../core/rng.js';
import { takeExamples, type Dataset } from '../dataset.js';

/**
 * Train / dev / test splitting as the course teaches it (Course 2, Week 1): dev and test only need to
 * be big enough to tell models apart, so with much data they take a small share. Browser-safe: no Node
 * imports.
 */

export interface SplitOptions {
  /** 'auto' (default): dev and test each min(floor(20% of m), 10,000). Or [train, dev, test] fractions summing to 1. */
  ratios?: 'auto' | [number, number, number];
  /** Seed of the shuffle (default 1, as the command line's --seed); the same seed and data give the same split. */
  seed?: number;
  /** Split each class in the same proportions (default: true when the data set has classes). */
  stratify?: boolean;
}

export interface SplitResult {
  /** X: (n_x, m_train), labels: (n_y, m_train). */
  train: Dataset;
  /** X: (n_x, m_dev). */
  dev: Dataset;
  /** X: (n_x, m_test). */
  test: Dataset;
  sizes: { train: number; dev: number; test: number };
  /** The rule that chose the sizes, in words, e.g. 'auto: dev and test each min(20% of m, 10,000) → 60/20/20'. */
  rule: string;
  /** The examples of each set, by their position in `d` (0-based), in the set's order. */
  indices: { train: Int32Array; dev: Int32Array; test: Int32Array };
  /** 16 hex digits of `indices` (train, dev, test): the same split made again has the same order. */
  order: string;
}

/** Cap on dev and test under the 'auto' rule. */
const AUTO_CAP = 10_000;
/** Dev and test each take 1/5 (20%) of m under the 'auto' rule, up to the cap; integer division keeps it exact. */
const AUTO_DIVISOR = 5;

/**
 * The course's default sizes: dev = test = min(floor(0.2 m), 10,000), train = the rest.
 * Rounding is down (floor), so train gets any remainder: m = 101 → 61/20/20, m = 4 → 4/0/0.
 * @example defaultSplitSizes(1000)      // => { train: 600, dev: 200, test: 200 }
 * @example defaultSplitSizes(1_000_000) // => { train: 980000, dev: 10000, test: 10000 }
 */
export function defaultSplitSizes(m: number): { train: number; dev: number; test: number } {
  if (!Number.isInteger(m) || m < 0)
    throw new ValueError(`defaultSplitSizes: m must be a non-negative integer but is ${m}`);
  const held = Math.min(Math.floor(m / AUTO_DIVISOR), AUTO_CAP);
  return { train: m - 2 * held, dev: held, test: held };
}

/**
 * Sizes for explicit ratios [train, dev, test] (fractions summing to 1): dev = floor(r_dev · m),
 * test = floor(r_test · m), train = the rest.
 * @example ratioSplitSizes(150, [0.7, 0.15, 0.15]) // => { train: 106, dev: 22, test: 22 }
 */
export function ratioSplitSizes(
  m: number,
  ratios: [number, number, number],
): { train: number; dev: number; test: number } {
  checkRatios(ratios);
  // The small epsilon keeps 0.15 · 100 = 15.000000000000002 and 0.7 · 10 = 6.999999999999999 exact.
  const dev = Math.floor(ratios[1] * m + 1e-9);
  const test = Math.floor(ratios[2] * m + 1e-9);
  return { train: m - dev - test, dev, test };
}

const SPLIT_RULE =
  "--split must be 'auto', 'none' or train,dev,test as percentages summing to 100 (70,15,15) or fractions summing to 1 (0.7,0.15,0.15)";

/**
 * Reads `--split`: 'auto', 'none', or three percentages (`70,15,15`, summing to 100) or fractions
 * (`0.7,0.15,0.15`, summing to 1), returned as fractions.
 * @example parseSplitOption('70,15,15') // => [0.7, 0.15, 0.15]
 */
export function parseSplitOption(text: string): 'auto' | 'none' | [number, number, number] {
  const t = text.trim().toLowerCase();
  if (t === 'auto' || t === 'none') return t;
  const parts = t.split(',').map((s) => s.trim().replace(/%$/, ''));
  if (parts.length !== 3)
    throw new ValueError(`${SPLIT_RULE}; '${text}' has ${parts.length} part${parts.length === 1 ? '' : 's'}`);
  const values = parts.map((s) => (s === '' ? NaN : Number(s)));
  const bad = values.findIndex((v) => !Number.isFinite(v) || v < 0);
  if (bad >= 0)
    throw new ValueError(`${SPLIT_RULE}; part ${bad + 1} of '${text}' is '${parts[bad]}', not a non-negative number`);
  const sum = values[0]! + values[1]! + values[2]!;
  let fractions: number[];
  if (Math.abs(sum - 100) < 1e-6) fractions = values.map((v) => v / 100);
  else if (Math.abs(sum - 1) < 1e-9) fractions = values;
  else throw new ValueError(`${SPLIT_RULE}; '${text}' sums to ${+sum.toFixed(6)}`);
  if (fractions[0]! <= 0)
    throw new ValueError(`${SPLIT_RULE}; '${text}' leaves nothing to train on (train share must be > 0)`);
  return fractions as [number, number, number];
}

function checkRatios(r: [number, number, number]): void {
  const ok =
    r.length === 3 &&
    r.every((v) => Number.isFinite(v) && v >= 0) &&
    Math.abs(r[0] + r[1] + r[2] - 1) < 1e-9 &&
    r[0] > 0;
  if (!ok)
    throw new ValueError(
      `trainDevTestSplit: ratios must be three non-negative fractions [train, dev, test] summing to 1 with train > 0 but are [${r.join(', ')}]`,
    );
}

/**
 * Splits one data set into train / dev / test, seeded and repeatable. Every example lands in exactly
 * one set. Stratified (the default for classification): each class is split in the data set's
 * proportions by largest remainders, so the set sizes are exact and every class's share is as close
 * as whole examples allow. Each set's examples come in a seeded random order.
 *
 * d.X: (n_x, m), d.labels: (n_y, m) → train.X: (n_x, m_train), dev.X: (n_x, m_dev), test.X: (n_x, m_test).
 * @example
 * const { sizes, rule } = trainDevTestSplit(loadBuiltin('mnist'), { seed: 1 });
 * // sizes => { train: 6000, dev: 2000, test: 2000 }
 * // rule  => 'auto: dev and test each min(20% of m, 10,000) → 60/20/20'
 */
export function trainDevTestSplit(d: Dataset, opts: SplitOptions = {}): SplitResult {
  const m = d.X.cols;
  const ratios = opts.ratios ?? 'auto';
  const seed = opts.seed ?? 1;
  const sizes = ratios === 'auto' ? defaultSplitSizes(m) : ratioSplitSizes(m, ratios);
  if (m > 0 && sizes.train <= 0)
    throw new ValueError(
      `trainDevTestSplit: ${d.source} has m = ${m} examples; the split ${sizes.train}/${sizes.dev}/${sizes.test} leaves none to train on`,
    );
  const classification = d.classes !== undefined && d.labels.rows === 1;
  const stratify = opts.stratify ?? classification;
  if (stratify && !classification)
    throw new ValueError(
      `trainDevTestSplit: cannot stratify ${d.source}: its labels are not classes (regression targets)`,
    );
  const rng = new Rng(seed);

  // Groups to split: one per class when stratifying, else all examples in one group. Typed arrays: a
  // split of millions of examples holds 4 bytes an example, not a JavaScript array's 8 or more.
  const indices = dealExamples(exampleGroups(d, m, stratify), sizes, rng);
  return {
    train: takeExamples(d, indices.train, `${d.source} (train)`),
    dev: takeExamples(d, indices.dev, `${d.source} (dev)`),
    test: takeExamples(d, indices.test, `${d.source} (test)`),
    sizes,
    rule: `${ruleText(ratios, sizes, m)}${stratify ? ', stratified by class' : ''}`,
    indices,
    order: hashArrays([indices.train, indices.dev, indices.test]),
  };
}

/**
 * The examples of each group dealt into dev, test and train in proportion to the group's size (each
 * group in a seeded random order), then each set shuffled: positions into the data set.
 */
function dealExamples(
  groups: Int32Array[],
  sizes: { train: number; dev: number; test: number },
  rng: Rng,
): { train: Int32Array; dev: Int32Array; test: Int32Array } {
  const weights = groups.map((g) => g.length);
  const devPer = apportion(sizes.dev, weights, weights);
  const testPer = apportion(
    sizes.test,
    weights,
    weights.map((w, c) => w - devPer[c]!),
  );

  const trainIdx = new Int32Array(sizes.train),
    devIdx = new Int32Array(sizes.dev),
    testIdx = new Int32Array(sizes.test);
  let nTrain = 0,
    nDev = 0,
    nTest = 0;
  groups.forEach((g, c) => {
    const p = rng.permutation(g.length);
    const nd = devPer[c]!,
      nt = testPer[c]!;
    for (let i = 0; i < g.length; i++) {
      const j = g[p[i]!]!;
      if (i < nd) devIdx[nDev++] = j;
      else if (i < nd + nt) testIdx[nTest++] = j;
      else trainIdx[nTrain++] = j;
    }
  });
  const shuffled = (idx: Int32Array): Int32Array => {
    const p = rng.permutation(idx.length);
    const out = new Int32Array(idx.length);
    for (let i = 0; i < out.length; i++) out[i] = idx[p[i]!]!;
    return out;
  };
  return { train: shuffled(trainIdx), dev: shuffled(devIdx), test: shuffled(testIdx) };
}

/** The rule that chose the sizes, in words: 'auto: dev and test each min(20% of m, 10,000) → 60/20/20'. */
function ruleText(
  ratios: 'auto' | [number, number, number],
  sizes: { train: number; dev: number; test: number },
  m: number,
): string {
  const pct = (n: number) => (m === 0 ? '0' : String(+((100 * n) / m).toFixed(1)));
  const shares = `${pct(sizes.train)}/${pct(sizes.dev)}/${pct(sizes.test)}`;
  return ratios === 'auto'
    ? `auto: dev and test each min(20% of m, 10,000) → ${shares}`
    : `ratios ${ratios.map((r) => +(100 * r).toFixed(4)).join('/')}: dev and test each floor(share × m) → ${shares}`;
}

/** The examples of each class (stratified), or all examples as one group, in example order. */
function exampleGroups(d: Dataset, m: number, stratify: boolean): Int32Array[] {
  if (!stratify) return [Int32Array.from({ length: m }, (_, j) => j)];
  const k = d.classes!.length;
  const counts = new Int32Array(k);
  for (let j = 0; j < m; j++) counts[d.labels.data[j]!]!++;
  const groups = Array.from(counts, (n) => new Int32Array(n));
  const filled = new Int32Array(k);
  for (let j = 0; j < m; j++) {
    const c = d.labels.data[j]!;
    groups[c]![filled[c]!++] = j;
  }
  return groups;
}

/**
 * Largest-remainder apportionment: splits `total` into whole shares proportional to `weights`, each at
 * most its cap (caps must sum to at least `total`). Ties go to the lower index, so it is repeatable.
 * @example apportion(5, [3, 3], [3, 3]) // => [3, 2]
 */
export function apportion(total: number, weights: number[], caps: number[]): number[] {
  const W = weights.reduce((a, b) => a + b, 0);
  if (W === 0) return weights.map(() => 0);
  const out = weights.map((w, i) => Math.min(Math.floor((total * w) / W), caps[i]!));
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = weights
    .map((w, i) => i)
    .sort((a, b) => {
      const ra = (total * weights[a]!) / W - Math.floor((total * weights[a]!) / W);
      const rb = (total * weights[b]!) / W - Math.floor((total * weights[b]!) / W);
      return rb - ra || a - b;
    });
  // Hand out the remainder one example at a time, largest remainders first, skipping full groups.
  while (left > 0) {
    let gave = false;
    for (const i of order) {
      if (left === 0) break;
      if (out[i]! < caps[i]!) {
        out[i] = out[i]! + 1;
        left--;
        gave = true;
      }
    }
    if (!gave)
      throw new ValueError(`apportion: cannot place ${total} examples in groups of at most ${caps.join(', ')}`);
  }
  return out;
}
