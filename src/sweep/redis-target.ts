/**
 * Where the queue's Redis is and how to log in, without loading BullMQ or ioredis: the sweep's record
 * and messages show the target (password hidden) on every sweep, queued or not.
 */
import { isIP } from 'node:net';
import type { RedisOptions } from 'ioredis';
import { ValueError } from '../core/errors.js';
import { printable } from '../core/text.js';

/** A first connection that does not answer within this is an unreachable Redis. */
export const CONNECT_TIMEOUT_MS = 4000;

/**
 * Where Redis is: a redis:// or rediss:// (TLS) URL, the password (from --password or REDIS_PASSWORD),
 * and for rediss:// the certificates of the CAs to trust (from --tls-ca) instead of Node's own list.
 */
export interface RedisTarget {
  url: string;
  password?: string;
  ca?: { file: string; pem: string };
}

/**
 * Connection options for ioredis/BullMQ from the URL: host, port, user, password, database, TLS for
 * rediss://. Requests wait for a reconnect rather than fail (BullMQ's workers require it). The TLS server
 * name (SNI, and the name the certificate must hold) is the host; an IP address is checked against the
 * certificate's IP entries without SNI, which RFC 6066 forbids for addresses (Node warns, DEP0123).
 * @throws ValueError `--queue must be redis://HOST:PORT or rediss://HOST:PORT (TLS) but is 'x'`
 */
export function connectionOf(t: RedisTarget): RedisOptions & { host: string; port: number } {
  let u: URL;
  try {
    u = new URL(t.url);
  } catch {
    u = new URL('invalid:');
  }
  if ((u.protocol !== 'redis:' && u.protocol !== 'rediss:') || u.hostname === '')
    throw new ValueError(`--queue must be redis://HOST:PORT or rediss://HOST:PORT (TLS) but is '${shownUrl(t.url)}'`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db))
    throw new ValueError(`--queue: the database in '${shownUrl(t.url)}' must be a number`);
  const password = t.password ?? (u.password ? decodeURIComponent(u.password) : undefined);
  const host = u.hostname.replace(/^\[|\]$/g, '');
  const tls = {
    ...(isIP(host) === 0 ? { servername: host } : {}),
    ...(t.ca ? { ca: t.ca.pem } : {}),
  };
  return {
    host,
    port: u.port ? Number(u.port) : 6379,
    ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(u.protocol === 'rediss:' ? { tls } : {}),
    connectTimeout: CONNECT_TIMEOUT_MS,
    maxRetriesPerRequest: null,
  };
}

/**
 * The URL for messages and records: user and password hidden (everything from `//` to the last `@`,
 * since a password may hold `@`, `:` or `/`), and any query too.
 * @example shownUrl('rediss://:s3cret@host:6380/0') // => 'rediss://***@host:6380/0'
 */
export function shownUrl(url: string): string {
  return printable(url.replace(/\/\/.*@/s, '//***@').replace(/\?.*$/s, '?***'));
}
