// What the host asks of the module besides the kernels (re-exported by the generated assembly/index.ts).
import { GEMM_SCRATCH_BYTES } from './gemm';

/** First byte the host may use: everything below belongs to this module's static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** Scratch bytes one thread needs for gemm. */
export function gemmScratchBytes(): i32 {
  return GEMM_SCRATCH_BYTES;
}

/** 1 when compiled with relaxed-SIMD fused multiply-add. */
export function relaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}
