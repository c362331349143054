// The backends every kernel test runs over: the plain TypeScript reference, and the WebAssembly
// backend single-threaded and with two threads (the machine's cores; LNN_TEST_THREADS overrides),
// with relaxed-SIMD where the runtime has it, and once with plain SIMD over unshared memory; then,
// where the addon is built, the native backend with every instruction-set variant this CPU runs (its
// best one also single-threaded). Only the machine may leave the native cases out (the addon turned
// off, or not built for want of a tool: test/backend/native.test.ts then skips, saying why); an addon
// that was built but is stale or does not load, or sources that did not compile, fail every test file
// that asks for the backends.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Backend } from '../../src/backend/backend.js';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { loadNativeBackend } from '../../src/backend/native/index.js';
import { loadAddon } from '../../src/backend/native/addon.js';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import type { DType, Matrix } from '../../src/core/matrix.js';
import { repoRoot } from '../helpers/util.js';

export const reference = new ReferenceBackend();

export interface Case {
  label: string;
  backend: Backend;
}

export async function allBackends(): Promise<Case[]> {
  const threads = Number(process.env.LNN_TEST_THREADS ?? 2);
  const one = await createWasmBackend({ threads: 1 });
  const many = await createWasmBackend({ threads });
  // Plain SIMD (no relaxed multiply-add) over an unshared memory: what a browser page that is not
  // cross-origin isolated, on a runtime without relaxed-SIMD, gets.
  const plain = await createWasmBackend({ threads: 1, relaxedSimd: false, sharedMemory: false });
  return [
    { label: 'ts', backend: reference },
    { label: `wasm 1 thread${one.relaxedSimd ? ' relaxed-SIMD' : ''}`, backend: one },
    { label: `wasm ${many.threads} threads${many.relaxedSimd ? ' relaxed-SIMD' : ''}`, backend: many },
    { label: 'wasm 1 thread plain SIMD unshared memory', backend: plain },
    ...(await nativeBackends(threads)),
  ];
}

/**
 * Why the native cases are left out, or undefined when the addon loads (of the package at `root`: tests
 * use a fake one). Throws when the reason is the sources' rather than the machine's (machineReason): a
 * stale or broken addon fails, never skips.
 */
export async function nativeUnavailable(root = repoRoot): Promise<string | undefined> {
  const r = await loadAddon({ root });
  if (!('reason' in r)) return undefined;
  if (machineReason(root)) return r.reason;
  const status = buildStatus(root);
  // An old addon left by a build that then failed is refused as stale; the compile error is the news.
  const last =
    status?.built === false && !r.reason.includes(status.reason ?? '') ? `; last build: ${status.reason}` : '';
  throw new Error(`the native addon was built here but cannot be used: ${r.reason}${last}`);
}

interface BuildStatus {
  built?: boolean;
  reason?: string;
  environment?: boolean;
  cross?: boolean;
}

/** What scripts/build-native.mjs recorded in build/native-status.json, if it ran. */
function buildStatus(root: string): BuildStatus | undefined {
  const file = join(root, 'build/native-status.json');
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as BuildStatus) : undefined;
}

/**
 * Whether the addon is missing for the machine's sake: turned off (LNN_NATIVE=0), never built (install
 * scripts not run), built for another CPU, or not built for want of a tool, as build/native-status.json
 * records (scripts/build-native.mjs). Not when LNN_NATIVE_ADDON names a file: that one must load.
 */
function machineReason(root: string): boolean {
  if (process.env.LNN_NATIVE === '0') return true;
  if (process.env.LNN_NATIVE_ADDON) return false;
  const status = buildStatus(root);
  if (status === undefined) return true;
  return status.cross === true || (status.built === false && status.environment === true);
}

/** Native backends: every variant this CPU runs with `threads` threads, and the best with one. */
async function nativeBackends(threads: number): Promise<Case[]> {
  if ((await nativeUnavailable()) !== undefined) return [];
  const r = (await loadAddon()) as Extract<Awaited<ReturnType<typeof loadAddon>>, { addon: unknown }>;
  const [best, ...others] = r.addon.cpu().isas;
  const out: Case[] = [];
  for (const [isa, t] of [[best!, threads], [best!, 1], ...others.map((i) => [i, threads] as const)] as const) {
    const loaded = await loadNativeBackend({ threads: t, isa });
    if ('backend' in loaded)
      out.push({ label: `native ${isa} ${t} thread${t > 1 ? 's' : ''}`, backend: loaded.backend });
  }
  return out;
}

export const dtypes: DType[] = ['float32', 'float64'];

/** A backend matrix from nested rows. */
export function mat(be: Backend, rows: number[][], dtype: DType): Matrix {
  const M = be.zeros(rows.length, rows[0]!.length, dtype);
  M.data.set(rows.flat());
  return M;
}

/** Uniform values in [lo, hi) from a small seeded generator (xorshift), so failures repeat. */
export function fill(M: Matrix, seed: number, lo = -1, hi = 1): Matrix {
  let s = seed * 2654435761 + 1;
  for (let i = 0; i < M.size; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    M.data[i] = lo + ((s >>> 0) / 4294967296) * (hi - lo);
  }
  return M;
}

/** Unit roundoff of the dtype: 2^-24 (float32), 2^-53 (float64). */
export function unitRoundoff(dtype: DType): number {
  return dtype === 'float64' ? 2 ** -53 : 2 ** -24;
}
