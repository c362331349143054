// The queue alone (src/sweep/queue.ts), in this process: checkRedis's one-line reasons, and a sweep's
// QueueExecutor with serveTrials on a real Redis, trials run by a function instead of training (the
// processes, training and hostile peers are test/cli/worker*.test.ts and queue-*.test.ts).
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { Queue } from 'bullmq';
import { DataError } from '../../src/core/errors.js';
import {
  checkRedis,
  QUEUE_NAME,
  QueueExecutor,
  RefusedJob,
  serveTrials,
  connectionOf,
  type TrialJob,
} from '../../src/sweep/queue.js';
import type { SweepData } from '../../src/sweep/record.js';
import { failedTrial, specOf, type TrialRun, type TrialSpec } from '../../src/sweep/scheduler.js';
import { redisMissing, startRedis, type RedisServer } from '../cli/redis.js';

const skip = redisMissing();

/** A port where a plain TCP server closes every connection at once, as a TLS-only port does to a plain client. */
async function closingPort(servers: Server[]): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as { port: number }).port;
}

describe('checkRedis: the first connection fails in one line', () => {
  const servers: Server[] = [];
  after(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  test('nothing listening: the reason and a question', async () => {
    await assert.rejects(checkRedis({ url: 'redis://127.0.0.1:1' }), (e: Error) => {
      assert.ok(e instanceof DataError);
      assert.equal(
        e.message,
        'cannot reach Redis at redis://127.0.0.1:1 (connect ECONNREFUSED 127.0.0.1:1); is redis-server running there, and reachable?',
      );
      return true;
    });
  });

  test('a port that closes the connection: perhaps a TLS port, reached with redis://', async () => {
    const port = await closingPort(servers);
    await assert.rejects(checkRedis({ url: `redis://127.0.0.1:${port}` }), {
      name: 'DataError',
      message: new RegExp(
        `^cannot reach Redis at redis://127\\.0\\.0\\.1:${port} \\(.*\\): it closed the connection; if that port takes TLS only, use rediss://$`,
      ),
    });
  });
});

describe('the queue on a real Redis', { skip, concurrency: false }, () => {
  let redis: RedisServer;
  before(async () => (redis = await startRedis()));
  after(() => redis?.stop());
  const target = () => ({ url: redis.url, password: redis.password });
  const data: SweepData = { source: 'x', m: 10, nx: 4, hash: '0123456789abcdef', train: 8, dev: 2, splitRule: 'x' };
  let sweeps = 0;

  /**
   * A sweep's executor and a worker serving the queue with `run`; what the worker and the sweep said.
   * Each call is another sweep (its own job ids); `end()` closes both.
   */
  function queueWith(run: (job: TrialJob) => Promise<TrialRun>) {
    const said: string[] = [];
    const sweep = `${String(++sweeps).padStart(2, '0')}${'cd'.repeat(7)}`;
    const executor = new QueueExecutor({
      target: target(),
      sweep,
      data,
      capacity: 2,
      onWarning: (t) => void said.push(`sweep: ${t}`),
    });
    const worker = serveTrials(target(), run, {
      lockSeconds: 5,
      name: 'test-host:1',
      onError: (t) => void said.push(`worker: ${t}`),
    });
    const end = async () => {
      await worker.close();
      await executor.close();
    };
    return { executor, said, sweep, end };
  }

  test('checkRedis: a missing or wrong password is one line saying where to give it; the right one passes', async () => {
    const at = `Redis at ${redis.url}`;
    await assert.rejects(checkRedis({ url: redis.url }), {
      name: 'DataError',
      message: new RegExp(
        `^cannot log in to ${at} \\(NOAUTH .*\\); give its password with --password or REDIS_PASSWORD$`,
      ),
    });
    await assert.rejects(checkRedis({ url: redis.url, password: 'not it' }), {
      name: 'DataError',
      message: new RegExp(
        `^cannot log in to ${at} \\(WRONGPASS .*\\); check the password given with --password or REDIS_PASSWORD$`,
      ),
    });
    await checkRedis(target());
  });

  const spec = (lr: string, index = 1): TrialSpec => specOf({ data: 'x' }, { values: { lr } }, index);
  /** What a worker sends back for a trial: its outcome, without the identity (the sweep keeps its own). */
  const outcome = (devError: number): TrialRun => ({
    result: { ...failedTrial(spec('0'), 'x', 'w').result, status: 'ok', devError, trainError: devError / 2 },
  });

  test('a job carries the sweep, its data and the spec; a result whose model does not load is tried 3 times, then no worker could run it', async () => {
    const jobs: TrialJob[] = [];
    const q = queueWith(async (job) => {
      jobs.push(job);
      return { ...outcome(0.25), model: '{"not":"checked here"}' };
    });
    try {
      const s = spec('0.1', 4);
      // The model must load: a text that is not a model file is refused, and the trial queued again.
      const run = await q.executor.run(s);
      assert.equal(jobs[0]!.sweep, q.sweep);
      assert.deepEqual(jobs[0]!.spec, s);
      assert.deepEqual(jobs[0]!.data, data);
      assert.equal(run.result.status, 'failed');
      assert.equal(run.result.infrastructure, true);
      assert.match(run.result.error!, /^no worker could run it \(3 attempts; the last: its result's model: /);
      assert.equal(jobs.length, 3, 'tried three times');
      assert.deepEqual(
        q.said.filter((l) => l.startsWith('sweep: ')).map((l) => l.replace(/: its result's model: .*;/, ':;')),
        ['sweep: trial 4:; queued again (attempt 2 of 3)\n', 'sweep: trial 4:; queued again (attempt 3 of 3)\n'],
      );
    } finally {
      await q.end();
    }
  });

  test('an accepted result: the identity is the spec’s, the outcome the worker’s; the job goes once recorded', async () => {
    const q = queueWith(async () => ({
      result: { ...outcome(0.25).result, id: 'ffffffffffffffff', index: 99, values: { lr: 'forged' } },
    }));
    try {
      const s = spec('0.2', 2);
      const run = await q.executor.run(s);
      assert.deepEqual([run.result.id, run.result.index, run.result.values], [s.id, 2, { lr: '0.2' }]);
      assert.equal(run.result.devError, 0.25);
      assert.equal(run.model, undefined);
      const queue = new Queue(QUEUE_NAME, { connection: connectionOf(target()) });
      try {
        const id = `${q.sweep}-${s.id}`;
        assert.equal(await queue.getJobState(id), 'completed');
        await q.executor.recorded(s);
        assert.equal(await queue.getJobState(id), 'unknown', 'removed once the result is on disk');
      } finally {
        await queue.close();
      }
    } finally {
      await q.end();
    }
  });

  test('the same trial asked twice is one job, run once', async () => {
    let runs = 0;
    const q = queueWith(async () => {
      runs++;
      return outcome(0.5);
    });
    try {
      const s = spec('0.3');
      const [a, b] = await Promise.all([q.executor.run(s), q.executor.run(s)]);
      assert.equal(runs, 1);
      assert.deepEqual(a, b);
    } finally {
      await q.end();
    }
  });

  test('a job the worker refuses: a line naming it each time, queued again for another worker, then no worker could run it', async () => {
    let runs = 0;
    const q = queueWith(async () => {
      runs++;
      throw new RefusedJob("--data /elsewhere: outside this worker's --data-root");
    });
    try {
      const s = spec('0.4', 7);
      const run = await q.executor.run(s);
      const why = "--data /elsewhere: outside this worker's --data-root";
      assert.equal(runs, 3);
      assert.equal(run.result.infrastructure, true);
      assert.equal(
        run.result.error,
        `no worker could run it (3 attempts; the last: test-host:1: ${why}); --resume runs it again`,
      );
      const refused = `worker: lnn worker: refused job ${q.sweep}-${s.id}: ${why}\n`;
      assert.deepEqual(q.said, [
        refused,
        `sweep: trial 7: test-host:1: ${why}; queued again (attempt 2 of 3)\n`,
        refused,
        `sweep: trial 7: test-host:1: ${why}; queued again (attempt 3 of 3)\n`,
        refused,
      ]);
    } finally {
      await q.end();
    }
  });
});
