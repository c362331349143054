// What a careless or hostile user hits first (issue 7): outputs, divergence, sizes, the parser.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { encodeNpy } from '../../src/data/read/npy.js';
import { lnn, lnnArgv, lnnInProcess } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-hardening-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => join(dir, name);
const temporaries = () => readdirSync(dir).filter((n) => n.includes('.lnn-tmp-'));

/** A two-feature, two-class CSV with the label last (no header name lnn would guess). */
function writeCsv(name: string, m = 60): string {
  const rows = ['a,b,target'];
  for (let j = 0; j < m; j++) rows.push(`${(j % 7) / 7},${(j % 5) / 5},${j % 2}`);
  writeFileSync(f(name), rows.join('\n') + '\n');
  return f(name);
}

before(() => {
  writeCsv('data.csv');
  // m = 20,000 random examples: enough prediction lines to fill a pipe many times over.
  const m = 20_000;
  const x = new Float64Array(m * 2).map((_, i) => Math.sin(i));
  writeFileSync(f('x.npy'), encodeNpy([m, 2], x, '<f8'));
  writeFileSync(
    f('y.npy'),
    encodeNpy(
      [m],
      Array.from({ length: m }, (_, j) => j % 2),
      '<i8',
    ),
  );
});

/** A short training run on data.csv; `--hidden 4` unless the test gives its own. */
const train = (...extra: string[]) =>
  lnnInProcess([
    'train',
    '--data',
    f('data.csv'),
    '--label',
    '-1',
    '--iterations',
    '20',
    '--quiet',
    ...(extra.includes('--hidden') ? [] : ['--hidden', '4']),
    ...extra,
  ]);

describe('outputs are checked before training, and never destroy an input', () => {
  it('refuses --save naming the input data, and the data is unchanged', async () => {
    const before = readFileSync(f('data.csv'), 'utf8');
    const r = await train('--save', f('data.csv'));
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^lnn train: --save .*data\.csv: is also the input --data .*data\.csv; writing it would destroy that input\n$/,
    );
    assert.equal(readFileSync(f('data.csv'), 'utf8'), before);
  });

  it('refuses --save and --record on one file', async () => {
    const r = await train('--save', f('same.json'), '--record', f('same.json'));
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--record .*same\.json: is also --save .*same\.json; give each output its own file/);
  });

  it('refuses predict -o naming its input', async () => {
    assert.equal((await train('--save', f('m.json'))).code, 0);
    const before = readFileSync(f('data.csv'), 'utf8');
    const r = await lnnInProcess([
      'predict',
      '--model',
      f('m.json'),
      '--data',
      f('data.csv'),
      '--label',
      '-1',
      '-o',
      f('data.csv'),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /-o|--output/);
    assert.equal(readFileSync(f('data.csv'), 'utf8'), before);
  });

  it('a missing --record directory fails before any iteration and leaves --save as it was', async () => {
    writeFileSync(f('ok.json'), 'the old model');
    const r = await lnnInProcess([
      'train',
      '--data',
      f('data.csv'),
      '--label',
      '-1',
      '--hidden',
      '4',
      '--iterations',
      '20',
      '--save',
      f('ok.json'),
      '--record',
      f('missing/r.json'),
    ]);
    assert.equal(r.code, 1);
    assert.doesNotMatch(r.stderr, /Cost after|iteration \d+\/\d+/, 'no training happened');
    assert.match(r.stderr, /--record .*missing\/r\.json: cannot write \(the directory .*missing does not exist\)\n$/);
    assert.equal(readFileSync(f('ok.json'), 'utf8'), 'the old model');
  });

  it("'-' sends an output to stdout, and the summary moves to stderr; with --json it is refused", async () => {
    const r = await train('--save', '-');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).format, 'lnn-model');
    assert.match(r.stderr, /train: accuracy/);
    const both = await train('--save', '-', '--json');
    assert.equal(both.code, 2);
    assert.match(both.stderr, /--save - and --json both write to stdout/);
  });
});

