import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromArray } from '../../src/core/matrix.js';
import { alignClasses, labelsFromStrings, type Dataset } from '../../src/data/dataset.js';

const set = (names: string[], source: string): Dataset => {
  const { labels, classes } = labelsFromStrings(names);
  return { X: fromArray([names.map((_, j) => j)], 'float64'), labels, classes, source };
};

test('alignClasses re-indexes labels by the reference classes, and names a class the reference lacks', () => {
  const train = set(['cat', 'dog', 'emu'], 'train.csv');
  const dev = set(['emu', 'cat', 'emu'], 'dev.csv'); // its own classes: ['cat', 'emu'] → 0, 1
  assert.deepEqual(Array.from(dev.labels.data), [1, 0, 1]);
  const aligned = alignClasses(dev, train.classes, 'the training data');
  assert.deepEqual(Array.from(aligned.labels.data), [2, 0, 2]);
  assert.deepEqual(aligned.classes, ['cat', 'dog', 'emu']);
  assert.deepEqual(Array.from(dev.labels.data), [1, 0, 1], 'the input is left as it was');
  assert.throws(() => alignClasses(set(['cat', 'yak'], 'test.csv'), train.classes, 'the training data'), {
    name: 'DataError',
    message: "test.csv: has class 'yak' that the training data does not have (cat, dog, emu)",
  });
});
