// Packed, register-blocked GEMM (GotoBLAS loop order) for f32 and f64 in WebAssembly SIMD128.
//
//   C = alpha · op(A) · op(B) + beta · C,   op(A): (M, K), op(B): (K, N), C: (M, N), all row-major
//
// with leading dimensions (lda, ldb, ldc) so that a thread can run on a block of rows or columns.
// op(A) is packed into micro-panels of MR rows ([k][r], r fastest) and op(B) into micro-panels of NR
// columns ([k][c], c fastest), zero-padded at the edges, so the micro-kernel reads both contiguously
// whatever the transpose flags: no transpose is ever materialized.
//
// Micro-tile: MR = 4 rows × NR = 2 vectors (8 f32 or 4 f64 columns) = 8 v128 accumulators, which with
// two B vectors and one broadcast A value fits the 16 SIMD registers of x86-64 without spilling.
import { lanes, madd } from './simd';

export const MR: i32 = 4;
export const KC: i32 = 256;
export const MC: i32 = 128;
export const NC: i32 = 2048;
/** Up to this many rows of C, a non-transposed B is read in place rather than packed. */
const DIRECT_B_MAX_M: i32 = 32;

/** Bytes of scratch one gemm call needs (for f64, the larger): packed A, packed B, one edge tile. */
export const GEMM_SCRATCH_BYTES: i32 = (MC * KC + KC * NC + 64) * 8;

// @ts-ignore: decorator
@inline function nr<T>(): i32 {
  return 2 * lanes<T>();
}

/**
 * dst[k·W + c] = src[c·ld + k] for c < w, 0 for w ≤ c < W; k < kc.
 * Packs w lines that run along k (rows of a non-transposed A, rows of a transposed B).
 */