describe('signals and pipes', () => {
  it('SIGTERM at any moment of train --save leaves no temporary file and no half-written model', async () => {
    writeFileSync(f('sig.json'), 'old');
    // The moments, each an event of the run: at once (before node is up), the plan line (the data read),
    // the first progress line (training), the end of training (the outputs about to be written), the
    // line saying the model was saved.
    const moments: [string, (stderr: string, stdout: string) => boolean][] = [
      ['at once', () => true],
      ['at the plan line', (e) => e.includes('lnn train: ')],
      ['at the first progress line', (e) => e.includes('iteration 0/')],
      ['when training has finished', (_, o) => o.includes('finished 300 iterations')],
      ['when the model is saved', (_, o) => o.includes('saved model to')],
    ];
    for (const [moment, due] of moments) {
      const child = spawn(
        process.execPath,
        lnnArgv([
          'train',
          '--data',
          f('data.csv'),
          '--label',
          '-1',
          '--hidden',
          '8',
          '--iterations',
          '300',
          '--save',
          f('sig.json'),
          '--record',
          f('sig-run.json'),
        ]),
      );
      let stderr = '',
        stdout = '',
        sent = false;
      const maybe = () => {
        if (sent || !due(stderr, stdout)) return;
        sent = true;
        child.kill('SIGTERM');
      };
      child.stderr.setEncoding('utf8').on('data', (s: string) => {
        stderr += s;
        maybe();
      });
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        stdout += s;
        maybe();
      });
      const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      maybe();
      const code = await closed;
      assert.ok(sent, `${moment}: the run never got there: ${stderr}`);
      assert.ok(code === 0 || code === 143 || code === null, `${moment}: exit ${code}: ${stderr}`);
      assert.deepEqual(temporaries(), [], `after SIGTERM ${moment}`);
      const text = readFileSync(f('sig.json'), 'utf8');
      assert.ok(text === 'old' || JSON.parse(text).format === 'lnn-model', `sig.json after SIGTERM ${moment}`);
      // The next run must replace the model again: a model saved at a later moment would stay otherwise.
      writeFileSync(f('sig.json'), 'old');
    }
  });

  it('lnn predict | head ends quietly (no EPIPE stack trace)', async () => {
    const model = f('pipe-model.json');
    const t = await lnnInProcess([
      'train',
      '--x',
      f('x.npy'),
      '--y',
      f('y.npy'),
      '--hidden',
      'none',
      '--iterations',
      '2',
      '--quiet',
      '--save',
      model,
    ]);
    assert.equal(t.code, 0, t.stderr);
    const r = await new Promise<{ code: number | null; stderr: string; stdout: string }>((resolve) => {
      const sh = spawn('bash', [
        '-c',
        `set -o pipefail; "${process.execPath}" ${lnnArgv(['predict', '--model', model, '--x', f('x.npy')])
          .map((a) => `"${a}"`)
          .join(' ')} | head -n 2`,
      ]);
      let stderr = '',
        stdout = '';
      sh.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
      sh.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
      sh.on('close', (code) => resolve({ code, stderr, stdout }));
    });
    assert.equal(r.stdout.split('\n').length, 3);
    assert.equal(r.stderr, '');
    assert.ok(r.code === 0 || r.code === 141, `exit ${r.code}`);
  });
});

