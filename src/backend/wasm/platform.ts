/**
 * What the runtime offers, detected rather than assumed, without importing any Node module
 * statically (this file is part of the browser bundle).
 */

/** True under Node.js (worker_threads, v8 flags, process.env are available through dynamic imports). */
export const isNode: boolean =
  typeof process !== 'undefined' && typeof process.versions === 'object' && typeof process.versions.node === 'string';

/** An environment variable under Node, undefined elsewhere. */
export function env(name: string): string | undefined {
  return isNode ? process.env[name] : undefined;
}

/** Shared memory (SharedArrayBuffer + Atomics): always in Node, in browsers only when cross-origin isolated. */
export function sharedMemoryAvailable(): boolean {
  if (typeof SharedArrayBuffer === 'undefined' || typeof Atomics === 'undefined') return false;
  if (isNode) return true;
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

/**
 * import() of a Node built-in, written so that bundlers (esbuild, Vite, webpack) leave it alone: the
 * specifier is not a literal, so a browser bundle of lnn needs no `external: ['node:*']`. Only reached in Node.
 */
export function importNodeBuiltin<T>(name: 'fs' | 'os' | 'v8' | 'worker_threads'): Promise<T> {
  const specifier = `node:${name}`;
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<T>;
}

/** Logical cores: os.availableParallelism() in Node, navigator.hardwareConcurrency in browsers. */
export async function coreCount(): Promise<number> {
  if (isNode) {
    const os = await importNodeBuiltin<typeof import('node:os')>('os');
    return typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  }
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  return nav?.hardwareConcurrency ?? 1;
}

/** Base64 to bytes with the global atob (Node ≥ 16 and every browser). */
export function decodeBase64(b64: string): Uint8Array<ArrayBuffer> {
  const s = atob(b64);
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
}
