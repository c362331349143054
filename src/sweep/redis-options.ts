/**
 * The command-line side of the queue: the Redis target from --queue, --password (or REDIS_PASSWORD) and
 * --tls-ca, the command line as records keep it (secrets hidden), and the file options whose paths a job
 * carries to other machines. Loads neither BullMQ nor ioredis.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fsReason } from '../core/errors.js';
import { printable } from '../core/text.js';
import { connectionOf, shownUrl, type RedisTarget } from './redis-target.js';
import { MIN_SECRET_BYTES, type QueueSecret } from './signing.js';
import { UsageError, optionValue, type Parsed } from '../workflow/parse.js';

/** `lnn train` options that name files a trial reads. */
export const FILE_OPTIONS = ['data', 'x', 'y', 'dev', 'test', 'dev-x', 'dev-y', 'test-x', 'test-y', 'init'] as const;

/** Whether an option's value is a file to read (not a built-in set, not an init recipe). */
export function isFileValue(option: string, value: string): boolean {
  if (value.startsWith('builtin:')) return false;
  return option !== 'init' || /\.json$/i.test(value);
}

/**
 * The Redis of --queue, with the password of --password or REDIS_PASSWORD and the CA certificates of
 * --tls-ca (read once, here); a malformed URL or an unreadable CA file is a usage error. (A password on
 * the command line shows in `ps`: REDIS_PASSWORD keeps it out of sight.)
 */
export function redisTargetOf(args: Parsed): RedisTarget {
  const url = String(args['queue']);
  const password = typeof args['password'] === 'string' ? args['password'] : process.env['REDIS_PASSWORD'] || undefined;
  const target: RedisTarget = { url, ...(password !== undefined ? { password } : {}) };
  const connection = optionValue('--queue', () => connectionOf(target));
  const caFile = args['tls-ca'];
  if (typeof caFile !== 'string') return target;
  if (connection.tls === undefined)
    throw new UsageError(`--tls-ca is for a TLS Redis, and --queue ${shownUrl(url)} is not one: use rediss://`);
  return { ...target, ca: { file: caFile, pem: readCertificates(caFile) } };
}

/**
 * The PEM text of --tls-ca, checked: every `BEGIN CERTIFICATE` block must parse, and there must be one.
 * @throws UsageError `--tls-ca ca.pem: cannot read (no such file or directory)`
 */
function readCertificates(file: string): string {
  let pem: string;
  try {
    pem = readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--tls-ca ${printable(file)}: cannot read (${fsReason(e)})`);
  }
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[^-]*-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0)
    throw new UsageError(
      `--tls-ca ${printable(file)}: no PEM certificate in it (a block from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----)`,
    );
  blocks.forEach((b, i) => {
    try {
      new X509Certificate(b);
    } catch (e) {
      throw new UsageError(
        `--tls-ca ${printable(file)}: certificate ${i + 1} is not a valid certificate (${(e as Error).message})`,
      );
    }
  });
  return pem;
}

/**
 * The queue's shared secret: the contents of --secret-file (trailing newline dropped), else
 * LNN_QUEUE_SECRET, else none. One shorter than MIN_SECRET_BYTES is refused: an HMAC key must be hard to guess.
 * @throws UsageError `--secret-file s.txt: the secret is 5 bytes; use at least 16 (e.g. openssl rand -hex 32 > s.txt)`
 */
export function queueSecretOf(args: Parsed): QueueSecret | undefined {
  const file = args['secret-file'];
  let text: string | undefined;
  let source: string;
  if (typeof file === 'string') {
    source = `--secret-file ${printable(file)}`;
    try {
      text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new UsageError(`${source}: cannot read (${fsReason(e)})`);
    }
  } else {
    source = 'LNN_QUEUE_SECRET';
    text = process.env['LNN_QUEUE_SECRET'] || undefined;
    if (text === undefined) return undefined;
  }
  const key = Buffer.from(text, 'utf8');
  if (key.length < MIN_SECRET_BYTES)
    throw new UsageError(
      `${source}: the secret is ${key.length} byte${key.length === 1 ? '' : 's'}; use at least ${MIN_SECRET_BYTES} (e.g. openssl rand -hex 32)`,
    );
  return { key, source };
}

/**
 * The command line as a record keeps it: the value of --password, and the user and password in the URL
 * of --queue, hidden (`***`), so that no record, report or log shows a secret.
 * @example redactedArgv(['sweep', '--password', 's3cret']) // => ['sweep', '--password', '***']
 */
export function redactedArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = /^(--password|--queue)=(.*)$/s.exec(a);
    if (eq) out.push(`${eq[1]}=${eq[1] === '--password' ? '***' : shownUrl(eq[2]!)}`);
    else if ((a === '--password' || a === '--queue') && i + 1 < argv.length) {
      out.push(a, a === '--password' ? '***' : shownUrl(argv[i + 1]!));
      i++;
    } else out.push(a);
  }
  return out;
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
