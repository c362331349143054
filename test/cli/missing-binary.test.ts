import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { encodeNpy } from '../../src/data/read/npy.js';
import { lnnInProcess } from './run.js';

/**
 * NaN in a .npy file is a missing value in every command that reads a data set, as an empty CSV field
 * is: `--impute mean` fills it from train's means (the same model as from the CSV, in memory as when
 * streamed), and without it train, sweep and eval refuse it saying where it is and what to do.
 */
let dir = '';
const f = (name: string) => join(dir, name);
const ADVICE = "fill it in, or pass --impute mean to fill it with the feature's mean over the training set";

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lnn-missing-cli-'));
  const rng = new Rng(5);
  const m = 120,
    x: number[] = [],
    y: number[] = [];
  for (let j = 0; j < m; j++) {
    const row = [rng.randn(), rng.randn(), rng.randn()];
    x.push(...row);
    y.push(row[0]! - row[2]! > 0 ? 1 : 0);
  }
  for (const [j, i] of [
    [17, 2],
    [40, 0],
    [41, 0],
    [99, 1],
  ] as const)
    x[3 * j + i] = NaN;
  writeFileSync(f('x.npy'), encodeNpy([m, 3], x));
  writeFileSync(f('y.npy'), encodeNpy([m], y, '<i8'));
  const rows = Array.from({ length: m }, (_, j) =>
    [...x.slice(3 * j, 3 * j + 3).map((v) => (Number.isNaN(v) ? '' : String(v))), y[j]].join(','),
  );
  writeFileSync(f('x.csv'), ['x0,x1,x2,label', ...rows].join('\n') + '\n');
  writeFileSync(
    f('clean.npy'),
    encodeNpy(
      [m, 3],
      x.map((v) => (Number.isNaN(v) ? 0 : v)),
    ),
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));

const NPY = () => ['--x', f('x.npy'), '--y', f('y.npy')];
const COMMON = ['--hidden', '4', '--iterations', '20', '--shuffle', 'none', '--seed', '3', '--quiet'];

describe('NaN in a .npy file across commands', { concurrency: false }, () => {
  test('train --impute mean: the same model from the .npy in memory, streamed, and from the CSV with empty fields', async () => {
    const saved: { imputer: unknown; parameters: unknown }[] = [];
    for (const [name, data] of [
      ['csv', ['--data', f('x.csv'), '--label', 'label']],
      ['memory', NPY()],
      ['stream', [...NPY(), '--stream']],
    ] as const) {
      const r = await lnnInProcess(['train', ...data, ...COMMON, '--impute', 'mean', '--save', f(`${name}.json`)]);
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      const model = JSON.parse(readFileSync(f(`${name}.json`), 'utf8'));
      saved.push({ imputer: model.imputer, parameters: model.parameters });
    }
    const imp = saved[0]!.imputer as { means: number[]; missingInTrain: number[] };
    assert.equal(imp.means.length, 3);
    assert.ok(imp.missingInTrain.reduce((a, b) => a + b, 0) > 0, 'the training set has missing values');
    assert.deepEqual(saved[1], saved[0], 'in memory as from the CSV');
    assert.deepEqual(saved[2], saved[0], 'streamed as in memory');
  });

  test('without --impute: train and sweep refuse it in memory, naming the file, feature and example; streamed, too', async () => {
    const message = `${f('x.npy')}: example 17, feature 2 is NaN (a missing value); features must be finite numbers: ${ADVICE}`;
    const t = await lnnInProcess(['train', ...NPY(), ...COMMON]);
    assert.equal(t.code, 1);
    assert.equal(t.stderr, `lnn train: ${message}\n`);
    const s = await lnnInProcess(['sweep', ...NPY(), ...COMMON, '--lr', '0.1', '--lr', '0.01', '--dir', f('sw0')]);
    assert.equal(s.code, 1);
    assert.equal(s.stderr, `lnn sweep: ${message}\n`);
    // Streamed, values are checked as a batch is gathered, feature by feature: example 40, feature 0 first.
    const st = await lnnInProcess(['train', ...NPY(), ...COMMON, '--stream', '--split', 'none']);
    assert.equal(st.code, 1);
    assert.equal(
      st.stderr,
      `lnn train: ${f('x.npy')}: example 40, feature 0 is NaN (a missing value); features must be finite numbers: fill it in, or pass --impute mean to lnn train to fill it with the feature's mean over the training set\n`,
    );
  });

  test('sweep --impute mean trains every trial on the filled sets', async () => {
    const s = await lnnInProcess([
      'sweep',
      ...NPY(),
      ...COMMON,
      '--impute',
      'mean',
      '--lr',
      '0.1',
      '--lr',
      '0.01',
      '--dir',
      f('sw1'),
      '--json',
    ]);
    assert.equal(s.code, 0, s.stderr);
    const out = JSON.parse(s.stdout) as { trials: { status: string }[] };
    assert.deepEqual(
      out.trials.map((t) => t.status),
      ['ok', 'ok'],
    );
  });

  test('eval: a model trained with --impute mean fills the gaps; one trained without says it cannot', async () => {
    // Every example (the default on the model's own source would be its 24 held-back test examples).
    const e = await lnnInProcess(['eval', '--model', f('memory.json'), ...NPY(), '--subset', 'all', '--json']);
    assert.equal(e.code, 0, e.stderr);
    assert.equal(JSON.parse(e.stdout).m, 120);
    const plain = f('plain.json');
    const t = await lnnInProcess(['train', '--x', f('clean.npy'), '--y', f('y.npy'), ...COMMON, '--save', plain]);
    assert.equal(t.code, 0, t.stderr);
    const bad = await lnnInProcess(['eval', '--model', plain, ...NPY()]);
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stderr,
      `lnn eval: ${f('x.npy')}: example 17, feature 2 is NaN (a missing value); features must be finite numbers: fill it in; only a model trained with --impute mean fills missing values (with its training means), and the model ${plain} was trained without it\n`,
    );
  });

  test('lnn data counts them, as it counts empty CSV fields', async () => {
    const r = await lnnInProcess(['data', ...NPY(), '--json']);
    assert.equal(r.code, 0, r.stderr);
    const c = await lnnInProcess(['data', '--data', f('x.csv'), '--label', 'label', '--json']);
    assert.equal(JSON.parse(r.stdout).missing.values, 4);
    assert.deepEqual(JSON.parse(r.stdout).missing, JSON.parse(c.stdout).missing);
  });
});
