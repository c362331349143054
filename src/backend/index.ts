import { ValueError } from '../core/errors.js';
import type { Backend } from './backend.js';
import { ReferenceBackend } from './reference.js';

export type { ActivationKind, Backend, DropoutKey, LossKind, UniformSource } from './backend.js';
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
  /**
   * Threads for the fast backends, the calling one included (default: LNN_THREADS, else every core;
   * the wasm backend takes at most 8).
   */
  threads?: number;
  /** false: do not load the native addon (as LNN_NATIVE=0 does). */
  native?: boolean;
}

/** Registry priorities: the default backend is the fastest that loaded. */
const PRIORITY = { wasm: 10, native: 20 } as const;

let initializing: Promise<void> | undefined;
let initError: unknown;
let nativeReason: string | undefined;
let nativeOrigin: string | undefined;

/**
 * Loads the fast backends and registers them: the WebAssembly SIMD kernels as 'wasm', and in Node the
 * optional native addon as 'native', so that `defaultBackend()` returns the fastest that loaded from
 * then on. Idempotent (later calls return the first call's promise, whatever their options); never
 * throws: where WebAssembly SIMD is unavailable, 'ts' stays the default and `backendInitError()` says
 * why; where the addon is not built or cannot load, `nativeBackendReason()` says why.
 * @example await initBackends({ threads: 2 }); defaultBackend().name // => 'native' (or 'wasm' without the addon)
 */
export function initBackends(options: InitBackendsOptions = {}): Promise<void> {
  initializing ??= (async () => {
    try {
      const { createWasmBackend } = await import('./wasm/index.js');
      registerBackend(
        await createWasmBackend(options.threads === undefined ? {} : { threads: options.threads }),
        PRIORITY.wasm,
      );
    } catch (e) {
      initError = e;
    }
    if (options.native === false) {
      nativeReason = 'turned off by initBackends({ native: false })';
      return;
    }
    try {
      const { loadNativeBackend } = await import('./native/index.js');
      const r = await loadNativeBackend(options.threads === undefined ? {} : { threads: options.threads });
      if ('backend' in r) {
        registerBackend(r.backend, PRIORITY.native);
        nativeOrigin = r.origin;
      } else nativeReason = r.reason;
    } catch (e) {
      nativeReason = (e as Error).message;
    }
  })();
  return initializing;
}

/** Why `initBackends` could not register the wasm backend, if it could not. */
export function backendInitError(): unknown {
  return initError;
}

/** Why `initBackends` did not register the native backend (one line), if it did not. */
export function nativeBackendReason(): string | undefined {
  return nativeReason;
}

/**
 * One line for `lnn --version` and the bench: the backend in use by default, its instruction set and
 * threads; for native, the addon file it loaded and why the other file was passed over (the prebuild,
 * the local build: src/backend/native/addon.ts); otherwise why a faster one is not in use.
 * @example await backendSummary() // => 'backend: native (avx2, 2 threads) from …/prebuilds/linux-x64/lnn_native.node (prebuilt, SHA-256 checked)'
 */
export async function backendSummary(): Promise<string> {
  await initBackends();
  const be = defaultBackend();
  const isa = 'isa' in be && typeof be.isa === 'string' ? `${be.isa}, ` : '';
  let line = `backend: ${be.name} (${isa}${be.threads} thread${be.threads === 1 ? '' : 's'})`;
  if (be.name === 'native' && nativeOrigin !== undefined) line += ` ${nativeOrigin}`;
  if (nativeReason !== undefined) line += `; native: ${nativeReason}`;
  if (initError !== undefined) line += `; wasm: ${(initError as Error).message}`;
  return line;
}
