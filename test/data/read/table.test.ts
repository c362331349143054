/** Tables (CSV, JSON arrays of objects) → data sets: the label column, features by column, every refusal. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataError, ValueError } from '../../../src/core/errors.js';
import {
  cellNumber,
  checkColumns,
  IMPUTE_ADVICE,
  isMissing,
  labelColumn,
  missingPolicy,
  quoted,
  shownValue,
  tableToDataset,
  type Cell,
  type Table,
} from '../../../src/data/read/table.js';
import { toMatrix } from '../../../src/data/features.js';

/** A table of these rows, each at 'line N' (the header is line 1). */
function table(columns: string[], ...rows: Cell[][]): Table {
  return { columns, rows: rows.map((cells, i) => ({ cells, where: `line ${i + 2}` })) };
}

/** Asserts `f` throws a DataError whose message is exactly `message`. */
function refuses(f: () => unknown, message: string, type: new (...a: never[]) => Error = DataError): void {
  assert.throws(f, (e: unknown) => e instanceof type && (e as Error).message === message);
}

describe('cells', () => {
  test('missing: empty, NA, N/A, NaN, null, none, ? (any case, padded), null/undefined and the number NaN', () => {
    for (const c of ['', '  ', 'NA', 'na', 'N/A', 'nan', 'NULL', 'None', '?', ' ? ', null, undefined, NaN])
      assert.equal(isMissing(c), true, JSON.stringify(c));
    for (const c of ['0', 'x', 'n', 0, false, Infinity]) assert.equal(isMissing(c), false, JSON.stringify(c));
  });

  test('numbers: plain decimals and booleans; hex, Infinity and words are not numbers', () => {
    assert.equal(cellNumber(' 3 '), 3);
    assert.equal(cellNumber('-0.5'), -0.5);
    assert.equal(cellNumber('.5'), 0.5);
    assert.equal(cellNumber('1e-3'), 0.001);
    assert.equal(cellNumber('+2.'), 2);
    assert.equal(cellNumber(7), 7);
    assert.equal(cellNumber(true), 1);
    assert.equal(cellNumber(false), 0);
    for (const c of ['0x10', 'Infinity', '1,5', 'abc', '', '1e', Infinity, NaN, null, undefined])
      assert.equal(cellNumber(c), undefined, String(c));
  });

  test('shownValue quotes as JSON, cuts at max, and escapes what would drive a terminal', () => {
    assert.equal(shownValue('abc'), '"abc"');
    assert.equal(shownValue(12), '12');
    assert.equal(shownValue('x'.repeat(50), 10), `"${'x'.repeat(9)}...`);
    assert.equal(shownValue('a\u001b[2Jb'), '"a\\u001b[2Jb"');
    assert.equal(shownValue(undefined), 'undefined');
  });

  test('quoted names cut at 60 characters and never carry control characters', () => {
    assert.equal(quoted('petal width'), "'petal width'");
    assert.equal(quoted('y'.repeat(61)), `'${'y'.repeat(60)}...'`);
    assert.equal(quoted('y'.repeat(60)), `'${'y'.repeat(60)}'`);
    assert.doesNotMatch(quoted('a\u001bb'), /\u001b/);
  });

  test('--impute: none or absent refuses missing values, mean keeps them; anything else is a ValueError', () => {
    assert.equal(missingPolicy(undefined), 'error');
    assert.equal(missingPolicy('none'), 'error');
    assert.equal(missingPolicy('mean'), 'keep');
    refuses(() => missingPolicy('median'), "--impute must be 'mean' or 'none' but is 'median'", ValueError);
  });
});

describe('columns', () => {
  const cols = ['a', 'b', 'target', 'y'];

  test('without --label the first default name in order wins: y before target', () => {
    assert.equal(labelColumn(cols, undefined, 'f.csv'), 3);
    assert.equal(labelColumn(['Class', 'x', 'label'], undefined, 'f.csv'), 2);
  });

  test('--label by name first, then as a 0-based index, negative from the end', () => {
    assert.equal(labelColumn(cols, 'b', 'f.csv'), 1);
    assert.equal(labelColumn(cols, '0', 'f.csv'), 0);
    assert.equal(labelColumn(cols, '-1', 'f.csv'), 3);
    assert.equal(labelColumn(cols, '-4', 'f.csv'), 0);
    assert.equal(labelColumn(['2', 'x', 'z'], '2', 'f.csv'), 0, 'a column named 2 is found by name');
  });

  test('no default name: the message names the defaults and lists the columns, at most 20', () => {
    refuses(
      () => labelColumn(['p', 'q'], undefined, 'f.csv'),
      "f.csv: name the label column with --label COLUMN (no column is called label, labels, y, target, class); columns are 'p', 'q'",
    );
    const many = Array.from({ length: 21 }, (_, i) => `c${i}`);
    const list = many.slice(0, 20).map((c) => `'${c}'`);
    refuses(
      () => labelColumn(many, 'zz', 'f.csv'),
      `f.csv: no column 'zz' for --label; columns are ${list.join(', ')}, ... (21 columns)`,
    );
  });

  test('an index out of range either way names the range', () => {
    refuses(
      () => labelColumn(cols, '4', 'f.csv'),
      'f.csv: --label 4 is out of range: the file has 4 columns (0..3, or -1 for the last)',
    );
    refuses(
      () => labelColumn(cols, '-5', 'f.csv'),
      'f.csv: --label -5 is out of range: the file has 4 columns (0..3, or -1 for the last)',
    );
  });

  test('a name twice in the header is refused with both positions (1-based)', () => {
    checkColumns(['a', 'b'], 'f.csv');
    checkColumns([], 'f.csv');
    refuses(
      () => checkColumns(['a', 'b', 'c', 'b'], 'f.csv'),
      "f.csv: column name 'b' appears twice in the header (columns 2 and 4); names must be unique",
    );
  });
});

