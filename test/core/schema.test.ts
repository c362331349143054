// The checks for JSON that crossed a boundary (src/core/schema.ts): each value back in its shape, or one
// message naming the path in the document, the rule and what was there.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  arrayOf,
  bool,
  checked,
  either,
  jsonValue,
  measured,
  num,
  object,
  oneOf,
  optional,
  recordOf,
  SchemaError,
  shownValue,
  str,
} from '../../src/core/schema.js';

/** The message a check throws for `v` at `path`. */
function why(check: (v: unknown, path: string) => unknown, v: unknown, path = 'x'): string {
  try {
    check(v, path);
  } catch (e) {
    assert.ok(e instanceof SchemaError, String(e));
    return e.message;
  }
  return assert.fail(`${JSON.stringify(v)} passed`);
}

describe('the checks', () => {
  test('values are shown short and printable; objects and arrays by their kind', () => {
    assert.equal(shownValue(undefined), 'missing');
    assert.equal(shownValue([1, 2, 3]), 'an array of 3');
    assert.equal(shownValue({ a: 1 }), 'an object');
    assert.equal(shownValue(NaN), 'NaN');
    assert.equal(shownValue(null), 'null');
    assert.equal(shownValue('x'.repeat(50)), `"${'x'.repeat(39)}...`);
    assert.equal(shownValue('a\u001bb'), '"a\\u001bb"', 'a control character stays escaped');
    // A program's value, not a parsed file's: shown, never a TypeError from JSON.stringify.
    assert.equal(shownValue(1n), '1n');
    assert.equal(why(num(), 2n), 'x must be a finite number but is 2n');
  });

  test('num: finite, an integer, within bounds, each rule in the message', () => {
    assert.equal(num()(1.5, 'x'), 1.5);
    assert.equal(why(num(), Infinity), 'x must be a finite number but is Infinity');
    assert.equal(why(num(), '3'), 'x must be a finite number but is "3"');
    assert.equal(why(num({ integer: true, min: 1 }), 1.5), 'x must be an integer ≥ 1 but is 1.5');
    assert.equal(why(num({ min: 0, max: 1 }), 2), 'x must be a finite number ≥ 0 ≤ 1 but is 2');
    assert.equal(num({ min: 0, max: 1 })(1, 'x'), 1, 'bounds are inclusive');
  });

  test('measured: a finite number, or a diverged value written as text, returned as the number', () => {
    assert.equal(measured(0.5, 'x'), 0.5);
    assert.ok(Number.isNaN(measured('NaN', 'x')));
    assert.equal(measured('-Infinity', 'x'), -Infinity);
    assert.equal(why(measured, NaN), 'x must be a number (or "NaN", "Infinity") but is NaN');
    assert.equal(why(measured, 'nan'), 'x must be a number (or "NaN", "Infinity") but is "nan"');
  });

  test('str, bool and oneOf', () => {
    assert.equal(str({ max: 3 })('abc', 'x'), 'abc');
    assert.equal(why(str({ max: 3 }), 'abcd'), 'x must be a string of at most 3 characters but is "abcd"');
    const id = str({ pattern: /^[0-9a-f]{4}$/, describe: 'a 4-digit hex id' });
    assert.equal(why(id, 'zzzz'), 'x must be a 4-digit hex id but is "zzzz"');
    assert.equal(why(bool, 'true'), 'x must be true or false but is "true"');
    assert.equal(oneOf(['ok', 1] as const)(1, 'x'), 1);
    assert.equal(why(oneOf(['ok', 'failed'] as const), 'OK'), 'x must be one of "ok", "failed" but is "OK"');
  });

  test('arrays and objects: the path names the item and the member; the document itself when at the top', () => {
    const doc = object({ run: object({ costs: arrayOf(num(), 3) }), note: optional(str()) });
    assert.deepEqual(doc({ run: { costs: [1, 2] } }, ''), { run: { costs: [1, 2] } });
    assert.equal(why(doc, { run: { costs: [1, 'b'] } }, ''), 'run.costs[1] must be a finite number but is "b"');
    assert.equal(
      why(doc, { run: { costs: [1, 2, 3, 4] } }, ''),
      'run.costs must be an array of at most 3 but is an array of 4',
    );
    assert.equal(why(doc, { run: {} }, ''), 'run.costs must be present but is missing');
    assert.equal(why(doc, [], ''), 'the document must be an object but is an array of 0');
    assert.equal(
      why(doc, { run: { costs: [] }, note: null }, ''),
      'note must be a string but is null',
      'null is not absent',
    );
  });

  test('an object keeps only the members it checked; a record keeps every key, printable in its path', () => {
    const shape = object({ a: num(), b: optional(num()) });
    assert.deepEqual(shape({ a: 1, extra: 'dropped' }, ''), { a: 1 });
    assert.equal(Object.hasOwn(shape({ a: 1, b: undefined }, ''), 'b'), false);
    const rec = recordOf(num(), 2);
    assert.deepEqual(rec({ p: 1, q: 2 }, 'h'), { p: 1, q: 2 });
    assert.equal(why(rec, { p: 1, q: 2, r: 3 }, 'h'), 'h must be an object of at most 2 members but is an object');
    assert.equal(why(rec, { 'a\u001b': 'x' }, 'h'), 'h.a\\x1b must be a finite number but is "x"');
  });

  test('either: the first that accepts; otherwise the rule that names both', () => {
    const numOrText = either(num(), str(), 'a number or a string');
    assert.equal(numOrText('a', 'x'), 'a');
    assert.equal(why(numOrText, true), 'x must be a number or a string but is true');
  });

  test('jsonValue: any JSON to a depth; no non-finite numbers, no other kinds', () => {
    assert.deepEqual(jsonValue()({ a: [1, 'b', null, { c: true }] }, 'h'), { a: [1, 'b', null, { c: true }] });
    assert.equal(
      why(jsonValue(2), { a: { b: { c: 1 } } }, 'h'),
      'h.a.b must be nested at most 2 levels but is an object',
    );
    assert.equal(why(jsonValue(), { a: [Infinity] }, 'h'), 'h.a[0] must be a JSON value but is Infinity');
    assert.equal(why(jsonValue(), { f: [undefined] }, 'h'), 'h.f[0] must be a JSON value but is missing');
  });

  test('checked: a broken rule is one DataError line for the source; other errors pass through', () => {
    assert.throws(() => checked(object({ n: num() }), { n: 'x' }, 'run.json'), {
      name: 'DataError',
      message: 'run.json: n must be a finite number but is "x"',
    });
    const boom = () => {
      throw new RangeError('not a schema error');
    };
    assert.throws(() => checked(boom, 1, 'run.json'), RangeError);
  });
});
