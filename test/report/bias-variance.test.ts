import assert from 'node:assert/strict';
import { test } from 'node:test';
import { diagnose } from '../../src/evaluate/diagnose.js';
import { biasVarianceChart } from '../../src/report/bias-variance.js';

test('bias/variance axis ticks are distinct at every scale (no "2%, 2%" from rounding half-percent steps)', () => {
  for (const [trainError, devError] of [
    [0, 0.0333],
    [0.01, 0.11],
    [0.15, 0.3],
    [0.001, 0.004],
  ] as const) {
    const svg = biasVarianceChart(diagnose({ trainError, devError }));
    const ticks = [...svg.matchAll(/class="tick x-tick"[^>]*>([^<]*)</g)].map((m) => m[1]!);
    assert.ok(ticks.length >= 3, `ticks ${ticks.join(' ')}`);
    assert.equal(new Set(ticks).size, ticks.length, `duplicate tick labels: ${ticks.join(' ')}`);
  }
});

test('with the set sizes: whiskers of ±2 standard errors on train and dev, and a difference within noise says so', () => {
  const svg = biasVarianceChart(diagnose({ trainError: 0, devError: 2 / 30, trainSize: 90, devSize: 30 }));
  assert.equal([...svg.matchAll(/<path class="noise"/g)].length, 2, 'train and dev');
  assert.match(svg, /variance 6\.7% — within noise/);
  assert.match(svg, /Dev error: 6\.7% ± 2 standard errors \(11\.1%\)/);
  // Without them, no whiskers and the threshold alone: high.
  const old = biasVarianceChart(diagnose({ trainError: 0, devError: 2 / 30 }));
  assert.doesNotMatch(old, /class="noise"/);
  assert.match(old, /variance 6\.7% — high/);
});
