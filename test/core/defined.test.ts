import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defined } from '../../src/core/defined.js';

test('defined drops the undefined members and keeps every other value, in order', () => {
  const epoch: number | undefined = undefined;
  const out = defined({ iteration: 3, epoch, cost: 0, name: '', stopped: false, note: null, devError: 0.25 });
  assert.deepEqual(Object.keys(out), ['iteration', 'cost', 'name', 'stopped', 'note', 'devError']);
  assert.equal(JSON.stringify(out), '{"iteration":3,"cost":0,"name":"","stopped":false,"note":null,"devError":0.25}');
  assert.equal('epoch' in out, false);
});

test('defined gives the type an optional member needs under exactOptionalPropertyTypes', () => {
  const given: { epoch?: number; iteration: number } = defined({
    iteration: 1,
    epoch: undefined as number | undefined,
  });
  assert.deepEqual(given, { iteration: 1 });
});
