/**
 * Trials on many machines: BullMQ on Redis. `lnn sweep --queue URL` puts each trial on the queue as a
 * job whose id is the sweep's id and the trial's (from the configuration and the seed), so a job added
 * twice, or retried after a worker died, is still one trial; the sweep polls each job until it is done
 * and writes the result to its record. `lnn worker --queue URL` serves the queue (see `serveTrials`).
 * Only this mode needs Redis; nothing else in lnn touches the network.
 */
import { Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';
import { DataError, ValueError } from '../core/errors.js';
import { printable } from '../core/text.js';
import type { SweepData } from './record.js';
import type { Executor, TrialRun, TrialSpec } from './scheduler.js';

/** The one queue every lnn worker serves; jobs of many sweeps share it. */
export const QUEUE_NAME = 'lnn-trials';
/** A job is tried this many times (a worker that dies mid-trial costs one). */
const ATTEMPTS = 3;
/** How long a trial waits between polls of its job. */
const POLL_MS = 400;
/** A first connection that does not answer within this is an unreachable Redis. */
const CONNECT_TIMEOUT_MS = 4000;

/** Where Redis is: a redis:// or rediss:// (TLS) URL and the password (from --password or REDIS_PASSWORD). */
export interface RedisTarget {
  url: string;
  password?: string;
}

/** What a job carries: the trial, the options all its sweep's trials share, and the data it must find. */
export interface TrialJob {
  sweep: string;
  data: SweepData;
  spec: TrialSpec;
}

/**
 * Connection options for ioredis/BullMQ from the URL: host, port, user, password, database, TLS for
 * rediss://. Requests wait for a reconnect rather than fail (BullMQ's workers require it).
 * @throws ValueError `--queue must be redis://HOST:PORT or rediss://HOST:PORT but is 'x'`
 */
export function connectionOf(t: RedisTarget): RedisOptions & { host: string; port: number } {
  let u: URL;
  try {
    u = new URL(t.url);
  } catch {
    u = new URL('invalid:');
  }
  if ((u.protocol !== 'redis:' && u.protocol !== 'rediss:') || u.hostname === '')
    throw new ValueError(`--queue must be redis://HOST:PORT or rediss://HOST:PORT (TLS) but is '${printable(t.url)}'`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new ValueError(`--queue: the database in '${printable(t.url)}' must be a number`);
  const password = t.password ?? (u.password ? decodeURIComponent(u.password) : undefined);
  return {
    host: u.hostname.replace(/^\[|\]$/g, ''),
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls: { servername: u.hostname } } : {}),
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
  };
}

/** The URL without its password, for messages. */
export function shownUrl(url: string): string {
  return printable(url.replace(/\/\/([^@/]*)@/, '//***@'));
}

/**
 * Connects once and pings, giving up at the first failure: an unreachable or refusing Redis is one clear
 * line within seconds instead of a sweep or worker that waits forever.
 * @throws DataError `cannot reach Redis at redis://127.0.0.1:1 (connect ECONNREFUSED 127.0.0.1:1); is redis-server running there?`
 */
