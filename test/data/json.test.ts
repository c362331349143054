import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseJsonDataset, readJson } from '../../src/data/read/json-data.js';
import '../../src/data/read/register-readers.js';
import { loadDataset } from '../../src/data/read/load.js';
import { toMatrix } from '../../src/data/features.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/data/${name}`, import.meta.url));

describe('JSON reader', () => {
  it('reads {"X": [...], "y": [...]} with one example per entry into X: (n_x, m)', async () => {
    const d = await loadDataset({ data: fixture('xy.json') });
    assert.deepEqual(toMatrix(d.X).toArray(), [
      [1, 3, 5],
      [2, 4, 6],
    ]);
    assert.deepEqual(Array.from(d.labels.data), [0, 1, 1]);
    assert.deepEqual(d.classes, ['0', '1']);
  });

  it("flattens nested examples row-major and reads the course's (1, m) labels and class names", () => {
    const d = parseJsonDataset('{"X": [[[1, 2], [3, 4]], [[5, 6], [7, 8]]], "Y": [["b", "a"]]}', 'n.json');
    assert.deepEqual(toMatrix(d.X).toArray(), [
      [1, 5],
      [2, 6],
      [3, 7],
      [4, 8],
    ]);
    assert.deepEqual(d.classes, ['a', 'b']);
    assert.deepEqual(Array.from(d.labels.data), [1, 0]);
    const col = parseJsonDataset('{"X": [[1], [2]], "y": [[0.5], [1.5]]}', 'c.json');
    assert.deepEqual(Array.from(col.labels.data), [0.5, 1.5]);
  });

  it('reads an array of objects with --label, string labels as classes', () => {
    const d = readJson(fixture('records.json'), { json: { label: 'label', impute: 'mean' } });
    assert.deepEqual(d.featureNames, ['f1', 'f2']);
    assert.deepEqual(toMatrix(d.X).toArray(), [
      [0.5, 1.5, 2.5],
      [1, NaN, 3],
    ]);
    assert.deepEqual(d.classes, ['cat', 'dog']);
  });

  it('reads {"X": [...]} without labels when unlabeled (prediction)', () => {
    const d = parseJsonDataset('{"X": [[1, 2], [3, 4]]}', 'p.json', { unlabeled: true });
    assert.deepEqual(toMatrix(d.X).toArray(), [
      [1, 3],
      [2, 4],
    ]);
    assert.deepEqual([d.labels.rows, d.labels.cols], [0, 2]);
    assert.throws(() => parseJsonDataset('{"X": [[1, 2]]}', 'p.json'), {
      message: 'p.json: an object must have keys "X" and "y" but has "X"',
    });
  });

  it('names the element and key of a missing or wrong value', async () => {
    await assert.rejects(loadDataset({ data: fixture('records.json'), json: { label: 'label' } }), {
      message: `${fixture('records.json')}: element 1, column 'f2': missing value; fill it in, or pass --impute mean to fill it with the feature's mean over the training set`,
    });
    assert.throws(() => parseJsonDataset('[{"a": 1, "y": 0}, {"a": "x", "y": 1}]', 'o.json', { label: 'y' }), {
      message: `o.json: element 1, column 'a': "x" is not a number; features must be finite numbers (encode categories as numbers first)`,
    });
    assert.throws(() => parseJsonDataset('[{"a": 1, "y": 0}, {"a": 2, "b": 3, "y": 1}]', 'o.json', { label: 'y' }), {
      message: "o.json: element 1 has key 'b' that element 0 does not; every example needs the same keys",
    });
    assert.throws(() => parseJsonDataset('{"X": [[1, 2], [3, "a"]], "y": [0, 1]}', 'x.json'), {
      message: 'x.json: X[1][1] is "a"; features must be finite numbers',
    });
    assert.throws(() => parseJsonDataset('{"X": [[1, 2], [3, null]], "y": [0, 1]}', 'x.json'), {
      message: /^x\.json: X\[1\]\[1\] is missing \(null\); fill it in, or pass --impute mean/,
    });
    assert.throws(() => parseJsonDataset('{"X": [[1, 2], [3]], "y": [0, 1]}', 'x.json'), {
      message: 'x.json: X[1] has 1 values but X[0] has 2; every example needs n_x = 2',
    });
    assert.throws(() => parseJsonDataset('{"X": [[1], [3]], "y": [0, null]}', 'x.json'), {
      message: 'x.json: y[1] is null; every label must be a number or a class name',
    });
  });

  it('rejects a label count that does not match, an empty file, bad JSON and the wrong shape', () => {
    assert.throws(() => parseJsonDataset('{"X": [[1], [2], [3]], "y": [0, 1]}', 'n.json'), {
      message: 'n.json: "X" has m = 3 examples but "y" has 2 labels; they must match one to one',
    });
    assert.throws(() => parseJsonDataset('', 'e.json'), {
      message: /^e\.json: is empty; expected \{"X": \[\.\.\.\], "y": \[\.\.\.\]\} or an array of objects$/,
    });
    assert.throws(() => parseJsonDataset('{"X": [1,', 'b.json'), {
      name: 'DataError',
      message: 'b.json: is not valid JSON at the end (the file is truncated) (Unexpected end of JSON input)',
    });
    assert.throws(() => parseJsonDataset('{"features": []}', 'k.json'), {
      message: 'k.json: an object must have keys "X" and "y" but has "features"',
    });
    assert.throws(() => parseJsonDataset('[]', 'a.json'), { message: 'a.json: is an empty array (m = 0)' });
    assert.throws(() => parseJsonDataset('[[1, 2]]', 'a.json'), {
      message: /^a\.json: element 0 is an array; a top-level array must hold one object per example/,
    });
    assert.throws(() => parseJsonDataset('{"X": 3, "y": [1]}', 'a.json'), {
      message: 'a.json: "X" must be an array with one entry per example',
    });
    assert.throws(() => parseJsonDataset('{"X": [[1]], "y": 1}', 'a.json'), {
      message: 'a.json: "y" must be an array with one label per example',
    });
    assert.throws(() => parseJsonDataset('42', 'a.json'), { message: /^a\.json: holds a number; expected/ });
  });
});
