/**
 * Signed jobs and results for the queue. Redis is shared infrastructure: without a secret, any client
 * that can reach it can put a job on lnn's queue or answer one. With a secret shared by the sweep and its
 * workers (`LNN_QUEUE_SECRET`, or `--secret-file`), the sweep signs every job and a worker signs every
 * result, each with HMAC-SHA256 over the canonical JSON of what it sends (a result also over the id of
 * the job it answers, so it cannot be replayed for another trial). A worker refuses an unsigned or
 * wrongly signed job before it reads any data; a sweep never records an unsigned result as a trial.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { canonicalJson } from '../core/json.js';

/** The shared secret, and where it came from (for messages; never the secret itself). */
export interface QueueSecret {
  key: Buffer;
  source: string;
}

/** Shortest secret accepted, in bytes: HMAC-SHA256 wants at least 128 bits of key. */
export const MIN_SECRET_BYTES = 16;

function mac(secret: QueueSecret, domain: string, value: unknown): string {
  return createHmac('sha256', secret.key)
    .update(`${domain}\n${canonicalJson(value)}`)
    .digest('hex');
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A document with its `sig` member set aside. */
export function unsigned(doc: Record<string, unknown>): { body: Record<string, unknown>; sig: unknown } {
  const { sig, ...body } = doc;
  return { body, sig };
}

/** The signature of a job (everything it carries but `sig`). */
export function signJob(secret: QueueSecret, job: Record<string, unknown>): string {
  return mac(secret, 'lnn-job', job);
}

/** The signature of a result, bound to the id of the job it answers. */
export function signResult(secret: QueueSecret, jobId: string, result: Record<string, unknown>): string {
  return mac(secret, `lnn-result ${jobId}`, result);
}

/**
 * Why a signed document fails its check, or undefined when its `sig` is right. `what` names it in the
 * reason ('the job', 'the result').
 */
export function signatureProblem(
  secret: QueueSecret,
  doc: Record<string, unknown>,
  sign: (body: Record<string, unknown>) => string,
  what: string,
): string | undefined {
  const { body, sig } = unsigned(doc);
  if (sig === undefined) return `${what} is not signed, and this side has a queue secret (${secret.source})`;
  if (typeof sig !== 'string' || !same(sig, sign(body)))
    return `${what}'s signature does not match the queue secret (${secret.source}): signed with another secret, or forged`;
  return undefined;
}
