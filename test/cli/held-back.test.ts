// Held-back data stays held back (issue 16): a model records the seeded split it was trained on, and
// evaluation on the same source scores its test part by default, warns about examples it trained on,
// and refuses a part it cannot find, in one line naming the rule.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadDataset } from '../../src/data/read/load.js';
import { splitParts, splitRecordCheck, splitRecordOf, type SplitRecord } from '../../src/data/prepare/split-record.js';
import { trainDevTestSplit } from '../../src/data/prepare/split.js';
import { documentChecksum } from '../../src/train/model-json.js';
import { heldBackSubset } from '../../src/workflow/held-back.js';
import { evaluate } from '../../src/index.js';
import { lnnInProcess, type CliResult } from './run.js';
import { Matrix } from '../../src/core/matrix.js';

let dir = '';
const f = (name: string) => join(dir, name);
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lnn-held-back-'));
  const r = await lnnInProcess([
    'train',
    '--data',
    'builtin:iris',
    '--hidden',
    '8',
    '--save',
    f('iris.json'),
    '--quiet',
  ]);
  assert.equal(r.code, 0, r.stderr);
  // The same model as a file saved before splits were recorded: no run.data.split, the checksum made again.
  const doc = JSON.parse(readFileSync(f('iris.json'), 'utf8'));
  delete doc.run.data.split;
  doc.checksum = documentChecksum(doc);
  writeFileSync(f('old.json'), JSON.stringify(doc));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('the split a model records', () => {
  test('source, seed, rule, sizes, the labels and a hash of the example order; made again the same', async () => {
    const iris = await loadDataset({ data: 'builtin:iris' });
    const made = trainDevTestSplit(iris, { seed: 1 });
    const r = splitRecordOf(iris, { ratios: 'auto', seed: 1, stratified: true }, made);
    assert.deepEqual(
      [r.source, r.ratios, r.seed, r.m, r.train, r.dev, r.test],
      ['builtin:iris', 'auto', 1, 150, 90, 30, 30],
    );
    assert.match(r.order, /^[0-9a-f]{16}$/);
    assert.deepEqual(splitRecordOf(iris, { ratios: 'auto', seed: 1, stratified: true }), r, 'made again: the same');
    assert.notEqual(splitRecordOf(iris, { ratios: 'auto', seed: 2, stratified: true }).order, r.order);
    assert.deepEqual(splitParts(iris, r).test, made.indices.test);
    const none = splitRecordOf(iris, { ratios: 'none', seed: 1, stratified: true, devFile: 'dev.csv' });
    assert.deepEqual([none.train, none.dev, none.test, none.devFile], [150, 0, 0, 'dev.csv']);
    assert.throws(() => splitRecordCheck({ ...r, ratios: [0.5, 0.5] }, 'run.data.split'), {
      message:
        /^run\.data\.split\.ratios must be "auto", "none" or \[train, dev, test\] fractions but is an array of 2$/,
    });
  });

  test('lnn train --save keeps it in the model, and --record in the run record', async () => {
    const doc = JSON.parse(readFileSync(f('iris.json'), 'utf8'));
    const split = doc.run.data.split as SplitRecord;
    assert.deepEqual([split.source, split.ratios, split.seed, split.test], ['builtin:iris', 'auto', 1, 30]);
  });

  test('heldBackSubset: every rule, with its message', async () => {
    const iris = await loadDataset({ data: 'builtin:iris' });
    const split = splitRecordOf(iris, { ratios: 'auto', seed: 1, stratified: true });
    const own = heldBackSubset(split, iris, undefined, 'the model');
    assert.deepEqual([own.subset, own.data.X.cols, own.warning], ['test', 30, undefined]);
    assert.match(own.note!, /^scoring the test part of builtin:iris: the 30 of 150 examples the model held back/);
    const all = heldBackSubset(split, iris, 'all', 'the model');
    assert.equal(all.data.X.cols, 150);
    assert.match(all.warning!, /^90 of these 150 examples are ones the model trained on .*--subset test scores the 30/);
    assert.match(
      heldBackSubset(split, iris, 'train', 'the model').warning!,
      /^these are the 90 examples the model trained on/,
    );
    assert.equal(heldBackSubset(split, iris, 'dev', 'the model').warning, undefined);
    // Other data: all of it, without a warning; a part of it is refused.
    const labels = new Matrix(iris.labels.rows, iris.labels.cols, Float64Array.from(iris.labels.data));
    const other = { ...iris, labels, source: 'flowers.csv' };
    other.labels.data[0] = 2;
    assert.deepEqual([heldBackSubset(split, other, undefined, 'the model').subset], ['all']);
    assert.throws(() => heldBackSubset(split, other, 'test', 'the model'), {
      name: 'DataError',
      message:
        '--subset test takes part of the data the model was split from (builtin:iris, --seed 1, --split auto, m = 150), and flowers.csv is other data (the same m but other labels); score it whole with --subset all',
    });
    // No split recorded; no test part; a split that does not come out the same.
    assert.throws(() => heldBackSubset(undefined, iris, 'test', 'the model m.json'), {
      name: 'UsageError',
      message:
        '--subset test needs the split the model m.json was trained on, and it records none (saved before lnn recorded splits); score every example with --subset all',
    });
    const none = splitRecordOf(iris, { ratios: 'none', seed: 1, stratified: true });
    assert.throws(() => heldBackSubset(none, iris, 'test', 'the model'), {
      message: '--subset test: the model has no test part in builtin:iris: it trained on all of it (--split none)',
    });
    assert.match(heldBackSubset(none, iris, undefined, 'the model').warning!, /^150 of these 150 examples/);
    const file = { ...split, test: 0, testFile: 'test.csv' };
    assert.throws(() => heldBackSubset(file, iris, 'test', 'the model'), {
      message: /: its test set was its own file, test\.csv: evaluate on that file$/,
    });
    assert.throws(() => heldBackSubset({ ...split, order: '0123456789abcdef' }, iris, undefined, 'the model'), {
      message:
        'builtin:iris: the split made again (builtin:iris, --seed 1, --split auto) does not give the example order the model recorded, so which examples it trained on cannot be told; score every example with --subset all',
    });
  });
});

