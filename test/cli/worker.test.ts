/**
 * lnn sweep --queue and lnn worker against a real Redis (skipped, saying why, without redis-server).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { redisMissing, startLnn, startRedis, until, type Proc, type RedisServer } from './redis.js';

const skip = redisMissing();
let redis: RedisServer;
let dir = '';
const f = (name: string) => join(dir, name);

function start(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  return startLnn(args, { REDIS_PASSWORD: redis.password, ...env });
}

const finishLines = (d: string) =>
  existsSync(join(d, 'trials.jsonl'))
    ? readFileSync(join(d, 'trials.jsonl'), 'utf8')
        .split('\n')
        .filter((l) => l.includes('"event":"finish"'))
    : [];

/** Six trials of a second or so each on iris. */
const SWEEP = [
  'sweep',
  '--data',
  'builtin:iris',
  '--lr',
  '0.05',
  '--lr',
  '0.02',
  '--lr',
  '0.01',
  '--hidden',
  '16',
  '--hidden',
  '8,8',
  '--iterations',
  '6000',
  '--quiet',
];

/** Two trials of three folds each, a fraction of a second a fold. */
const IRIS_FOLDS = [
  'sweep',
  '--data',
  'builtin:iris',
  '--lr',
  '0.05',
  '--lr',
  '0.01',
  '--hidden',
  '8',
  '--iterations',
  '200',
  '--folds',
  '3',
  '--quiet',
];