describe('a run that diverges fails, keeps the old model, and can still be reported', () => {
  it('NaN or exploding cost: exit 1, the reason and a rate to try, no model written, a loadable record', async () => {
    writeFileSync(f('good.json'), 'a good model');
    const r = await lnnInProcess([
      'train',
      '--data',
      f('data.csv'),
      '--label',
      '-1',
      '--hidden',
      '8',
      '--optimizer',
      'gd',
      '--lr',
      '1e6',
      '--iterations',
      '2000',
      '--print-cost-every',
      '10',
      '--save',
      f('good.json'),
      '--record',
      f('diverged-run.json'),
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^diverged at iteration \d+: .*the learning rate 1000000 is likely too large: try 100000/);
    assert.doesNotMatch(r.stdout, /High|bias|variance/, 'no diagnosis of a diverged run');
    assert.match(
      r.stderr,
      /lnn train: the run diverged; no model was written .*; try --lr 100000 \(a tenth of 1000000\)\n$/,
    );
    assert.equal(readFileSync(f('good.json'), 'utf8'), 'a good model');
    const report = await lnnInProcess(['report', f('diverged-run.json'), '-o', f('diverged.html')]);
    assert.equal(report.code, 0, report.stderr);
  });

  it('a short run (issue 17: 50 iterations record 2 costs) that ends 10x above its start: exit 1, no model', async () => {
    writeFileSync(f('kept.json'), 'a good model');
    // The issue's command, on builtin:iris with a small network so that the cost stays finite.
    const r = await lnnInProcess([
      'train',
      '--data',
      'builtin:iris',
      '--hidden',
      '8',
      '--optimizer',
      'gd',
      '--lr',
      '1e6',
      '--iterations',
      '50',
      '--save',
      f('kept.json'),
      '--record',
      f('short-run.json'),
    ]);
    const costs = JSON.parse(readFileSync(f('short-run.json'), 'utf8')).history.costs;
    assert.equal(costs.length, 2);
    assert.ok(Number.isFinite(costs[1].cost) && costs[1].cost > 10 * costs[0].cost, JSON.stringify(costs));
    assert.equal(r.code, 1, r.stdout);
    assert.match(
      r.stdout,
      /^diverged at iteration 49: the run ended with its cost above 10x its start \([\d.]+; [\d.]+ before training\); the learning rate 1000000 is likely too large: try 100000/,
    );
    assert.doesNotMatch(r.stdout, /High|bias|variance|saved/);
    assert.match(
      r.stderr,
      /lnn train: the run diverged; no model was written \(its cost rose above 10x its start\); try --lr 100000 \(a tenth of 1000000\)\n$/,
    );
    assert.equal(readFileSync(f('kept.json'), 'utf8'), 'a good model');
  });

  it('with early stopping, writes the last finite best model and says so', async () => {
    const r = await lnnInProcess([
      'train',
      '--data',
      f('data.csv'),
      '--label',
      '-1',
      '--hidden',
      '8',
      '--optimizer',
      'gd',
      '--lr',
      '1e6',
      '--iterations',
      '2000',
      '--print-cost-every',
      '10',
      '--early-stop',
      '1000',
      '--save',
      f('best.json'),
      '--quiet',
    ]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /wrote the last finite best model \(iteration \d+\) to --save/);
    const e = await lnnInProcess(['eval', '--model', f('best.json'), '--data', f('data.csv'), '--label', '-1']);
    assert.equal(e.code, 0, e.stderr);
  });
});

describe('sizes that cannot fit are refused before allocating', () => {
  it('a width of 10^9 is refused with the figures, before allocating', async () => {
    const r = await train('--hidden', '1000000000');
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^lnn train: the network and its batch need [\d.]+ GB \(W\[1\] alone [\d.]+ GB\); this machine has [\d.]+ GB/,
    );
  });

  it("a network the machine could hold but the wasm backend's 4 GiB memory cannot is refused, naming both", async () => {
    const r = await train('--hidden', '20000,20000', '--optimizer', 'gd', '--backend', 'wasm');
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /need [\d.]+ GB \(W\[2\] alone 1\.6 GB\); this machine has [\d.]+ GB, the wasm backend 4\.3 GB/,
    );
  });

  it('integers are written in digits: 1e9 and 0x10 are not integer option values', async () => {
    for (const [opt, v] of [
      ['--hidden', '1e9'],
      ['--epochs', '0x10'],
      ['--seed', '1.5'],
    ] as const) {
      const r = await train(opt, v);
      assert.equal(r.code, 2, `${opt} ${v}`);
      assert.match(r.stderr, new RegExp(`${opt} must be .*integer.*'${v.replace('.', '\\.')}'`));
    }
  });
});

