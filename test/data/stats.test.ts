import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { FeatureStats, valueStats } from '../../src/data/stats.js';

/** Feature i of example e at values[e · n + i]. */
function rows(m: number, n: number, f: (e: number, i: number) => number): Float64Array {
  const out = new Float64Array(m * n);
  for (let e = 0; e < m; e++) for (let i = 0; i < n; i++) out[e * n + i] = f(e, i);
  return out;
}

/** FeatureStats over `values` fed in chunks of `chunk` examples. */
function streamed(values: Float64Array, m: number, n: number, chunk: number, options = {}): FeatureStats {
  const st = new FeatureStats(n, options);
  for (let e = 0; e < m; e += chunk) {
    const count = Math.min(chunk, m - e);
    st.addRows(values.subarray(e * n, (e + count) * n), count);
  }
  return st;
}

describe('FeatureStats: per-feature statistics in one streaming pass', () => {
  it('agrees with the two-pass formulas to 1e-13, whatever the chunk size', () => {
    const rng = new Rng(7);
    const m = 5000,
      n = 3;
    const values = rows(m, n, (_, i) => [rng.randn() * 3 + 10, rng.random() * 255, 1e6 + rng.randn()][i]!);
    for (const chunk of [1, 7, 4096, m]) {
      const st = streamed(values, m, n, chunk);
      for (let i = 0; i < n; i++) {
        const exact = valueStats(values, i, m * n, n)!;
        const got = st.feature(i)!;
        assert.equal(got.min, exact.min);
        assert.equal(got.max, exact.max);
        assert.ok(Math.abs(got.mean - exact.mean) <= 1e-13 * Math.abs(exact.mean), `chunk ${chunk}, mean of ${i}`);
        assert.ok(
          Math.abs(got.std - exact.std) <= 1e-9 * exact.std,
          `chunk ${chunk}, std of ${i}: ${got.std} vs ${exact.std}`,
        );
      }
    }
  });

  it('keeps the variance where Σx² − (Σx)²/n cancels (1e9 + small noise)', () => {
    // Values 1e9 + {0, 1, 2, 3}: the naive formula in float64 loses every digit of the variance 1.25.
    const m = 4000;
    const values = rows(m, 1, (e) => 1e9 + (e % 4));
    const got = streamed(values, m, 1, 333).feature(0)!;
    assert.ok(Math.abs(got.std - Math.sqrt(1.25)) < 1e-9, `std ${got.std}`);
  });

  it('no overflow near float64 limits: values of ±1e308 have a finite mean and std', () => {
    const values = rows(6, 1, (e) => (e % 2 ? 1e308 : -1e308));
    const got = streamed(values, 6, 1, 4).feature(0)!;
    assert.equal(got.mean, 0);
    assert.equal(got.std, 1e308);
    // A large value arriving late rescales what came before, exactly.
    const late = rows(3, 1, (e) => [1, 3, 1.5e308][e]!);
    const s = streamed(late, 3, 1, 1).feature(0)!;
    assert.ok(Number.isFinite(s.mean) && Number.isFinite(s.std));
    assert.ok(Math.abs(s.mean - 0.5e308) < 1e293);
  });

  it('leaves NaN (missing) out, counts the present values, and sums them in visiting order', () => {
    const values = rows(4, 2, (e, i) => (i === 1 && e % 2 ? NaN : e + 10 * i));
    const st = streamed(values, 4, 2, 3, { sums: true });
    assert.deepEqual(Array.from(st.count), [4, 2]);
    assert.deepEqual(Array.from(st.sums!), [0 + 1 + 2 + 3, 10 + 12]);
    assert.deepEqual(st.feature(1), { min: 10, max: 12, mean: 11, std: 1 });
    assert.equal(new FeatureStats(1).feature(0), null);
  });

  it('min and max alone (moments: false), and the pooled figures of every feature', () => {
    const values = rows(3, 2, (e, i) => e + 100 * i);
    const st = streamed(values, 3, 2, 2, { moments: false });
    assert.deepEqual(st.feature(1), { min: 100, max: 102, mean: NaN, std: NaN });
    const pooled = streamed(values, 3, 2, 2).pooled()!;
    const exact = valueStats(values)!;
    assert.equal(pooled.min, exact.min);
    assert.equal(pooled.max, exact.max);
    assert.ok(Math.abs(pooled.mean - exact.mean) < 1e-12);
    assert.ok(Math.abs(pooled.std - exact.std) < 1e-12);
  });
});
