/**
 * What a worker refuses to read, as jobs pushed straight onto a real Redis show it (skipped, saying why,
 * without redis-server): under its --data-root, an HDF5 file that leads to another file (external links,
 * external storage), and a FIFO. Each refusal is one line naming the job and the rule, on the worker's
 * terminal and as the trial's error; nothing outside the root is read; the worker goes on serving and
 * still stops on SIGTERM.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { parseCommandArgs } from '../../src/cli/command.js';
import { trainCommand } from '../../src/cli/commands/train.js';
import { baseArgs } from '../../src/sweep/sweep-options.js';
import { QueueExecutor } from '../../src/sweep/queue.js';
import type { SweepData } from '../../src/sweep/record.js';
import type { TrialSpec } from '../../src/sweep/scheduler.js';
import { externalLinks, externalStorage, readProbe } from '../helpers/outside.js';
import { redisMissing, startLnn, startRedis, until, type Proc, type RedisServer } from './redis.js';

const skip = redisMissing();
const RULE =
  'under a --data-root an HDF5 file must hold its own data: external links, external storage and virtual datasets read other files, and are refused';
const SWEEP = 'feedc0de'.repeat(2);

describe(
  'lnn worker refuses files that would read outside its --data-root, or block it',
  { skip, timeout: 180_000 },
  () => {
    let redis: RedisServer;
    let dir = '',
      root = '',
      outside = '';
    let worker: Proc;
    let queue: QueueExecutor;
    let index = 0;

    /** Pushes a trial that reads `args` and waits for its end: the trial's error, and the worker's line for it. */
    async function push(
      args: Record<string, string>,
    ): Promise<{ error: string | undefined; line: string | undefined }> {
      const i = ++index;
      const id = `${String(i).padStart(2, '0')}${'ab'.repeat(7)}`;
      // The options as lnn sweep sends them: lnn train's, parsed, with their defaults.
      const argv = Object.entries({ ...args, iterations: '5' }).flatMap(([k, v]) => [`--${k}`, v]);
      const parsed = baseArgs(parseCommandArgs(trainCommand, argv).values, new Set());
      const spec: TrialSpec = { id, index: i, values: { lr: '0.1' }, args: parsed };
      const run = await queue.run(spec);
      assert.equal(run.result.status, 'failed');
      assert.equal(run.result.infrastructure, true, 'a refusal says nothing of the configuration');
      const prefix = `lnn worker: refused job ${SWEEP}-${id}: `;
      const line = worker
        .err()
        .split('\n')
        .find((l) => l.startsWith(prefix));
      // The sweep's record: no worker could run it, and the last worker's reason.
      const last = /; the last: [^:]+:\d+: (.*)\); --resume runs it again$/.exec(run.result.error ?? '')?.[1];
      return { error: last, line: line?.slice(prefix.length) };
    }

    before(async () => {
      redis = await startRedis();
      dir = mkdtempSync(join(tmpdir(), 'lnn-worker-data-'));
      root = join(dir, 'root');
      outside = join(dir, 'outside');
      mkdirSync(root);
      mkdirSync(outside);
      worker = startLnn(['worker', '--queue', redis.url, '--data-root', root], { REDIS_PASSWORD: redis.password });
      await until('the worker to serve', () => /serving/.test(worker.err()), worker);
      const data = {
        source: 'x',
        m: 10,
        nx: 4,
        hash: '0123456789abcdef',
        train: 8,
        dev: 2,
        splitRule: 'x',
      } as SweepData;
      queue = new QueueExecutor({
        target: { url: redis.url, password: redis.password },
        sweep: SWEEP,
        data,
        capacity: 1,
        onWarning: () => {},
      });
    });
    after(async () => {
      await queue?.close();
      worker?.child.kill('SIGKILL');
      await worker?.exit;
      await redis?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('a FIFO: refused at once (a read would never return)', async () => {
      const fifo = join(root, 'fifo.csv');
      execFileSync('mkfifo', [fifo]);
      const r = await push({ data: fifo, label: 'y' });
      const why = `${fifo}: not a regular file (a FIFO); lnn reads data only from regular files, since a read from a pipe or a device can wait forever: save it to a file first`;
      assert.deepEqual(r, { error: why, line: why });
    });

    test('HDF5 external links and external storage: refused, and the files outside are not read', async () => {
      const links = await externalLinks(root, outside);
      const storage = externalStorage(root, outside);
      const unread = readProbe([links.target, storage.target]);
      const a = await push({ data: links.file });
      const linked = `${links.file}: 'x' is an HDF5 external link to ${links.target} (/x); ${RULE}`;
      assert.deepEqual(a, { error: linked, line: linked });
      const b = await push({ data: storage.file, 'x-key': 'x', 'y-key': 'y' });
      const stored = `${storage.file}: dataset 'x' reads another file, ${storage.target}; ${RULE}`;
      assert.deepEqual(b, { error: stored, line: stored });
      assert.notEqual(unread(), false, 'a file outside the data root was read');
    });

    test('the worker goes on serving, and stops on SIGTERM', async () => {
      const rows = ['x1,x2,y', ...Array.from({ length: 20 }, (_, i) => `${i % 4},${i % 3},${i % 2}`)];
      writeFileSync(join(root, 'points.csv'), rows.join('\n') + '\n');
      // Read, and refused only because the job's data hash is not this data's.
      const r = await push({ data: join(root, 'points.csv'), label: 'y' });
      assert.match(r.error!, /^the data this worker reads for .*points\.csv \(m = 20\) is not the sweep's/);
      worker.child.kill('SIGTERM');
      assert.equal(await worker.exit, 0, worker.err());
    });
  },
);
