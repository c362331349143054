/**
 * One sweep end to end in this process (runSweepJob) on iris: the announcement, the record opened and
 * resumed, the job `finish` sees, and every option refused before any data is read or any trial runs.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { loadBuiltin } from '../../src/data/read/builtin.js';
import { runSweepJob, type SweepContext, type SweepJob } from '../../src/sweep/run-sweep.js';
import { SweepRecord } from '../../src/sweep/record.js';
import { sweepOptions } from '../../src/sweep/sweep-options.js';
import { argsFrom } from '../../src/workflow/camel.js';
import { UsageError, type Invocation } from '../../src/workflow/parse.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-run-sweep-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const iris = loadBuiltin('iris');
const RULE = 'auto: dev and test each min(20% of m, 10,000) → 60/20/20, stratified by class';

/** `lnn sweep`'s options over their defaults and --lr swept over `lrs`, on iris in memory. */
function sweepCall(
  options: Record<string, unknown>,
  lrs = ['0.1', '0.01'],
): { args: ReturnType<typeof argsFrom>; invocation: Invocation } {
  const args = argsFrom({ hidden: '4', iterations: 20, backend: 'ts', parallel: 1, ...options }, sweepOptions);
  args['lr'] = lrs[0];
  return { args, invocation: { positionals: [], argv: ['sweep', '--lr', ...lrs], repeated: { lr: lrs } } };
}

/** Runs the sweep; returns what finish saw and what the context was told. */
async function run(options: Record<string, unknown>, ctx: SweepContext = {}, lrs?: string[]) {
  const { args, invocation } = sweepCall(options, lrs);
  const told: { announce: string[]; records: number[] } = { announce: [], records: [] };
  const job = await runSweepJob(
    args,
    invocation,
    {
      dataset: iris,
      onAnnounce: (t) => told.announce.push(t),
      onRecord: (r, expected) => {
        assert.ok(r instanceof SweepRecord);
        told.records.push(expected);
      },
      ...ctx,
    },
    async (j: SweepJob) => j,
  );
  return { job, told };
}

async function refused(options: Record<string, unknown>, message: string, ctx: SweepContext = { dataset: iris }) {
  const { args, invocation } = sweepCall(options);
  let finished = false;
  await assert.rejects(
    runSweepJob(args, invocation, ctx, async () => (finished = true)),
    (e: unknown) => {
      assert.ok(e instanceof UsageError, String(e));
      assert.equal(e.message, message);
      return true;
    },
  );
  assert.equal(finished, false);
}

describe('runSweepJob', { concurrency: false }, () => {
  const record = join(dir, 'grid');

  test('a grid: announced, the record opened, every trial run, finish sees the job; resume keeps them', async () => {
    const progress: string[] = [];
    const { job, told } = await run({ dir: record }, { hooks: { progress: (s) => progress.push(s.id) } });
    assert.deepEqual(job.outcome, { ran: 2, stopped: 'all 2 trials finished' });
    assert.equal(job.expected, 2);
    assert.deepEqual(told.records, [2]);
    assert.equal(job.record.dir, record);
    assert.equal(job.record.finished.size, 2);
    assert.equal(job.backend.name, 'ts');
    assert.equal(job.prepared.sets.train.X.cols, 90);
    assert.equal(job.settings.strategy, 'grid');
    assert.equal(job.record.identity.data.dev, 30);
    assert.deepEqual(job.record.identity.command, ['lnn', 'sweep', '--lr', '0.1', '0.01']);
    assert.ok(progress.length >= 2, 'each trial tells where it stands');
    assert.equal(told.announce.length, 1);
    const cores = availableParallelism();
    assert.match(
      told.announce[0]!,
      new RegExp(
        `^lnn sweep: grid over --lr 0\\.1 \\| 0\\.01: 2 trials, 1 at a time with \\d+ kernel threads? each \\(${cores} cores\\); ` +
          `builtin:iris: train 90, dev 30 \\(${RULE.replace(/[()]/g, '\\$&')}\\); record in ${record}\\n$`,
      ),
    );
    const again = await run({ dir: record, resume: true });
    assert.deepEqual(again.job.outcome, { ran: 0, stopped: 'all 2 trials finished' });
    assert.match(again.told.announce[0]!, new RegExp(`\\nresuming ${record}: 2 trials finished and kept\\n$`));
  });

  test('with --folds K each trial is K fold runs, and the announcement says so', async () => {
    const { job, told } = await run({ dir: join(dir, 'folds'), folds: 3 });
    assert.equal(job.outcome.ran, 2);
    assert.deepEqual(
      [...job.record.finished.values()].map((t) => t.run!.folds!.each.map((f) => f.fold)),
      [
        [1, 2, 3],
        [1, 2, 3],
      ],
    );
    assert.match(told.announce[0]!, /; each trial as 3 folds of train \+ dev; builtin:iris: /);
    assert.match(told.announce[0]!, /^lnn sweep: grid over --lr 0\.1 \| 0\.01: 2 trials, /);
  });

  test('Redis options without --queue, or a queue with data in memory, are refused first', async () => {
    await refused(
      { password: 'p' },
      '--password is for the Redis of --queue; add --queue rediss://HOST:PORT or drop it',
    );
    await refused(
      { tlsCa: 'ca.pem' },
      '--tls-ca is for the Redis of --queue; add --queue rediss://HOST:PORT or drop it',
    );
    await refused(
      { secretFile: 's' },
      '--secret-file is for the Redis of --queue; add --queue rediss://HOST:PORT or drop it',
    );
    await refused(
      { queue: 'redis://127.0.0.1:1' },
      '--queue sends each trial to workers that read the data by path: give data as a file path',
    );
  });

  test('--folds with --prune, and with --save-best or --evaluate-test but no --refit', async () => {
    await refused(
      { folds: 3, prune: true },
      "--prune compares trials' dev error while they train, and with --folds 3 a trial's dev error is the mean of its folds, known when they end; drop --prune or --folds",
    );
    for (const [option, value] of [
      ['save-best', join(dir, 'm.json')],
      ['evaluate-test', true],
    ] as const)
      await refused(
        { folds: 4, [option === 'save-best' ? 'saveBest' : 'evaluateTest']: value },
        `--${option} with --folds 4 needs --refit: a cross-validated trial keeps none of its 4 fold models, and --refit fits the best configuration on all of train + dev`,
      );
  });

  test('no dev set to judge on', async () => {
    await refused(
      { split: '80,0,20' },
      'a sweep judges every trial on a dev set and there is none (ratios 80/0/20: dev and test each floor(share × m) → 80/0/20, stratified by class); keep a --split with a dev share, or give --dev',
    );
  });

  test("--save-best into the sweep's own record is refused, and the record is released", async () => {
    const own = join(dir, 'own');
    const file = join(own, 'trials.jsonl');
    await refused(
      { dir: own, saveBest: file },
      `--save-best ${file}: is a file of the sweep's own record in ${own}; save the model elsewhere`,
    );
    const { job } = await run({ dir: own, resume: true });
    assert.equal(job.outcome.ran, 2, 'the refused sweep trained nothing and left the record free');
  });
});
