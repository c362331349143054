/**
 * The command-line side of the queue: the Redis target from --queue and --password (or REDIS_PASSWORD),
 * and the file options whose paths a job carries to other machines.
 */
import { isAbsolute, resolve } from 'node:path';
import { connectionOf, type RedisTarget } from '../../experiments/queue.js';
import { optionValue, type Parsed } from '../command.js';

/** `lnn train` options that name files a trial reads. */
export const FILE_OPTIONS = ['data', 'x', 'y', 'dev', 'test', 'dev-x', 'dev-y', 'test-x', 'test-y', 'init'] as const;

/** Whether an option's value is a file to read (not a built-in set, not an init recipe). */
export function isFileValue(option: string, value: string): boolean {
  if (value.startsWith('builtin:')) return false;
  return option !== 'init' || /\.json$/i.test(value);
}

/**
 * The Redis of --queue, with the password of --password or REDIS_PASSWORD; a malformed URL is a usage
 * error. (A password on the command line shows in `ps`: REDIS_PASSWORD keeps it out of sight.)
 */
export function redisTargetOf(args: Parsed): RedisTarget {
  const url = String(args['queue']);
  const password = typeof args['password'] === 'string' ? args['password'] : process.env['REDIS_PASSWORD'] || undefined;
  const target = { url, ...(password !== undefined ? { password } : {}) };
  optionValue('--queue', () => connectionOf(target));
  return target;
}

/** The trial's options with every file made absolute, so a worker on shared storage opens the same files. */
export function withAbsolutePaths(args: Record<string, string | boolean>): Record<string, string | boolean> {
  const out = { ...args };
  for (const o of FILE_OPTIONS) {
    const v = out[o];
    if (typeof v === 'string' && isFileValue(o, v) && !isAbsolute(v)) out[o] = resolve(v);
  }
  return out;
}
