/**
 * Hostile queue peers against a real Redis: a rogue BullMQ worker answering lnn sweep's jobs with
 * traversal ids, garbage, null, escape codes and unsigned results; rogue jobs pushed at a real lnn
 * worker. Nothing outside the sweep's directory is written, the record stays readable, every refusal is
 * one line, and trials no worker could run are run again by --resume. (Skipped without redis-server.)
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { Queue, Worker } from 'bullmq';
import { connectionOf } from '../../src/sweep/redis-target.js';
import { QUEUE_NAME } from '../../src/sweep/queue.js';
import { signJob } from '../../src/sweep/signing.js';
import { lnn } from './run.js';
import { redisMissing, startLnn, startRedis, until, type Proc, type RedisServer } from './redis.js';

const skip = redisMissing();
let redis: RedisServer;
let dir = '';
const f = (name: string) => join(dir, name);
const SECRET = 'a-shared-secret-of-enough-bytes';

/** Two quick trials on iris. */
const SWEEP = ['sweep', '--data', 'builtin:iris', '--lr', '0.05', '--lr', '0.02', '--iterations', '40'];

/** Every process started, killed after the tests whatever their outcome (a worker left running would take the next test's jobs). */
const started: Proc[] = [];

function start(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const p = startLnn(args, { REDIS_PASSWORD: redis.password, ...env });
  started.push(p);
  return p;
}

const target = () => ({ url: redis.url, password: redis.password });

/** A BullMQ worker on lnn's queue that answers each job with the next of `answers` (then the last). */
function rogueWorker(answers: unknown[]): { worker: Worker; seen: string[] } {
  const seen: string[] = [];
  const worker = new Worker(
    QUEUE_NAME,
    async (job) => {
      seen.push(String(job.id));
      return answers[Math.min(seen.length - 1, answers.length - 1)];
    },
    { connection: connectionOf(target()), name: 'rogue\u001b[31m' },
  );
  return { worker, seen };
}

/** A result that passes every shape check: only a signature can tell it from a worker's. */
const plausible = {
  result: { status: 'ok', trainError: 0, devError: 0, seconds: 1, ranOn: 'rogue', finishedAt: 'now' },
};

const noEscapes = (text: string) => assert.doesNotMatch(text, /\u001b/, 'no raw escape code reaches the terminal');

