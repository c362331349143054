import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertNever } from '../../src/core/assert.js';
import { fsReason } from '../../src/core/errors.js';
import { closest, formatPercent, printable } from '../../src/core/text.js';

test('formatPercent: 1 decimal, 2 below 1%, or as asked; non-finite values in words', () => {
  assert.equal(formatPercent(0.032), '3.2%');
  assert.equal(formatPercent(0.005), '0.50%');
  assert.equal(formatPercent(0), '0.0%');
  assert.equal(formatPercent(0.9554, 2), '95.54%');
  assert.equal(formatPercent(NaN), 'NaN');
  assert.equal(formatPercent(-Infinity), '−∞');
});

test('printable escapes what could drive a terminal, and nothing else', () => {
  assert.equal(printable('a\u001b]0;pwned\u0007b'), 'a\\x1b]0;pwned\\x07b');
  assert.equal(printable('tab\there\r\n'), 'tab\\x09here\\x0d\\x0a');
  assert.equal(printable('\u009b31m'), '\\x9b31m');
  assert.equal(printable('abc\u202eevil'), 'abc\\u202eevil');
  assert.equal(printable('ünïcödé, 数据, émoji 🙂'), 'ünïcödé, 数据, émoji 🙂');
});

test('fsReason: one wording for each errno, the message otherwise', () => {
  assert.equal(fsReason({ code: 'ENOENT' }), 'no such file or directory');
  assert.equal(fsReason({ code: 'EACCES' }), 'permission denied');
  assert.equal(fsReason({ code: 'EISDIR' }), 'is a directory');
  assert.equal(fsReason(new Error('something odd\nsecond line')), 'something odd');
});

test('assertNever fails loudly on a value outside a closed set', () => {
  assert.throws(() => assertNever('gelu' as never, 'activation'), { message: "unhandled activation 'gelu'" });
});

test('closest: the name a typo most likely meant, or nothing', () => {
  const flags = ['epochs', 'hidden', 'lr', 'batch-size', 'keep-prob', 'iterations'];
  assert.equal(closest('epoch', flags), 'epochs');
  assert.equal(closest('hiden', flags), 'hidden');
  assert.equal(closest('batchsize', flags), 'batch-size');
  assert.equal(closest('lrate', flags), 'lr', 'a name that starts with a candidate');
  assert.equal(closest('iteratoins', flags), 'iterations', 'two letters swapped is one edit');
  assert.equal(closest('zzz', flags), undefined);
  assert.equal(closest('ep', flags), undefined, 'too short to guess');
});
