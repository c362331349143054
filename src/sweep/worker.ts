/**
 * `runWorker`: `lnn worker` as one async call. Serves the trials of sweeps started with a queue, one at
 * a time, on every core, until `signal` aborts (the current trial finishes first). It reads data only
 * under its data roots, writes no file, and with a queue secret runs only signed jobs.
 */
import { availableParallelism, hostname } from 'node:os';
import { argsFrom, inCallersWords } from '../workflow/camel.js';
import { redisAccessOptions } from './sweep-options.js';
import { backendOption, chooseBackend, threadsFromEnvironment } from '../workflow/inputs.js';
import { numberOption, UsageError, type Io, type Options, type Parsed } from '../workflow/parse.js';

/** The options of `lnn worker`; `runWorker` takes them in camelCase (`dataRoot: ['/data']`). */
export const workerOptions: Options = {
  queue: { type: 'string', value: 'redis://HOST:PORT', description: 'the Redis of the sweeps (rediss:// for TLS)' },
  ...redisAccessOptions,
  'secret-file': {
    type: 'string',
    value: 'FILE',
    description:
      "run only jobs signed with the secret in this file (or set LNN_QUEUE_SECRET), and sign results with it: the sweep's",
  },
  'data-root': {
    type: 'string',
    value: 'DIR',
    repeatable: true,
    description: 'read data files only under this directory (repeatable); without it, only builtin: sets',
  },
  'lock-seconds': {
    type: 'string',
    value: 'N',
    description: 'how long a trial stays claimed by a worker that stopped answering before another takes it',
    default: '30',
  },
  ...backendOption,
};

/** The options of `runWorker`. */
export interface WorkerOptions {
  /** The Redis of the sweeps: redis://HOST:PORT or rediss:// (TLS). */
  queue: string;
  password?: string;
  tlsCa?: string;
  secretFile?: string;
  /** Directories the worker may read data under (none: built-in sets only). */
  dataRoot?: string[];
  lockSeconds?: number;
  backend?: string;
  /** Stops the worker after its current trial. */
  signal?: AbortSignal;
  /** Where the worker's lines go (started, finished, refused); default: nowhere. */
  onLog?: (line: string) => void;
}

/**
 * Serves the queue until `signal` aborts, then stops after the current trial.
 * @example
 * const stop = new AbortController();
 * await runWorker({ queue: 'redis://queue-host:6379', dataRoot: ['/shared/data'], signal: stop.signal });
 */
export async function runWorker(options: WorkerOptions): Promise<void> {
  const { signal, onLog, dataRoot, ...rest } = options;
  try {
    const args = argsFrom(rest as Record<string, unknown>, workerOptions);
    const log = (t: string) => onLog?.(t.trimEnd());
    const io: Io = { out: () => {}, err: log, errIsTTY: false };
    const stop = new Promise<void>((resolve) =>
      signal?.aborted ? resolve() : signal?.addEventListener('abort', () => resolve(), { once: true }),
    );
    await serveWorker(args, dataRoot ?? [], io, stop);
  } catch (e) {
    throw inCallersWords(e);
  }
}

/**
 * Connects, announces itself on `io.err`, serves until `stop` resolves, then closes after the current
 * trial. The command line's `lnn worker` is this with SIGINT and SIGTERM as `stop`.
 */
export async function serveWorker(
  args: Parsed,
  roots: readonly string[],
  io: Io,
  stop: Promise<unknown>,
): Promise<void> {
  if (args['queue'] === undefined) throw new UsageError('give the queue: --queue redis://HOST:PORT');
  // BullMQ and ioredis load only here and in a sweep with a queue: nothing else in lnn needs them.
  const { QUEUE_NAME, UNSIGNED_NOTE, checkRedis, serveTrials, shownUrl } = await import('./queue.js');
  const { queueSecretOf, redisTargetOf } = await import('./redis-options.js');
  const { TrialServer, dataRoots } = await import('./serve.js');
  const target = redisTargetOf(args);
  const secret = queueSecretOf(args);
  const realRoots = dataRoots(roots);
  const lockSeconds = numberOption(args, 'lock-seconds', { integer: true, min: 1 })!;
  await checkRedis(target);
  const backend = await chooseBackend(args);
  const threads = Math.min(8, threadsFromEnvironment() ?? availableParallelism());
  const name = `${hostname()}:${process.pid}`;
  const chosen = typeof args['backend'] === 'string' ? backend.name : undefined;
  const server = new TrialServer({ roots: realRoots, threads, backend: chosen, name }, io);
  const worker = serveTrials(target, (job) => server.run(job), {
    lockSeconds,
    name,
    ...(secret ? { secret } : {}),
    onError: io.err,
  });
  io.err(
    `lnn worker ${name}: serving ${QUEUE_NAME} at ${shownUrl(target.url)}; ${threads} kernel thread${threads === 1 ? '' : 's'} a trial; ` +
      `data ${realRoots.length ? `under ${realRoots.join(', ')}` : 'from builtin: sets only'}; ` +
      (secret ? `jobs signed with the secret of ${secret.source} only\n` : 'unsigned jobs accepted\n'),
  );
  if (!secret) io.err(UNSIGNED_NOTE);
  await stop;
  await worker.close();
  await server.close();
}
