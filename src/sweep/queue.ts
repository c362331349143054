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
import { parseJsonText } from '../core/json.js';
import { checked } from '../core/schema.js';
import { printable } from '../core/text.js';
import { modelFromJSON } from '../train/model-json.js';
import { CONNECT_TIMEOUT_MS, connectionOf, shownUrl, type RedisTarget } from './redis-target.js';
import { stringifyMeasured } from '../workflow/run-summary.js';
import type { SweepData } from './record.js';
import { failedTrial, trialIdentity, type Executor, type TrialRun, type TrialSpec } from './scheduler.js';
import { workerResult } from './record-schema.js';
import { signatureProblem, signJob, signResult, type QueueSecret } from './signing.js';

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
  /** HMAC-SHA256 of the rest, when the sweep has a queue secret (signing.ts). */
  sig?: string;
}

/** A result as it travels: the trial's run, made plain JSON ("NaN" for a diverged cost), and its signature. */
type WireResult = Record<string, unknown>;

/** The note for a queue without a secret: said once by the sweep and by each worker. */
export const UNSIGNED_NOTE =
  'note: no queue secret (LNN_QUEUE_SECRET or --secret-file): any client of this Redis can submit jobs and results; results are still checked before they are recorded\n';

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

/**
 * A job's id: the sweep's and the trial's (and the fold's, with --folds), so that adding it again (a
 * resumed sweep) adds nothing.
 */
function jobId(sweep: string, spec: Pick<TrialSpec, 'id' | 'fold'>): string {
  return `${sweep}-${spec.id}${spec.fold !== undefined ? `-f${spec.fold}` : ''}`;
}

/** Where the sweep's executor sends its trials and how it tells its user. */
export interface QueueExecutorOptions {
  target: RedisTarget;
  sweep: string;
  data: SweepData;
  capacity: number;
  /** Signs jobs and checks results' signatures; without one, results are checked by shape alone. */
  secret?: QueueSecret;
  onWarning: (text: string) => void;
}

/**
 * Runs a sweep's trials on the queue: every trial is a job; results come back as the jobs' return
 * values. A result is input from another machine: it is checked (signature, shape, model) and, when it
 * fails, counted as a failed attempt and the job is queued again; after ATTEMPTS, the trial is recorded
 * as one that no worker could run (`infrastructure`), which `--resume` runs again. The trial's identity
 * (id, index, values) always comes from the sweep's own spec, never from the result.
 */
export class QueueExecutor implements Executor {
  readonly capacity: number;
  private readonly queue: Queue<TrialJob, WireResult>;
  private lostConnection = false;

  constructor(private readonly o: QueueExecutorOptions) {
    this.capacity = o.capacity;
    this.queue = new Queue(QUEUE_NAME, { connection: connectionOf(o.target) });
    this.queue.on('error', (e) => {
      if (this.lostConnection) return;
      this.lostConnection = true;
      o.onWarning(`lost the connection to Redis (${printable(e.message)}); retrying\n`);
    });
  }

  async run(spec: TrialSpec): Promise<TrialRun> {
    const id = jobId(this.o.sweep, spec);
    const body = { sweep: this.o.sweep, data: this.o.data, spec };
    const job: TrialJob = this.o.secret ? { ...body, sig: signJob(this.o.secret, body) } : body;
    const add = (delay = 0) =>
      this.queue.add('trial', job, { jobId: id, attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 1000 }, delay });
    await add();
    for (let attempt = 1; ;) {
      const outcome = await this.outcome(id, add);
      const verdict = outcome.kind === 'completed' ? this.accept(spec, id, outcome.value) : outcome;
      if (verdict.kind === 'accepted') return verdict.run;
      // A job BullMQ already tried ATTEMPTS times (workers that died, or threw) is not tried again here.
      const last = attempt >= ATTEMPTS || verdict.final === true;
      const why = `trial ${spec.index}: ${verdict.reason}`;
      if (last) return infrastructureFailure(spec, verdict.reason, verdict.ranOn ?? 'queue', attempt);
      this.o.onWarning(`${why}; queued again (attempt ${attempt + 1} of ${ATTEMPTS})\n`);
      await outcome.job.remove().catch(() => {});
      await add(1000 * attempt);
      attempt++;
    }
  }

  /** Polls the job until it completes or fails; a job removed by hand is put back. */
  private async outcome(id: string, add: () => Promise<unknown>): Promise<Outcome> {
    for (;;) {
      const state = await this.queue.getJobState(id);
      this.lostConnection = false;
      const done = state === 'completed' || state === 'failed';
      // Read after the state: the move to completed or failed writes the result or the reason in the same
      // step, so the job read now has it (one read before the state could hold none, the trial done since).
      const job = done ? await Job.fromId<TrialJob, WireResult>(this.queue, id) : undefined;
      if (state === 'unknown' || (done && !job)) {
        // Removed by hand (or by an operator's cleanup): put it back.
        await add();
        continue;
      }
      if (job && state === 'completed') return { kind: 'completed', job, value: job.returnvalue };
      if (job) {
        const ranOn = workerName(job.processedBy);
        const why = printable(job.failedReason || 'the job failed');
        const final = job.attemptsMade >= ATTEMPTS;
        return { kind: 'rejected', job, reason: ranOn ? `${ranOn}: ${why}` : why, ranOn, final };
      }
      await sleep(POLL_MS);
    }
  }

  /** The trial's run from a worker's result, or why the result cannot be recorded. */
  private accept(spec: TrialSpec, id: string, value: unknown): Verdict {
    const where = `its result`;
    try {
      if (!value || typeof value !== 'object' || Array.isArray(value))
        return {
          kind: 'rejected',
          reason: `${where} is not a trial result (${value === null ? 'null' : typeof value})`,
        };
      if (this.o.secret) {
        const problem = signatureProblem(
          this.o.secret,
          value as WireResult,
          (b) => signResult(this.o.secret!, id, b),
          where,
        );
        if (problem) return { kind: 'rejected', reason: problem };
      }
      const { sig: _sig, ...body } = value as WireResult;
      const { result, model } = checked(workerResult, body, where);
      if (model !== undefined) checkModel(model, `${where}'s model`);
      const run: TrialRun = { result: { ...trialIdentity(spec), ...result, ranOn: printable(result.ranOn) } };
      return { kind: 'accepted', run: model !== undefined ? { ...run, model } : run };
    } catch (e) {
      if (e instanceof DataError) return { kind: 'rejected', reason: printable(e.message) };
      throw e;
    }
  }

  /** The result is on disk: the job can go (a resumed sweep skips the trial by its record). */
  async recorded(spec: TrialSpec): Promise<void> {
    const job = await Job.fromId(this.queue, jobId(this.o.sweep, spec));
    await job?.remove().catch(() => {});
  }

  async close(): Promise<void> {
    await this.queue.close();
  }
}

