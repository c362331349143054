import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { lnn, lnnInProcess } from './run.js';

// The iris summary, one error and the HDF5 case start a real `lnn` process; the rest run `main` in-process.

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/data/${name}`, import.meta.url));

describe('lnn data', { concurrency: true }, () => {
  it('summarizes builtin:iris as JSON: m, nx, classes with counts, value ranges', async () => {
    const r = await lnn(['data', '--data', 'builtin:iris', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.m, 150);
    assert.equal(s.nx, 4);
    assert.deepEqual(
      s.classes.map((c: { name: string; count: number }) => [c.name, c.count]),
      [
        ['setosa', 50],
        ['versicolor', 50],
        ['virginica', 50],
      ],
    );
    assert.equal(s.values.min, 0.1);
    assert.equal(s.values.max, 7.9);
    assert.equal(s.features.length, 4);
    assert.equal(s.features[0].min, 4.3);
    assert.deepEqual(s.missing, { values: 0, examples: 0, features: 0 });
  });

  it('counts missing values instead of refusing them', async () => {
    const r = await lnnInProcess(['data', '--data', fixture('missing.csv'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.deepEqual(s.missing, { values: 2, examples: 2, features: 2 });
    assert.deepEqual(
      s.features.map((f: { name: string; missing: number; mean: number }) => [f.name, f.missing, f.mean]),
      [
        ['x1', 1, 3],
        ['x2', 1, 70 / 3],
      ],
    );
  });

  it('prints a text summary with class counts', async () => {
    const r = await lnnInProcess(['data', '--data', fixture('flowers.csv'), '--label', 'species']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /m = 6 examples, n_x = 3 features → X: \(3, 6\), labels: \(1, 6\)/);
    assert.match(r.stdout, /3 classes:\n\s+setosa\s+2\s+\(33\.3%\)/);
    assert.match(r.stdout, /missing values: none/);
    assert.match(r.stdout, /petal, length\s+1\.4\s+6/);
  });

  it('fails in one line naming the file and the rule', async () => {
    const [noLabel, noData, ragged] = await Promise.all([
      lnn(['data', '--data', fixture('flowers.csv'), '--label', 'kind']),
      lnnInProcess(['data']),
      lnnInProcess(['data', '--data', fixture('ragged.csv')]),
    ]);
    assert.equal(noLabel.code, 1);
    assert.equal(
      noLabel.stderr,
      `lnn data: ${fixture('flowers.csv')}: no column 'kind' for --label; columns are 'sepal_length', 'sepal_width', 'petal, length', 'species'\n`,
    );
    assert.equal(noData.code, 2);
    assert.match(noData.stderr, /^lnn data: no data given: use --data FILE/);
    assert.equal(ragged.code, 1);
    assert.equal(
      ragged.stderr,
      `lnn data: ${fixture('ragged.csv')}: line 4 has 2 fields but the header (line 1) has 3; every row needs one value per column\n`,
    );
    assert.equal(ragged.stdout, '');
  });
});

describe('lnn data on HDF5', () => {
  it('reads the committed tiny.h5, guessing the keys and saying so on stderr', async () => {
    const r = await lnn(['data', '--data', fixture('tiny.h5'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const s = JSON.parse(r.stdout);
    assert.equal(s.m, 3);
    assert.equal(s.nx, 4);
    assert.deepEqual(
      s.classes.map((c: { name: string; count: number }) => [c.name, c.count]),
      [
        ['dog', 1],
        ['cat', 2],
      ],
    );
    assert.deepEqual([s.values.min, s.values.max], [0, 23]);
    assert.equal(
      r.stderr,
      `note: ${fixture('tiny.h5')}: using --x-key set_x --y-key set_y (the only pair of datasets with one label per example)\n`,
    );
  });
});
