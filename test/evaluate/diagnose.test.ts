import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, errorStandardError, parseErrorRate } from '../../src/evaluate/diagnose.js';

// The course's four readings (Course 2, Week 1, "Bias / Variance"), human-level error ≈ 0%.
const cases = [
  { train: 0.01, dev: 0.11, highBias: false, highVariance: true, verdict: /^High variance/ },
  { train: 0.15, dev: 0.16, highBias: true, highVariance: false, verdict: /^High bias:/ },
  { train: 0.15, dev: 0.3, highBias: true, highVariance: true, verdict: /^High bias and high variance/ },
  { train: 0.005, dev: 0.01, highBias: false, highVariance: false, verdict: /^Neither/ },
];

test("the course's four cases", () => {
  for (const c of cases) {
    const d = diagnose({ trainError: c.train, devError: c.dev });
    assert.equal(d.highBias, c.highBias, `${c.train}/${c.dev}`);
    assert.equal(d.highVariance, c.highVariance, `${c.train}/${c.dev}`);
    assert.match(d.verdict, c.verdict);
    assert.equal(d.avoidableBias, c.train);
    assert.equal(d.variance, Math.round((c.dev - c.train) * 1e12) / 1e12);
  }
});

test('against human-level error: 15% train is not high bias when people get 14.5% wrong too', () => {
  const d = diagnose({ trainError: 0.15, devError: 0.16, humanError: 0.145 });
  assert.equal(d.highBias, false);
  assert.equal(d.avoidableBias, 0.005);
  assert.match(d.advice.join(' '), /reduce variance first/);
});

test('thresholds compare as written (0.11 − 0.01 is variance 10%, not 9.999…%)', () => {
  const d = diagnose({ trainError: 0.01, devError: 0.03, varianceThreshold: 0.02 });
  assert.equal(d.variance, 0.02);
  assert.equal(d.highVariance, true);
});

test('the advice names the next step, not what the run already did', () => {
  const plain = diagnose({ trainError: 0.15, devError: 0.3 });
  assert.ok(plain.advice.some((a) => /--optimizer adam/.test(a)));
  assert.ok(plain.advice.some((a) => /Add regularization/.test(a)));
  const tried = diagnose({ trainError: 0.15, devError: 0.3, tried: { optimizer: 'adam', l2: 0.5, keepProb: 0.8 } });
  assert.ok(!tried.advice.some((a) => /--optimizer adam/.test(a)), tried.advice.join(' | '));
  assert.ok(tried.advice.some((a) => /larger L2 λ than 0\.5/.test(a)));
});

test('high bias and high variance: no advice twice, none that undoes another', () => {
  for (const tried of [{}, { optimizer: 'adam' as const, l2: 0.5, keepProb: 0.8 }]) {
    const d = diagnose({ trainError: 0.15, devError: 0.3, tried });
    assert.equal(new Set(d.advice).size, d.advice.length, d.advice.join(' | '));
    assert.equal(d.advice.filter((a) => /another architecture/i.test(a)).length, 1, d.advice.join(' | '));
    assert.ok(!d.advice.some((a) => /smaller network|smaller --l2/.test(a)), d.advice.join(' | '));
    assert.match(d.advice[0]!, /bigger network/);
  }
  // Alone, each keeps its own: a smaller network for variance, less regularization for bias.
  const variance = diagnose({ trainError: 0.01, devError: 0.2 });
  assert.ok(variance.advice.some((a) => /smaller network also lowers variance/.test(a)));
  const bias = diagnose({ trainError: 0.2, devError: 0.21, tried: { l2: 0.5 } });
  assert.ok(bias.advice.some((a) => /Regularization raises bias/.test(a)));
});

test('out-of-range inputs are refused with the field and the rule', () => {
  assert.throws(() => diagnose({ trainError: 1.5, devError: 0.1 }), {
    name: 'ValueError',
    message: 'diagnose: trainError must be a fraction in [0, 1] but is 1.5',
  });
  assert.throws(() => diagnose({ trainError: 0.1, devError: 0.1, biasThreshold: 0 }), {
    message: 'diagnose: biasThreshold must be in (0, 1] but is 0',
  });
});

test('error rates as people write them: 0.11 or 11%', () => {
  assert.equal(parseErrorRate('11%'), 0.11);
  assert.equal(parseErrorRate(' 0.5 '), 0.5);
  assert.throws(() => parseErrorRate('abc', '--dev-error'), {
    message: "--dev-error must be a fraction (0.11) or a percentage (11%) but is 'abc'",
  });
  assert.throws(() => parseErrorRate('120%', '--dev-error'), { message: /between 0 and 1/ });
});

