// The loaders a page uses on a dropped file (lnn/browser): parseCsv over csv-parse's browser build reads
// what Node's reads, with the same messages; npyPair reads the bytes of X.npy and Y.npy as
// `--x X.npy --y Y.npy` reads the files; toySet draws the playground's two-dimensional sets.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCsv as pageCsv } from '../../src/data/read/csv-browser.js';
import { parseCsv as nodeCsv } from '../../src/data/read/csv.js';
import { toMatrix } from '../../src/data/features.js';
import { loadNpyPair } from '../../src/data/read/load.js';
import { encodeNpy } from '../../src/data/read/npy.js';
import { npyPair } from '../../src/data/read/npy-pair.js';
import { TOY_SETS, toySet } from '../../src/data/read/toys.js';

const same = (text: string, file: string) => {
  const outcome = (parse: typeof nodeCsv) => {
    try {
      const d = parse(text, file);
      return {
        X: toMatrix(d.X).toArray(),
        labels: Array.from(d.labels.data),
        classes: d.classes,
        names: d.featureNames,
      };
    } catch (e) {
      return { error: `${(e as Error).name}: ${(e as Error).message}` };
    }
  };
  const page = outcome(pageCsv);
  assert.deepEqual(page, outcome(nodeCsv));
  return page;
};

test("the page's parseCsv reads what Node's reads, and refuses what it refuses in the same words", () => {
  assert.deepEqual(same('\ufeffx, y ,label\r\n 1 ,2,"cat"\r\n3,"4","dog\nish"\r\n', 'q.csv').classes, [
    'cat',
    'dog\nish',
  ]);
  assert.deepEqual(same('a,b,label\n1,2,0\n3,4,1\n', 'f.csv').labels, [0, 1]);
  assert.deepEqual(same('colour,size,label\nred,2,0\nblue,4,1\n', 'text.csv'), {
    error: `DataError: text.csv: line 2, column 'colour': "red" is not a number; features must be finite numbers (encode categories as numbers first)`,
  });
  assert.match(same('x,label\n1,"a\n', 'open.csv').error!, /^DataError: open\.csv: .*\(CSV syntax\)$/);
  assert.deepEqual(same('', 'empty.csv'), {
    error: 'DataError: empty.csv: is empty; a CSV needs a header row and at least one example row',
  });
  assert.match(same('\u0000\u0001PNG\n\u0002', 'image.png').error!, /^DataError: image\.png: /);
});

test('npyPair reads the bytes of X.npy and Y.npy as the --x/--y reader reads the files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lnn-npy-pair-'));
  try {
    const x = encodeNpy([3, 2, 2], [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const y = encodeNpy([3], [2, 0, 2], '<i8');
    writeFileSync(join(dir, 'x.npy'), x);
    writeFileSync(join(dir, 'y.npy'), y);
    const files = loadNpyPair(join(dir, 'x.npy'), join(dir, 'y.npy'));
    const bytes = npyPair(x, 'x.npy', y, 'y.npy');
    assert.deepEqual(toMatrix(bytes.X).toArray(), toMatrix(files.X).toArray());
    assert.deepEqual([bytes.X.rows, bytes.X.cols], [4, 3]);
    assert.deepEqual(Array.from(bytes.labels.data), Array.from(files.labels.data));
    assert.deepEqual(bytes.classes, files.classes);
    assert.throws(() => npyPair(x, 'x.npy', encodeNpy([2], [0, 1]), 'y.npy'), {
      name: 'DataError',
      message: 'y.npy: has 2 labels but X has m = 3 examples; they must match one to one',
    });
    assert.throws(() => npyPair(encodeNpy([3], [1, 2, 3]), 'x.npy', y, 'y.npy'), {
      name: 'DataError',
      message: 'x.npy: features must be (m, n_x) or (m, ...) with one example per first-axis entry but are (3)',
    });
    assert.throws(() => npyPair(new TextEncoder().encode('a,b\n1,2\n'), 'notes.npy', y, 'y.npy'), {
      name: 'DataError',
      message: /^notes\.npy: /,
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('toySet: balanced classes, seeded, noise as asked, each shape where it should be', () => {
  for (const kind of TOY_SETS) {
    const { rows, labels } = toySet(kind, { m: 200, noise: 0, seed: 5 });
    assert.equal(rows.length, 200);
    assert.equal(labels.filter((c) => c === 1).length, 100, kind);
    assert.ok(
      rows.every((r) => r.length === 2 && r.every((v) => Math.abs(v) <= 1.5)),
      kind,
    );
    assert.deepEqual(toySet(kind, { m: 200, noise: 0, seed: 5 }), { rows, labels }, `${kind} is seeded`);
    assert.notDeepEqual(toySet(kind, { m: 200, noise: 0, seed: 6 }).rows, rows);
  }
  // Without noise each shape is exact: circles of radius 1 and 0.5, XOR's class is the sign of x1·x2.
  const circles = toySet('circles', { m: 50, noise: 0 });
  circles.rows.forEach(([x, y], j) => assert.ok(Math.abs(Math.hypot(x!, y!) - (j % 2 ? 0.5 : 1)) < 1e-12));
  const xor = toySet('xor', { m: 50, noise: 0 });
  xor.rows.forEach(([x, y], j) => assert.equal(x! * y! > 0 ? 1 : 0, xor.labels[j]));
  // Noise moves the points by about its standard deviation.
  const noisy = toySet('circles', { m: 2000, noise: 0.2 }).rows;
  const spread = Math.sqrt(noisy.reduce((s, [x, y], j) => s + (Math.hypot(x!, y!) - (j % 2 ? 0.5 : 1)) ** 2, 0) / 2000);
  assert.ok(spread > 0.15 && spread < 0.25, String(spread));
  assert.throws(() => toySet('blobs' as never), {
    message: "toySet: the kind must be one of circles, moons, xor, spirals but is 'blobs'",
  });
  assert.throws(() => toySet('xor', { m: 1 }), { message: 'toySet: m must be an integer in [2, 100000] but is 1' });
  assert.throws(() => toySet('xor', { noise: -1 }), { message: 'toySet: noise must be a number in [0, 10] but is -1' });
});
