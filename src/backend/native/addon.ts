/**
 * Finding and loading the native addon, or saying why there is none. Two files are tried, in order: the
 * package's prebuild for this platform and CPU (`prebuilds/<platform>-<arch>/lnn_native.node`, made by
 * `npm pack` through scripts/prebuild.mjs, and checked by prebuilt.ts before it is loaded), then the addon
 * built here from native/ (`build/Release/lnn_native.node`, by scripts/build-native.mjs: a clone, the
 * install script where there is no prebuild). The first that loads and matches kernel-spec.ts is used, and
 * the reasons the other was passed over travel with it, for `lnn --version`. No Node module is imported
 * statically: this file is reachable from the browser bundle, where it only reports that addons need Node.
 */
import type { FloatArray } from '../../core/matrix.js';
import { KERNEL_CODES, KERNEL_NAMES, kernelSpec, type CodeSet, type KernelName } from '../kernel-spec.js';
import { fsReason } from '../../core/errors.js';
import { env, isNode } from '../wasm/platform.js';
import { checkPrebuild, type PrebuildIO } from './prebuilt.js';

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

/**
 * An addon that loaded (its file, and `origin`: where it came from and why the other file was passed
 * over, one line for `lnn --version`), or why none did (one line).
 */
export type AddonLoad = { addon: NativeAddon; path: string; origin: string } | { reason: string };

/** Where to look: one file, or a package root's prebuild and local build (default: this package's). */
export interface AddonSearch {
  /** This file only (tests; LNN_NATIVE_ADDON does the same from the environment). */
  file?: string;
  /** The folder holding prebuilds/ and build/ (tests: a fake package); default the package's root. */
  root?: string;
}

/** The package root, relative to this module: src/backend/native/ and dist/backend/native/ alike. */
const ROOT = '../../../';
const LOCAL = 'build/Release/lnn_native.node';
const STATUS = 'build/native-status.json';

function dynamicImport<T>(specifier: string): Promise<T> {
  return import(/* webpackIgnore: true */ /* @vite-ignore */ specifier) as Promise<T>;
}

/** What loading needs from Node, imported on first use. */
interface NodeIO extends PrebuildIO {
  root: string;
  exists(path: string): boolean;
  require(path: string): unknown;
}

async function nodeIO(root: string | undefined): Promise<NodeIO> {
  const { createRequire } = await dynamicImport<typeof import('node:module')>('node:module');
  const { existsSync, readFileSync } = await dynamicImport<typeof import('node:fs')>('node:fs');
  const { createHash } = await dynamicImport<typeof import('node:crypto')>('node:crypto');
  const { fileURLToPath } = await dynamicImport<typeof import('node:url')>('node:url');
  return {
    root: (root ?? fileURLToPath(new URL(ROOT, import.meta.url))).replace(/[\\/]+$/, ''),
    exists: existsSync,
    require: createRequire(import.meta.url),
    read(path) {
      try {
        return readFileSync(path);
      } catch (e) {
        if ((e as { code?: string }).code === 'ENOENT') return undefined;
        throw new Error(`${path} cannot be read: ${fsReason(e)}`);
      }
    },
    sha256: (bytes) => createHash('sha256').update(bytes).digest('hex'),
  };
}

/**
 * Loads the addon, or says in one line why it cannot: turned off (LNN_NATIVE=0), not in Node, or (for
 * each file tried) missing, refused by the prebuild checks, not built (with the build script's own reason
 * when it recorded one), not loadable, or built from other sources than this lnn (codes or parameter
 * orders unlike kernel-spec.ts). `search.file`, else LNN_NATIVE_ADDON (the AddressSanitizer job points it
 * at its own build), is the only file tried; otherwise the prebuild, then the local build.
 */
export async function loadAddon(search: AddonSearch = {}): Promise<AddonLoad> {
  if (!isNode) return { reason: 'native addons load only in Node' };
  if (env('LNN_NATIVE') === '0') return { reason: 'turned off by LNN_NATIVE=0' };
  const io = await nodeIO(search.root);
  const given = search.file ?? env('LNN_NATIVE_ADDON');
  if (given !== undefined) return loadLocal(io, given, search.file ? 'given' : 'LNN_NATIVE_ADDON');
  const prebuilt = loadPrebuiltWith(io);
  if ('addon' in prebuilt) {
    const local = `${io.root}/${LOCAL}`;
    return io.exists(local)
      ? { ...prebuilt, origin: `${prebuilt.origin}; ${local} not used: the prebuild comes first` }
      : prebuilt;
  }
  const local = loadLocal(io, `${io.root}/${LOCAL}`, 'built from source');
  return 'addon' in local
    ? { ...local, origin: `${local.origin}; ${prebuilt.reason}` }
    : { reason: `${prebuilt.reason}; ${local.reason}` };
}

/**
 * The package's prebuild for this platform and CPU, if it passes the checks (prebuilt.ts) and loads
 * (the install script asks this before it builds anything).
 */
export async function loadPrebuilt(root?: string): Promise<AddonLoad> {
  if (!isNode) return { reason: 'native addons load only in Node' };
  return loadPrebuiltWith(await nodeIO(root));
}

function loadPrebuiltWith(io: NodeIO): AddonLoad {
  let checked: ReturnType<typeof checkPrebuild>;
  try {
    checked = checkPrebuild(io.root, process.platform, process.arch, io);
  } catch (e) {
    return { reason: (e as Error).message };
  }
  return 'file' in checked
    ? loadFile(io, checked.file, 'prebuilt, SHA-256 checked', 'npm run build:prebuilds')
    : checked;
}

/** A file built here (or named): missing is "not built", with the build script's reason when it left one. */
function loadLocal(io: NodeIO, file: string, how: string): AddonLoad {
  return io.exists(file) ? loadFile(io, file, how, 'npm run build:native') : { reason: notBuilt(io, file) };
}

/** Loads `file` (`how` it was made, for the origin; `rebuild`: the command that makes it again). */
function loadFile(io: NodeIO, file: string, how: string, rebuild: string): AddonLoad {
  let addon: NativeAddon;
  try {
    addon = io.require(file) as NativeAddon;
  } catch (e) {
    return { reason: `${file} does not load: ${(e as Error).message.split('\n')[0]}` };
  }
  const stale = mismatch(addon.describe());
  return stale
    ? { reason: `${file} is stale (${stale}); rebuild it with ${rebuild}` }
    : { addon, path: file, origin: `from ${file} (${how})` };
}

function notBuilt(io: NodeIO, file: string): string {
  try {
    const status = JSON.parse(new TextDecoder().decode(io.read(`${io.root}/${STATUS}`))) as {
      built?: boolean;
      reason?: string;
    };
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
