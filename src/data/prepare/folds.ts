/**
 * k-fold cross-validation for small data: the examples of train + dev dealt into K folds, each judged by
 * a model trained on the other K − 1. Stratified by class (every class spread over the folds in its
 * proportion, as scikit-learn's StratifiedKFold), seeded: the same examples, K and seed give the same
 * folds on any machine, so a sweep's threads and queue workers rebuild them from the fold's index alone.
 * Browser-safe.
 */
import { ValueError } from '../../core/errors.js';
import { printable } from '../../core/text.js';
import { Rng } from '../../core/rng.js';
import { takeExamples, type Dataset } from '../dataset.js';

/** Where each example goes: `fold[j]` is the fold (0..K-1) of example j. */
export interface Folds {
  k: number;
  fold: Int32Array;
  stratified: boolean;
}

/**
 * The rule --folds K must satisfy on these examples: K ≥ 2, and with classes at most the smallest class
 * (else a fold has none of it), without classes at most m.
 * @throws ValueError `folds: 10 is more than the 6 examples of class 'setosa' in train + dev (...)`
 */
export function checkFolds(d: Dataset, k: number, what = 'train + dev'): void {
  if (!Number.isInteger(k) || k < 2)
    throw new ValueError(
      `folds must be an integer ≥ 2 (K folds: each is judged by a model trained on the other K − 1) but is ${k}`,
    );
  const m = d.X.cols;
  const counts = classCounts(d);
  if (!counts) {
    if (k > m)
      throw new ValueError(`folds: ${k} is more than the m = ${m} examples of ${what}; use --folds ${m} or fewer`);
    return;
  }
  // The smallest class with examples here (a class only the test set has does not limit K).
  let smallest = -1;
  counts.forEach((n, c) => {
    if (n > 0 && (smallest < 0 || n < counts[smallest]!)) smallest = c;
  });
  const n = counts[smallest]!;
  if (k > n)
    throw new ValueError(
      `folds: ${k} is more than the ${n} example${n === 1 ? '' : 's'} of class '${printable(d.classes![smallest]!)}' in ${what} (stratified folds put every class in every fold); ${n < 2 ? 'no K ≥ 2 can: get more examples of that class' : `use --folds ${n} or fewer`}`,
    );
}

/** Examples per class, or undefined for regression targets (no classes to stratify by). */
function classCounts(d: Dataset): Int32Array | undefined {
  if (!d.classes || d.labels.rows !== 1) return undefined;
  const counts = new Int32Array(d.classes.length);
  for (let j = 0; j < d.X.cols; j++) counts[d.labels.data[j]!]!++;
  return counts;
}

/**
 * Deals the m examples of `d` into K folds: each class's examples in a seeded random order, dealt one
 * fold after another, the next class starting where the last one stopped, so every fold gets ⌊m/K⌋ or
 * ⌈m/K⌉ examples and every class ⌊n_c/K⌋ or ⌈n_c/K⌉ of its n_c. Without classes, one group.
 * @example kFolds(iris120, 5, 1).fold // => 24 examples in each fold, 8 of each species
 */
export function kFolds(d: Dataset, k: number, seed: number): Folds {
  checkFolds(d, k);
  const m = d.X.cols;
  const stratified = d.classes !== undefined && d.labels.rows === 1;
  const rng = new Rng(seed);
  const groups: number[][] = stratified ? d.classes!.map(() => []) : [[]];
  for (let j = 0; j < m; j++) groups[stratified ? d.labels.data[j]! : 0]!.push(j);
  const fold = new Int32Array(m);
  let next = 0;
  for (const g of groups) {
    const order = rng.permutation(g.length);
    for (let i = 0; i < g.length; i++) {
      fold[g[order[i]!]!] = next;
      next = (next + 1) % k;
    }
  }
  return { k, fold, stratified };
}

/** Fold `f` (0-based) as its training examples (every other fold) and its dev examples, in example order. */
export function foldSets(d: Dataset, folds: Folds, f: number): { train: Dataset; dev: Dataset } {
  const train: number[] = [],
    dev: number[] = [];
  for (let j = 0; j < folds.fold.length; j++) (folds.fold[j] === f ? dev : train).push(j);
  const name = `fold ${f + 1} of ${folds.k}`;
  return {
    train: takeExamples(d, train, `${d.source} (${name}: train)`),
    dev: takeExamples(d, dev, `${d.source} (${name}: dev)`),
  };
}
