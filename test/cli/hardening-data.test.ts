// Issue 7 ("Hardening"), the data and model-file items: each case as a user meets it on the command
// line, with the one-line message it must give. Most run `main` in-process; the HDF5 noise case needs a
// real process, since the library writes to the process's stderr.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lnn, lnnInProcess } from './run.js';

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

describe('item 10: one class is not a classification', () => {
  before(() => {
    writeFileSync(f('one.csv'), 'a,b,label\n1,2,1\n3,4,1\n5,6,1\n7,8,1\n');
    writeFileSync(f('cats.csv'), 'a,b,label\n1,2,cat\n3,4,cat\n5,6,cat\n');
  });

  it('train refuses it, saying how to make it a regression when the label is a number', async () => {
    const r = await lnnInProcess(['train', '--data', f('one.csv'), '--split', 'none', '--quiet']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `lnn train: ${f('one.csv')}: the labels have only one class ('1'); a sigmoid classifier needs at least two. To fit the label as a number instead, train a regression with --output linear\n`,
    );
    const names = await lnnInProcess(['train', '--data', f('cats.csv'), '--output', 'softmax', '--split', 'none']);
    assert.match(
      names.stderr,
      /cats\.csv: the labels have only one class \('cat'\); a softmax classifier needs at least two\. Check that --label names the label column/,
    );
    const linear = await lnnInProcess(['train', '--data', f('one.csv'), '--split', 'none', '--output', 'linear']);
    assert.equal(linear.code, 0, linear.stderr);
  });

  it('a model file whose class list does not fit its output is refused at load (format 1 and 2)', async () => {
    const { documentChecksum, parameterChecksum } = await import('../../src/train/model-json.js');
    const { parametersFromJSON } = await import('../../src/nn/params.js');
    await lnnInProcess([
      'train',
      '--data',
      f('big.csv'),
      '--dtype',
      'float64',
      '--iterations',
      '2',
      '--save',
      f('two.json'),
    ]);
    const doc = JSON.parse(readFileSync(f('two.json'), 'utf8'));
    // What the old lnn saved for one-class data: a sigmoid with classes ['1'] (predict printed 'undefined').
    const v2 = { ...doc, classes: ['1'] };
    v2.checksum = documentChecksum(v2);
    const v1 = { ...doc, version: 1, classes: ['1'] };
    v1.checksum = parameterChecksum(parametersFromJSON(doc.parameters), 'float64');
    for (const [name, m] of [
      ['v2.json', v2],
      ['v1.json', v1],
    ] as const) {
      writeFileSync(f(name), JSON.stringify(m));
      const r = await lnnInProcess(['predict', '--model', f(name), '--data', f('big.csv')]);
      assert.equal(r.code, 1, name);
      assert.match(
        r.stderr,
        /: "classes" has 1 name but a sigmoid output with n\[L\] = 1 separates 2 classes with n\[L\] = 1; the file was edited or damaged\n$/,
      );
    }
  });
});

describe('item 12: eval and predict match columns by name', () => {
  before(() => {
    // label = 1 when a > b; c is noise. The same 40 examples written with the columns in other orders.
    const rows = Array.from({ length: 40 }, (_, j) => {
      const a = Math.sin(j * 1.3) * 5,
        b = Math.cos(j * 0.7) * 5,
        c = ((j * 7) % 11) - 5;
      return { a, b, c, label: a > b ? 1 : 0, id: j };
    });
    const csv = (cols: string[]) =>
      [cols.join(','), ...rows.map((r) => cols.map((k) => r[k as keyof typeof r]).join(','))].join('\n') + '\n';
    writeFileSync(f('abc.csv'), csv(['a', 'b', 'c', 'label']));
    writeFileSync(f('cba.csv'), csv(['c', 'b', 'a', 'label']));
    writeFileSync(f('extra.csv'), csv(['id', 'b', 'c', 'a']));
    writeFileSync(f('no-b.csv'), csv(['a', 'c', 'label']));
  });

  it('reorders columns given in another order, and ignores extra ones with a note', async () => {
    const model = f('abc.json');
    const t = await lnnInProcess([
      'train',
      '--data',
      f('abc.csv'),
      '--split',
      'none',
      '--hidden',
      '4',
      '--lr',
      '0.05',
      '--iterations',
      '300',
      '--save',
      model,
      '--quiet',
    ]);
    assert.equal(t.code, 0, t.stderr);
    const [same, permuted] = await Promise.all(
      ['abc.csv', 'cba.csv'].map((d) => lnnInProcess(['eval', '--model', model, '--data', f(d), '--json'])),
    );
    assert.equal(permuted!.code, 0, permuted!.stderr);
    const { data: _a, ...resultSame } = JSON.parse(same!.stdout);
    const { data: _b, ...resultPermuted } = JSON.parse(permuted!.stdout);
    assert.deepEqual(resultPermuted, resultSame);
    assert.ok(resultSame.accuracy > 0.8, `accuracy ${resultSame.accuracy}`);
    const [p1, p2] = await Promise.all(
      ['abc.csv', 'extra.csv'].map((d) => lnnInProcess(['predict', '--model', model, '--data', f(d)])),
    );
    assert.equal(p2!.stdout, p1!.stdout);
    assert.equal(p2!.stderr, `note: ${f('extra.csv')}: ignoring column 'id': not a feature of the model ${model}\n`);
  });

  it('refuses a missing column by name, and a width mismatch when the data has no names', async () => {
    const model = f('abc.json');
    const r = await lnnInProcess(['eval', '--model', model, '--data', f('no-b.csv')]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `lnn eval: ${f('no-b.csv')}: has no column 'b' that the model ${model} was trained on; its 3 features are 'a', 'b', 'c'\n`,
    );
    const { encodeNpy } = await import('../../src/data/read/npy.js');
    writeFileSync(f('x2.npy'), encodeNpy([2, 2], [1, 2, 3, 4]));
    const n = await lnnInProcess(['predict', '--model', model, '--x', f('x2.npy')]);
    assert.equal(
      n.stderr,
      `lnn predict: ${f('x2.npy')}: has n_x = 2 features per example but the model ${model} expects n[0] = 3\n`,
    );
  });
});

