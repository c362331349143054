import { availableParallelism, hostname } from 'node:os';
import { type Command } from '../command.js';
import { UsageError, numberOption, type Invocation, type Io, type Parsed } from '../../workflow/parse.js';
import { backendOption, chooseBackend, threadsFromEnvironment } from '../../workflow/inputs.js';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'train the trials of sweeps started with lnn sweep --queue (a BullMQ queue on Redis)',
  usage: '--queue redis://HOST:PORT [--data-root DIR]... [options]',
  options: {
    queue: { type: 'string', value: 'redis://HOST:PORT', description: 'the Redis of the sweeps (rediss:// for TLS)' },
    password: { type: 'string', value: 'PASSWORD', description: 'the Redis password (or set REDIS_PASSWORD)' },
    'tls-ca': {
      type: 'string',
      value: 'FILE.pem',
      description:
        "rediss://: trust the server's certificate when this CA signed it (PEM; instead of the system's CAs)",
    },
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
  },
  details: `A worker takes one trial at a time from the queue, trains it on every core (in a worker thread, so
its claim on the job stays renewed) and sends the result back; the sweep writes it to its record. A
trial whose worker dies is taken by another after --lock-seconds. Workers read the data a sweep names
by path: give every worker the same files (shared storage) under its --data-root, or use builtin: sets.
A worker writes no file. Stop it with Ctrl-C or SIGTERM (it finishes the current trial first).

Examples:
  lnn worker --queue redis://queue-host:6379 --data-root /shared/data
  REDIS_PASSWORD=... LNN_QUEUE_SECRET=... lnn worker --queue rediss://queue-host:6380 --tls-ca ca.pem`,
  run: (args, io, invocation) => runWorker(args, io, invocation),
};

async function runWorker(args: Parsed, io: Io, invocation: Invocation): Promise<number> {
  if (args['queue'] === undefined) throw new UsageError('give the queue: --queue redis://HOST:PORT');
  // BullMQ and ioredis load only here and in lnn sweep --queue: nothing else in lnn needs them.
  const { QUEUE_NAME, UNSIGNED_NOTE, checkRedis, serveTrials, shownUrl } = await import('../../sweep/queue.js');
  const { queueSecretOf, redisTargetOf } = await import('../../sweep/redis-options.js');
  const { TrialServer, dataRoots } = await import('../../sweep/serve.js');
  const target = redisTargetOf(args);
  const secret = queueSecretOf(args);
  const roots = dataRoots(invocation.repeated['data-root'] ?? []);
  const lockSeconds = numberOption(args, 'lock-seconds', { integer: true, min: 1 })!;
  await checkRedis(target);
  const backend = await chooseBackend(args);
  const threads = Math.min(8, threadsFromEnvironment() ?? availableParallelism());
  const name = `${hostname()}:${process.pid}`;
  const server = new TrialServer(
    roots,
    threads,
    typeof args['backend'] === 'string' ? backend.name : undefined,
    name,
    io,
  );
  const worker = serveTrials(target, (job) => server.run(job), {
    lockSeconds,
    name,
    ...(secret ? { secret } : {}),
    onError: io.err,
  });
  io.err(
    `lnn worker ${name}: serving ${QUEUE_NAME} at ${shownUrl(target.url)}; ${threads} kernel thread${threads === 1 ? '' : 's'} a trial; ` +
      `data ${roots.length ? `under ${roots.join(', ')}` : 'from builtin: sets only'}; ` +
      (secret ? `jobs signed with the secret of ${secret.source} only\n` : 'unsigned jobs accepted\n'),
  );
  if (!secret) io.err(UNSIGNED_NOTE);
  const signal = await new Promise<'SIGINT' | 'SIGTERM'>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  io.err(`lnn worker: ${signal}: stopping after the current trial (${signal} again stops at once)\n`);
  process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
  await worker.close();
  await server.close();
  return 0;
}
