// Issue 7 ("Hardening"), the data and model-file items: each case as a user meets it on the command
// line, with the one-line message it must give. Most run `main` in-process; the HDF5 noise case needs a
// real process, since the library writes to the process's stderr.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lnnInProcess } from '../data/cli.js';

let dir = '';
const f = (name: string) => join(dir, name);
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lnn-hardening-'));
  // A float64 value that float32 cannot hold (1e308 > 3.4e38), in example 1 of six.
  writeFileSync(f('big.csv'), 'a,b,label\n1,2,0\n3,1e308,1\n5,6,0\n7,8,1\n1,1,0\n2,2,1\n');
  writeFileSync(f('huge.csv'), 'a,label\n1e308,0\n1.7e308,1\n-1e308,0\n');
  writeFileSync(f('init.json'), '{"W1": [[0.5, 1e300]], "b1": [[0]]}');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('item 8: values the pipeline cannot hold are refused with file and position', () => {
  it('1e308 with --normalize none in float32: the file, the example and the feature, before any training', async () => {
    const r = await lnnInProcess(['train', '--data', f('big.csv'), '--normalize', 'none', '--hidden', '2', '--quiet']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `lnn train: ${f('big.csv')}: example 1, feature 'b' is 1e+308, beyond the range of float32 (±3.4028e+38); train with --dtype float64, or scale the data (--normalize minmax or standard)\n`,
    );
    // After a shuffled split the example is still named by its place in the file.
    const split = await lnnInProcess(['train', '--data', f('big.csv'), '--normalize', 'none', '--split', '50,25,25']);
    assert.match(split.stderr, /big\.csv: example 1, feature 'b' is 1e\+308, beyond the range of float32/);
    // The same data trains in float64, and with minmax normalization in float32 (the value is scaled first).
    for (const extra of [
      ['--dtype', 'float64'],
      ['--normalize', 'minmax'],
    ]) {
      const ok = await lnnInProcess([
        'train',
        '--data',
        f('big.csv'),
        '--iterations',
        '2',
        '--split',
        'none',
        ...extra,
      ]);
      assert.equal(ok.code, 0, ok.stderr);
    }
  });

  it('a normalization that overflows float64 names the value and what the normalization made of it', async () => {
    const r = await lnnInProcess(
      ['train', '--data', f('big.csv'), '--dtype', 'float64', '--normalize', 'scale:1e-300', '--split', 'none'].concat(
        '--quiet',
      ),
    );
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /big\.csv: example 1, feature 'b' is 1e\+308, which --normalize scale:1e-300 makes Infinity, beyond the range of float64; use --normalize minmax or standard\n$/,
    );
  });

  it('an --init file with 1e300 in float32: the file and W[l][i][j]', async () => {
    const r = await lnnInProcess(
      ['train', '--data', f('big.csv'), '--hidden', 'none', '--init', f('init.json'), '--split', 'none'].concat(
        '--quiet',
      ),
    );
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `lnn train: ${f('init.json')}: W1[0][1] is 1e+300, beyond the range of float32 (±3.4028e+38); use --dtype float64, or parameters of a sensible size\n`,
    );
  });

  it('lnn data: mean and std of values near 1e308 are finite', async () => {
    const r = await lnnInProcess(['data', '--data', f('huge.csv')]);
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout, /Infinity|NaN/);
    assert.match(r.stdout, /feature values: min -1\.000e\+308, max 1\.700e\+308, mean 5\.667e\+307, std 1\.144e\+308/);
    assert.match(r.stdout, /\n {4}a {7}-1\.000e\+308 1\.700e\+308 5\.667e\+307 1\.144e\+308 {10}0\n/);
  });
});