describe(
  'lnn sweep --queue with lnn worker processes (BullMQ on a real Redis)',
  { skip, concurrency: false, timeout: 240_000 },
  () => {
    const workers: Proc[] = [];
    before(async () => {
      redis = await startRedis();
      dir = mkdtempSync(join(tmpdir(), 'lnn-queue-'));
    });
    after(async () => {
      for (const w of workers) w.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exit));
      await redis?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('two workers, one SIGKILLed in the middle of a trial: every trial ends up in the record once, with its result', async () => {
      const sweep = start([...SWEEP, '--queue', redis.url, '--dir', f('two'), '--json']);
      const a = start(['worker', '--queue', redis.url, '--lock-seconds', '2']);
      const b = start(['worker', '--queue', redis.url, '--lock-seconds', '2']);
      workers.push(a, b);
      await until('worker A to start a trial', () => /started: /.test(a.err()), a);
      a.child.kill('SIGKILL');
      const killedTrial = /trial (\d+) \(([0-9a-f]{8})\) of sweep [0-9a-f]+ started/.exec(a.err())!;
      assert.equal(await sweep.exit, 0, sweep.err());
      const out = JSON.parse(sweep.out());
      assert.equal(out.trials.length, 6);
      assert.ok(
        out.trials.every((t: { status: string }) => t.status === 'ok'),
        JSON.stringify(out.trials.map((t: { status: string; error?: string }) => [t.status, t.error])),
      );
      assert.equal(new Set(out.trials.map((t: { id: string }) => t.id)).size, 6);
      assert.equal(finishLines(f('two')).length, 6, 'one finish line per trial');
      const redone = out.trials.find((t: { id: string }) => t.id.startsWith(killedTrial[2]!));
      assert.match(redone.ranOn, /:\d+$/);
      assert.doesNotMatch(
        redone.ranOn,
        new RegExp(`:${a.child.pid}$`),
        'the killed worker’s trial was trained again by the other',
      );
    });

    test('the sweep command, SIGKILLed and restarted with --resume, finishes the sweep', async () => {
      // Not --quiet: the sweep's line for a trial comes after the trial's finish line is in the record.
      const args = [
        ...SWEEP.filter((a) => a !== '--quiet'),
        '--lr',
        '0.005',
        '--queue',
        redis.url,
        '--dir',
        f('resumed'),
      ];
      const first = start(args);
      await until('the first result in the record', () => finishLines(f('resumed')).length >= 1, first);
      const serving = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
      const served = () => serving.reduce((n, w) => n + (w.err().match(/ ok in [\d.]+ s$/gm) ?? []).length, 0);
      const servedBefore = served();
      first.child.kill('SIGKILL');
      await first.exit;
      const before = finishLines(f('resumed')).length;
      const kept = readFileSync(f('resumed/trials.jsonl'), 'utf8');
      // The workers go on with the queued trials while no sweep listens: one more ends before it is back.
      await until('a trial to end while no sweep listens', () => served() > servedBefore, ...serving);
      const again = start([...args, '--resume', '--json']);
      assert.equal(await again.exit, 0, again.err());
      const out = JSON.parse(again.out());
      assert.equal(out.trials.length, 8);
      assert.equal(out.ran, 8 - before, 'trials recorded before the kill are not counted again');
      assert.equal(finishLines(f('resumed')).length, 8);
      assert.ok(readFileSync(f('resumed/trials.jsonl'), 'utf8').startsWith(kept));
      assert.ok(before >= 1 && before < 8);
    });

    test('a worker reads only data under its --data-root (and only built-in sets without one)', async () => {
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exit));
      const data = mkdtempSync(join(dir, 'data-'));
      const elsewhere = mkdtempSync(join(dir, 'elsewhere-'));
      const rows = [
        'x1,x2,y',
        ...Array.from(
          { length: 60 },
          (_, i) => `${(i % 7) / 7},${(i % 5) / 5},${(i % 7) / 7 + (i % 5) / 5 > 0.8 ? 1 : 0}`,
        ),
      ];
      writeFileSync(join(data, 'points.csv'), rows.join('\n') + '\n');
      const wrong = start(['worker', '--queue', redis.url, '--data-root', elsewhere]);
      workers.push(wrong);
      const csv = [
        'sweep',
        '--data',
        join(data, 'points.csv'),
        '--label',
        'y',
        '--lr',
        '0.1',
        '--lr',
        '0.05',
        '--iterations',
        '50',
        '--quiet',
        '--queue',
        redis.url,
      ];
      const refused = start([...csv, '--dir', f('refused'), '--json']);
      assert.equal(await refused.exit, 1, refused.err());
      const out = JSON.parse(refused.out());
      assert.equal(out.best, null);
      for (const t of out.trials) {
        assert.equal(t.status, 'failed');
        assert.equal(t.infrastructure, true, 'no worker could run it: not a verdict on the configuration');
        assert.match(t.error, /the last: .*: --data .*points.csv: outside this worker's --data-root \(/);
      }
      assert.match(wrong.err(), /lnn worker: refused job [0-9a-f]{16}-[0-9a-f]{16}: --data .*points.csv: outside/);
      wrong.child.kill('SIGTERM');
      assert.equal(await wrong.exit, 0, 'a worker stops cleanly on SIGTERM');
      const right = start(['worker', '--queue', redis.url, '--data-root', data]);
      workers.push(right);
      // The trials the wrong worker refused run again on --resume, now that a capable worker serves.
      const resumed = start([...csv, '--dir', f('refused'), '--resume', '--json']);
      assert.equal(await resumed.exit, 0, resumed.err());
      const again = JSON.parse(resumed.out());
      assert.equal(again.ran, 2);
      assert.ok(again.trials.every((t: { status: string }) => t.status === 'ok'));
      const ok = start([...csv, '--lr', '0.02', '--dir', f('allowed'), '--json']);
      assert.equal(await ok.exit, 0, ok.err());
      assert.ok(JSON.parse(ok.out()).trials.every((t: { status: string }) => t.status === 'ok'));
    });

    test('--folds on the queue: each fold a job carrying its index, the worker rebuilding the same folds', async () => {
      for (const w of workers) w.child.kill('SIGTERM');
      await Promise.all(workers.map((w) => w.exit));
      const worker = start(['worker', '--queue', redis.url]);
      workers.push(worker);
      const folds = [...IRIS_FOLDS, '--queue', redis.url, '--dir', f('folds-queue'), '--json'];
      const queued = start(folds);
      assert.equal(await queued.exit, 0, queued.err());
      assert.match(worker.err(), /lnn worker: trial 1, fold 3, \([0-9a-f]{8}\) of sweep [0-9a-f]{8} started/);
      const local = start([...IRIS_FOLDS, '--dir', f('folds-local'), '--json']);
      assert.equal(await local.exit, 0, local.err());
      const each = (d: string) =>
        finishLines(d)
          .map((l) => JSON.parse(l))
          .sort((a, b) => a.index - b.index)
          .map((t) =>
            t.run.folds.each.map((e: { train: number; dev: number; devError: number }) => [e.train, e.dev, e.devError]),
          );
      assert.equal(each(f('folds-queue')).length, 2);
      assert.deepEqual(each(f('folds-queue')), each(f('folds-local')), 'the same folds, the same figures');
    });

    test('an unreachable Redis, or a missing password, is one clear line and an exit, not a retry loop', async () => {
      for (const cmd of [['sweep', '--data', 'builtin:iris', '--lr', '0.1', '--lr', '0.2'], ['worker']]) {
        // It gives up at the first refusal (a command that reconnected forever would meet the suite's timeout).
        const r = start([...cmd, '--queue', 'redis://127.0.0.1:1']);
        assert.equal(await r.exit, 1);
        assert.match(
          r.err(),
          new RegExp(
            `^lnn ${cmd[0]}: cannot reach Redis at redis://127.0.0.1:1 \\(connect ECONNREFUSED 127.0.0.1:1\\); is redis-server running there, and reachable\\?\\n$`,
          ),
        );
      }
      const noPassword = start(['worker', '--queue', redis.url], { REDIS_PASSWORD: '' });
      assert.equal(await noPassword.exit, 1);
      assert.match(
        noPassword.err(),
        /^lnn worker: cannot log in to Redis at redis:\/\/127.0.0.1:\d+ \(NOAUTH.*\); give its password with --password or REDIS_PASSWORD\n$/,
      );
      const badUrl = start(['sweep', '--data', 'builtin:iris', '--lr', '0.1', '--lr', '0.2', '--queue', 'http://host']);
      assert.equal(await badUrl.exit, 2);
      assert.match(
        badUrl.err(),
        /--queue must be redis:\/\/HOST:PORT or rediss:\/\/HOST:PORT \(TLS\) but is 'http:\/\/host'/,
      );
    });
  },
);
