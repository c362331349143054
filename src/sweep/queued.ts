/**
 * `lnn sweep --queue URL`: the same sweep, with the trials run by `lnn worker` processes through a
 * BullMQ queue. The sweep still makes the sets (for its identity, the checks before the first trial and
 * --evaluate-test), keeps the record, and can be killed and resumed: finished jobs wait in Redis.
 */
import { UsageError, type Io, type Parsed } from '../workflow/parse.js';
import { QUEUE_NAME, QueueExecutor, UNSIGNED_NOTE, checkRedis, shownUrl } from './queue.js';
import type { SweepRecord } from './record.js';
import { queueSecretOf, redisTargetOf, withAbsolutePaths } from './redis-options.js';
import type { Executor, TrialSpec } from './scheduler.js';
import type { SweepSettings } from './sweep-settings.js';
import type { Plan } from './strategies.js';

/** Makes the queue's executor once the record exists (the jobs carry the sweep's id and data). */
export type QueueFactory = (sweep: { plan: Plan; record: SweepRecord; io: Io; quiet: boolean }) => {
  executor: Executor;
  how: string;
};

/**
 * Checks the queue options and reaches Redis (an unreachable queue is one line within seconds, before
 * any data is read); returns the factory of the executor.
 */
export async function queueExecutor(args: Parsed, s: SweepSettings): Promise<QueueFactory> {
  if (s.prune)
    throw new UsageError('--prune compares trials while they train, on this machine; drop --prune or --queue');
  if (s.parallel !== undefined)
    throw new UsageError('--parallel is for trials on this machine; with --queue, start more lnn worker processes');
  const target = redisTargetOf(args);
  const secret = queueSecretOf(args);
  await checkRedis(target);
  return ({ plan, record, io, quiet }) => {
    const capacity = plan.kind === 'all' ? Math.max(1, plan.proposals.length) : 1;
    const queue = new QueueExecutor({
      target,
      sweep: record.identity.id,
      data: record.identity.data,
      capacity,
      ...(secret ? { secret } : {}),
      onWarning: io.err,
    });
    if (!secret && !quiet) io.err(UNSIGNED_NOTE);
    const executor: Executor = {
      capacity,
      // Jobs carry absolute paths: a worker on the same shared storage opens the same files.
      run: (spec: TrialSpec) => queue.run({ ...spec, args: withAbsolutePaths(spec.args) }),
      recorded: (spec: TrialSpec) => queue.recorded(spec),
      close: () => queue.close(),
    };
    return {
      executor,
      how: `on the queue ${QUEUE_NAME} at ${shownUrl(target.url)} (start lnn worker --queue ... on any machine)`,
    };
  };
}
