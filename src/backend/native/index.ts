import { coreCount, env } from '../wasm/platform.js';
import { loadAddon } from './addon.js';
import { NativeBackend } from './backend.js';

export { NativeBackend, NativeMask, NativeMatrix } from './backend.js';

export interface NativeBackendOptions {
  /**
   * Threads kernels may use, the calling one included: default LNN_THREADS from the environment, else
   * every core available to the process (the rule of the wasm backend, without its cap of 8).
   */
  threads?: number;
  /**
   * The instruction-set variant: default LNN_NATIVE_ISA, else the best this CPU runs ('avx512', then
   * 'avx2', then 'portable'). 'avx512-layout' runs the AVX-512 kernels' source compiled for AVX2 (tests).
   */
  isa?: string;
  /**
   * The addon file, the only one tried (tests: a missing one); default the package's prebuild for this
   * platform and CPU, else build/Release/lnn_native.node (addon.ts).
   */
  addonPath?: string;
  /** The package root whose prebuilds/ and build/ are searched (tests: a fake package). */
  root?: string;
}

/**
 * The outcome of loading the native backend: the backend and where its addon came from ("from FILE
 * (prebuilt, SHA-256 checked)", with why another file was passed over), or why there is none (one line).
 */
export type NativeLoad = { backend: NativeBackend; origin: string } | { reason: string };

/** Threads from the option, then LNN_THREADS, then the core count. */
async function nativeThreads(requested?: number): Promise<number> {
  const fromEnv = env('LNN_THREADS');
  const want = requested ?? (fromEnv !== undefined && fromEnv !== '' ? Number(fromEnv) : await coreCount());
  if (!Number.isInteger(want) || want < 1)
    throw new RangeError(`native backend: threads must be a positive integer but is ${fromEnv ?? requested}`);
  return want;
}

/**
 * Loads the addon and starts its thread pool, or says why it cannot (never throws for a missing or
 * unusable addon; throws a RangeError for a bad thread count or an instruction set this CPU lacks).
 * @example const r = await loadNativeBackend({ threads: 2 }); 'backend' in r ? r.backend.isa : r.reason // => 'avx2'
 */
export async function loadNativeBackend(options: NativeBackendOptions = {}): Promise<NativeLoad> {
  const threads = await nativeThreads(options.threads);
  const loaded = await loadAddon({
    ...(options.addonPath === undefined ? {} : { file: options.addonPath }),
    ...(options.root === undefined ? {} : { root: options.root }),
  });
  if (!('addon' in loaded)) return loaded;
  const { isas } = loaded.addon.cpu();
  const requested = options.isa ?? env('LNN_NATIVE_ISA');
  const isa = requested === undefined || requested === '' ? isas[0]! : requested;
  if (!isas.includes(isa))
    throw new RangeError(`native backend: this CPU cannot run the '${isa}' kernels; it runs ${isas.join(', ')}`);
  return { backend: new NativeBackend(loaded.addon, loaded.addon.createKernels(threads, isa)), origin: loaded.origin };
}

/** loadNativeBackend, throwing the reason when there is no addon (tests, benchmarks). */
export async function createNativeBackend(options: NativeBackendOptions = {}): Promise<NativeBackend> {
  const r = await loadNativeBackend(options);
  if ('reason' in r) throw new Error(`native backend: ${r.reason}`);
  return r.backend;
}
