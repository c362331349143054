/** `lnn worker`: parse → `serveWorker` (the library's runWorker) until SIGINT or SIGTERM. */
import { serveWorker, workerOptions } from '../../sweep/worker.js';
import type { Invocation, Io, Parsed } from '../../workflow/parse.js';
import type { Command } from '../command.js';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'train the trials of sweeps started with lnn sweep --queue (a BullMQ queue on Redis)',
  usage: '--queue redis://HOST:PORT [--data-root DIR]... [options]',
  options: workerOptions,
  details: `A worker takes one trial at a time from the queue, trains it on every core (in a worker thread, so
its claim on the job stays renewed) and sends the result back; the sweep writes it to its record. A
trial whose worker dies is taken by another after --lock-seconds. Workers read the data a sweep names
by path: give every worker the same files (shared storage) under its --data-root, or use builtin: sets.
A worker writes no file. Stop it with Ctrl-C or SIGTERM (it finishes the current trial first).

Examples:
  lnn worker --queue redis://queue-host:6379 --data-root /shared/data
  REDIS_PASSWORD=... LNN_QUEUE_SECRET=... lnn worker --queue rediss://queue-host:6380 --tls-ca ca.pem`,
  run: (args, io, invocation) => runWorkerCommand(args, io, invocation),
};

async function runWorkerCommand(args: Parsed, io: Io, invocation: Invocation): Promise<number> {
  const stop = new Promise<void>((resolve) => {
    const on = (signal: 'SIGINT' | 'SIGTERM') => () => {
      io.err(`lnn worker: ${signal}: stopping after the current trial (${signal} again stops at once)\n`);
      process.once(signal, () => process.exit(signal === 'SIGINT' ? 130 : 143));
      resolve();
    };
    process.once('SIGINT', on('SIGINT'));
    process.once('SIGTERM', on('SIGTERM'));
  });
  await serveWorker(args, invocation.repeated['data-root'] ?? [], io, stop);
  return 0;
}