test('a diagnosis that knows its noise: 2 errors of 90 training examples is not high bias', () => {
  // The case: train 2/90 = 2.2% reaches the 2% threshold, but one example is 1.1% of 90.
  const d = diagnose({ trainError: 2 / 90, devError: 2 / 30, trainSize: 90, devSize: 30 });
  assert.equal(d.highBias, false);
  assert.equal(d.highVariance, false);
  assert.equal(d.biasWithinNoise, true);
  assert.equal(d.varianceWithinNoise, true);
  assert.match(d.verdict, /^Within noise for m = 30 dev examples \(one example is 3\.3%\)/);
  assert.match(d.verdict, /within noise for m = 90 training examples: under 2 standard errors/);
  assert.match(
    d.advice[0]!,
    /a larger dev set .* k-fold cross-validation \(--folds 5: the mean dev error over 5 folds/,
  );
  // Already cross-validated: the folds cannot be the advice again; more data is.
  const cv = diagnose({ trainError: 2 / 90, devError: 2 / 30, trainSize: 96, devSize: 120, tried: { folds: 5 } });
  assert.match(
    cv.advice[0]!,
    /already the mean over 5 folds, every example of train \+ dev judged once; only more data/,
  );
  assert.doesNotMatch(cv.advice.join(' '), /--folds/);
  // A difference the sets resolve needs no better measurement: no --folds advice.
  const clear = diagnose({ trainError: 0, devError: 0.3, trainSize: 90, devSize: 30 });
  assert.equal(clear.highVariance, true);
  assert.doesNotMatch(clear.advice.join(' '), /--folds/);
  // Without the sizes the thresholds alone decide, as before.
  const old = diagnose({ trainError: 2 / 90, devError: 2 / 30 });
  assert.equal(old.highBias, true);
  assert.equal(old.trainSE, undefined);
  assert.equal(old.biasWithinNoise, undefined);
});

test('standard errors from m (Agresti–Coull: never 0) and the 2-standard-error rule', () => {
  // p̃ = (2 + 2)/(30 + 4), √(p̃(1 − p̃)/34).
  const p = 4 / 34;
  assert.ok(Math.abs(errorStandardError(2 / 30, 30) - Math.sqrt((p * (1 - p)) / 34)) < 1e-15);
  assert.ok(errorStandardError(0, 30) > 0.04, '0 errors of 30 is not an error rate of 0');
  const d = diagnose({ trainError: 0.01, devError: 0.11, trainSize: 10_000, devSize: 10_000 });
  assert.ok(Math.abs(d.varianceSE! - Math.hypot(d.trainSE!, d.devSE!)) < 1e-15);
  assert.equal(d.biasSE, d.trainSE);
  // Large sets resolve the course's cases: the readings are the course's.
  for (const c of cases) {
    const e = diagnose({ trainError: c.train, devError: c.dev, trainSize: 100_000, devSize: 100_000 });
    assert.deepEqual([e.highBias, e.highVariance], [c.highBias, c.highVariance], `${c.train}/${c.dev}`);
    assert.match(e.verdict, c.verdict);
  }
  // Above the threshold and resolved on one side, within noise on the other.
  const mixed = diagnose({ trainError: 0.2, devError: 0.25, trainSize: 1000, devSize: 50 });
  assert.equal(mixed.highBias, true);
  assert.equal(mixed.varianceWithinNoise, true);
  assert.match(mixed.verdict, /^High bias: .* Variance 5\.0% reaches its 2\.0% threshold but is within noise/);
});

test('set sizes are whole numbers of examples, given together', () => {
  assert.throws(() => diagnose({ trainError: 0.1, devError: 0.1, trainSize: 0, devSize: 30 }), {
    name: 'ValueError',
    message: 'diagnose: trainSize must be an integer ≥ 1 (examples) but is 0',
  });
  assert.throws(() => diagnose({ trainError: 0.1, devError: 0.1, trainSize: 90, devSize: 2.5 }), {
    message: 'diagnose: devSize must be an integer ≥ 1 (examples) but is 2.5',
  });
  assert.throws(() => diagnose({ trainError: 0.1, devError: 0.1, devSize: 30 }), {
    message:
      'diagnose: trainSize and devSize go together (the noise of variance = dev − train comes from both sets) but only devSize is given',
  });
});
