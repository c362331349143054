// The backends every kernel test runs over: the plain TypeScript reference, and the WebAssembly
// backend single-threaded and with two threads (the machine's cores; LNN_TEST_THREADS overrides),
// with relaxed-SIMD where the runtime has it, and once with plain SIMD over unshared memory.
import type { Backend } from '../../src/backend/backend.js';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import type { DType, Matrix } from '../../src/core/matrix.js';

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
  ];
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
