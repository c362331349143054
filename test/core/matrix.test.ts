import assert from 'node:assert/strict';
import { test } from 'node:test';
import { convert, expectShape, fromArray, gatherColumns, sliceColumns, zeros } from '../../src/core/matrix.js';

test('fromArray keeps the (rows, cols) layout row-major and refuses ragged or non-numeric rows', () => {
  const M = fromArray(
    [
      [1, 2, 3],
      [4, 5, 6],
    ],
    'float64',
  );
  assert.deepEqual([M.rows, M.cols, [...M.data]], [2, 3, [1, 2, 3, 4, 5, 6]]);
  assert.throws(() => fromArray([[1, 2], [3]], 'float64', 'W1'), {
    name: 'ShapeError',
    message: 'W1: row 1 has 1 values but row 0 has 2',
  });
  assert.throws(() => fromArray([[1, 'x' as unknown as number]], 'float64', 'b1'), {
    message: 'b1: entry (0, 1) must be a number but is "x"',
  });
});

test('expectShape names the op, the matrix, the rule and both shapes', () => {
  const W = zeros(5, 4, 'float64');
  assert.doesNotThrow(() => expectShape('linearForward', 'W[2]', W, 5, 4));
  assert.throws(() => expectShape('linearForward', 'W[2]', W, 5, 3, '(n[2], n[1])'), {
    name: 'ShapeError',
    message: 'linearForward: W[2] must be (n[2], n[1]) = (5, 3) but is (5, 4)',
  });
});

test('gatherColumns and sliceColumns copy the columns asked for', () => {
  const X = fromArray(
    [
      [0, 1, 2, 3],
      [10, 11, 12, 13],
    ],
    'float64',
  );
  const G = zeros(2, 2, 'float64');
  gatherColumns(X, Int32Array.from([3, 0, 2]), 1, G);
  assert.deepEqual([...G.data], [0, 2, 10, 12]);
  const S = zeros(2, 2, 'float64');
  sliceColumns(X, 2, S);
  assert.deepEqual([...S.data], [2, 3, 12, 13]);
  assert.throws(() => sliceColumns(X, 3, S), {
    name: 'ShapeError',
    message: /^sliceColumns: cannot take 2 columns from 3 of \(2, 4\)/,
  });
  assert.equal(convert(X, 'float32').dtype, 'float32');
});
