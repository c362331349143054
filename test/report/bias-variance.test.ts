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