describe('item 16: a missing value in eval/predict gets advice that works', () => {
  it('a model without imputation says to fill the value in, not to pass --impute', async () => {
    writeFileSync(f('hole.csv'), 'a,b,c,label\n1,,3,0\n');
    const r = await lnnInProcess(['eval', '--model', f('abc.json'), '--data', f('hole.csv')]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `lnn eval: ${f('hole.csv')}: line 2, column 'b': missing value; fill it in; only a model trained with --impute mean fills missing values (with its training means), and the model ${f('abc.json')} was trained without it\n`,
    );
  });
});

describe('item 13: one architecture check for every command', () => {
  it('gradcheck, inspect and train refuse a softmax over one unit', async () => {
    const rule =
      'a softmax over n[2] = 1 unit is always 1, so layer 2 passes nothing on and its gradients are 0; use a sigmoid output for two classes, or n[2] ≥ 2 units for a softmax';
    for (const cmd of ['gradcheck', 'inspect']) {
      const r = await lnnInProcess([cmd, '--output', 'softmax', '--dims', '4,3,1']);
      assert.equal(r.code, 2, cmd);
      assert.equal(r.stderr, `lnn ${cmd}: --dims: ${rule} (lnn ${cmd} --help)\n`);
    }
    const t = await lnnInProcess(['train', '--data', f('one.csv'), '--output', 'softmax', '--dims', '2,3,1']);
    assert.equal(t.code, 1);
  });

  it('gradcheck passes a correct network at m = 1000 and m = 10,000 (the cost is summed compensated)', async () => {
    for (const m of ['1000', '10000']) {
      const r = await lnnInProcess(['gradcheck', '--dims', '4,5,3,1', '--m', m, '--json']);
      assert.equal(r.code, 0, r.stdout);
      assert.ok(JSON.parse(r.stdout).relativeDifference < 1e-7, r.stdout);
    }
  });

  it('above 10,000 parameters: a random subset by default, said so; every one with --max-checks all, with progress', async () => {
    const sub = await lnnInProcess(['gradcheck', '--dims', '200,60,1', '--m', '2']);
    assert.equal(sub.code, 0, sub.stdout);
    assert.equal(
      sub.stderr,
      'note: 12,121 parameters: checking 1,000 chosen at random (seed 1); --max-checks N or --max-checks all to check more\n',
    );
    assert.match(sub.stdout, /over 1,000 of 12,121 parameters \(chosen at random\): PASS/);
    const all = await lnnInProcess(['gradcheck', '--dims', '10001,1', '--m', '1', '--max-checks', 'all']);
    assert.equal(all.code, 0, all.stdout);
    assert.match(
      all.stderr,
      /^warning: checking 10,002 parameters takes 20,004 forward passes over m = 1 examples; progress follows\n/,
    );
    assert.match(all.stderr, /gradcheck: 10,002\/10,002 parameters \(100%\)\n$/);
    assert.match(all.stdout, /over 10,002 of 10,002 parameters: PASS/);
  });
});

describe('item 15: a damaged HDF5 file is one line on stderr', () => {
  it('a truncated .h5 in a real process: exactly one line, the reason from HDF5', async () => {
    const whole = readFileSync(new URL('../fixtures/data/tiny.h5', import.meta.url));
    writeFileSync(f('cut.h5'), whole.subarray(0, 1500));
    const r = await lnn(['data', '--data', f('cut.h5')]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `lnn data: ${f('cut.h5')}: HDF5 could not open it (corrupted or truncated?): truncated file: eof = 1500, sblock->base_addr = 0, stored_eof = ${whole.length}\n`,
    );
  });
});
