// The workflow as a page has it: src/workflow/train.ts imported without the Node entry (no data/register.ts),
// as lnn/browser bundles it. Data in memory trains; a data path is refused in one line that names the
// option; once the Node side registers its loaders, the same call reads files. A parameters file for
// --init is read by any Node thread, entry or not (a sweep's trial threads import no entry).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { initializeParametersDeep } from '../../src/nn/initializers.js';
import { lnn } from '../cli/run.js';
import { train } from '../../src/workflow/train.js';
const machineMemory = () => ({ free: 1, total: 2 });

const rows = Array.from({ length: 40 }, (_, i) => [i % 2, (i >> 1) % 2, i / 40]);
const labels = rows.map(([a, b]) => (a === b ? 'same' : 'differ'));
const data = { rows, labels };

test('rows and labels train without the Node entry', async () => {
  const { model, result } = await train({ data, hidden: [4], iterations: 5, split: 'none' });
  assert.equal(result.iterations, 5);
  assert.equal(model.predict([[0, 1, 0.5]]).length, 1);
  model.dispose();
});

test('a data file for any option is refused in one line naming it, before anything is read', async () => {
  const cases: [Parameters<typeof train>[0], string][] = [
    [{ data: 'flowers.csv' }, 'data flowers.csv'],
    [{ data: 'builtin:iris' }, 'data builtin:iris'],
    [{ data, dev: 'dev.csv' }, 'dev dev.csv'],
    [{ data, test: 'test.csv' }, 'test test.csv'],
  ];
  for (const [options, what] of cases)
    await assert.rejects(train({ ...options, hidden: [4], epochs: 1 }), {
      name: 'ValueError',
      message: `${what}: reading files needs lnn's Node entry (import from 'lnn', not 'lnn/browser')`,
    });
});

test('an --init file is read without the entry; a missing one is a DataError naming it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lnn-init-'));
  try {
    const { model } = await train({ data, hidden: [4], epochs: 1, split: 'none' });
    const params = Object.fromEntries(Object.entries(model.parameters).map(([k, M]) => [k, M.toArray()]));
    writeFileSync(join(dir, 'params.json'), JSON.stringify(params));
    const again = await train({ data, hidden: [4], epochs: 1, split: 'none', init: join(dir, 'params.json') });
    assert.equal(again.record.hyperparameters['init'], 'params.json');
    await assert.rejects(train({ data, hidden: [4], epochs: 1, init: join(dir, 'none.json') }), {
      name: 'DataError',
      message: new RegExp(`^${join(dir, 'none.json')}: cannot read \\(no such file`),
    });
    for (const m of [model, again.model]) m.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("a sweep's trial threads read an --init file", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'lnn-sweep-init-'));
  try {
    const init = initializeParametersDeep([4, 8, 3], { seed: 1, dtype: 'float64' });
    const params = Object.fromEntries(Object.entries(init).map(([k, M]) => [k, M.toArray()]));
    writeFileSync(join(dir, 'p.json'), JSON.stringify(params));
    const args = ['sweep', '--data', 'builtin:iris', '--hidden', '8', '--init', join(dir, 'p.json')];
    const r = await lnn([
      ...args,
      '--lr',
      '0.01',
      '--lr',
      '0.1',
      '--iterations',
      '20',
      '--parallel',
      '2',
      '--dir',
      join(dir, 's'),
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stderr, /failed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the machine memory: free and total in Node', () => {
  const { free, total } = machineMemory();
  assert.ok(free! > 0 && total! >= free!, `free ${free}, total ${total}`);
});

test('once the Node side registers its file reads, paths are read', async () => {
  await import('../../src/data/read/register-readers.js');
  const { dev } = await train({ data: 'builtin:iris', hidden: [4], epochs: 2 });
  assert.equal(dev?.m, 30);
});
