import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { encodeNpy } from '../../src/data/read/npy.js';
import { Rng } from '../../src/core/rng.js';
import { lnn, lnnInProcess } from './run.js';

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lnn-train-'));
  // A small binary problem: y = 1 when x0 + x1 > 0, in .npy files (m = 200, n_x = 3).
  const rng = new Rng(9);
  const m = 200,
    x: number[] = [],
    y: number[] = [];
  for (let j = 0; j < m; j++) {
    const row = [rng.randn(), rng.randn(), rng.randn()];
    x.push(...row);
    y.push(row[0]! + row[1]! > 0 ? 1 : 0);
  }
  writeFileSync(join(dir, 'x.npy'), encodeNpy([m, 3], x));
  writeFileSync(join(dir, 'y.npy'), encodeNpy([m], y, '<i8'));
  writeFileSync(join(dir, 'y_short.npy'), encodeNpy([m - 1], y.slice(1), '<i8'));
  const xnan = [...x];
  xnan[3 * 17 + 2] = NaN;
  writeFileSync(join(dir, 'x_nan.npy'), encodeNpy([m, 3], xnan));
  writeFileSync(join(dir, 'x4.npy'), encodeNpy([m, 4], [...x, ...x.slice(0, m)]));
  writeFileSync(
    join(dir, 'x_shifted.npy'),
    encodeNpy(
      [m, 3],
      x.map((v) => v + 2),
    ),
  );
});
after(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => join(dir, name);

describe('lnn train / eval / predict', { concurrency: false }, () => {
  test('train --json reports costs, accuracies, the diagnosis and sizes; the model evaluates and predicts', async () => {
    const model = f('m.json'),
      record = f('run.json');
    const r = await lnnInProcess([
      'train',
      '--x',
      f('x.npy'),
      '--y',
      f('y.npy'),
      '--hidden',
      '8',
      '--lr',
      '0.05',
      '--iterations',
      '300',
      '--save',
      model,
      '--record',
      record,
      '--json',
      '--quiet',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.sizes, { train: 120, dev: 40, test: 40 });
    assert.match(out.splitRule, /auto/);
    assert.equal(out.costs[0].iteration, 0);
    assert.equal(out.costs.at(-1).iteration, 299);
    assert.ok(out.trainAccuracy > 0.9 && out.devAccuracy > 0.85, `${out.trainAccuracy} ${out.devAccuracy}`);
    assert.equal(out.testAccuracy, undefined, 'test stays untouched without --evaluate-test');
    assert.equal(typeof out.seconds, 'number');
    assert.equal(typeof out.diagnosis.highBias, 'boolean');
    assert.equal(out.trainError, out.diagnosis.trainError);
    assert.equal(JSON.parse(readFileSync(record, 'utf8')).format, 'lnn-run');
    const e = await lnnInProcess(['eval', '--model', model, '--x', f('x.npy'), '--y', f('y.npy'), '--json']);
    assert.equal(e.code, 0, e.stderr);
    assert.ok(JSON.parse(e.stdout).accuracy > 0.9);
    const p = await lnnInProcess(['predict', '--model', model, '--x', f('x.npy')]);
    assert.equal(p.code, 0, p.stderr);
    const lines = p.stdout.trim().split('\n');
    assert.equal(lines[0], 'index,class,p_0,p_1', 'one probability column per class');
    assert.equal(lines.length, 201);
    const pj = await lnnInProcess(['predict', '--model', model, '--x', f('x.npy'), '--json']);
    assert.equal(JSON.parse(pj.stdout).predictions.length, 200);
    const t = await lnnInProcess([
      'train',
      '--x',
      f('x.npy'),
      '--y',
      f('y.npy'),
      '--hidden',
      '8',
      '--lr',
      '0.05',
      '--iterations',
      '50',
      '--evaluate-test',
      '--json',
      '--quiet',
    ]);
    assert.equal(typeof JSON.parse(t.stdout).testAccuracy, 'number');
  });

  test('text output ends with the diagnosis and its advice; progress goes to stderr', async () => {
    const r = await lnnInProcess([
      'train',
      '--x',
      f('x.npy'),
      '--y',
      f('y.npy'),
      '--hidden',
      '4',
      '--iterations',
      '200',
      '--lr',
      '0.01',
      '--print-cost-every',
      '100',
      '--eval-every',
      '150',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^finished 200 iterations in/);
    assert.match(r.stdout, /train: accuracy/);
    assert.match(r.stdout, /(High bias|High variance|Neither|Within noise)/);
    assert.match(r.stderr, /Cost after iteration 100: /);
    // Iteration 0 is evaluated: off a terminal its evaluation line carries the cost, with no second line.
    assert.doesNotMatch(r.stderr, /Cost after iteration 0: /);
    assert.match(r.stderr, /iteration 0\/200 cost /);
  });

  test('a dev set from another distribution is a note that says what differs, its parentheses closed', async () => {
    const r = await lnnInProcess([
      'train',
      '--x',
      f('x.npy'),
      '--y',
      f('y.npy'),
      '--dev-x',
      f('x_shifted.npy'),
      '--dev-y',
      f('y.npy'),
      '--hidden',
      '4',
      '--iterations',
      '10',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const note = r.stderr.split('\n').find((l) => l.startsWith('note: train and dev differ'));
    assert.match(
      note ?? r.stderr,
      /^note: train and dev differ in 3 of 3 features \(\|standardized mean difference\| > 0\.25; largest: '.+\)\. Training data may come from another source than dev, but then part of the dev error is data mismatch, not variance\.$/,
    );
    assert.equal(note!.split('(').length, note!.split(')').length, note);
  });

  test('--epochs N means N passes in mini-batches, also on small sets (a batch size that suits m)', async () => {
    const r = await lnnInProcess([
      'train',
      '--x',
      f('x.npy'),
      '--y',
      f('y.npy'),
      '--hidden',
      '4',
      '--epochs',
      '3',
      '--json',
      '--quiet',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    // 120 training examples: 120/16 = 7.5 → batches of 4, 30 updates an epoch.
    assert.equal(out.hyperparameters.batchSize, 4);
    assert.equal(out.hyperparameters.epochs, 3);
    assert.equal(out.iterations, 90);
    assert.equal(out.evals.at(-1).epoch, 3);
  });

  test('mini-batches, early stopping and --split none', async () => {
    const r = await lnnInProcess([
      'train',
      '--x',
      f('x.npy'),
      '--y',
      f('y.npy'),
      '--batch-size',
      '16',
      '--epochs',
      '30',
      '--early-stop',
      '3',
      '--json',
      '--quiet',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.hyperparameters.batchSize, 16);
    assert.equal(out.evals.length, out.epochs, 'one evaluation per epoch');
    assert.ok(
      out.evals.every(
        (e: { epoch: number; devError: number }) => Number.isInteger(e.epoch) && typeof e.devError === 'number',
      ),
    );
    assert.equal(out.iterations, out.epochs * Math.ceil(120 / 16));
    // Early stopping watched dev error: the kept parameters are those of the best evaluation.
    const best = Math.min(...out.evals.map((e: { devError: number }) => e.devError));
    assert.equal(out.evals.find((e: { iteration: number }) => e.iteration === out.bestIteration).devError, best);
    assert.equal(out.devError, best);
    const n = await lnnInProcess([
      'train',
      '--x',
      f('x.npy'),
      '--y',
      f('y.npy'),
      '--split',
      'none',
      '--iterations',
      '5',
      '--json',
      '--quiet',
    ]);
    assert.deepEqual(JSON.parse(n.stdout).sizes, { train: 200 });
  });

  test('--keep-prob: masks from philox by default, numpy with --init course or --dropout-rng numpy', async () => {
    const run = async (...extra: string[]) => {
      const r = await lnnInProcess([
        'train',
        '--x',
        f('x.npy'),
        '--y',
        f('y.npy'),
        '--iterations',
        '20',
        '--json',
        '--quiet',
        ...extra,
      ]);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as { hyperparameters: { dropoutRng?: string }; costs: { cost: number }[] };
      return { rng: out.hyperparameters.dropoutRng, costs: out.costs.map((c) => c.cost) };
    };
    const philox = await run('--keep-prob', '0.8');
    assert.equal(philox.rng, 'philox');
    assert.equal((await run('--keep-prob', '0.8', '--init', 'course')).rng, 'numpy');
    assert.equal((await run('--keep-prob', '0.8', '--init', 'course', '--dropout-rng', 'philox')).rng, 'philox');
    const numpy = await run('--keep-prob', '0.8', '--dropout-rng', 'numpy');
    assert.equal(numpy.rng, 'numpy');
    assert.notDeepEqual(numpy.costs, philox.costs);
    assert.deepEqual((await run('--keep-prob', '0.8')).costs, philox.costs, 'repeatable');
    assert.equal((await run()).rng, undefined, 'no dropout, no generator in the record');
  });

  test('bad input: one line naming the file, position or rule, non-zero exit, nothing written', async () => {
    const model = f('never.json');
    const cases: [string[], RegExp][] = [
      [['--x', f('x.npy'), '--y', f('y.npy'), '--bogus'], /^lnn train: Unknown option '--bogus' \(lnn train --help\)$/],
      [
        ['--x', f('x.npy'), '--y', f('y.npy'), '--epoch', '5'],
        /^lnn train: Unknown option '--epoch' \(did you mean --epochs\?\) \(lnn train --help\)$/,
      ],
      [
        ['--x', f('x.npy'), '--y', f('y.npy'), '--learning-rate', '0.1'],
        /Unknown option '--learning-rate' \(did you mean --lr\?\)/,
      ],
      [['--x', f('x.npy'), '--y', f('y.npy'), '--lr', 'fast'], /^lnn train: --lr must be a number > 0 but is 'fast'/],
      [
        ['--x', f('x.npy'), '--y', f('y.npy'), '--dims', '4,5,1'],
        /--dims: n\[0\] must be n_x = 3, the number of features per example in .*x\.npy, but is 4/,
      ],
      [
        ['--x', f('x.npy'), '--y', f('y.npy'), '--dims', '3,5,2'],
        /--dims: n\[L\] must be 1 for a sigmoid output on these labels \(2 classes\) but is 2/,
      ],
      [
        ['--x', f('x_nan.npy'), '--y', f('y.npy')],
        /x_nan\.npy: example 17, feature 2 is NaN \(a missing value\); features must be finite numbers: fill it in, or pass --impute mean/,
      ],
      [['--x', f('x.npy'), '--y', f('y_short.npy')], /y_short\.npy: has 199 labels but X has m = 200 examples/],
      [['--x', f('missing.npy'), '--y', f('y.npy')], /missing\.npy: cannot read \(no such file or directory\)/],
      [
        ['--x', f('x.npy'), '--y', f('y.npy'), '--output', 'softmax', '--dims', '3,4,1'],
        /n\[L\] must be 2 for a softmax output/,
      ],
      [
        // Softmax ties a layer's units together: an output's job, refused below g[L] (model files too).
        ['--x', f('x.npy'), '--y', f('y.npy'), '--activation', 'softmax'],
        /^lnn train: --activation \(g\[1\.\.L-1\]\) must be relu, leaky-relu, tanh, sigmoid, linear but is 'softmax'/,
      ],
      [
        ['--x', f('x.npy'), '--y', f('y.npy'), '--optimizer', 'sgd'],
        /--optimizer must be one of gd, momentum, adam but is 'sgd'/,
      ],
      [
        ['--x', f('x.npy'), '--y', f('y.npy'), '--keep-prob', '0'],
        /^lnn train: --keep-prob must be a number in \(0, 1\] but is '0' \(lnn train --help\)$/,
      ],
      [
        ['--x', f('x.npy'), '--y', f('y.npy'), '--keep-prob', '1.5'],
        /^lnn train: --keep-prob must be a number in \(0, 1\] but is '1\.5' \(lnn train --help\)$/,
      ],
      [
        ['--x', f('x.npy'), '--y', f('y.npy'), '--keep-prob', 'NaN'],
        /^lnn train: --keep-prob must be a number in \(0, 1\] but is 'NaN' \(lnn train --help\)$/,
      ],
      [
        ['--x', f('x.npy'), '--y', f('y.npy'), '--keep-prob', '0.8', '--dropout-rng', 'mt19937'],
        /^lnn train: --dropout-rng must be one of philox, numpy but is 'mt19937' \(lnn train --help\)$/,
      ],
      [
        ['--x', f('x.npy'), '--y', f('y.npy'), '--init', f('nope.json')],
        /nope\.json: cannot read \(no such file or directory\)/,
      ],
      [['--x', f('x.npy'), '--y', f('y.npy'), '--split', '50,50'], /--split/],
      [
        ['--x', f('x.npy'), '--y', f('y.npy'), '--dims', '3,4,1', '--hidden', '4'],
        /give --dims \(all of n\[0\.\.L\]\) or --hidden \(n\[1\.\.L-1\]\), not both/,
      ],
    ];
    for (const [args, re] of cases) {
      const r = await lnnInProcess(['train', ...args, '--save', model, '--quiet']);
      assert.notEqual(r.code, 0, `${args.join(' ')} should fail`);
      assert.equal(r.stderr.trim().split('\n').length, 1, `one line: ${r.stderr}`);
      assert.match(r.stderr.trim(), re);
      assert.equal(existsSync(model), false);
    }
  });

  test('eval and predict refuse data that does not fit the model, and damaged model files', async () => {
    const model = f('m2.json');
    await lnnInProcess([
      'train',
      '--x',
      f('x.npy'),
      '--y',
      f('y.npy'),
      '--iterations',
      '5',
      '--save',
      model,
      '--quiet',
    ]);
    const r = await lnnInProcess(['eval', '--model', model, '--x', f('x4.npy'), '--y', f('y.npy')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /x4\.npy: has n_x = 4 features per example but the model .*m2\.json expects n\[0\] = 3/);
    const text = readFileSync(model, 'utf8');
    writeFileSync(f('trunc.json'), text.slice(0, text.length / 2));
    const t = await lnnInProcess(['eval', '--model', f('trunc.json'), '--x', f('x.npy'), '--y', f('y.npy')]);
    assert.equal(t.code, 1);
    assert.match(t.stderr, /trunc\.json: not valid JSON/);
    writeFileSync(f('foreign.json'), JSON.stringify({ hello: 'world' }));
    const g = await lnnInProcess(['predict', '--model', f('foreign.json'), '--x', f('x.npy')]);
    assert.match(g.stderr, /foreign\.json: not an lnn model/);
    const dmg = JSON.parse(text);
    dmg.parameters.W1[0][0] = 42;
    writeFileSync(f('damaged.json'), JSON.stringify(dmg));
    const d = await lnnInProcess(['eval', '--model', f('damaged.json'), '--x', f('x.npy'), '--y', f('y.npy')]);
    assert.match(d.stderr, /damaged\.json: the file does not match its checksum/);
  });

  test('--save into a missing directory fails cleanly and leaves no temporary file', async () => {
    const r = await lnnInProcess([
      'train',
      '--x',
      f('x.npy'),
      '--y',
      f('y.npy'),
      '--iterations',
      '3',
      '--save',
      join(dir, 'no/such/dir/m.json'),
      '--quiet',
    ]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /--save .*no\/such\/dir\/m\.json: cannot write \(the directory .*no\/such\/dir does not exist\)/,
    );
    assert.ok(!readdirSync(dir).some((n) => n.endsWith('.tmp')));
  });

  test('the compiled `lnn` binary runs from a process, with --help on every command', async () => {
    const h = await lnn(['--help']);
    assert.equal(h.code, 0);
    for (const c of ['train', 'eval', 'predict', 'inspect', 'gradcheck', 'data', 'split', 'diagnose', 'report']) {
      assert.match(h.stdout, new RegExp(`\\n  ${c} `));
      const r = await lnnInProcess([c, '--help']);
      assert.equal(r.code, 0);
      assert.match(r.stdout, new RegExp(`^lnn ${c} — `));
    }
    const u = await lnnInProcess(['fly']);
    assert.equal(u.code, 2);
    assert.match(u.stderr, /unknown command 'fly'/);
  });
});

describe('lnn inspect and lnn gradcheck', () => {
  test('inspect --dims prints every layer in the course notation', async () => {
    const r = await lnnInProcess(['inspect', '--dims', '12288,20,7,5,1']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /L = 4 layers/);
    assert.match(r.stdout, /1\s+20\s+relu\s+\(20, 12288\)\s+\(20, 1\)\s+\(20, m\)\s+245,780/);
    assert.match(r.stdout, /total\s+245,973/);
    const j = JSON.parse((await lnnInProcess(['inspect', '--dims', '4,3,1', '--json'])).stdout);
    assert.deepEqual(j.layers[0], { l: 1, n: 3, activation: 'relu', W: [3, 4], b: [3, 1], parameters: 15 });
    assert.equal(j.parameters, 19);
  });

  test('inspect --model --export-params writes the DESIGN.md parameters JSON, which --init reads back', async () => {
    const model = f('mi.json'),
      params = f('params.json');
    await lnnInProcess([
      'train',
      '--x',
      f('x.npy'),
      '--y',
      f('y.npy'),
      '--hidden',
      '4',
      '--iterations',
      '3',
      '--save',
      model,
      '--quiet',
    ]);
    const r = await lnnInProcess(['inspect', '--model', model, '--export-params', params, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const p = JSON.parse(readFileSync(params, 'utf8'));
    assert.deepEqual(Object.keys(p), ['W1', 'b1', 'W2', 'b2']);
    assert.equal(p.W1.length, 4);
    assert.equal(p.W1[0].length, 3);
    const t = await lnnInProcess([
      'train',
      '--x',
      f('x.npy'),
      '--y',
      f('y.npy'),
      '--hidden',
      '4',
      '--iterations',
      '1',
      '--init',
      params,
      '--quiet',
      '--json',
    ]);
    assert.equal(t.code, 0, t.stderr);
    const bad = await lnnInProcess([
      'train',
      '--x',
      f('x.npy'),
      '--y',
      f('y.npy'),
      '--hidden',
      '5',
      '--iterations',
      '1',
      '--init',
      params,
      '--quiet',
    ]);
    assert.match(bad.stderr, /params\.json: W\[1\] must be \(n\[1\], n\[0\]\) = \(5, 3\) but is \(4, 3\)/);
  });

  for (const output of ['sigmoid', 'softmax', 'linear'])
    for (const g of ['relu', 'leaky-relu', 'tanh', 'sigmoid'])
      test(`gradcheck ${g} → ${output}: relative difference below 1e-7`, async () => {
        const r = await lnnInProcess([
          'gradcheck',
          '--dims',
          `5,4,3,${output === 'sigmoid' ? 1 : 3}`,
          '--activation',
          g,
          '--output',
          output,
          '--l2',
          '0.3',
          '--json',
        ]);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        const out = JSON.parse(r.stdout);
        assert.ok(out.relativeDifference < 1e-7, String(out.relativeDifference));
        assert.equal(out.pass, true);
      });
});

describe('CSV with missing values', () => {
  const fixture = (n: string) => join(import.meta.dirname, '../fixtures/data', n);
  test('without --impute: the row and column are named; with it: train means fill them, kept in the model for predict', async () => {
    const bad = await lnnInProcess([
      'train',
      '--data',
      fixture('missing.csv'),
      '--label',
      'label',
      '--split',
      'none',
      '--iterations',
      '3',
      '--quiet',
    ]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /missing\.csv: .*line 3.*x1/);
    const model = f('imp.json');
    const r = await lnnInProcess([
      'train',
      '--data',
      fixture('missing.csv'),
      '--label',
      'label',
      '--split',
      'none',
      '--impute',
      'mean',
      '--hidden',
      '2',
      '--iterations',
      '3',
      '--save',
      model,
      '--quiet',
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    assert.equal(saved.imputer.kind, 'mean');
    assert.equal(saved.imputer.means.length, 2);
    const p = await lnnInProcess([
      'predict',
      '--model',
      model,
      '--data',
      fixture('missing.csv'),
      '--label',
      'label',
      '--json',
    ]);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(JSON.parse(p.stdout).predictions.length, 4);
  });
});

describe('separate dev and test files', () => {
  test('dev and test from different distributions get a warning in plain words; the same distribution gets none', async () => {
    const rng = new Rng(21);
    const write = (name: string, m: number, shift: number) => {
      const x: number[] = [],
        y: number[] = [];
      for (let j = 0; j < m; j++) {
        const row = [rng.randn() + shift, rng.randn() + shift, rng.randn()];
        x.push(...row);
        y.push(row[0]! + row[1]! > 2 * shift ? 1 : 0);
      }
      writeFileSync(f(`${name}_x.npy`), encodeNpy([m, 3], x));
      writeFileSync(f(`${name}_y.npy`), encodeNpy([m], y, '<i8'));
    };
    write('devA', 150, 0);
    write('testA', 150, 0);
    write('testB', 150, 2);
    const base = [
      'train',
      '--x',
      f('x.npy'),
      '--y',
      f('y.npy'),
      '--dev-x',
      f('devA_x.npy'),
      '--dev-y',
      f('devA_y.npy'),
      '--iterations',
      '5',
    ];
    const same = await lnnInProcess([...base, '--test-x', f('testA_x.npy'), '--test-y', f('testA_y.npy'), '--json']);
    assert.equal(same.code, 0, same.stderr);
    assert.doesNotMatch(same.stderr, /warning:/);
    assert.deepEqual(JSON.parse(same.stdout).sizes, { train: 200, dev: 150, test: 150 });
    const shifted = await lnnInProcess([...base, '--test-x', f('testB_x.npy'), '--test-y', f('testB_y.npy'), '--json']);
    assert.equal(shifted.code, 0, shifted.stderr);
    assert.match(shifted.stderr, /warning: .*dev and test come from the same distribution/);
  });
});

test('with a separate --test file, the data splits into train and dev only (nothing wasted on a second test set)', async () => {
  const r = await lnnInProcess([
    'train',
    '--x',
    f('x.npy'),
    '--y',
    f('y.npy'),
    '--test-x',
    f('x.npy'),
    '--test-y',
    f('y.npy'),
    '--iterations',
    '2',
    '--record',
    f('test-file-run.json'),
    '--json',
    '--quiet',
  ]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(out.sizes, { train: 160, dev: 40, test: 200 });
  assert.match(out.splitRule, /dev takes min\(20% of m, 10,000\); test from its own file/);
  // The record keeps the split of the data (train and dev only) and names the test file.
  const split = JSON.parse(readFileSync(f('test-file-run.json'), 'utf8')).data.split;
  assert.deepEqual(
    [split.ratios, split.train, split.dev, split.test, split.testFile],
    [[0.8, 0.2, 0], 160, 40, 0, f('x.npy')],
  );
});