describe('hostile queue peers (a real Redis)', { skip, concurrency: false, timeout: 240_000 }, () => {
  before(async () => {
    redis = await startRedis();
    dir = mkdtempSync(join(tmpdir(), 'lnn-rogue-'));
  });
  // A test that failed halfway leaves its processes; the next one starts without them.
  beforeEach(async () => {
    for (const p of started) p.child.kill('SIGKILL');
    await Promise.all(started.splice(0).map((p) => p.exit));
  });
  after(async () => {
    for (const p of started) p.child.kill('SIGKILL');
    await Promise.all(started.map((p) => p.exit));
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a rogue worker cannot write outside the sweep, nor record garbage; --resume with a real worker finishes', async () => {
    const outside = f('outside');
    const rogue = rogueWorker([
      { result: { ...plausible.result, id: `../../../../${outside}` }, model: 'anything', id: `../${outside}` },
      { result: { ...plausible.result, seconds: 'x' } },
      { result: { ...plausible.result, run: { history: { costs: 5 } } } },
      null,
      { result: { ...plausible.result, status: '\u001b]0;pwned\u0007ok' } },
      { result: { ...plausible.result, ranOn: 'x'.repeat(10_000) } },
    ]);
    const sweep = start([...SWEEP, '--queue', redis.url, '--dir', f('s'), '--save-best', f('best.json'), '--json']);
    const code = await sweep.exit;
    await rogue.worker.close();
    assert.equal(code, 1, `no trial finished: ${sweep.err()}`);
    assert.ok(rogue.seen.length >= 6, `each trial was queued three times (${rogue.seen.length} answers)`);
    assert.equal(existsSync(`${outside}.json`), false, 'no file outside --dir');
    assert.equal(existsSync(f('best.json')), false, 'no best model from a rogue');
    assert.deepEqual(readdirSync(f('s')).sort(), ['sweep.json', 'trials.jsonl']);
    const err = sweep.err();
    noEscapes(err);
    assert.match(err, /trial \d: its result's model: not valid JSON .*; queued again \(attempt 2 of 3\)/);
    assert.match(err, /its result: result.seconds must be a finite number ≥ 0 but is "x"/);
    assert.match(err, /its result: result.run.format must be present but is missing|result.run.history/);
    assert.match(err, /its result is not a trial result \(null\)/);
    assert.match(err, /result.status must be one of "ok", "failed", "pruned" but is "\\u001b\]0;pwned\\u0007ok"/);
    const out = JSON.parse(sweep.out());
    assert.equal(out.trials.length, 2);
    for (const t of out.trials) {
      assert.equal(t.status, 'failed');
      assert.equal(t.infrastructure, true);
      assert.match(t.error, /^no worker could run it \(3 attempts; the last: .*\); --resume runs it again$/);
    }
    // The record stays readable by every reader.
    const runs = await lnn(['runs', f('s')]);
    assert.equal(runs.code, 0, runs.stderr);
    assert.match(runs.stdout, /no worker/);
    noEscapes(runs.stdout);
    const report = await lnn(['report', f('s'), '-o', f('s.html')]);
    assert.equal(report.code, 0, report.stderr);
    // A real worker, and --resume: both trials run now.
    const worker = start(['worker', '--queue', redis.url]);
    const again = start([...SWEEP, '--queue', redis.url, '--dir', f('s'), '--resume', '--json']);
    assert.equal(await again.exit, 0, again.err());
    worker.child.kill('SIGTERM');
    await worker.exit;
    assert.match(again.err(), /resuming .*: 0 trials finished and kept, 2 that no worker could run queued again/);
    const done = JSON.parse(again.out());
    assert.equal(done.trials.length, 2);
    assert.ok(done.trials.every((t: { status: string }) => t.status === 'ok'));
    assert.equal(done.ran, 2);
  });

  test('with a queue secret: an unsigned or wrongly signed result is never a trial; a real worker signs its own', async () => {
    const secretFile = f('secret');
    writeFileSync(secretFile, `${SECRET}\n`);
    const forged = rogueWorker([plausible, { ...plausible, sig: '00'.repeat(32) }]);
    const args = [...SWEEP, '--queue', redis.url, '--dir', f('signed'), '--secret-file', secretFile, '--json'];
    const sweep = start(args);
    assert.equal(await sweep.exit, 1, sweep.err());
    await forged.worker.close();
    assert.match(sweep.err(), /its result is not signed, and this side has a queue secret \(--secret-file .*secret\)/);
    assert.match(
      sweep.err(),
      /its result's signature does not match the queue secret .*: signed with another secret, or forged/,
    );
    assert.doesNotMatch(sweep.err(), /note: no queue secret/);
    assert.ok(JSON.parse(sweep.out()).trials.every((t: { infrastructure?: boolean }) => t.infrastructure));
    const worker = start(['worker', '--queue', redis.url], { LNN_QUEUE_SECRET: SECRET });
    const again = start([...args, '--resume']);
    assert.equal(await again.exit, 0, again.err());
    worker.child.kill('SIGTERM');
    await worker.exit;
    assert.ok(JSON.parse(again.out()).trials.every((t: { status: string }) => t.status === 'ok'));
    assert.match(worker.err(), /jobs signed with the secret of LNN_QUEUE_SECRET only/);
  });

  test('a real worker refuses rogue jobs in one line each, reads nothing, and keeps serving', async () => {
    const queue = new Queue(QUEUE_NAME, { connection: connectionOf(target()) });
    const worker = start(['worker', '--queue', redis.url, '--data-root', dir], { LNN_QUEUE_SECRET: SECRET });
    await until('the worker to start', () => /serving/.test(worker.err()), worker);
    const secret = { key: Buffer.from(SECRET), source: 'test' };
    const job = {
      sweep: '0123456789abcdef',
      data: { source: 'x', m: 1, nx: 1, hash: '0123456789abcdef', train: 1, dev: 1, splitRule: 'auto' },
      spec: { id: 'fedcba9876543210', index: 1, values: {}, args: { data: '/etc/passwd', label: 'y' } },
    };
    const jobs: [string, unknown, RegExp][] = [
      ['unsigned', job, /refused job unsigned: the job is not signed, and this side has a queue secret/],
      [
        'other-secret',
        { ...job, sig: signJob({ key: Buffer.from('another-secret-of-16-bytes'), source: 'x' }, job) },
        /refused job other-secret: the job's signature does not match the queue secret/,
      ],
      [
        'outside',
        { ...job, sig: signJob(secret, job) },
        /refused job outside: --data \/etc\/passwd: outside this worker's --data-root/,
      ],
      [
        'bad\u001b[2J',
        (() => {
          const bad = { ...job, spec: { ...job.spec, id: '\u001b[2J' } };
          return { ...bad, sig: signJob(secret, bad) };
        })(),
        /refused job bad\\x1b\[2J: not a trial of lnn sweep: spec.id must be an id of 16 hex digits but is "\\u001b\[2J"/,
      ],
      [
        'no-options',
        (() => {
          const { args: _a, ...spec } = job.spec;
          const bad = { ...job, spec };
          return { ...bad, sig: signJob(secret, bad) };
        })(),
        /refused job no-options: not a trial of lnn sweep: spec.args must be present but is missing/,
      ],
      [
        'fold-zero',
        (() => {
          const bad = { ...job, spec: { ...job.spec, fold: 0 } };
          return { ...bad, sig: signJob(secret, bad) };
        })(),
        /refused job fold-zero: not a trial of lnn sweep: spec.fold must be .* but is 0/,
      ],
    ];
    for (const [id, data] of jobs) await queue.add('trial', data as never, { jobId: id, attempts: 1 });
    await until(
      'every rogue job refused',
      () => (worker.err().match(/refused job/g) ?? []).length >= jobs.length,
      worker,
    );
    for (const [, , message] of jobs) assert.match(worker.err(), message);
    noEscapes(worker.err());
    for (const line of worker
      .err()
      .split('\n')
      .filter((l) => l.includes('refused job')))
      assert.match(line, /^lnn worker: refused job [^\n]+$/);
    worker.child.kill('SIGTERM');
    assert.equal(await worker.exit, 0, 'the worker still stops cleanly');
    await queue.obliterate({ force: true });
    await queue.close();
  });
});
