/**
 * Finding and loading the native addon (build/Release/lnn_native.node, built from native/ by
 * scripts/build-native.mjs), or saying why it is not there. No Node module is imported statically:
 * this file is reachable from the browser bundle, where it only reports that addons need Node.
 */
import type { FloatArray } from '../../core/matrix.js';
import { KERNEL_CODES, KERNEL_NAMES, kernelSpec, type CodeSet, type KernelName } from '../kernel-spec.js';
import { env, isNode } from '../wasm/platform.js';

/** The kernel functions of one createKernels() call, bound to its thread pool (native/addon.cc). */
export type NativeKernels = {
  readonly [K in KernelName]: (...args: unknown[]) => number | undefined;
} & {
  /** The instruction-set variant: 'avx512', 'avx2', 'portable', or the test-only 'avx512-layout'. */
  readonly isa: string;
  readonly threads: number;
  /** MR, NR of the float32 micro-kernel, then of the float64 one. */
  readonly tiles: readonly number[];
};

export interface NativeAddon {
  /** The variants this CPU runs, best first. */
  cpu(): { isas: string[] };
  /** The codes and parameter orders the build was compiled with. */
  describe(): { activations: string[]; losses: string[]; kernels: Record<string, string[]> };
  createKernels(threads: number, isa: string): NativeKernels;
  /** A zeroed typed array of `count` values, its data 64-byte aligned. */
  alloc(count: number, f64: boolean): FloatArray;
  /** A zeroed Uint8Array of `count` bytes (a dropout mask), its data 64-byte aligned. */
  allocMask(count: number): Uint8Array;
  /** Frees the array's memory by detaching its buffer. */
  release(array: FloatArray | Uint8Array): void;
}

export type AddonLoad = { addon: NativeAddon; path: string } | { reason: string };

/** The addon's path relative to this module: src/backend/native/ and dist/backend/native/ alike. */
const RELATIVE = '../../../build/Release/lnn_native.node';
const STATUS = '../../../build/native-status.json';

function dynamicImport<T>(specifier: string): Promise<T> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<T>;
}

/**
 * Loads the addon (`path`, else LNN_NATIVE_ADDON, else build/Release/lnn_native.node; the AddressSanitizer
 * job points LNN_NATIVE_ADDON at its own build), or says in one line why it cannot: turned off
 * (LNN_NATIVE=0), not in Node, not built (with the build script's own reason when it recorded one), not
 * loadable, or built from other sources than this lnn (codes or parameter orders unlike kernel-spec.ts).
 */
export async function loadAddon(path?: string): Promise<AddonLoad> {
  if (!isNode) return { reason: 'native addons load only in Node' };
  if (env('LNN_NATIVE') === '0') return { reason: 'turned off by LNN_NATIVE=0' };
  const { createRequire } = await dynamicImport<typeof import('node:module')>('node:module');
  const { existsSync, readFileSync } = await dynamicImport<typeof import('node:fs')>('node:fs');
  const { fileURLToPath } = await dynamicImport<typeof import('node:url')>('node:url');
  const file = path ?? env('LNN_NATIVE_ADDON') ?? fileURLToPath(new URL(RELATIVE, import.meta.url));
  if (!existsSync(file))
    return { reason: notBuilt(file, readFileSync, fileURLToPath(new URL(STATUS, import.meta.url))) };
  let addon: NativeAddon;
  try {
    addon = createRequire(import.meta.url)(file) as NativeAddon;
  } catch (e) {
    return { reason: `${file} does not load: ${(e as Error).message.split('\n')[0]}` };
  }
  const stale = mismatch(addon.describe());
  return stale
    ? { reason: `${file} is stale (${stale}); rebuild it with npm run build:native` }
    : { addon, path: file };
}

function notBuilt(file: string, read: (p: string, enc: 'utf8') => string, statusFile: string): string {
  try {
    const status = JSON.parse(read(statusFile, 'utf8')) as { built?: boolean; reason?: string };
    if (status.built === false && status.reason) return `not built: ${status.reason}`;
  } catch {
    // No record: the install script never ran.
  }
  return `not built (${file} is missing: installed with --ignore-scripts, or install scripts were not run); npm run build:native builds it`;
}

/** How the build's codes and parameter orders differ from kernel-spec.ts, or undefined when they agree. */
export function mismatch(d: ReturnType<NativeAddon['describe']>): string | undefined {
  const sets: [CodeSet, string[]][] = [
    ['activation', d.activations],
    ['loss', d.losses],
  ];
  for (const [set, names] of sets)
    for (const [kind, code] of Object.entries(KERNEL_CODES[set]))
      if (names[code] !== kind) return `its ${set} code ${code} is '${names[code] ?? 'missing'}', not '${kind}'`;
  for (const k of KERNEL_NAMES) {
    const want = nativeParams(k).join(' ');
    const got = (d.kernels[k] ?? []).join(' ');
    if (got !== want) return `its ${k} takes (${got}), not (${want})`;
  }
  return undefined;
}

/** A kernel's parameters as the addon takes them: the described arguments less scratch (it has its own). */
export function nativeParams(kernel: KernelName): string[] {
  return kernelSpec(kernel)
    .args.filter((a) => a.kind !== 'scratch')
    .map((a) => a.name);
}
