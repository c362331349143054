// The workflow as a page has it: src/workflow/train.ts imported without the Node entry (no data/register.ts),
// as lnn/browser bundles it. Data in memory trains; a path for any file option is refused in one line that
// names the option; once the Node side registers its file reads, the same call reads files.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { train } from '../../src/workflow/train.js';
const machineMemory = () => ({ free: 1, total: 2 });

const rows = Array.from({ length: 40 }, (_, i) => [i % 2, (i >> 1) % 2, i / 40]);
const labels = rows.map(([a, b]) => (a === b ? 'same' : 'differ'));
const data = { rows, labels };

test('rows and labels train without the Node entry', async () => {
  const { model, result } = await train({ data, hidden: [4], epochs: 5, split: 'none' });
  assert.equal(result.iterations, 5);
  assert.equal(model.predict([[0, 1, 0.5]]).length, 1);
  model.dispose();
});

test('a file for any option is refused in one line naming it, before anything is read', async () => {
  const cases: [Parameters<typeof train>[0], string][] = [
    [{ data: 'flowers.csv' }, 'data flowers.csv'],
    [{ data: 'builtin:iris' }, 'data builtin:iris'],
    [{ data, init: 'params.json' }, 'init params.json'],
    [{ data, dev: 'dev.csv' }, 'dev dev.csv'],
    [{ data, test: 'test.csv' }, 'test test.csv'],
  ];
  for (const [options, what] of cases)
    await assert.rejects(train({ ...options, hidden: [4], epochs: 1 }), {
      name: 'ValueError',
      message: `${what}: reading files needs lnn's Node entry (import from 'lnn', not 'lnn/browser')`,
    });
});

test('the machine memory: free and total in Node', () => {
  const { free, total } = machineMemory();
  assert.ok(free! > 0 && total! >= free!, `free ${free}, total ${total}`);
});

test('once the Node side registers its file reads, paths are read', async () => {
  await import('../../src/data/register.js');
  const { dev } = await train({ data: 'builtin:iris', hidden: [4], epochs: 2 });
  assert.equal(dev?.m, 30);
});
