import assert from 'node:assert/strict';
import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { curveLine } from '../../src/cli/commands/runs.js';
import { lnnInProcess } from './run.js';

let dir = '';
const a = () => join(dir, 'a');
const b = () => join(dir, 'b');
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lnn-runs-'));
  for (const [d, lrs] of [
    [a(), ['0.05', '0.0005']],
    [b(), ['0.02', '0.01', '0.005']],
  ] as const) {
    const r = await lnnInProcess([
      'sweep',
      '--data',
      'builtin:iris',
      ...lrs.flatMap((lr) => ['--lr', lr]),
      '--iterations',
      '150',
      '--quiet',
      '--dir',
      d,
    ]);
    assert.equal(r.code, 0, r.stderr);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('lnn runs', () => {
  test('DIR: the trials ranked by dev error, with the values that vary', async () => {
    const r = await lnnInProcess(['runs', a()]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /: grid over --lr 0.05 \| 0.0005, --iterations 150 on builtin:iris \(train 90, dev 30\)$/);
    assert.match(lines[2]!, /^rank\s+trial\s+id\s+status\s+dev\s+train\s+diagnosis\s+time\s+--lr$/);
    assert.match(lines[3]!, /^1\s+1\s+[0-9a-f]{8}\s+ok\s+[\d.]+%\s+[\d.]+%\s+.*0\.05$/);
    // Two trials on 30 dev examples: the second is within one standard error of the best, and marked so.
    assert.equal(lines.length, 6);
    assert.match(lines[4]!, /^2\s+2\s+[0-9a-f]{8}\s+ok\s+[\d.]+% ≈\s/);
    assert.match(lines[5]!, /^≈ within one standard error of the best \([\d.]+% ± [\d.]+% on 30 dev examples\)/);
    const j = JSON.parse((await lnnInProcess(['runs', a(), '--json'])).stdout);
    assert.equal(j.trials.length, 2);
    assert.equal(j.best, j.trials[0].id);
    assert.ok(j.trials[0].devError <= j.trials[1].devError);
  });

  test('DIR TRIAL: one trial, by number or by the start of its id', async () => {
    const byNumber = await lnnInProcess(['runs', a(), '2']);
    assert.equal(byNumber.code, 0, byNumber.stderr);
    assert.match(byNumber.stdout, /^trial 2 of .* \(id ([0-9a-f]{16})\), rank \d of 2: ok\n/);
    assert.match(byNumber.stdout, /values: {4}--lr 0.0005 --iterations 150/);
    assert.match(byNumber.stdout, /alone: lnn train --data builtin:iris .*--lr 0.0005 --iterations 150/);
    // The curve: as many dev errors as evaluations, counted right.
    const curve = /^curve: {5}(\d+) evaluations \(iterations 0 to 149\); dev error (.*)$/m.exec(byNumber.stdout);
    assert.ok(curve, byNumber.stdout);
    assert.equal(curve[2]!.split(' → ').length, Number(curve[1]));
    assert.doesNotMatch(byNumber.stdout, /last 6/);
    const id = /\(id ([0-9a-f]{16})\)/.exec(byNumber.stdout)![1]!;
    const byId = await lnnInProcess(['runs', a(), id.slice(0, 6), '--json']);
    const t = JSON.parse(byId.stdout);
    assert.equal(t.id, id);
    assert.equal(t.run.format, 'lnn-run');
    assert.ok(t.run.history.evals.length > 0);
  });

  test('the curve line: one evaluation, a few, and the last 6 of many', () => {
    const at = (n: number) =>
      Array.from({ length: n }, (_, i) => ({ iteration: 10 * i, trainError: 0.1, devError: i / 100 }));
    assert.equal(curveLine(at(1), true), '1 evaluation (iteration 0); dev error 0.00%');
    assert.equal(curveLine(at(3), true), '3 evaluations (iterations 0 to 20); dev error 0.00% → 1.00% → 2.00%');
    assert.equal(
      curveLine(at(8), true),
      '8 evaluations (iterations 0 to 70); dev error, the last 6: 2.00% → 3.00% → 4.00% → 5.00% → 6.00% → 7.00%',
    );
    assert.equal(curveLine([{ iteration: 5, trainError: 0.1 }], true), undefined, 'no dev error, no curve');
  });

  test('DIR DIR: sweeps side by side', async () => {
    const r = await lnnInProcess(['runs', a(), b()]);
    assert.equal(r.code, 0, r.stderr);
    const rows = r.stdout.trim().split('\n');
    assert.ok(rows[0]!.includes(a()) && rows[0]!.includes(b()));
    assert.match(
      rows.find((l) => l.startsWith('trials'))!,
      /^trials\s+2 finished\s+3 finished$/,
    );
    assert.match(
      rows.find((l) => l.startsWith('best dev error'))!,
      /^best dev error\s+[\d.]+%\s+[\d.]+%$/,
    );
    const j = JSON.parse((await lnnInProcess(['runs', a(), b(), '--json'])).stdout);
    assert.deepEqual(
      j.sweeps.map((s: { trials: number }) => s.trials),
      [2, 3],
    );
  });

  test('text from the record reaches the terminal with its control characters escaped', async () => {
    const hostile = join(dir, 'hostile');
    const r = await lnnInProcess([
      'sweep',
      '--data',
      'builtin:iris',
      '--lr',
      '0.1',
      '--lr',
      '0.2',
      '--iterations',
      '5',
      '--quiet',
      '--dir',
      hostile,
    ]);
    assert.equal(r.code, 0, r.stderr);
    const line = {
      event: 'finish',
      id: 'ffff000011112222',
      index: 3,
      values: { init: 'x\u001b]0;pwned\u0007.json' },
      status: 'failed',
      error: 'bad\u001b[2J',
      seconds: 0,
      ranOn: 'h',
      finishedAt: 'now',
    };
    appendFileSync(join(hostile, 'trials.jsonl'), JSON.stringify(line) + '\n');
    const list = await lnnInProcess(['runs', hostile]);
    const one = await lnnInProcess(['runs', hostile, '3']);
    for (const out of [list.stdout, one.stdout]) {
      assert.ok(!out.includes('\u001b'), 'no raw escape character');
      assert.match(out, /x\\x1b\]0;pwned\\x07\.json/);
    }
    assert.match(one.stdout, /failed: {3}bad\\x1b\[2J/);
  });

  test('errors: no directory, not a sweep, no such trial', async () => {
    const none = await lnnInProcess(['runs']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /give a sweep directory/);
    const foreign = await lnnInProcess(['runs', tmpdir() + '/lnn-no-such-sweep']);
    assert.equal(foreign.code, 1);
    assert.match(foreign.stderr, /not an lnn sweep directory \(no sweep.json/);
    const missing = await lnnInProcess(['runs', a(), '9']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /no finished trial '9' \(trials 1, 2\); give its number or the start of its id/);
  });
});