function packLines<T>(src: usize, ld: i32, w: i32, W: i32, kc: i32, dst: usize): void {
  const S = sizeof<T>();
  const L = lanes<T>();
  let k = 0;
  if (w == W) {
    // Blocks of L lines × L values of k, transposed in registers.
    const kv = kc - (kc % L);
    for (let c = 0; c < W; c += L) {
      const s0 = src + <usize>(c * ld) * S;
      const ldB = <usize>ld * S;
      const d0 = dst + <usize>c * S;
      for (let kk = 0; kk < kv; kk += L) {
        const off = <usize>kk * S;
        const dk = d0 + <usize>(kk * W) * S;
        if (sizeof<T>() == 4) {
          const v0 = v128.load(s0 + off);
          const v1 = v128.load(s0 + ldB + off);
          const v2 = v128.load(s0 + 2 * ldB + off);
          const v3 = v128.load(s0 + 3 * ldB + off);
          const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
          const t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
          const WB = <usize>W * 4;
          v128.store(dk, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
          v128.store(dk + WB, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
          v128.store(dk + 2 * WB, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
          v128.store(dk + 3 * WB, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
        } else {
          const v0 = v128.load(s0 + off);
          const v1 = v128.load(s0 + ldB + off);
          v128.store(dk, v128.shuffle<f64>(v0, v1, 0, 2));
          v128.store(dk + <usize>W * 8, v128.shuffle<f64>(v0, v1, 1, 3));
        }
      }
    }
    k = kv;
  }
  for (; k < kc; k++) {
    const d = dst + <usize>(k * W) * S;
    for (let c = 0; c < W; c++) {
      store<T>(d + <usize>c * S, c < w ? load<T>(src + <usize>(c * ld + k) * S) : <T>0);
    }
  }
}

/**
 * dst[k·W + c] = src[k·ld + c] for c < w, 0 for w ≤ c < W; k < kc.
 * Packs w columns that lie contiguous in each row (a transposed A, a non-transposed B).
 */
function packRows<T>(src: usize, ld: i32, w: i32, W: i32, kc: i32, dst: usize): void {
  const S = sizeof<T>();
  const ldB = <usize>ld * S;
  const WB = <usize>W * S;
  if (w == W) {
    if (WB == 32) {
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(src));
        v128.store(dst, v128.load(src, 16), 16);
        src += ldB;
        dst += 32;
      }
    } else {
      // WB == 16 (f32, MR = 4 rows)
      for (let k = 0; k < kc; k++) {
        v128.store(dst, v128.load(src));
        src += ldB;
        dst += 16;
      }
    }
    return;
  }
  for (let k = 0; k < kc; k++) {
    for (let c = 0; c < W; c++) store<T>(dst + <usize>c * S, c < w ? load<T>(src + <usize>c * S) : <T>0);
    src += ldB;
    dst += WB;
  }
}

/**
 * One MR × NR tile of C from kc steps of packed A (ap: [k][MR]) and B (bp: NR values per k, the next
 * k bStride bytes on: 32 when packed, a row of B when read in place):
 * C[0:h, 0:w] = alpha · acc + beta · C (beta = 0 overwrites). Edge tiles (h < MR or w < NR) go
 * through `tile` so that the padded lanes are never written to C.
 */
function microKernel<T>(
  kc: i32, ap: usize, bp: usize, bStride: usize, c: usize, ldc: i32, h: i32, w: i32, alpha: T, beta: T, tile: usize,
): void {
  const S = sizeof<T>();
  let c00 = v128.splat<T>(0), c01 = v128.splat<T>(0);
  let c10 = v128.splat<T>(0), c11 = v128.splat<T>(0);
  let c20 = v128.splat<T>(0), c21 = v128.splat<T>(0);
  let c30 = v128.splat<T>(0), c31 = v128.splat<T>(0);
  for (let k = 0; k < kc; k++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let a = v128.load_splat<T>(ap);
    c00 = madd<T>(a, b0, c00);
    c01 = madd<T>(a, b1, c01);
    a = v128.load_splat<T>(ap, S);
    c10 = madd<T>(a, b0, c10);
    c11 = madd<T>(a, b1, c11);
    a = v128.load_splat<T>(ap, 2 * S);
    c20 = madd<T>(a, b0, c20);
    c21 = madd<T>(a, b1, c21);
    a = v128.load_splat<T>(ap, 3 * S);
    c30 = madd<T>(a, b0, c30);
    c31 = madd<T>(a, b1, c31);
    ap += 4 * S;
    bp += bStride;
  }
  const va = v128.splat<T>(alpha);
  const full = h == MR && w == nr<T>();
  const dst = full ? c : tile;
  const ld: usize = full ? <usize>ldc * S : 32;
  if (full && beta != 0) {
    const vb = v128.splat<T>(beta);
    v128.store(dst, madd<T>(va, c00, v128.mul<T>(vb, v128.load(dst))));
    v128.store(dst + 16, madd<T>(va, c01, v128.mul<T>(vb, v128.load(dst + 16))));
    v128.store(dst + ld, madd<T>(va, c10, v128.mul<T>(vb, v128.load(dst + ld))));
    v128.store(dst + ld + 16, madd<T>(va, c11, v128.mul<T>(vb, v128.load(dst + ld + 16))));
    v128.store(dst + 2 * ld, madd<T>(va, c20, v128.mul<T>(vb, v128.load(dst + 2 * ld))));
    v128.store(dst + 2 * ld + 16, madd<T>(va, c21, v128.mul<T>(vb, v128.load(dst + 2 * ld + 16))));
    v128.store(dst + 3 * ld, madd<T>(va, c30, v128.mul<T>(vb, v128.load(dst + 3 * ld))));
    v128.store(dst + 3 * ld + 16, madd<T>(va, c31, v128.mul<T>(vb, v128.load(dst + 3 * ld + 16))));
    return;
  }
  v128.store(dst, v128.mul<T>(va, c00));
  v128.store(dst + 16, v128.mul<T>(va, c01));
  v128.store(dst + ld, v128.mul<T>(va, c10));
  v128.store(dst + ld + 16, v128.mul<T>(va, c11));
  v128.store(dst + 2 * ld, v128.mul<T>(va, c20));
  v128.store(dst + 2 * ld + 16, v128.mul<T>(va, c21));
  v128.store(dst + 3 * ld, v128.mul<T>(va, c30));
  v128.store(dst + 3 * ld + 16, v128.mul<T>(va, c31));
  if (full) return;
  const N = nr<T>();
  for (let i = 0; i < h; i++) {
    const ci = c + <usize>(i * ldc) * S;
    const ti = tile + <usize>(i * N) * S;
    for (let j = 0; j < w; j++) {
      const p = ci + <usize>j * S;
      const t = load<T>(ti + <usize>j * S);
      store<T>(p, beta == 0 ? t : t + beta * load<T>(p));
    }
  }
}

/** The block size ≤ max, a multiple of `unit`, that cuts n into the fewest blocks of (nearly) equal size. */
function even(n: i32, max: i32, unit: i32): i32 {
  const blocks = (n + max - 1) / max;
  const size = (n + blocks - 1) / blocks;
  return min(max, ((size + unit - 1) / unit) * unit);
}

/** C = beta · C (beta = 0 writes zeros, so NaN in C does not leak through).  C: (M, N), row stride ldc. */
function scaleC<T>(M: i32, N: i32, beta: T, C: usize, ldc: i32): void {
  const S = sizeof<T>();
  for (let i = 0; i < M; i++) {
    const ci = C + <usize>(i * ldc) * S;
    if (beta == 0) memory.fill(ci, 0, <usize>N * S);
    else for (let j = 0; j < N; j++) store<T>(ci + <usize>j * S, beta * load<T>(ci + <usize>j * S));
  }
}

/**
 * C = alpha · op(A) · op(B) + beta · C.  op(A): (M, K), op(B): (K, N), C: (M, N).
 * A is (M, K) with row stride lda, or (K, M) when transA; B is (K, N) with row stride ldb, or (N, K)
 * when transB. scratch: GEMM_SCRATCH_BYTES, 16-byte aligned, private to the calling thread.
 */
export function gemm<T>(
  transA: bool, transB: bool, M: i32, N: i32, K: i32, alpha: T,
  A: usize, lda: i32, B: usize, ldb: i32, beta: T, C: usize, ldc: i32, scratch: usize,
): void {
  if (M <= 0 || N <= 0) return;
  if (K <= 0 || alpha == 0) {
    scaleC<T>(M, N, beta, C, ldc);
    return;
  }
  const S = sizeof<T>();
  const NR = nr<T>();
  const ap = scratch;
  const bp = scratch + <usize>(MC * KC) * S;
  const tile = bp + <usize>(KC * NC) * S;
  // Blocks of equal size (K = 784 runs as 4 × 196, not 3 × 256 + 16), so no short block wastes a pass.
  const kStep = even(K, KC, 1);
  const mStep = even(M, MC, MR);
  const nStep = even(N, NC, NR);
  // With few rows of C each B panel serves few micro-kernels, so copying it costs more than it
  // saves: a non-transposed B is then read in place (full panels; the edge panel is still packed).
  // Not for strides of a multiple of 4 KiB, whose rows would all fall in the same L1 sets.
  // (f32 only: measured a loss for f64, whose panels are half as wide.)
  const direct = sizeof<T>() == 4 && !transB && M <= DIRECT_B_MAX_M && ((<usize>ldb * S) & 4095) != 0;
  for (let jc = 0; jc < N; jc += nStep) {
    const nc = min(nStep, N - jc);
    for (let pc = 0; pc < K; pc += kStep) {
      const kc = min(kStep, K - pc);
      const betaK: T = pc == 0 ? beta : <T>1;
      for (let q = 0; q < nc; q += NR) {
        const w = min(NR, nc - q);
        if (direct && w == NR) continue;
        const dst = bp + <usize>(q * kc) * S;
        if (transB) packLines<T>(B + <usize>((jc + q) * ldb + pc) * S, ldb, w, NR, kc, dst);
        else packRows<T>(B + <usize>(pc * ldb + jc + q) * S, ldb, w, NR, kc, dst);
      }
      for (let ic = 0; ic < M; ic += mStep) {
        const mc = min(mStep, M - ic);
        for (let p = 0; p < mc; p += MR) {
          const h = min(MR, mc - p);
          const dst = ap + <usize>(p * kc) * S;
          if (transA) packRows<T>(A + <usize>(pc * lda + ic + p) * S, lda, h, MR, kc, dst);
          else packLines<T>(A + <usize>((ic + p) * lda + pc) * S, lda, h, MR, kc, dst);
        }
        for (let q = 0; q < nc; q += NR) {
          const w = min(NR, nc - q);
          const inPlace = direct && w == NR;
          const bq = inPlace ? B + <usize>(pc * ldb + jc + q) * S : bp + <usize>(q * kc) * S;
          const bStride: usize = inPlace ? <usize>ldb * S : 32;
          for (let p = 0; p < mc; p += MR) {
            const h = min(MR, mc - p);
            const c = C + <usize>((ic + p) * ldc + jc + q) * S;
            microKernel<T>(kc, ap + <usize>(p * kc) * S, bq, bStride, c, ldc, h, w, alpha, betaK, tile);
          }
        }
      }
    }
  }
}
