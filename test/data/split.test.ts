import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ValueError } from '../../src/core/errors.js';
import { zeros } from '../../src/core/matrix.js';
import type { Dataset } from '../../src/data/dataset.js';
import {
  apportion,
  defaultSplitSizes,
  parseSplitOption,
  ratioSplitSizes,
  trainDevTestSplit,
} from '../../src/data/prepare/split.js';
import { toMatrix } from '../../src/data/features.js';

/** m examples, X(0, j) = j (the example's id), labels cycling through `k` classes with the given weights. */
function synthetic(m: number, classWeights: number[] | null = [1, 1]): Dataset {
  const X = zeros(2, m, 'float64');
  const labels = zeros(1, m, 'float64');
  const cum: number[] = [];
  if (classWeights) {
    const total = classWeights.reduce((a, b) => a + b, 0);
    let s = 0;
    for (const w of classWeights) cum.push((s += w) / total);
  }
  for (let j = 0; j < m; j++) {
    X.data[j] = j;
    X.data[m + j] = -j;
    if (classWeights) {
      const u = (j + 0.5) / m;
      labels.data[j] = cum.findIndex((c) => u < c);
    } else labels.data[j] = j * 0.5;
  }
  return classWeights
    ? { X, labels, classes: classWeights.map((_, i) => `c${i}`), source: 'synthetic' }
    : { X, labels, source: 'synthetic' };
}

const ids = (d: Dataset) => Array.from(toMatrix(d.X).data.subarray(0, d.X.cols));
const counts = (d: Dataset, k: number) => {
  const c = new Array<number>(k).fill(0);
  for (let j = 0; j < d.labels.cols; j++) c[d.labels.data[j]!]!++;
  return c;
};

describe('defaultSplitSizes: dev and test each min(floor(20% of m), 10,000)', () => {
  it('splits 100 / 1,000 / 10,000 examples 60/20/20', () => {
    assert.deepEqual(defaultSplitSizes(100), { train: 60, dev: 20, test: 20 });
    assert.deepEqual(defaultSplitSizes(1000), { train: 600, dev: 200, test: 200 });
    assert.deepEqual(defaultSplitSizes(10000), { train: 6000, dev: 2000, test: 2000 });
  });
  it('splits 1,000,000 examples 980,000 / 10,000 / 10,000 (98/1/1)', () => {
    assert.deepEqual(defaultSplitSizes(1_000_000), { train: 980_000, dev: 10_000, test: 10_000 });
    assert.deepEqual(defaultSplitSizes(50_000), { train: 30_000, dev: 10_000, test: 10_000 });
  });
  it('rounds down, so train takes the remainder', () => {
    assert.deepEqual(defaultSplitSizes(209), { train: 127, dev: 41, test: 41 });
    assert.deepEqual(defaultSplitSizes(4), { train: 4, dev: 0, test: 0 });
    assert.deepEqual(defaultSplitSizes(0), { train: 0, dev: 0, test: 0 });
  });
  it('rejects a non-integer m', () => {
    assert.throws(() => defaultSplitSizes(2.5), {
      name: 'ValueError',
      message: /m must be a non-negative integer but is 2.5/,
    });
  });
  it('explicit ratios floor dev and test', () => {
    assert.deepEqual(ratioSplitSizes(150, [0.7, 0.15, 0.15]), { train: 106, dev: 22, test: 22 });
    assert.deepEqual(ratioSplitSizes(100, [0.7, 0.15, 0.15]), { train: 70, dev: 15, test: 15 });
  });
});

describe('parseSplitOption', () => {
  it('reads auto, none, percentages and fractions', () => {
    assert.equal(parseSplitOption('auto'), 'auto');
    assert.equal(parseSplitOption('none'), 'none');
    assert.deepEqual(parseSplitOption('70,15,15'), [0.7, 0.15, 0.15]);
    assert.deepEqual(parseSplitOption('0.8,0.1,0.1'), [0.8, 0.1, 0.1]);
    assert.deepEqual(parseSplitOption('80%,20%,0%'), [0.8, 0.2, 0]);
  });
  it('names the rule when the input breaks it', () => {
    assert.throws(() => parseSplitOption('70,30'), {
      name: 'ValueError',
      message: /--split must be 'auto', 'none' or train,dev,test .* '70,30' has 2 parts/,
    });
    assert.throws(() => parseSplitOption('70,15,10'), {
      name: 'ValueError',
      message: /sum(ming)? to 100 .*'70,15,10' sums to 95/,
    });
    assert.throws(() => parseSplitOption('70,x,15'), {
      message: /part 2 of '70,x,15' is 'x', not a non-negative number/,
    });
    assert.throws(() => parseSplitOption('-10,60,50'), { message: /part 1 of '-10,60,50' is '-10'/ });
    assert.throws(() => parseSplitOption('0,50,50'), { message: /leaves nothing to train on/ });
  });
});

describe('apportion (largest remainders)', () => {
  it('gives exact totals, proportional shares, ties to the lower index, and respects caps', () => {
    assert.deepEqual(apportion(5, [3, 3], [3, 3]), [3, 2]);
    assert.deepEqual(apportion(10, [50, 30, 20], [50, 30, 20]), [5, 3, 2]);
    assert.deepEqual(apportion(3, [1, 1, 1, 97], [0, 1, 1, 97]), [0, 0, 0, 3]);
    assert.deepEqual(apportion(2, [1, 1], [0, 2]), [0, 2]);
    assert.throws(() => apportion(2, [1, 1], [0, 1]), {
      name: 'ValueError',
      message: /cannot place 2 examples in groups of at most 0, 1/,
    });
  });
});

