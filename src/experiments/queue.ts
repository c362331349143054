/**
 * Trials on many machines: BullMQ on Redis. `lnn sweep --queue URL` puts each trial on the queue as a
 * job whose id is the sweep's id and the trial's (from the configuration and the seed), so a job added
 * twice, or retried after a worker died, is still one trial; the sweep polls each job until it is done
 * and writes the result to its record. `lnn worker --queue URL` serves the queue (see `serveTrials`).
 * Only this mode needs Redis; nothing else in lnn touches the network.
 */
import { Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { DataError } from '../core/errors.js';
import { CONNECT_TIMEOUT_MS, connectionOf, shownUrl, type RedisTarget } from './redis-target.js';
import type { SweepData } from './record.js';
import { failedTrial, type Executor, type TrialRun, type TrialSpec } from './scheduler.js';

export { connectionOf, shownUrl, type RedisTarget } from './redis-target.js';

/** The one queue every lnn worker serves; jobs of many sweeps share it. */
export const QUEUE_NAME = 'lnn-trials';
/** A job is tried this many times (a worker that dies mid-trial costs one). */
const ATTEMPTS = 3;
/** How long a trial waits between polls of its job. */
const POLL_MS = 400;

/** What a job carries: the trial, the options all its sweep's trials share, and the data it must find. */
export interface TrialJob {
  sweep: string;
  data: SweepData;
  spec: TrialSpec;
}

/**
 * Connects once and pings, giving up at the first failure: an unreachable or refusing Redis, a password
 * it refuses or a TLS certificate this side does not trust is one clear line within seconds instead of a
 * sweep or worker that reconnects forever.
 * @throws DataError `cannot reach Redis at redis://127.0.0.1:1 (connect ECONNREFUSED 127.0.0.1:1); is redis-server running there, and reachable?`
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
    throw new DataError(whyNot(t, err));
  } finally {
    client.disconnect();
  }
}

/** Node's codes for a certificate chain that ends at no CA this side trusts. */
const UNTRUSTED = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

/** Why the first connection failed, and what to do: one line (the URL shown without its password). */
function whyNot(t: RedisTarget, err: Error): string {
  const why = (err.message || String(err)).replace(/\s*\n\s*/g, ' ');
  const code = (err as { code?: unknown }).code;
  const at = `Redis at ${shownUrl(t.url)}`;
  const tls = t.url.startsWith('rediss:');
  if (/^NOAUTH/.test(why))
    return `cannot log in to ${at} (${why}); give its password with --password or REDIS_PASSWORD`;
  if (/WRONGPASS|invalid password|invalid username-password/i.test(why))
    return `cannot log in to ${at} (${why}); check the password given with --password or REDIS_PASSWORD`;
  if (typeof code === 'string' && UNTRUSTED.has(code))
    return t.ca
      ? `cannot reach ${at}: its TLS certificate is not signed by a CA of --tls-ca ${t.ca.file} (${why}); give the CA certificate that signed it`
      : `cannot reach ${at}: its TLS certificate is not trusted (${why}); give the CA certificate that signed it with --tls-ca FILE (PEM)`;
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return `cannot reach ${at}: its TLS certificate is for other names (${why}); connect by a name or address it lists`;
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return `cannot reach ${at}: its TLS certificate is not valid now (${why}); the server needs a current certificate`;
  if (!tls && /ECONNRESET|EPIPE|closed/i.test(why))
    return `cannot reach ${at} (${why}): it closed the connection; if that port takes TLS only, use rediss://`;
  if (tls && /ETIMEDOUT/.test(why))
    return `cannot reach ${at} (${why}): no TLS answer within ${CONNECT_TIMEOUT_MS / 1000} s; is redis-server running there, and is that a TLS port (a plain one needs redis://)?`;
  return `cannot reach ${at} (${why}); is redis-server running there, and reachable?`;
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
      const state = await this.queue.getJobState(id);
      this.lostConnection = false;
      const done = state === 'completed' || state === 'failed';
      // Read after the state: the move to completed or failed writes the result or the reason in the same
      // step, so the job read now has it (one read before the state could hold none, the trial done since).
      const job = done ? await Job.fromId<TrialJob, TrialRun>(this.queue, id) : undefined;
      if (state === 'unknown' || (done && !job)) {
        // Removed by hand (or by an operator's cleanup): put it back.
        await this.queue.add('trial', { sweep: this.sweep, data: this.data, spec }, { jobId: id, attempts: ATTEMPTS });
        continue;
      }
      if (job && state === 'completed') return job.returnvalue;
      if (job) return failedTrial(spec, job.failedReason || 'the job failed', job.processedBy ?? 'queue');
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