describe('lnn eval and evaluate()', () => {
  test('on its own source: the test part by default, every part on request, a warning for trained-on examples', async () => {
    const [test30, all, trained, dev] = (await Promise.all(
      [[], ['--subset', 'all'], ['--subset', 'train'], ['--subset', 'dev']].map((extra) =>
        lnnInProcess(['eval', '--model', f('iris.json'), '--data', 'builtin:iris', '--json', ...extra]),
      ),
    )) as [CliResult, CliResult, CliResult, CliResult];
    const m = (r: { stdout: string }) => JSON.parse(r.stdout).m as number;
    assert.deepEqual([m(test30), m(all), m(trained), m(dev)], [30, 150, 90, 30]);
    assert.equal(JSON.parse(test30.stdout).subset, 'test');
    assert.match(test30.stderr, /^note: scoring the test part of builtin:iris/);
    assert.match(all.stderr, /^warning: 90 of these 150 examples are ones the model .* trained on/);
    assert.match(trained.stderr, /^warning: these are the 90 examples the model .* trained on/);
    assert.equal(dev.stderr, '');
  });

  test('bad input: an unknown part; a part of a model without a recorded split', async () => {
    const [bad, old, oldAll] = await Promise.all([
      lnnInProcess(['eval', '--model', f('iris.json'), '--data', 'builtin:iris', '--subset', 'holdout']),
      lnnInProcess(['eval', '--model', f('old.json'), '--data', 'builtin:iris', '--subset', 'test']),
      lnnInProcess(['eval', '--model', f('old.json'), '--data', 'builtin:iris', '--json']),
    ]);
    assert.equal(bad.code, 2);
    assert.equal(
      bad.stderr,
      "lnn eval: --subset must be one of train, dev, test, all but is 'holdout' (lnn eval --help)\n",
    );
    assert.equal(old.code, 2);
    assert.equal(
      old.stderr,
      `lnn eval: --subset test needs the split the model ${f('old.json')} was trained on, and it records none (saved before lnn recorded splits); score every example with --subset all (lnn eval --help)\n`,
    );
    assert.equal(JSON.parse(oldAll.stdout).m, 150, 'no split recorded: every example, as before');
  });

  test("the library's evaluate: the same rules, in the caller's words", async () => {
    const warnings: string[] = [];
    const e = await evaluate(f('iris.json'), 'builtin:iris', { onWarning: (w) => warnings.push(w) });
    assert.deepEqual([e.subset, e.m, warnings.length], ['test', 30, 0]);
    const t = await evaluate(f('iris.json'), 'builtin:iris', { subset: 'train', onWarning: (w) => warnings.push(w) });
    assert.deepEqual([t.subset, t.m], ['train', 90]);
    assert.match(warnings[0]!, /^these are the 90 examples/);
    await assert.rejects(evaluate(f('old.json'), 'builtin:iris', { subset: 'dev' }), {
      name: 'ValueError',
      message: /^subset dev needs the split the model .* was trained on, and it records none/,
    });
    await assert.rejects(evaluate(f('iris.json'), 'builtin:iris', { subset: 'x' as 'all' }), {
      message: "subset must be one of train, dev, test, all but is 'x'",
    });
  });
});
