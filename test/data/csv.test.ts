import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parseCsv, readCsv } from '../../src/data/read/csv.js';
import '../../src/data/read/register-readers.js';
import { loadDataset } from '../../src/data/read/load.js';
import { toMatrix } from '../../src/data/features.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/data/${name}`, import.meta.url));

describe('CSV reader', () => {
  it('reads a header, quoted fields, string labels as classes, numeric features into X: (n_x, m)', async () => {
    const file = fixture('flowers.csv');
    const d = await loadDataset({ data: file, csv: { label: 'species' } });
    assert.deepEqual([d.X.rows, d.X.cols], [3, 6]);
    assert.deepEqual(toMatrix(d.X).toArray(), [
      [5.1, 4.9, 7.0, 6.4, 6.3, 5.8],
      [3.5, 3.0, 3.2, 3.2, 3.3, 2.7],
      [1.4, 1.4, 4.7, 4.5, 6.0, 5.1],
    ]);
    assert.deepEqual(d.classes, ['setosa', 'versicolor', 'virginica']);
    assert.deepEqual(Array.from(d.labels.data), [0, 0, 1, 1, 2, 2]);
    assert.deepEqual(d.featureNames, ['sepal_length', 'sepal_width', 'petal, length']);
    assert.equal(d.source, file);
  });

  it('takes the label column by 0-based index (negative from the end) and by conventional name', () => {
    const text = 'a,b,label\n1,2,0\n3,4,1\n';
    assert.deepEqual(parseCsv(text, 'f.csv', { label: '-1' }).featureNames, ['a', 'b']);
    assert.deepEqual(parseCsv(text, 'f.csv', { label: '0' }).featureNames, ['b', 'label']);
    const d = parseCsv(text, 'f.csv');
    assert.deepEqual(d.classes, ['0', '1']);
    assert.deepEqual(toMatrix(d.X).toArray(), [
      [1, 3],
      [2, 4],
    ]);
  });

  it('keeps numeric non-integer labels as regression targets', () => {
    const d = parseCsv('x,y\n1,0.5\n2,1.5\n', 'r.csv', { label: 'y' });
    assert.equal(d.classes, undefined);
    assert.deepEqual(Array.from(d.labels.data), [0.5, 1.5]);
  });

  it('handles CRLF, a BOM, spaces around numbers and a quoted field spanning lines', () => {
    const d = parseCsv('\ufeffx, y ,label\r\n 1 ,2,"cat"\r\n3,"4","dog\nish"\r\n', 'q.csv', { label: 'label' });
    assert.deepEqual(toMatrix(d.X).toArray(), [
      [1, 3],
      [2, 4],
    ]);
    assert.deepEqual(d.featureNames, ['x', 'y']);
    assert.deepEqual(d.classes, ['cat', 'dog\nish']);
  });

  it('names file, line and column for a non-numeric value', () => {
    assert.throws(() => parseCsv('x1,x2,label\n1,2,0\n3,abc,1\n', 'bad.csv', { label: 'label' }), {
      name: 'DataError',
      message: `bad.csv: line 3, column 'x2': "abc" is not a number; features must be finite numbers (encode categories as numbers first)`,
    });
  });

  it('counts lines as an editor does: blank lines and multi-line quoted fields included', () => {
    assert.throws(() => parseCsv('x1,x2,label\n1,"2",0\n\n"4\n5",z,1\n', 'lines.csv', { label: 'label' }), {
      message: /^lines\.csv: line 4, column 'x1': "4\\n5" is not a number/,
    });
  });

  it('names file, line and column for a missing value, and points to --impute mean', async () => {
    const file = fixture('missing.csv');
    await assert.rejects(loadDataset({ data: file }), {
      name: 'DataError',
      message: `${file}: line 3, column 'x1': missing value; fill it in, or pass --impute mean to fill it with the feature's mean over the training set`,
    });
  });

  it('keeps missing values as NaN with impute: mean (filled later from train)', () => {
    const d = readCsv(fixture('missing.csv'), { csv: { impute: 'mean' } });
    assert.deepEqual(toMatrix(d.X).toArray(), [
      [1, NaN, 3, 5],
      [10, 20, NaN, 40],
    ]);
    assert.throws(() => readCsv(fixture('missing.csv'), { csv: { impute: 'median' as 'mean' } }), {
      name: 'ValueError',
      message: "--impute must be 'mean' or 'none' but is 'median'",
    });
  });

  it('rejects a missing label even with impute: mean', () => {
    assert.throws(() => parseCsv('x,label\n1,0\n2,\n', 'nolabel.csv', { label: 'label', missing: 'keep' }), {
      message: "nolabel.csv: line 3, column 'label': the label is missing; every example needs one",
    });
  });

  it('rejects ragged rows, naming the line and the header width', () => {
    assert.throws(() => parseCsv('a,b,label\n1,2,0\n3,1\n', 'ragged.csv', { label: 'label' }), {
      name: 'DataError',
      message: 'ragged.csv: line 3 has 2 fields but the header (line 1) has 3; every row needs one value per column',
    });
  });

  it('rejects an empty file, a header with no rows, and an unclosed quote', () => {
    assert.throws(() => parseCsv('', 'empty.csv'), {
      message: 'empty.csv: is empty; a CSV needs a header row and at least one example row',
    });
    assert.throws(() => parseCsv('  \n\n', 'blank.csv'), { message: /^blank\.csv: is empty/ });
    assert.throws(() => parseCsv('a,label\n', 'head.csv'), {
      message: 'head.csv: has a header but no examples (m = 0)',
    });
    assert.throws(() => parseCsv('a,label\n1,"0\n', 'quote.csv'), {
      name: 'DataError',
      message: /^quote\.csv: line \d+: Quote Not Closed.*\(CSV syntax\)$/,
    });
  });

  it('rejects a missing label column, listing the columns', () => {
    assert.throws(() => parseCsv('a,b,c\n1,2,3\n', 'cols.csv', { label: 'species' }), {
      message: "cols.csv: no column 'species' for --label; columns are 'a', 'b', 'c'",
    });
    assert.throws(() => parseCsv('a,b,c\n1,2,3\n', 'cols.csv'), {
      message: /^cols\.csv: name the label column with --label COLUMN .*; columns are 'a', 'b', 'c'$/,
    });
    assert.throws(() => parseCsv('a,b,c\n1,2,3\n', 'cols.csv', { label: '5' }), {
      message: 'cols.csv: --label 5 is out of range: the file has 3 columns (0..2, or -1 for the last)',
    });
    assert.throws(() => parseCsv('label\n1\n', 'only.csv'), {
      message: "only.csv: has only the label column 'label'; there must be at least one feature column",
    });
    assert.throws(() => parseCsv('a,a,label\n1,2,3\n', 'dup.csv'), {
      message: "dup.csv: column name 'a' appears twice in the header (columns 1 and 2); names must be unique",
    });
  });

  it('rejects a file that does not exist, naming it', async () => {
    await assert.rejects(loadDataset({ data: '/no/such/file.csv', csv: { label: 'y' } }), {
      name: 'DataError',
      message: '/no/such/file.csv: cannot read (no such file or directory)',
    });
  });

  it('reads features alone when unlabeled (prediction) and the label column is absent', () => {
    const d = parseCsv('a,b\n1,2\n3,4\n', 'p.csv', { unlabeled: true });
    assert.deepEqual(toMatrix(d.X).toArray(), [
      [1, 3],
      [2, 4],
    ]);
    assert.deepEqual([d.labels.rows, d.labels.cols], [0, 2]);
    assert.deepEqual(parseCsv('a,b\n1,2\n', 'p.csv', { unlabeled: true, label: 'species' }).featureNames, ['a', 'b']);
    // A label column that is there is still the label.
    assert.deepEqual(parseCsv('a,label\n1,x\n', 'p.csv', { unlabeled: true }).classes, ['x']);
  });

  it('reads TSV by extension', async () => {
    const { mkdtempSync, writeFileSync, rmSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'lnn-tsv-'));
    try {
      writeFileSync(join(dir, 'a.tsv'), 'x\ty\tlabel\n1\t2\ta\n3\t4\tb\n');
      const d = await loadDataset({ data: join(dir, 'a.tsv') });
      assert.deepEqual(toMatrix(d.X).toArray(), [
        [1, 3],
        [2, 4],
      ]);
      assert.deepEqual(d.classes, ['a', 'b']);
    } finally {
      rmSync(dir, { recursive: true });
    }
  });
});