type Outcome =
  | { kind: 'completed'; job: Job<TrialJob, WireResult>; value: unknown }
  | { kind: 'rejected'; job: Job<TrialJob, WireResult>; reason: string; ranOn?: string | undefined; final?: boolean };

type Verdict =
  { kind: 'accepted'; run: TrialRun } | { kind: 'rejected'; reason: string; ranOn?: string; final?: boolean };

/** BullMQ's worker name, as a result shows it (printable, short). */
function workerName(name: unknown): string | undefined {
  return typeof name === 'string' ? printable(name.slice(0, 256)) : undefined;
}

/** A model text from a worker must load: its JSON, every field and its checksum. */
function checkModel(text: string, where: string): void {
  modelFromJSON(parseJsonText(text, where), where).dispose();
}

/** The trial no worker could run: failed, marked so that `--resume` runs it again. */
function infrastructureFailure(spec: TrialSpec, reason: string, ranOn: string, attempts: number): TrialRun {
  const { result } = failedTrial(
    spec,
    `no worker could run it (${attempts} attempt${attempts === 1 ? '' : 's'}; the last: ${reason}); --resume runs it again`,
    ranOn,
  );
  return { result: { ...result, infrastructure: true } };
}

/** A job this worker refuses (foreign data, a path outside its data root): it fails at once, no retries. */
export class RefusedJob extends UnrecoverableError {}

export interface ServeOptions {
  /** Seconds a trial stays claimed by a worker that stopped answering (a dead worker's trial then moves on). */
  lockSeconds: number;
  /** This worker's name in results: host:pid. */
  name: string;
  /** Refuse jobs not signed with it, and sign every result with it. */
  secret?: QueueSecret;
  onError: (text: string) => void;
}

/**
 * Serves the queue, one trial at a time, until closed. `run` trains the trial (in a worker thread, so
 * the lock on the job keeps being renewed while it trains) and throws `RefusedJob` for a job it must not
 * run; with a secret, a job whose signature does not check is refused before `run` sees it. Each
 * refusal is one line on `onError` naming the job. Returns the BullMQ worker (close it to stop).
 */
export function serveTrials(
  target: RedisTarget,
  run: (job: TrialJob) => Promise<TrialRun>,
  o: ServeOptions,
): Worker<TrialJob, WireResult> {
  const lockDuration = o.lockSeconds * 1000;
  const worker = new Worker<TrialJob, WireResult>(QUEUE_NAME, (job) => serveOne(job, run, o), {
    connection: connectionOf(target),
    concurrency: 1,
    lockDuration,
    stalledInterval: lockDuration,
    maxStalledCount: ATTEMPTS - 1,
    name: o.name,
  });
  let reported = false;
  worker.on('error', (e) => {
    if (!reported) o.onError(`lnn worker: ${printable(e.message)}; retrying\n`);
    reported = true;
  });
  worker.on('active', () => (reported = false));
  return worker;
}

/** One job: its signature checked, the trial run, the result made plain JSON and signed for this job. */
async function serveOne(job: Job<TrialJob, WireResult>, run: (job: TrialJob) => Promise<TrialRun>, o: ServeOptions) {
  const name = printable(String(job.id ?? '?').slice(0, 80));
  try {
    const data: unknown = job.data;
    if (!data || typeof data !== 'object' || Array.isArray(data)) throw new RefusedJob('not a trial of lnn sweep');
    if (o.secret) {
      const problem = signatureProblem(
        o.secret,
        data as Record<string, unknown>,
        (b) => signJob(o.secret!, b),
        'the job',
      );
      if (problem) throw new RefusedJob(problem);
    }
    const wire = JSON.parse(stringifyMeasured(await run(job.data))) as WireResult;
    return o.secret ? { ...wire, sig: signResult(o.secret, String(job.id), wire) } : wire;
  } catch (e) {
    if (e instanceof RefusedJob) o.onError(`lnn worker: refused job ${name}: ${e.message}\n`);
    throw e;
  }
}
