import { ValueError } from '../core/errors.js';
import type { Backend } from './backend.js';
import { ReferenceBackend } from './reference.js';

export type { ActivationKind, Backend, LossKind, UniformSource } from './backend.js';
export { ReferenceBackend } from './reference.js';

/**
 * Backends by name. Faster backends register themselves (`registerBackend`) once they have
 * initialized; `defaultBackend()` then prefers the fastest one registered.
 */
const registry = new Map<string, { backend: Backend; priority: number }>();
registry.set('ts', { backend: new ReferenceBackend(), priority: 0 });
let current: Backend | undefined;

export function registerBackend(backend: Backend, priority: number): void {
  registry.set(backend.name, { backend, priority });
}

export function backendNames(): string[] {
  return [...registry.keys()];
}

export function getBackend(name: string): Backend {
  const entry = registry.get(name);
  if (!entry) throw new ValueError(`backend must be one of ${backendNames().join(', ')} but is '${name}'`);
  return entry.backend;
}

/** The backend used when none is passed: the one set with `setBackend`, else the fastest registered. */
export function defaultBackend(): Backend {
  if (current) return current;
  let best: { backend: Backend; priority: number } | undefined;
  for (const e of registry.values()) if (!best || e.priority > best.priority) best = e;
  return best!.backend;
}

export function setBackend(nameOrBackend: string | Backend): Backend {
  current = typeof nameOrBackend === 'string' ? getBackend(nameOrBackend) : nameOrBackend;
  return current;
}

export interface InitBackendsOptions {
  /** Threads for the wasm backend, the calling one included (default: LNN_THREADS, else every core, at most 8). */
  threads?: number;
}

let initializing: Promise<void> | undefined;
let initError: unknown;

/**
 * Loads the WebAssembly SIMD backend and registers it as 'wasm', so that `defaultBackend()` returns
 * it from then on. Idempotent (later calls return the first call's promise, whatever their options);
 * never throws: where WebAssembly SIMD is unavailable, 'ts' stays the default and
 * `backendInitError()` says why.
 * @example await initBackends({ threads: 2 }); defaultBackend().name // => 'wasm'
 */
export function initBackends(options: InitBackendsOptions = {}): Promise<void> {
  initializing ??= (async () => {
    try {
      const { createWasmBackend } = await import('./wasm/index.js');
      registerBackend(await createWasmBackend(options), 10);
    } catch (e) {
      initError = e;
    }
  })();
  return initializing;
}

/** Why `initBackends` could not register the wasm backend, if it could not. */
export function backendInitError(): unknown {
  return initError;
}