describe('the command line says what it will not do', () => {
  it('LNN_THREADS that is not a thread count is refused with its own message', async () => {
    for (const bad of ['abc', '0', '-1', '1.5', '1000']) {
      const r = await lnn(['train', '--data', f('data.csv'), '--label', '-1', '--iterations', '1', '--quiet'], {
        env: { ...process.env, LNN_THREADS: bad },
      });
      assert.equal(r.code, 2, `LNN_THREADS=${bad}: ${r.stderr}`);
      assert.match(
        r.stderr,
        new RegExp(
          `^lnn train: LNN_THREADS must be a whole number of threads from 1 to \\d+ but is '${bad.replace('.', '\\.')}'`,
        ),
      );
    }
  });

  it('an empty --hidden, an extra argument, a repeated option are refused', async () => {
    const cases: [string[], RegExp][] = [
      [['--hidden', ''], /--hidden is empty; give widths like 16,8, or 'none'/],
      [['extra.csv'], /unexpected argument 'extra\.csv'; lnn train takes only options/],
      [['--lr', '0.1', '--lr', '0.2'], /--lr is given 2 times; give it once/],
    ];
    for (const [extra, message] of cases) {
      const r = await train(...extra);
      assert.equal(r.code, 2, extra.join(' '));
      assert.match(r.stderr, message);
    }
  });

  it('negative numbers are values: --label -1 works, --seed -1 names the rule', async () => {
    assert.equal((await train()).code, 0);
    const r = await train('--seed', '-1');
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--seed must be an integer in \[0, 4294967295\] but is '-1'/);
  });

  it('diagnose --bias-threshold 0 is a usage error naming the option once', async () => {
    const r = await lnnInProcess(['diagnose', '--train-error', '1%', '--dev-error', '5%', '--bias-threshold', '0']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^lnn diagnose: --bias-threshold must be in \(0, 1\] but is 0 \(lnn diagnose --help\)\n$/);
  });

  it('--evaluate-test without a test set is refused, not ignored', async () => {
    const r = await train('--split', 'none', '--evaluate-test');
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--evaluate-test: there is no test set/);
  });

  it('a byte-order mark is accepted in a params file, as in data files', async () => {
    const t = await train('--save', f('bom-model.json'));
    assert.equal(t.code, 0);
    const p = await lnnInProcess(['inspect', '--model', f('bom-model.json'), '--export-params', f('params.json')]);
    assert.equal(p.code, 0, p.stderr);
    writeFileSync(f('bom-params.json'), '\ufeff' + readFileSync(f('params.json'), 'utf8'));
    const r = await train('--init', f('bom-params.json'));
    assert.equal(r.code, 0, r.stderr);
  });

  it('control characters quoted from input are escaped in messages', async () => {
    const r = await lnnInProcess(['train', '--data', f('data.csv'), '--optimizer', 'evil\u001b]0;pwned\u0007']);
    assert.equal(r.code, 2);
    assert.ok(!r.stderr.includes('\u001b'), JSON.stringify(r.stderr));
    assert.match(r.stderr, /evil\\x1b\]0;pwned\\x07/);
  });
});

describe('separate --dev files are read like the training data', () => {
  it('columns are matched by name, and --impute mean fills their gaps with the training means', async () => {
    const rows = readFileSync(f('data.csv'), 'utf8')
      .trim()
      .split('\n')
      .slice(1)
      .map((r) => r.split(','));
    writeFileSync(f('dev-same.csv'), ['a,b,target', ...rows.map((r) => r.join(','))].join('\n') + '\n');
    writeFileSync(
      f('dev-swapped.csv'),
      ['target,b,a', ...rows.map(([a, b, t]) => [t, b, a].join(','))].join('\n') + '\n',
    );
    const run = (dev: string, ...extra: string[]) =>
      lnnInProcess([
        'train',
        '--data',
        f('data.csv'),
        '--label',
        'target',
        '--dev',
        f(dev),
        '--hidden',
        '4',
        '--iterations',
        '30',
        '--json',
        '--quiet',
        ...extra,
      ]);
    const same = await run('dev-same.csv');
    const swapped = await run('dev-swapped.csv');
    assert.equal(swapped.code, 0, swapped.stderr);
    assert.equal(JSON.parse(swapped.stdout).devError, JSON.parse(same.stdout).devError);
    writeFileSync(
      f('dev-gap.csv'),
      ['a,b,target', '0.5,,1', ...rows.slice(1).map((r) => r.join(','))].join('\n') + '\n',
    );
    const gap = await run('dev-gap.csv', '--impute', 'mean');
    assert.equal(gap.code, 0, gap.stderr);
  });
});
