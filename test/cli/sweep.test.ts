import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { eventually } from '../helpers/wait.js';
import { lnn, lnnArgv, lnnInProcess, ROOT } from './run.js';

let dir = '';
before(() => (dir = mkdtempSync(join(tmpdir(), 'lnn-sweep-'))));
after(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => join(dir, name);
/** Two cores for the sweep, whatever the machine has: the thread budget is then known. */
const twoCores = { ...process.env, LNN_THREADS: '2' };
const IRIS = ['--data', 'builtin:iris', '--quiet'];

interface TrialJson {
  rank: number;
  index: number;
  id: string;
  status: string;
  values: Record<string, string>;
  hyperparameters: Record<string, unknown>;
  trainError?: number;
  devError?: number;
  diagnosis: { highBias: boolean; highVariance: boolean } | null;
  reason?: string;
  error?: string;
  threads?: number;
}
interface SweepJson {
  trials: TrialJson[];
  best: TrialJson | null;
  ran: number;
  stopped: string;
  dir: string;
  test?: { testError: number };
}

async function sweepJson(args: string[], env?: NodeJS.ProcessEnv): Promise<SweepJson> {
  const r = env ? await lnn(['sweep', ...args, '--json'], { env }) : await lnnInProcess(['sweep', ...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as SweepJson;
}

describe('lnn sweep', { concurrency: false }, () => {
  test('a 2 x 2 grid: ranked by dev error, each trial with its hyperparameters, errors and diagnosis; 2 trials on 2 cores get 1 kernel thread each', async () => {
    const out = await sweepJson(
      [
        ...IRIS,
        '--lr',
        '0.1',
        '--lr',
        '0.01',
        '--hidden',
        '4',
        '--hidden',
        '16,8',
        '--iterations',
        '300',
        '--parallel',
        '2',
        '--dir',
        f('grid'),
      ],
      twoCores,
    );
    assert.equal(out.trials.length, 4);
    assert.equal(out.ran, 4);
    const devs = out.trials.map((t) => t.devError!);
    assert.deepEqual(
      devs,
      [...devs].sort((a, b) => a - b),
      'best first',
    );
    assert.deepEqual(out.best, out.trials[0]);
    assert.deepEqual(
      new Set(out.trials.map((t) => `${t.values.lr} ${t.values.hidden}`)),
      new Set(['0.1 4', '0.1 16,8', '0.01 4', '0.01 16,8']),
    );
    for (const t of out.trials) {
      assert.equal(t.status, 'ok');
      assert.equal(typeof t.trainError, 'number');
      assert.equal(typeof t.diagnosis?.highBias, 'boolean');
      assert.deepEqual(t.hyperparameters['dims'], [4, ...t.values.hidden!.split(',').map(Number), 3]);
      assert.equal(t.hyperparameters['iterations'], 300);
      assert.equal(t.threads, 1, '2 parallel trials on 2 cores: 1 kernel thread each');
    }
    const one = await sweepJson(
      [...IRIS, '--lr', '0.1', '--lr', '0.01', '--iterations', '50', '--parallel', '1', '--dir', f('one')],
      twoCores,
    );
    assert.ok(
      one.trials.every((t) => t.threads === 2),
      'one trial at a time gets both cores',
    );
  });

  test('the split is made once, seeded, and shared: equal options give the same trial in every sweep', async () => {
    const a = await sweepJson([...IRIS, '--lr', '0.05', '--lr', '0.02', '--iterations', '100', '--dir', f('same-a')]);
    const b = await sweepJson([...IRIS, '--lr', '0.02', '--lr', '0.05', '--iterations', '100', '--dir', f('same-b')]);
    const byLr = (s: SweepJson) => Object.fromEntries(s.trials.map((t) => [t.values.lr, [t.id, t.devError]]));
    assert.deepEqual(byLr(a), byLr(b));
  });

  test('killed with SIGKILL and run again with --resume: finished trials are kept, the rest run once', async () => {
    const args = [
      'sweep',
      ...IRIS,
      '--lr',
      '0.1',
      '--lr',
      '0.03',
      '--lr',
      '0.01',
      '--hidden',
      '8',
      '--hidden',
      '16',
      '--iterations',
      '3000',
      '--parallel',
      '1',
      '--dir',
      f('killed'),
    ];
    // Not --quiet, its stderr read: the line of a trial comes after the trial's finish line is in the record.
    const loud = args.filter((a) => a !== '--quiet');
    const child = spawn(process.execPath, lnnArgv(loud), {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const closed = new Promise((r) => child.on('close', r));
    const log = f('killed/trials.jsonl');
    const finishes = () =>
      existsSync(log)
        ? readFileSync(log, 'utf8')
            .split('\n')
            .filter((l) => l.includes('"event":"finish"')).length
        : 0;
    await eventually('the first finished trial', () => finishes() >= 1, { procs: [child] });
    child.kill('SIGKILL');
    await closed;
    const before = finishes();
    assert.ok(before >= 1 && before < 6, `${before} trials finished before the kill`);
    const kept = readFileSync(log, 'utf8');
    const out = await sweepJson(
      args
        .slice(1)
        .filter((a) => a !== '--quiet')
        .concat('--resume', '--quiet'),
    );
    assert.equal(out.trials.length, 6, 'every trial of the sweep is in the record');
    assert.equal(out.ran, 6 - before, 'finished trials are not repeated');
    assert.equal(new Set(out.trials.map((t) => t.id)).size, 6);
    assert.ok(readFileSync(log, 'utf8').startsWith(kept), 'the record is only appended to');
    const again = await sweepJson(args.slice(1).concat('--resume'));
    assert.equal(again.ran, 0, 'resuming a finished sweep trains nothing');
    assert.equal(again.trials.length, 6);
  });

  test('--save-best writes the best model, which lnn eval loads; --evaluate-test reports it on test once', async () => {
    const model = f('best.json');
    const out = await sweepJson([
      ...IRIS,
      '--lr',
      '0.05',
      '--lr',
      '0.0005',
      '--iterations',
      '200',
      '--save-best',
      model,
      '--evaluate-test',
      '--dir',
      f('best'),
    ]);
    assert.equal(out.best!.values.lr, '0.05');
    assert.equal(typeof out.test!.testError, 'number');
    const e = await lnnInProcess(['eval', '--model', model, '--data', 'builtin:iris', '--json']);
    assert.equal(e.code, 0, e.stderr);
    // On its own source, the model scores its held-back test part by default: the sweep's test figure.
    const scored = JSON.parse(e.stdout);
    assert.deepEqual([scored.subset, scored.m, scored.error], ['test', 30, out.test!.testError]);
    assert.ok(scored.accuracy > 0.8);
    assert.ok(!existsSync(f('best/models')) || readFileSync(model, 'utf8').includes('"lnn-model"'));
    // The test figure is kept: in sweep.json, in the best model's record (checksum made again), in the report.
    const kept = JSON.parse(readFileSync(f('best/sweep.json'), 'utf8')).test;
    assert.deepEqual([kept.index, kept.m, kept.error], [out.best!.index, 30, out.test!.testError]);
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    assert.equal(saved.run.result.testError, out.test!.testError);
    assert.equal(saved.run.data.split.test, 30);
    const page = await lnnInProcess(['report', f('best'), '-o', f('best.html')]);
    assert.equal(page.code, 0, page.stderr);
    assert.match(
      readFileSync(f('best.html'), 'utf8'),
      /id="test-figure">Test \(held back, measured once with --evaluate-test on the model of trial \d+\): accuracy/,
    );
    // A resumed sweep keeps it.
    await sweepJson([...IRIS, '--lr', '0.05', '--lr', '0.0005', '--iterations', '200', '--dir', f('best'), '--resume']);
    assert.deepEqual(JSON.parse(readFileSync(f('best/sweep.json'), 'utf8')).test, kept);
  });

  test('a diverged trial is a failed trial, recorded with its reason, never the best', async () => {
    const out = await sweepJson([
      ...IRIS,
      '--lr',
      '1e6',
      '--lr',
      '0.05',
      '--optimizer',
      'gd',
      '--normalize',
      'none',
      '--iterations',
      '300',
      '--dir',
      f('diverged'),
    ]);
    const failed = out.trials.find((t) => t.values.lr === '1000000')!;
    assert.equal(failed.status, 'failed');
    assert.match(failed.error!, /diverge|not finite|NaN|cost/i);
    assert.equal(out.best!.values.lr, '0.05');
    assert.equal(out.trials.at(-1)!.id, failed.id, 'ranked last');
  });

  test('depth: logistic regression, then 1, 2, ... hidden layers, stopping by its rule', async () => {
    const out = await sweepJson([
      ...IRIS,
      '--strategy',
      'depth',
      '--hidden',
      '8',
      '--lr',
      '0.05',
      '--iterations',
      '200',
      '--max-depth',
      '2',
      '--dir',
      f('depth'),
    ]);
    const byIndex = [...out.trials].sort((a, b) => a.index - b.index);
    assert.equal(byIndex[0]!.values.hidden, 'none');
    assert.equal(byIndex[0]!.reason, 'logistic regression (no hidden layer)');
    assert.deepEqual(byIndex.map((t) => t.values.hidden).slice(1), ['8', '8,8'].slice(0, byIndex.length - 1));
    assert.match(out.stopped, /reached --max-depth 2|is not 0.5 points better|→ stop/);
  });

  test('recipe: each trial after the baseline says why it was chosen, from which trial', async () => {
    const out = await sweepJson([
      ...IRIS,
      '--strategy',
      'recipe',
      '--hidden',
      '2',
      '--lr',
      '0.01',
      '--iterations',
      '60',
      '--trials',
      '3',
      '--dir',
      f('recipe'),
    ]);
    const byIndex = [...out.trials].sort((a, b) => a.index - b.index);
    assert.equal(byIndex[0]!.reason, 'baseline');
    for (const t of byIndex.slice(1))
      assert.match(
        t.reason!,
        /^(high (bias|variance).* in trial \d+ \(train [\d.]+%, dev [\d.]+%\)(; its cost [^→]*)? → --|trial \d+ diverged)/,
      );
    assert.ok(byIndex.length <= 3);
  });

  test('--prune: a trial that is losing at a rung stops early, is recorded as pruned, and is not the best', async () => {
    const lrs = ['0.05', '0.04', '0.00001', '0.00002', '0.03', '0.00003'];
    const out = await sweepJson([
      ...IRIS,
      ...lrs.flatMap((lr) => ['--lr', lr]),
      '--hidden',
      '8',
      '--iterations',
      '900',
      '--prune',
      '--parallel',
      '1',
      '--dir',
      f('prune'),
    ]);
    const pruned = out.trials.filter((t) => t.status === 'pruned');
    assert.ok(pruned.length >= 1, JSON.stringify(out.trials.map((t) => [t.values.lr, t.status])));
    for (const t of pruned) {
      assert.match(t.error!, /^pruned at iteration 100 of 900 \(rung 1, at 1\/9 of the budget: dev error/);
      assert.ok(Number(t.values.lr) < 0.001, `lr ${t.values.lr} pruned`);
      assert.equal(t.hyperparameters['iterations'], 900);
    }
    assert.equal(out.best!.status, 'ok');
  });

  test('--prune with an evaluation per epoch: every pruned trial names the one rung its evaluation reached', async () => {
    // 3 epochs of 23 updates: rungs at 8 and 23; the first evaluation, at 23, passes both and counts at the second.
    const lrs = ['0.05', '0.04', '0.00001', '0.00002', '0.03', '0.00003', '0.00004'];
    const out = await sweepJson([
      ...IRIS,
      ...lrs.flatMap((lr) => ['--lr', lr]),
      '--hidden',
      '8',
      '--epochs',
      '3',
      '--prune',
      '--parallel',
      '1',
      '--dir',
      f('prune-epochs'),
    ]);
    const pruned = out.trials.filter((t) => t.status === 'pruned');
    assert.ok(pruned.length >= 2, JSON.stringify(out.trials.map((t) => [t.values.lr, t.status])));
    for (const t of pruned)
      assert.match(t.error!, /^pruned at iteration 23 of 69 \(rung 2, at 1\/3 of the budget: dev error/);
  });
});

describe('lnn sweep refuses bad input in one line', { concurrency: true }, () => {
  const fails = async (args: string[], code: number, message: RegExp) => {
    const r = await lnnInProcess(['sweep', ...args]);
    assert.equal(r.code, code, r.stderr);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, message);
  };

  test('an unknown hyperparameter, on the command line or in --space', async () => {
    await fails([...IRIS, '--lrate', '0.1'], 2, /^lnn sweep: Unknown option '--lrate'/);
    writeFileSync(f('bad-space.json'), JSON.stringify({ lr: [0.1], depth: [1, 2] }));
    await fails(
      [...IRIS, '--space', f('bad-space.json')],
      2,
      /unknown hyperparameter 'depth'; a sweep varies lr, iterations/,
    );
  });

  test('the Redis options without --queue (the sweep would silently run here)', async () => {
    await fails(
      [...IRIS, '--lr', '0.1', '--lr', '0.2', '--password', 'secret'],
      2,
      /^lnn sweep: --password is for the Redis of --queue; add --queue rediss:\/\/HOST:PORT or drop it \(lnn sweep --help\)\n$/,
    );
    await fails(
      [...IRIS, '--lr', '0.1', '--lr', '0.2', '--tls-ca', f('ca.pem')],
      2,
      /^lnn sweep: --tls-ca is for the Redis of --queue; add --queue rediss:\/\/HOST:PORT or drop it \(lnn sweep --help\)\n$/,
    );
  });

  test('an empty space, and an empty list in --space', async () => {
    await fails([...IRIS, '--dir', f('empty')], 2, /the space is empty: --strategy grid needs hyperparameters to vary/);
    writeFileSync(f('empty-space.json'), JSON.stringify({ lr: [] }));
    await fails(
      [...IRIS, '--space', f('empty-space.json')],
      2,
      /--lr: the space lists no value for it \(an empty space\)/,
    );
  });

  test('a contradictory space', async () => {
    await fails(
      [...IRIS, '--iterations', '10', '--epochs', '2', '--lr', '0.1', '--lr', '0.2'],
      2,
      /varies both --iterations and --epochs/,
    );
    writeFileSync(f('lr-space.json'), JSON.stringify({ lr: [0.5] }));
    await fails(
      [...IRIS, '--lr', '0.1', '--space', f('lr-space.json')],
      2,
      /--lr is given in the command line and in .*lr-space.json; give it in one place/,
    );
    await fails(
      [...IRIS, '--lr', '1e-3..1e-1'],
      2,
      /--lr 0.001..0.1 \(log\) is a range; list values, or use --strategy random/,
    );
    await fails(
      [...IRIS, '--strategy', 'depth', '--lr', '0.1', '--lr', '0.2'],
      2,
      /--strategy depth starts from one value of each hyperparameter .* --lr has 2/,
    );
    await fails(
      [...IRIS, '--dims', '4,8,3', '--hidden', '4', '--hidden', '8'],
      2,
      /give --dims .* or --hidden .*, not both/,
    );
    await fails(
      [...IRIS, '--lr', '0.1', '--lr', '0.2', '--trials', '5'],
      2,
      /--trials is for --strategy random or recipe, not grid/,
    );
  });

  test('a range with min > max, and a value outside its rule', async () => {
    await fails(
      [...IRIS, '--strategy', 'random', '--lr', '1e-1..1e-4'],
      2,
      /--lr 1e-1..1e-4: the range's min 0.1 is above its max 0.0001/,
    );
    await fails(
      [...IRIS, '--keep-prob', '0.5', '--keep-prob', '1.5'],
      2,
      /--keep-prob must be a number in \(0, 1\] but is '1.5'/,
    );
  });

  test('a sweep without a dev set, a record directory of another sweep', async () => {
    await fails(
      [...IRIS, '--split', 'none', '--lr', '0.1', '--lr', '0.2'],
      2,
      /judges every trial on a dev set and there is none/,
    );
    const d = f('taken');
    const first = await lnnInProcess([
      'sweep',
      ...IRIS,
      '--lr',
      '0.1',
      '--lr',
      '0.2',
      '--iterations',
      '20',
      '--dir',
      d,
    ]);
    assert.equal(first.code, 0, first.stderr);
    const kept = readFileSync(join(d, 'trials.jsonl'), 'utf8');
    await fails(
      [...IRIS, '--lr', '0.1', '--lr', '0.2', '--iterations', '20', '--seed', '2', '--dir', d, '--resume'],
      1,
      /--dir .*taken: holds another sweep \(its seed is 1, this one's 2\); choose another --dir/,
    );
    await fails(
      [...IRIS, '--lr', '0.1', '--lr', '0.3', '--iterations', '20', '--dir', d, '--resume'],
      1,
      /holds another sweep \(its space differs/,
    );
    assert.equal(readFileSync(join(d, 'trials.jsonl'), 'utf8'), kept, 'no finished trial is lost');
  });

  test("--save-best never replaces a file of the sweep's own record, and never copies a damaged model", async () => {
    const d = f('own');
    const args = [...IRIS, '--lr', '0.05', '--lr', '0.01', '--iterations', '100', '--dir', d];
    const first = await lnn(['sweep', ...args, '--save-best', f('own-best.json')]);
    assert.equal(first.code, 0, first.stderr);
    const record = Object.fromEntries(
      ['sweep.json', 'trials.jsonl'].map((n) => [n, readFileSync(join(d, n), 'utf8')] as const),
    );
    for (const target of ['trials.jsonl', 'sweep.json', 'lock', 'models/x.json'])
      await fails(
        [...args, '--resume', '--save-best', join(d, target)],
        2,
        new RegExp(
          `--save-best .*own/${target}: is a file of the sweep's own record in .*own; save the model elsewhere`,
        ),
      );
    for (const [n, text] of Object.entries(record)) assert.equal(readFileSync(join(d, n), 'utf8'), text, `${n} kept`);
    // The kept model, cut short: --save-best refuses to copy it and says why.
    const kept = join(d, 'models', readdirSync(join(d, 'models'))[0]!);
    writeFileSync(kept, readFileSync(kept, 'utf8').slice(0, 200));
    await fails(
      [...args, '--resume', '--save-best', f('own-copy.json')],
      1,
      /models\/[0-9a-f]{16}.json: not valid JSON at line 1, column 201 \(truncated or corrupted\?\)/,
    );
    assert.equal(existsSync(f('own-copy.json')), false, 'nothing saved from a damaged model');
  });

  test('outputs are checked before the first trial', async () => {
    await fails(
      [...IRIS, '--lr', '0.1', '--lr', '0.2', '--save-best', f('no/such/dir/m.json')],
      1,
      /--save-best .*: cannot write \(the directory .* does not exist\)/,
    );
    // A file of this test's own: the tests of this suite run concurrently.
    writeFileSync(f('not-a-dir.json'), '{}');
    await fails(
      [...IRIS, '--lr', '0.1', '--lr', '0.2', '--dir', f('not-a-dir.json')],
      1,
      /--dir .*not-a-dir.json: is a file, not a directory/,
    );
  });
});