describe('trainDevTestSplit', () => {
  it('loses and duplicates no example, and gives the default sizes and rule', () => {
    const d = synthetic(1000);
    const s = trainDevTestSplit(d, { seed: 3 });
    assert.deepEqual(s.sizes, { train: 600, dev: 200, test: 200 });
    assert.equal(s.train.X.cols, 600);
    assert.equal(s.dev.X.cols, 200);
    assert.equal(s.test.X.cols, 200);
    assert.match(s.rule, /^auto: dev and test each min\(20% of m, 10,000\) → 60\/20\/20/);
    const all = [...ids(s.train), ...ids(s.dev), ...ids(s.test)].sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: 1000 }, (_, j) => j),
    );
    // Features and labels travel together: X(1, j) = -X(0, j) and the label is the example's own.
    for (const part of [s.train, s.dev, s.test]) {
      assert.equal(part.X.rows, 2);
      assert.deepEqual(part.classes, ['c0', 'c1']);
      const X = toMatrix(part.X);
      for (let j = 0; j < part.X.cols; j++) {
        const id = X.data[j]!;
        assert.equal(X.data[part.X.cols + j], -id);
        assert.equal(part.labels.data[j], d.labels.data[id]);
      }
    }
  });

  it('is repeatable for a seed and differs between seeds', () => {
    const d = synthetic(300);
    const a = trainDevTestSplit(d, { seed: 7 });
    const b = trainDevTestSplit(d, { seed: 7 });
    const c = trainDevTestSplit(d, { seed: 8 });
    assert.deepEqual(ids(a.dev), ids(b.dev));
    assert.deepEqual(ids(a.train), ids(b.train));
    assert.notDeepEqual(ids(a.dev), ids(c.dev));
    assert.deepEqual(
      ids(trainDevTestSplit(d).dev),
      ids(trainDevTestSplit(d, { seed: 1 }).dev),
      'default seed is 1, as --seed',
    );
  });

  it('splits every class in the same proportions (stratified by default)', () => {
    // 3 classes in proportions 50/30/20 of m = 1000.
    const d = synthetic(1000, [5, 3, 2]);
    assert.deepEqual(counts(d, 3), [500, 300, 200]);
    const s = trainDevTestSplit(d, { seed: 1 });
    assert.deepEqual(counts(s.train, 3), [300, 180, 120]);
    assert.deepEqual(counts(s.dev, 3), [100, 60, 40]);
    assert.deepEqual(counts(s.test, 3), [100, 60, 40]);
  });

  it('keeps set sizes exact when class shares do not divide evenly', () => {
    const d = synthetic(209, [72, 137]);
    const s = trainDevTestSplit(d, { seed: 2, ratios: [0.7, 0.15, 0.15] });
    assert.deepEqual(s.sizes, { train: 147, dev: 31, test: 31 });
    assert.equal(s.dev.X.cols, 31);
    const [c0, c1] = counts(d, 2);
    for (const part of [s.train, s.dev, s.test]) {
      const c = counts(part, 2);
      // Each class's count is within one example of its exact proportional share.
      assert.ok(Math.abs(c[0]! - (part.X.cols * c0!) / 209) < 1, `class 0 in ${part.source}: ${c[0]}`);
      assert.ok(Math.abs(c[1]! - (part.X.cols * c1!) / 209) < 1, `class 1 in ${part.source}: ${c[1]}`);
    }
    assert.match(s.rule, /^ratios 70\/15\/15: .*, stratified by class$/);
    assert.equal(s.train.source, 'synthetic (train)');
  });

  it('splits regression targets without stratifying, and refuses to stratify them', () => {
    const d = synthetic(100, null);
    const s = trainDevTestSplit(d, { seed: 4 });
    assert.deepEqual(s.sizes, { train: 60, dev: 20, test: 20 });
    assert.doesNotMatch(s.rule, /stratified/);
    const devX = toMatrix(s.dev.X);
    for (let j = 0; j < s.dev.X.cols; j++) assert.equal(s.dev.labels.data[j], devX.data[j]! * 0.5);
    assert.throws(() => trainDevTestSplit(d, { stratify: true }), {
      name: 'ValueError',
      message: /cannot stratify synthetic: its labels are not classes/,
    });
  });

  it('can turn stratification off for classes', () => {
    const d = synthetic(100, [1, 1]);
    const s = trainDevTestSplit(d, { seed: 5, stratify: false });
    assert.equal(s.dev.X.cols, 20);
    assert.doesNotMatch(s.rule, /stratified/);
  });

  it('names the rule when ratios are wrong or leave nothing to train on', () => {
    const d = synthetic(10);
    assert.throws(() => trainDevTestSplit(d, { ratios: [0.5, 0.5, 0.5] }), {
      name: 'ValueError',
      message:
        /ratios must be three non-negative fractions \[train, dev, test\] summing to 1 .* but are \[0.5, 0.5, 0.5\]/,
    });
    assert.throws(
      () => trainDevTestSplit(synthetic(2), { ratios: [1e-12, 0.5 - 5e-13, 0.5 - 5e-13] }),
      (e: Error) =>
        e instanceof ValueError && /has m = 2 examples; the split 0\/1\/1 leaves none to train on/.test(e.message),
    );
  });
});
