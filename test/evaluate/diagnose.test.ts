import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose, parseErrorRate } from '../../src/evaluate/diagnose.js';

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