describe('tableToDataset', () => {
  test('X is (n_x, m) column per example, features in column order, text labels as sorted classes', () => {
    const d = tableToDataset(
      table(['x1', 'label', 'x2'], ['1', 'dog', '2'], ['3', 'cat', '4'], ['5', ' dog ', '6']),
      'f.csv',
    );
    assert.equal(d.X.rows, 2);
    assert.equal(d.X.cols, 3);
    assert.deepEqual(Array.from(toMatrix(d.X).data), [1, 3, 5, 2, 4, 6]);
    assert.deepEqual(d.classes, ['cat', 'dog']);
    assert.deepEqual(Array.from(d.labels.data), [1, 0, 1]);
    assert.deepEqual(d.featureNames, ['x1', 'x2']);
    assert.equal(d.source, 'f.csv');
  });

  test('one example, integer labels become classes by value; fractional labels stay values', () => {
    const one = tableToDataset(table(['y', 'x'], ['5', '-1']), 'f.csv');
    assert.equal(one.X.cols, 1);
    assert.deepEqual(one.classes, ['5']);
    assert.deepEqual(Array.from(one.labels.data), [0]);
    const ints = tableToDataset(table(['x', 'y'], [0, 7], [1, 3], [2, 7]), 'j.json');
    assert.deepEqual(ints.classes, ['3', '7']);
    assert.deepEqual(Array.from(ints.labels.data), [1, 0, 1]);
    const real = tableToDataset(table(['x', 'y'], [0, 0.5], [1, 1.5]), 'j.json');
    assert.equal(real.classes, undefined);
    assert.deepEqual(Array.from(real.labels.data), [0.5, 1.5]);
  });

  test('mixed numbers and text in the label column: every label is a class by its text', () => {
    const d = tableToDataset(table(['x', 'y'], [0, 1], [1, 'b'], [2, true]), 'j.json');
    assert.deepEqual(d.classes, ['1', 'b', 'true']);
    assert.deepEqual(Array.from(d.labels.data), [0, 1, 2]);
  });

  test('a missing feature is kept as NaN with missing keep, and refused otherwise with the advice', () => {
    const t = table(['x', 'z', 'y'], ['1', 'NA', 'a'], ['2', '3', 'b']);
    const kept = tableToDataset(t, 'f.csv', { missing: 'keep' });
    assert.ok(Number.isNaN(toMatrix(kept.X).data[2]));
    assert.equal(toMatrix(kept.X).data[3], 3);
    refuses(() => tableToDataset(t, 'f.csv'), `f.csv: line 2, column 'z': missing value; ${IMPUTE_ADVICE}`);
    refuses(
      () => tableToDataset(t, 'f.csv', { missingAdvice: 'the model has no means' }),
      "f.csv: line 2, column 'z': missing value; the model has no means",
    );
  });

  test('unlabeled: without the label column every column is a feature and labels are (0, m)', () => {
    const t = table(['a', 'b'], ['1', '2'], ['3', '4']);
    const d = tableToDataset(t, 'f.csv', { unlabeled: true });
    assert.equal(d.X.rows, 2);
    assert.equal(d.labels.rows, 0);
    assert.equal(d.labels.cols, 2);
    assert.deepEqual(d.featureNames, ['a', 'b']);
    const named = tableToDataset(t, 'f.csv', { unlabeled: true, label: 'nope' });
    assert.equal(named.X.rows, 2, 'a --label the file lacks leaves every column a feature');
    const found = tableToDataset(table(['a', 'y'], ['1', '2']), 'f.csv', { unlabeled: true });
    assert.equal(found.X.rows, 1, 'a default label column is still taken out');
    assert.deepEqual(Array.from(found.labels.data), [0]);
  });

  test('every refusal names the file, the row and the column', () => {
    refuses(() => tableToDataset(table(['x', 'y']), 'f.csv'), 'f.csv: has a header but no examples (m = 0)');
    refuses(
      () => tableToDataset(table(['y'], ['1']), 'f.csv'),
      "f.csv: has only the label column 'y'; there must be at least one feature column",
    );
    refuses(
      () => tableToDataset(table(['x', 'y'], ['1', '0'], ['2', ' ']), 'f.csv'),
      "f.csv: line 3, column 'y': the label is missing; every example needs one",
    );
    refuses(
      () => tableToDataset(table(['x', 'y'], ['1', '0'], ['red', '1']), 'f.csv'),
      `f.csv: line 3, column 'x': "red" is not a number; features must be finite numbers (encode categories as numbers first)`,
    );
    refuses(
      () => tableToDataset({ columns: ['x', 'y'], rows: [{ cells: [{} as never, 1], where: 'element 0' }] }, 'j.json'),
      `j.json: element 0, column 'x': {} is not a number; features must be finite numbers (encode categories as numbers first)`,
    );
    refuses(
      () => tableToDataset(table(['x', 'x', 'y'], ['1', '2', '0']), 'f.csv'),
      "f.csv: column name 'x' appears twice in the header (columns 1 and 2); names must be unique",
    );
  });
});
