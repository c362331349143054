import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromArray, zeros, type DType } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { takeExamples, type Dataset } from '../../src/data/dataset.js';
import {
  ColumnFeatures,
  featureSource,
  STORED_TYPES,
  toMatrix,
  type FeatureSource,
  type StoredType,
} from '../../src/data/features.js';
import { firstNonFinite, identityAffine } from '../../src/data/gather.js';
import { applyImputer, fitImputer, ImputedFeatures } from '../../src/data/prepare/impute.js';
import {
  applyNormalization,
  fitNormalization,
  normalizationAffine,
  type NormalizeKind,
} from '../../src/data/prepare/normalize.js';
import { recordLoaded } from '../../src/data/origin.js';
import { MemoryRows, RowFeatures } from '../../src/data/rows.js';

/** m examples of n features as a file holds them (example-major) in `type`, and the same as a Matrix (n, m). */
function both(type: StoredType, m: number, n: number, seed = 1): { rows: RowFeatures; matrix: ColumnFeatures } {
  const rng = new Rng(seed);
  const { bytes, view } = STORED_TYPES[type];
  const values = view(new ArrayBuffer(m * n * bytes), 0, m * n);
  for (let t = 0; t < values.length; t++)
    values[t] = type === 'uint8' ? rng.int(256) : type.startsWith('float') ? rng.randn() * 50 : rng.int(1000) - 500;
  const M = zeros(n, m, 'float64');
  for (let e = 0; e < m; e++) for (let i = 0; i < n; i++) M.data[i * m + e] = values[e * n + i]!;
  return { rows: new RowFeatures(new MemoryRows('x.npy', n, type, values)), matrix: new ColumnFeatures(M) };
}

/** Every column of X gathered with `f` into (n, m) of `dtype`. */
function gatherAll(X: FeatureSource, dtype: DType, f = identityAffine(X.rows)) {
  const out = zeros(X.rows, X.cols, dtype);
  X.gather(
    Int32Array.from({ length: X.cols }, (_, j) => j),
    0,
    out,
    f,
  );
  return out;
}

describe('features: a Matrix and a store of file rows read the same', () => {
  for (const type of ['uint8', 'int16', 'float32', 'float64'] as const)
    it(`${type}: views, gathers, chunks and materialize agree with the float64 matrix`, () => {
      const { rows, matrix } = both(type, 37, 5);
      assert.deepEqual(toMatrix(rows).data, matrix.matrix.data);
      const index = [30, 2, 2, 17, 0];
      const a = rows.take(index),
        b = matrix.take(index);
      assert.deepEqual([a.rows, a.cols], [5, 5]);
      assert.deepEqual(toMatrix(a).toArray(), toMatrix(b).toArray());
      // A view of a view composes the indices: position 1 of take([3, 1]) is index[1] = 2.
      assert.deepEqual(Array.from(a.take([3, 1]).examples()), [17, 2]);
      const chunksA: number[] = [],
        chunksB: number[] = [];
      a.chunks(2, (v, count) => chunksA.push(...Array.from(v).slice(0, count * 5)));
      b.chunks(2, (v, count) => chunksB.push(...Array.from(v).slice(0, count * 5)));
      assert.deepEqual(chunksA, chunksB);
      assert.equal(a.memoryBytes, 37 * 5 * STORED_TYPES[type].bytes);
    });

  it('the stored dtype is kept: 1 byte an example value for uint8, 8 for the float64 matrix', () => {
    const { rows, matrix } = both('uint8', 1000, 784);
    assert.equal(rows.memoryBytes, 784_000);
    assert.equal(matrix.memoryBytes, 8 * 784_000);
    // A split is a view: no values copied.
    const d: Dataset = { X: rows, labels: zeros(1, 1000, 'float64'), source: 'x.npy' };
    const part = takeExamples(d, [5, 3]);
    assert.ok(part.X instanceof RowFeatures && part.X.backing === rows.backing);
  });
});

describe('gather applies the normalization exactly as applyNormalization does', () => {
  const kinds: NormalizeKind[] = ['none', 'standard', 'minmax', { scale: 255 }, { scale: 7 }];
  for (const kind of kinds)
    for (const dtype of ['float32', 'float64'] as const)
      it(`${typeof kind === 'object' ? `scale:${kind.scale}` : kind}, into ${dtype}: bit for bit`, () => {
        const { rows, matrix } = both('uint8', 300, 6, 3);
        const norm = fitNormalization(rows, kind);
        assert.deepEqual(norm, fitNormalization(matrix.matrix, kind));
        const expected = applyNormalization(norm, matrix.matrix, zeros(6, 300, dtype));
        const got = gatherAll(rows, dtype, normalizationAffine(norm, 6));
        assert.deepEqual(got.data, expected.data);
        if (typeof kind === 'object' && kind.scale === 255)
          for (let t = 0; t < got.size; t++)
            assert.equal(
              got.data[t],
              dtype === 'float64' ? matrix.matrix.data[t]! / 255 : Math.fround(matrix.matrix.data[t]! / 255),
            );
      });

  it('imputation and normalization together: as applyImputer then applyNormalization', () => {
    const X = fromArray(
      [
        [1, NaN, 3, 7],
        [NaN, 2, 2, 4],
      ],
      'float64',
    );
    const d = recordLoaded({ X, labels: zeros(1, 4, 'float64'), source: 'd.csv' });
    const part = takeExamples(d, [3, 1, 0]);
    const imp = fitImputer(part);
    const filled = applyImputer(part, imp);
    assert.ok(filled.X instanceof ImputedFeatures, 'a view stays a view, filled as it is read');
    const norm = fitNormalization(filled.X, 'standard');
    const copy = applyImputer({ ...part, X: toMatrix(part.X) }, imp);
    assert.deepEqual(norm, fitNormalization(copy.X, 'standard'));
    const expected = applyNormalization(norm, toMatrix(copy.X));
    assert.deepEqual(gatherAll(featureSource(filled.X), 'float64', normalizationAffine(norm, 2)).data, expected.data);
  });
});

describe('messages and guards', () => {
  it('entry names the file, the example in file order and the feature', () => {
    const { rows } = both('float32', 10, 3);
    const view = rows.take([9, 4]);
    assert.equal(view.entry(2, 1).where, 'x.npy: example 4, feature 2');
    const named = new RowFeatures(
      new MemoryRows('d.npy', 2, 'uint8', new Uint8Array(4), { featureNames: ['a', 'b'] }),
    ).take([1]);
    assert.equal(named.entry(1, 0).where, "d.npy: example 1, feature 'b'");
  });

  it('materialize refuses a copy beyond its limit, naming the source and the size', () => {
    const { rows } = both('uint8', 1000, 784);
    assert.throws(() => rows.materialize(1e6), {
      name: 'ValueError',
      message:
        'x.npy: X (784, 1000) would take 7 MB as float64; this step needs it whole (at most 1 MB), so use a subset of the examples',
    });
  });

  it('firstNonFinite finds the first NaN or infinity, and -1 when there is none', () => {
    assert.equal(firstNonFinite(new Float32Array([1, 2, 3])), -1);
    assert.equal(firstNonFinite(new Float64Array([1, Infinity, NaN])), 1);
    assert.equal(firstNonFinite(new Float64Array([1e308, 1e308, -1e308])), -1);
  });
});
