// Statistics and conversions that must not overflow or silently make Infinity (issue 7, item 8).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromArray, zeros } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { takeExamples, type Dataset } from '../../src/data/dataset.js';
import { FLOAT32_MAX, checkConverted, convertTargets } from '../../src/data/fits.js';
import { fitNormalization } from '../../src/data/prepare/normalize.js';
import { recordLoaded } from '../../src/data/origin.js';
import { valueStats } from '../../src/data/stats.js';
import { formatSummary, summarizeDataset } from '../../src/data/describe/summary.js';
import { toMatrix } from '../../src/data/features.js';

describe('valueStats', () => {
  it('gives the plain two-pass mean and std bit for bit on ordinary data', () => {
    const rng = new Rng(4);
    const v = Array.from({ length: 1001 }, () => 1000 * rng.randn() + 37);
    let sum = 0;
    for (const x of v) sum += x;
    const mean = sum / v.length;
    let sq = 0;
    for (const x of v) sq += (x - mean) * (x - mean);
    const s = valueStats(v)!;
    assert.equal(s.mean, mean);
    assert.equal(s.std, Math.sqrt(sq / v.length));
    assert.deepEqual([s.min, s.max], [Math.min(...v), Math.max(...v)]);
  });

  it('stays finite near 1e308, where the plain sums overflow', () => {
    const s = valueStats([1e308, 1.7e308, -1e308])!;
    assert.ok(Number.isFinite(1e308 + 1.7e308) === false, 'the plain sum overflows');
    assert.ok(Math.abs(s.mean - 1.7e308 / 3) <= 1e-15 * 1e308, `mean ${s.mean}`);
    const mu = 1.7 / 3;
    const expectedStd = Math.sqrt(((1 - mu) ** 2 + (1.7 - mu) ** 2 + (-1 - mu) ** 2) / 3) * 1e308;
    assert.ok(Math.abs(s.std - expectedStd) <= 1e-14 * expectedStd, `std ${s.std} vs ${expectedStd}`);
  });

  it('leaves NaN (missing) out and gives null when nothing is present; reads a strided row', () => {
    assert.deepEqual(valueStats([NaN, 2, NaN, 4]), { min: 2, max: 4, mean: 3, std: 1 });
    assert.equal(valueStats([NaN, NaN]), null);
    assert.deepEqual(valueStats([1, 100, 3, 100], 0, 4, 2), { min: 1, max: 3, mean: 2, std: 1 });
  });
});

describe('normalization and summary near the float64 limit', () => {
  it('standard: finite mean and std for values near 1e308', () => {
    const X = fromArray([[1e308, 1.7e308, -1e308]], 'float64');
    const n = fitNormalization(X, 'standard');
    assert.ok(n.shift!.every(Number.isFinite) && n.scale!.every(Number.isFinite), JSON.stringify(n));
  });

  it('minmax: a range wider than float64 is refused with the feature and the advice', () => {
    const X = fromArray(
      [[1], [-1e308], [1.7e308]].map((r) => r),
      'float64',
    );
    assert.throws(() => fitNormalization(fromArray([[-1e308, 1.7e308]], 'float64'), 'minmax'), {
      name: 'ValueError',
      message:
        'normalization: feature 0 ranges from -1e+308 to 1.7e+308, wider than float64 can hold (max - min overflows); use --normalize standard, or rescale the feature first',
    });
    assert.deepEqual(fitNormalization(X, 'minmax').scale, [1, 1, 1]);
  });

  it('summarizeDataset: no Infinity in the mean or std', () => {
    const d: Dataset = {
      X: fromArray([[1e308, 1.7e308, -1e308]], 'float64'),
      labels: zeros(0, 3, 'float64'),
      source: 's',
    };
    const s = summarizeDataset(d);
    assert.ok(Number.isFinite(s.values!.mean) && Number.isFinite(s.values!.std));
    assert.doesNotMatch(formatSummary(s), /Infinity/);
  });
});

describe('conversion to the network dtype', () => {
  it('names the file, the example in file order and the feature after a split', () => {
    const X = fromArray(
      [
        [1, 2, 3],
        [4, 1e39, 6],
      ],
      'float64',
    );
    const d = recordLoaded({ X, labels: zeros(1, 3, 'float64'), featureNames: ['u', 'v'], source: 'd.csv' });
    const part = takeExamples(d, [2, 1], 'd.csv (train)');
    const out = zeros(2, 2, 'float32');
    out.data.set(toMatrix(part.X).data);
    assert.throws(() => checkConverted(toMatrix(part.X), out, 'fit: X'), {
      name: 'DataError',
      message: `d.csv: example 1, feature 'v' is 1e+39, beyond the range of float32 (±${FLOAT32_MAX.toPrecision(5)}); train with --dtype float64, or scale the data (--normalize minmax or standard)`,
    });
  });

  it('falls back to `where` for a matrix of unknown origin, and refuses targets beyond float32', () => {
    const Y = fromArray([[0.5, -1e300]], 'float64');
    assert.throws(() => convertTargets(Y, 'float32', 'fit: Y'), {
      message: /^fit: Y: example 1, the label is -1e\+300, beyond the range of float32/,
    });
    assert.equal(convertTargets(Y, 'float64', 'fit: Y').data[1], -1e300);
  });
});
