import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lnn, lnnInProcess } from './run.js';

// Two cases start a real `lnn` process (end to end: exit code, stdout, stderr); the rest run `main` in-process.

describe('lnn diagnose', { concurrency: true }, () => {
  const cases = [
    { train: '1%', dev: '11%', highBias: false, highVariance: true, name: 'high variance' },
    { train: '15%', dev: '16%', highBias: true, highVariance: false, name: 'high bias' },
    { train: '15%', dev: '30%', highBias: true, highVariance: true, name: 'high bias and high variance' },
    { train: '0.5%', dev: '1%', highBias: false, highVariance: false, name: 'neither' },
  ];
  for (const c of cases) {
    it(`${c.train} / ${c.dev} → ${c.name} (--json)`, async () => {
      const run = c === cases[0] ? lnn : lnnInProcess;
      const r = await run(['diagnose', '--train-error', c.train, '--dev-error', c.dev, '--json']);
      assert.equal(r.code, 0, r.stderr);
      const d = JSON.parse(r.stdout);
      assert.equal(d.highBias, c.highBias);
      assert.equal(d.highVariance, c.highVariance);
      assert.equal(d.avoidableBias, parseFloat(c.train) / 100);
      assert.ok(Math.abs(d.variance - (parseFloat(c.dev) - parseFloat(c.train)) / 100) < 1e-12);
      assert.ok(
        Array.isArray(d.advice) && d.advice.length > 0 && d.advice.every((a: unknown) => typeof a === 'string'),
      );
      if (c.highVariance) assert.ok(d.advice.some((a: string) => /regularization/.test(a)));
      if (c.highBias) assert.ok(d.advice.some((a: string) => /bigger network/.test(a)));
    });
  }

  it('prints the reading and the next steps as text', async () => {
    const r = await lnnInProcess(['diagnose', '--train-error', '0.01', '--dev-error', '0.11']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Avoidable bias\s+1%/);
    assert.match(r.stdout, /Variance\s+10%\s+\(dev − train; high at ≥ 2%\)\s+← high/);
    assert.match(r.stdout, /High variance/);
    assert.match(r.stdout, /Next steps:\n {2}- Get more training data\./);
  });

  it('takes human-level error and thresholds', async () => {
    // Train 8% against human 7.5%: avoidable bias 0.5%, not high; dev 10%: variance 2%, high at a 1% threshold.
    const r = await lnnInProcess([
      'diagnose',
      '--train-error',
      '8%',
      '--dev-error',
      '10%',
      '--human-error',
      '7.5%',
      '--variance-threshold',
      '0.01',
      '--bias-threshold',
      '1%',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const d = JSON.parse(r.stdout);
    assert.equal(d.humanError, 0.075);
    assert.equal(d.avoidableBias, 0.005);
    assert.equal(d.highBias, false);
    assert.equal(d.highVariance, true);
    assert.equal(d.varianceThreshold, 0.01);
  });

  it('rejects a value that is not an error rate, in one line', async () => {
    const r = await lnn(['diagnose', '--train-error', 'abc', '--dev-error', '11%']);
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      "lnn diagnose: --train-error must be a fraction (0.11) or a percentage (11%) but is 'abc' (lnn diagnose --help)\n",
    );
  });

  it('rejects an error above 100% and a missing option', async () => {
    const [over, missing] = await Promise.all([
      lnnInProcess(['diagnose', '--train-error', '1%', '--dev-error', '120%']),
      lnnInProcess(['diagnose', '--train-error', '1%']),
    ]);
    assert.equal(over.code, 2);
    assert.match(over.stderr, /^lnn diagnose: --dev-error must be between 0 and 1 \(0% and 100%\) but is '120%'/);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^lnn diagnose: --dev-error is required \(lnn diagnose --help\)\n$/);
  });

  it('takes the set sizes: standard errors from m, and a difference within noise is not high', async () => {
    const args = ['diagnose', '--train-error', '2.2%', '--dev-error', '6.7%', '--train-size', '90', '--dev-size', '30'];
    const [text, json] = await Promise.all([lnnInProcess(args), lnnInProcess([...args, '--json'])]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /Train error +2\.2% +± 2\.1% \(m = 90\)/);
    assert.match(text.stdout, /Variance .*high at ≥ 2% and ≥ 2 standard errors = 11\.8%\)  ← within noise/);
    assert.match(text.stdout, /^Within noise for m = 30 dev examples/m);
    assert.match(text.stdout, /a larger dev set .*cross-validation/);
    assert.doesNotMatch(text.stdout, /Noise: unknown/);
    const d = JSON.parse(json.stdout);
    assert.deepEqual(
      [d.highBias, d.highVariance, d.biasWithinNoise, d.varianceWithinNoise],
      [false, false, true, true],
    );
    assert.deepEqual([d.trainSize, d.devSize], [90, 30]);
    assert.ok(d.trainSE > 0.02 && d.devSE > 0.05);
  });

  it('without the sizes: as before, and says that the noise is unknown', async () => {
    const r = await lnnInProcess(['diagnose', '--train-error', '2.2%', '--dev-error', '2.5%']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /← high/);
    assert.match(r.stdout, /^Noise: unknown\. Give --train-size and --dev-size/m);
  });

  it('refuses sizes that are not whole numbers of examples, or only one of them, in one line', async () => {
    const base = ['diagnose', '--train-error', '1%', '--dev-error', '11%'];
    const [zero, half, alone] = await Promise.all([
      lnnInProcess([...base, '--train-size', '0', '--dev-size', '30']),
      lnnInProcess([...base, '--train-size', '90', '--dev-size', '2.5']),
      lnnInProcess([...base, '--dev-size', '30']),
    ]);
    assert.equal(zero.code, 2);
    assert.equal(zero.stderr, "lnn diagnose: --train-size must be an integer ≥ 1 but is '0' (lnn diagnose --help)\n");
    assert.equal(half.stderr, "lnn diagnose: --dev-size must be an integer ≥ 1 but is '2.5' (lnn diagnose --help)\n");
    assert.equal(
      alone.stderr,
      'lnn diagnose: --train-size and --dev-size go together (the noise of variance = dev − train comes from both sets); give --train-size too (lnn diagnose --help)\n',
    );
  });
});