export async function checkRedis(t: RedisTarget): Promise<void> {
  const client = new Redis({
    ...connectionOf(t),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // The 'error' event carries the cause (ECONNREFUSED, ETIMEDOUT, WRONGPASS); the rejection may only say "closed".
  let cause: Error | undefined;
  client.on('error', (e: Error) => void (cause ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    const err = cause && /closed/i.test((e as Error).message) ? cause : (e as Error);
    const why = (err.message || String(err)).replace(/\s*\n\s*/g, ' ');
    const auth = /NOAUTH|WRONGPASS|invalid password|AUTH/i.test(why);
    throw new DataError(
      `cannot ${auth ? 'log in to' : 'reach'} Redis at ${shownUrl(t.url)} (${why}); ` +
        (auth
          ? 'give its password with --password or REDIS_PASSWORD'
          : 'is redis-server running there, and reachable?'),
    );
  } finally {
    client.disconnect();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A job's id: the sweep's and the trial's, so that adding it again (a resumed sweep) adds nothing. */
function jobId(sweep: string, trial: string): string {
  return `${sweep}-${trial}`;
}

/** Runs a sweep's trials on the queue: every trial is a job; results come back as the jobs' return values. */
export class QueueExecutor implements Executor {
  readonly capacity: number;
  private readonly queue: Queue<TrialJob, TrialRun>;
  private lostConnection = false;

  constructor(
    target: RedisTarget,
    private readonly sweep: string,
    private readonly data: SweepData,
    capacity: number,
    onWarning: (text: string) => void,
  ) {
    this.capacity = capacity;
    this.queue = new Queue(QUEUE_NAME, { connection: connectionOf(target) });
    this.queue.on('error', (e) => {
      if (this.lostConnection) return;
      this.lostConnection = true;
      onWarning(`lost the connection to Redis (${e.message}); retrying\n`);
    });
  }

  async run(spec: TrialSpec): Promise<TrialRun> {
    const id = jobId(this.sweep, spec.id);
    await this.queue.add(
      'trial',
      { sweep: this.sweep, data: this.data, spec },
      {
        jobId: id,
        attempts: ATTEMPTS,
        backoff: { type: 'fixed', delay: 1000 },
      },
    );
    for (;;) {
      const job = await Job.fromId<TrialJob, TrialRun>(this.queue, id);
      if (!job) {
        // Removed by hand (or by an operator's cleanup): put it back.
        await this.queue.add('trial', { sweep: this.sweep, data: this.data, spec }, { jobId: id, attempts: ATTEMPTS });
        continue;
      }
      const state = await job.getState();
      this.lostConnection = false;
      if (state === 'completed') return job.returnvalue;
      if (state === 'failed') return failedRun(spec, job.failedReason || 'the job failed', job.processedBy);
      await sleep(POLL_MS);
    }
  }

  /** The result is on disk: the job can go (a resumed sweep skips the trial by its record). */
  async recorded(spec: TrialSpec): Promise<void> {
    const job = await Job.fromId(this.queue, jobId(this.sweep, spec.id));
    await job?.remove().catch(() => {});
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

function failedRun(spec: TrialSpec, why: string, ranOn: string | undefined): TrialRun {
  return {
    result: {
      id: spec.id,
      index: spec.index,
      values: spec.values,
      ...(spec.reason ? { reason: spec.reason } : {}),
      ...(spec.parent ? { parent: spec.parent } : {}),
      ...(spec.move ? { move: spec.move } : {}),
      status: 'failed',
      error: why,
      seconds: 0,
      ranOn: ranOn ?? 'queue',
      finishedAt: new Date().toISOString(),
    },
  };
}

/** A job this worker refuses (foreign data, a path outside its data root): it fails at once, no retries. */
export class RefusedJob extends UnrecoverableError {}

export interface ServeOptions {
  /** Seconds a trial stays claimed by a worker that stopped answering (a dead worker's trial then moves on). */
  lockSeconds: number;
  /** This worker's name in results: host:pid. */
  name: string;
  onError: (text: string) => void;
}

/**
 * Serves the queue, one trial at a time, until closed. `run` trains the trial (in a worker thread, so
 * the lock on the job keeps being renewed while it trains) and throws `RefusedJob` for a job it must not
 * run. Returns the BullMQ worker (close it to stop).
 */
export function serveTrials(
  target: RedisTarget,
  run: (job: TrialJob) => Promise<TrialRun>,
  o: ServeOptions,
): Worker<TrialJob, TrialRun> {
  const lockDuration = o.lockSeconds * 1000;
  const worker = new Worker<TrialJob, TrialRun>(QUEUE_NAME, async (job) => run(job.data), {
    connection: connectionOf(target),
    concurrency: 1,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: ATTEMPTS - 1,
    name: o.name,
  });
  let reported = false;
  worker.on('error', (e) => {
    if (!reported) o.onError(`lnn worker: ${e.message}; retrying\n`);
    reported = true;
  });
  worker.on('active', () => (reported = false));
  return worker;
}
