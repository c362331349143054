import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import h5wasm from 'h5wasm/node';
import { fromArray } from '../../src/core/matrix.js';
import type { Dataset } from '../../src/data/dataset.js';
import { featureSource, toMatrix } from '../../src/data/features.js';
import { checkGathered } from '../../src/data/fits.js';
import { applyImputer, fitImputer } from '../../src/data/prepare/impute.js';
import { loadDataset, type DataSpec } from '../../src/data/read/load.js';
import { encodeNpy, npyHeader } from '../../src/data/read/npy.js';
import { loadDatasetKeepingMissing } from '../../src/data/read/register-readers.js';

/**
 * NaN in a binary file (.npy, HDF5) is a missing value, as an empty CSV or JSON field is: kept for an
 * imputer fitted on train with --impute mean, in memory as when streamed, and refused otherwise with the
 * file, the position and what to do. ±Infinity is never missing.
 */
const dir = mkdtempSync(join(tmpdir(), 'lnn-missing-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => join(dir, name);

/** A little-endian float32 .npy of shape (m, n). */
function npyF4(name: string, m: number, n: number, values: number[]): string {
  const header = npyHeader([m, n], '<f4');
  const out = new Uint8Array(header.length + 4 * values.length);
  out.set(header);
  new Float32Array(out.buffer, header.length, values.length).set(values);
  writeFileSync(f(name), out);
  return f(name);
}

// 4 examples of 3 features: example j is (j, 10 + j, 20 + j); example 1 misses feature 2, example 3 feature 0.
const X = [0, 10, 20, 1, 11, NaN, 2, 12, 22, NaN, 13, 23];
const XINF = [0, 10, 20, 1, 11, NaN, 2, -Infinity, 22, 3, 13, 23];
const ADVICE = "fill it in, or pass --impute mean to fill it with the feature's mean over the training set";
const YS = [0, 1, 0, 1];

before(async () => {
  writeFileSync(f('x8.npy'), encodeNpy([4, 3], X));
  npyF4('x4.npy', 4, 3, X);
  npyF4('xinf.npy', 4, 3, XINF);
  writeFileSync(f('y.npy'), encodeNpy([4], YS, '<i8'));
  writeFileSync(f('ynan.npy'), encodeNpy([4], [0, 1, NaN, 1]));
  await h5wasm.ready;
  const h = new h5wasm.File(f('x.h5'), 'w');
  h.create_dataset({ name: 'x', data: new Float32Array(X), shape: [4, 3] });
  h.create_dataset({ name: 'xinf', data: new Float32Array(XINF), shape: [4, 3] });
  h.create_dataset({ name: 'y', data: new BigInt64Array(YS.map(BigInt)), shape: [4] });
  h.close();
});

/** X: (n_x, m) of a data set as rows of numbers, NaN kept. */
const values = (d: Dataset) => toMatrix(d.X).toArray();

const sources: [string, (stream: boolean) => DataSpec, string][] = [
  ['.npy float64', (stream) => ({ x: f('x8.npy'), y: f('y.npy'), stream }), f('x8.npy')],
  ['.npy float32', (stream) => ({ x: f('x4.npy'), y: f('y.npy'), stream }), f('x4.npy')],
  ['HDF5 float32', (stream) => ({ data: f('x.h5'), hdf5: { xKey: 'x', yKey: 'y' }, stream }), `${f('x.h5')}:x`],
];

describe('NaN in a binary file is a missing value', () => {
  for (const [what, spec, source] of sources) {
    it(`${what}: refused without imputation, naming the file, the feature and the example, and what to do`, async () => {
      await assert.rejects(loadDataset(spec(false)), {
        name: 'DataError',
        message: `${source}: example 1, feature 2 is NaN (a missing value); features must be finite numbers: ${ADVICE}`,
      });
      await assert.rejects(loadDataset({ ...spec(false), missingAdvice: 'retrain' }), {
        message: `${source}: example 1, feature 2 is NaN (a missing value); features must be finite numbers: retrain`,
      });
    });

    it(`${what}: kept for --impute mean, in memory as when streamed, and filled with train's means alone`, async () => {
      for (const stream of [false, true]) {
        const d = await loadDatasetKeepingMissing(spec(stream));
        assert.equal(featureSource(d.X).onDisk, stream);
        assert.deepEqual(values(d), [
          [0, 1, 2, NaN],
          [10, 11, 12, 13],
          [20, NaN, 22, 23],
        ]);
        // Train = examples 0, 1, 3: feature 0's mean over the present (0 + 1) / 2, feature 2's (20 + 23) / 2.
        const train = { ...d, X: featureSource(d.X).take([0, 1, 3]) };
        const imp = fitImputer(train);
        assert.deepEqual(imp.means, [0.5, 34 / 3, 21.5]);
        assert.deepEqual(imp.missingInTrain, [1, 0, 1]);
        assert.deepEqual(values(applyImputer(train, imp)), [
          [0, 1, 0.5],
          [10, 11, 13],
          [20, 21.5, 23],
        ]);
      }
    });
  }

  it('±Infinity is not missing: refused with or without --impute mean', async () => {
    const cases: [DataSpec, string][] = [
      [{ x: f('xinf.npy'), y: f('y.npy') }, f('xinf.npy')],
      [{ data: f('x.h5'), hdf5: { xKey: 'xinf', yKey: 'y' } }, `${f('x.h5')}:xinf`],
    ];
    for (const [spec, source] of cases) {
      const message = `${source}: example 2, feature 1 is -Infinity; features must be finite numbers`;
      await assert.rejects(loadDatasetKeepingMissing(spec), { name: 'DataError', message });
      // Without imputation the NaN before it is what is refused first.
      await assert.rejects(loadDataset(spec), { message: /example 1, feature 2 is NaN \(a missing value\)/ });
    }
  });

  it('a label is never missing: NaN among the labels is refused with --impute mean too', async () => {
    await assert.rejects(loadDatasetKeepingMissing({ x: f('x8.npy'), y: f('ynan.npy') }), {
      message: `${f('ynan.npy')}: label of example 2 is NaN; labels must be finite numbers`,
    });
  });

  it('met while a batch is gathered (a streamed file, nothing filled): a missing value, with what to do', () => {
    const batch = fromArray([[1, NaN]], 'float32');
    assert.throws(() => checkGathered(batch, () => ({ value: NaN, where: 'X.npy: example 7, feature 0' })), {
      name: 'DataError',
      message:
        "X.npy: example 7, feature 0 is NaN (a missing value); features must be finite numbers: fill it in, or pass --impute mean to lnn train to fill it with the feature's mean over the training set",
    });
    // Targets are not features: no imputation applies to them.
    assert.throws(
      () => checkGathered(batch, () => ({ value: NaN, where: 'Y: example 7, the label' }), undefined, 'target'),
      { message: 'Y: example 7, the label is NaN; labels must be finite numbers' },
    );
  });
});
