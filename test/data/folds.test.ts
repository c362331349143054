/** k-fold cross-validation's folds: stratified, seeded, every example once; train + dev joined for refit. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ValueError } from '../../src/core/errors.js';
import { fromArray } from '../../src/core/matrix.js';
import { loadBuiltin } from '../../src/data/read/builtin.js';
import { concatExamples, takeExamples, type Dataset } from '../../src/data/dataset.js';
import { toMatrix } from '../../src/data/features.js';
import { checkFolds, foldSets, kFolds } from '../../src/data/prepare/folds.js';

/** iris's first 120 examples: 50 setosa, 50 versicolor, 20 virginica. */
const iris120 = (): Dataset => {
  const d = loadBuiltin('iris');
  return takeExamples(
    d,
    Array.from({ length: 120 }, (_, j) => j),
  );
};

const counts = (xs: ArrayLike<number>, k: number) => {
  const c = new Array<number>(k).fill(0);
  for (let i = 0; i < xs.length; i++) c[xs[i]!]!++;
  return c;
};

test('folds deal every example into one of K folds, each class spread in its proportion', () => {
  const d = iris120();
  const { fold, k, stratified } = kFolds(d, 5, 1);
  assert.equal(k, 5);
  assert.equal(stratified, true);
  assert.equal(fold.length, 120);
  assert.deepEqual(counts(fold, 5), [24, 24, 24, 24, 24]);
  for (const [c, n] of [
    [0, 50],
    [1, 50],
    [2, 20],
  ] as const) {
    const perFold = counts(
      Array.from(fold).filter((_, j) => d.labels.data[j] === c),
      5,
    );
    assert.equal(
      perFold.reduce((a, b) => a + b, 0),
      n,
    );
    // ⌊n_c/K⌋ or ⌈n_c/K⌉ of each class in every fold.
    for (const x of perFold) assert.ok(x === Math.floor(n / 5) || x === Math.ceil(n / 5), `${c}: ${perFold}`);
  }
});

test('the same seed gives the same folds; another seed, others', () => {
  const d = iris120();
  assert.deepEqual(kFolds(d, 5, 7).fold, kFolds(d, 5, 7).fold);
  assert.notDeepEqual(kFolds(d, 5, 7).fold, kFolds(d, 5, 8).fold);
});

test('fold f trains on the other folds and is judged on its own, every example judged once', () => {
  const d = iris120();
  const folds = kFolds(d, 4, 1);
  let judged = 0;
  for (let f = 0; f < 4; f++) {
    const { train, dev } = foldSets(d, folds, f);
    assert.equal(train.X.cols + dev.X.cols, 120);
    assert.equal(dev.X.cols, 30);
    assert.match(dev.source, new RegExp(`fold ${f + 1} of 4: dev`));
    judged += dev.X.cols;
  }
  assert.equal(judged, 120);
});

test('without classes (a regression), one group dealt into K folds', () => {
  const d: Dataset = {
    X: fromArray([Array.from({ length: 10 }, (_, j) => j)]),
    labels: fromArray([Array.from({ length: 10 }, (_, j) => j / 10)]),
    source: 'line',
  };
  const { fold, stratified } = kFolds(d, 3, 1);
  assert.equal(stratified, false);
  assert.deepEqual(
    counts(fold, 3).sort((a, b) => a - b),
    [3, 3, 4],
  );
  assert.throws(() => checkFolds(d, 11), {
    message: 'folds: 11 is more than the m = 10 examples of train + dev; use --folds 10 or fewer',
  });
});

test('K must be at least 2, and at most the smallest class', () => {
  const d = iris120();
  assert.throws(
    () => checkFolds(d, 1),
    (e: unknown) =>
      e instanceof ValueError &&
      /^folds must be an integer ≥ 2 \(K folds: each is judged by a model trained on the other K − 1\) but is 1$/.test(
        (e as Error).message,
      ),
  );
  assert.throws(() => kFolds(d, 21, 1), {
    message:
      "folds: 21 is more than the 20 examples of class 'virginica' in train + dev (stratified folds put every class in every fold); use --folds 20 or fewer",
  });
  checkFolds(d, 20);
  const one = takeExamples(d, [0, 1, 2, 100]);
  assert.throws(() => checkFolds(one, 2), {
    message: /1 example of class 'virginica' .*no K ≥ 2 can: get more examples of that class$/,
  });
});

test('train + dev joined: the examples of one, then of the other, features and labels alike', () => {
  const d = loadBuiltin('iris');
  const a = takeExamples(d, [3, 1]);
  const b = takeExamples(d, [140, 70, 0]);
  const u = concatExamples(a, b, 'iris (train + dev)');
  assert.equal(u.source, 'iris (train + dev)');
  assert.equal(u.X.cols, 5);
  assert.deepEqual(Array.from(u.labels.data), [0, 0, 2, 1, 0]);
  assert.throws(() => concatExamples(a, { ...b, X: fromArray([[1, 2, 3]]) }, 'joined'), {
    message: /^joined: cannot join .* \(n_x = 4\) and .* \(n_x = 1\): their examples differ in shape$/,
  });
  const X = toMatrix(u.X);
  const whole = toMatrix(d.X);
  [3, 1, 140, 70, 0].forEach((j, p) => {
    for (let i = 0; i < 4; i++) assert.equal(X.data[i * 5 + p], whole.data[i * 150 + j]);
  });
});
