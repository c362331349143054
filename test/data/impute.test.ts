import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromArray } from '../../src/core/matrix.js';
import type { Dataset } from '../../src/data/dataset.js';
import {
  applyImputer,
  countMissing,
  fitImputer,
  imputeMean,
  validateAllowingMissing,
} from '../../src/data/prepare/impute.js';
import { toMatrix } from '../../src/data/features.js';

const ds = (X: number[][], source: string): Dataset => ({
  X: fromArray(X, 'float64'),
  labels: fromArray([X[0]!.map(() => 0)], 'float64'),
  classes: ['a'],
  featureNames: ['f0', 'f1'],
  source,
});

describe('mean imputation fitted on train', () => {
  it('fills from TRAIN means only, in train, dev and test alike', () => {
    const train = ds(
      [
        [1, NaN, 3],
        [10, 20, NaN],
      ],
      'train',
    );
    const dev = ds(
      [
        [NaN, 100],
        [NaN, 7],
      ],
      'dev',
    );
    const imp = fitImputer(train);
    assert.deepEqual(imp.means, [2, 15]);
    assert.deepEqual(imp.missingInTrain, [1, 1]);
    const [t, d] = imputeMean(train, dev);
    assert.deepEqual(toMatrix(t!.X).toArray(), [
      [1, 2, 3],
      [10, 20, 15],
    ]);
    // dev's own mean (100 in feature 0) never enters: it is filled with train's 2.
    assert.deepEqual(toMatrix(d!.X).toArray(), [
      [2, 100],
      [15, 7],
    ]);
    assert.equal(countMissing(dev.X), 2, 'the input is left as it was');
    assert.equal(countMissing(applyImputer(dev, imp).X), 0);
  });

  it('names a feature missing in every training example, and an n_x mismatch', () => {
    assert.throws(
      () =>
        fitImputer(
          ds(
            [
              [1, 2],
              [NaN, NaN],
            ],
            'train.csv',
          ),
        ),
      {
        name: 'DataError',
        message:
          "train.csv: feature 'f1' (row 1 of X) is missing in every training example; --impute mean has no value to fill it with",
      },
    );
    const imp = fitImputer(
      ds(
        [
          [1, 2],
          [3, 4],
        ],
        'train',
      ),
    );
    assert.throws(
      () => applyImputer({ X: fromArray([[1]], 'float64'), labels: fromArray([[0]], 'float64'), source: 'other' }, imp),
      { message: 'other: has n_x = 1 features but the imputer was fitted on 2; they must match' },
    );
  });

  it('validates everything but the missing values', () => {
    validateAllowingMissing(
      ds(
        [
          [1, NaN],
          [3, 4],
        ],
        'ok',
      ),
    );
    assert.throws(
      () =>
        validateAllowingMissing(
          ds(
            [
              [1, Infinity],
              [3, 4],
            ],
            'inf',
          ),
        ),
      { message: "inf: example 1, feature 'f0' is Infinity; features must be finite numbers" },
    );
  });
});
