import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { zeros } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import type { Dataset } from '../../src/data/dataset.js';
import { chiSquareSurvival, compareDistributions } from '../../src/data/describe/mismatch.js';
import { toMatrix } from '../../src/data/features.js';

/** m examples of n_x standard-normal features shifted by `shift`, with class 1 at rate `p1`. */
function sample(seed: number, m: number, nx: number, shift = 0, p1 = 0.5, classes = ['no', 'yes']): Dataset {
  const rng = new Rng(seed);
  const X = zeros(nx, m, 'float64');
  for (let k = 0; k < X.data.length; k++) X.data[k] = rng.randn() + shift;
  const labels = zeros(1, m, 'float64');
  for (let j = 0; j < m; j++) labels.data[j] = j < Math.round(p1 * m) ? 1 : 0;
  return { X, labels, classes, source: `sample ${seed}` };
}

describe('compareDistributions', () => {
  it('says nothing when dev and test come from the same distribution', () => {
    const r = compareDistributions(sample(1, 2000, 20), sample(2, 2000, 20), ['dev', 'test']);
    assert.deepEqual(r.warnings, []);
    assert.equal(r.features.length, 20);
    assert.ok(
      r.features.every((f) => Math.abs(f.smd) < 0.15),
      'sampling noise only',
    );
    assert.ok(r.labelProportions!.pValue > 0.5);
    assert.deepEqual(r.sizes, [2000, 2000]);
  });

  it('warns in plain words when the features are shifted, citing the rule', () => {
    const r = compareDistributions(sample(1, 500, 10), sample(2, 500, 10, 0.8), ['dev', 'test']);
    assert.equal(r.shiftedFeatures, 10);
    assert.ok(r.features.every((f) => f.smd < -0.5 && f.smd > -1.1));
    assert.equal(r.warnings.length, 1);
    assert.match(
      r.warnings[0]!,
      /^dev and test differ in 10 of 10 features \(\|standardized mean difference\| > 0\.25; largest: 'x\d' -0\.\d\d \(mean/,
    );
    assert.match(r.warnings[0]!, /the course's rule is that dev and test come from the same distribution/);
  });

  it('does not warn for one shifted feature among many, and does for a shifted share', () => {
    const b = sample(2, 1000, 20);
    const bx = toMatrix(b.X);
    for (let j = 0; j < 1000; j++) bx.data[j] = bx.data[j]! + 2; // feature x0 only
    const quiet = compareDistributions(sample(1, 1000, 20), b, ['dev', 'test']);
    assert.equal(quiet.shiftedFeatures, 1);
    assert.deepEqual(quiet.warnings, []);
    const loud = compareDistributions(sample(1, 1000, 20), b, ['dev', 'test'], { shiftedShare: 0.05 });
    assert.equal(loud.warnings.length, 1);
  });

  it('warns when label proportions differ (by points and by the chi-square test), by class name', () => {
    const r = compareDistributions(sample(1, 1000, 3, 0, 0.3), sample(2, 1000, 3, 0, 0.5), ['dev', 'test']);
    assert.ok(Math.abs(r.labelProportions!.maxDifference - 0.2) < 1e-12);
    assert.ok(r.labelProportions!.pValue < 1e-10);
    assert.equal(r.warnings.length, 1);
    assert.match(
      r.warnings[0]!,
      /^dev and test have different label proportions: class '(yes|no)' is (30\.0|70\.0)% of dev but 50\.0% of test \(chi-square \d+\.\d, df 1, p = /,
    );
    // Same names in another order map by name: no difference.
    const a = sample(3, 400, 2, 0, 0.5, ['no', 'yes']);
    const b = sample(4, 400, 2, 0, 0.5, ['yes', 'no']);
    assert.equal(compareDistributions(a, b, ['a', 'b']).labelProportions!.maxDifference, 0);
  });

  it('compares regression targets and flags a different n_x', () => {
    const a = sample(1, 300, 2),
      b = sample(2, 300, 2);
    delete a.classes;
    delete b.classes;
    for (let j = 0; j < 300; j++) b.labels.data[j] = b.labels.data[j]! + 5;
    const r = compareDistributions(a, b, ['train', 'dev']);
    assert.equal(r.labelProportions, null);
    assert.equal(r.targets!.length, 1);
    assert.match(r.warnings.join('\n'), /train and dev have different targets: target mean/);
    const n = compareDistributions(sample(1, 50, 3), sample(2, 50, 4), ['dev', 'test']);
    assert.match(
      n.warnings[0]!,
      /^dev has n_x = 3 features but test has 4: they cannot come from the same distribution/,
    );
  });

  it('computes chi-square tail probabilities', () => {
    // scipy.stats.chi2.sf: sf(3.841458820694124, 1) = 0.05, sf(10, 4) = 0.040427681994512805, sf(0, 2) = 1.
    assert.ok(Math.abs(chiSquareSurvival(3.841458820694124, 1) - 0.05) < 1e-12);
    assert.ok(Math.abs(chiSquareSurvival(10, 4) - 0.040427681994512805) < 1e-12);
    assert.equal(chiSquareSurvival(0, 2), 1);
    assert.ok(Math.abs(chiSquareSurvival(2, 2) - Math.exp(-1)) < 1e-14);
  });
});
