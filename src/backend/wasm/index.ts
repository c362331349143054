import { ThreadPool } from '../threads/pool.js';
import { SPLIT_KERNEL_NAMES, specFingerprint } from '../kernel-spec.js';
import { kernelImports } from '../threads/worker.js';
import { WasmBackend } from './backend.js';
import { WasmHeap } from './heap.js';
import type { KernelExports } from './kernels.js';
import { compileKernels } from './kernels.js';
import { coreCount, env, sharedMemoryAvailable } from './platform.js';

export { WasmBackend } from './backend.js';
export { WasmMask, WasmMatrix } from './heap.js';

export interface WasmBackendOptions {
  /**
   * Threads kernels may use, the calling one included: default LNN_THREADS from the environment,
   * else every core (at most 8). Above 1 only where shared memory exists (Node; browsers when
   * cross-origin isolated); elsewhere 1.
   */
  threads?: number;
  /** false: plain SIMD even where relaxed-SIMD validates (tests, comparisons). Default: detect. */
  relaxedSimd?: boolean;
  /** false: an unshared memory (and so one thread), as in a browser page that is not isolated. */
  sharedMemory?: boolean;
}

const MAX_PAGES = 65536;
const PAGE = 65536;

/** Picks the thread count from the option, then LNN_THREADS, then the core count. */
async function resolveThreads(requested?: number): Promise<number> {
  const fromEnv = env('LNN_THREADS');
  const want =
    requested ?? (fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : Math.min(8, await coreCount()));
  if (!Number.isInteger(want) || want < 1)
    throw new RangeError(`wasm backend: threads must be a positive integer but is ${fromEnv ?? requested}`);
  return want;
}

/** The kernels' memory and the most bytes it can grow to. */
function createMemory(shared: boolean, initialPages: number): { memory: WebAssembly.Memory; limit: number } {
  // Browsers may refuse to reserve 4 GiB of address space; fall back to 1 GiB.
  for (const maximum of [MAX_PAGES, MAX_PAGES / 4]) {
    try {
      const descriptor = { initial: initialPages, maximum, shared } as WebAssembly.MemoryDescriptor;
      return { memory: new WebAssembly.Memory(descriptor), limit: maximum * PAGE };
    } catch (e) {
      if (maximum === MAX_PAGES / 4) throw e;
    }
  }
  throw new Error('unreachable');
}

/**
 * Refuses kernels compiled from another kernel-spec.ts (src/backend/wasm/generated/ is built, not
 * committed: an edit to the spec without `npm run build:wasm` would otherwise call them with the wrong
 * arguments or codes).
 */
export function checkFingerprint(ex: Pick<KernelExports, 'specFingerprint'>): void {
  const built = ex.specFingerprint() >>> 0,
    want = specFingerprint();
  if (built !== want)
    throw new Error(
      `wasm backend: the compiled kernels were built from another kernel-spec.ts ` +
        `(fingerprint ${built.toString(16)}, not ${want.toString(16)}); rebuild them with npm run build:wasm`,
    );
}

/**
 * Compiles and instantiates the kernels (relaxed-SIMD where the runtime validates it), creates the
 * memory (shared when threads are possible) and starts threads - 1 workers.
 * @example const wasm = await createWasmBackend({ threads: 2 }); wasm.threads // => 2
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  let threads = await resolveThreads(options.threads);
  const shared = options.sharedMemory !== false && sharedMemoryAvailable();
  if (!shared) threads = 1;
  const { module, relaxed } = await compileKernels(shared, options.relaxedSimd !== false);
  // Room for the static data and every thread's gemm scratch up front (about 4.5 MB a thread).
  const initialPages = 16 + Math.ceil((threads * 4.6e6) / PAGE);
  const { memory, limit } = createMemory(shared, initialPages);
  const instance = await WebAssembly.instantiate(module, kernelImports(memory));
  const ex = instance.exports as unknown as KernelExports;
  checkFingerprint(ex);
  const heap = new WasmHeap(memory, ex.heapBase());
  const names = SPLIT_KERNEL_NAMES.flatMap((k) => [`${k}_f32`, `${k}_f64`]);
  const scratchBytes = ex.gemmScratchBytes();
  const scratch = Array.from({ length: threads - 1 }, () => heap.alloc(scratchBytes));
  const pool = threads > 1 ? await ThreadPool.start(threads - 1, { module, memory, names, scratch }) : undefined;
  return new WasmBackend(ex, heap, pool, relaxed, limit);
}
