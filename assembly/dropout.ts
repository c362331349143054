// Inverted dropout, forward and backward, with the mask drawn in the kernel from Philox4x32-10 (the
// definition is src/core/philox.ts; this is its SIMD form). A row's columns come in blocks of 64:
// block b of row i is the 16 counters (16b + q, i, step lo, step hi) under key (seed, layer), and column
// 64b + 16w + q takes word w of counter q. Four lanes hold four consecutive counters, so each of a
// counter group's four output vectors is the words of four consecutive columns: no shuffle between the
// generator and the stores. Two groups run interleaved, for the multiplications' latency.
import { SOFTMAX } from './codes';
import { activationBackward, activationForward } from './elementwise';

const M0: u32 = 0xd2511f53;
const M1: u32 = 0xcd9e8d57;
const W0: u32 = 0x9e3779b9;
const W1: u32 = 0xbb67ae85;

/** The high words of the four 32×32-bit products a·m, lane by lane. */
// @ts-ignore: decorator
@inline function mulhi(a: v128, m: v128): v128 {
  return v128.shuffle<u32>(i64x2.extmul_low_i32x4_u(a, m), i64x2.extmul_high_i32x4_u(a, m), 1, 3, 5, 7);
}

/** Word k (0..3) of four lanes. */
// @ts-ignore: decorator
@inline function lane(v: v128, k: i32): u32 {
  if (k == 0) return i32x4.extract_lane(v, 0);
  if (k == 1) return i32x4.extract_lane(v, 1);
  if (k == 2) return i32x4.extract_lane(v, 2);
  return i32x4.extract_lane(v, 3);
}

/** ⌊keepProb · 2^32⌋ (2^32 at keepProb = 1): a unit is kept when its word is below it. */
// @ts-ignore: decorator
@inline function threshold(keepProb: f64): f64 {
  return keepProb >= 1.0 ? 4294967296.0 : Math.floor(keepProb * 4294967296.0);
}

/**
 * Four columns x..x+3 of a row from their words u: D = (u ≤ lim, none kept when `none`),
 * dropped = A·s where kept, exactly 0 where not. Columns at or past m are left alone.
 */
// @ts-ignore: decorator
@inline function applyWords<T>(
  u: v128,
  x: i32,
  m: i32,
  A: usize,
  D: usize,
  dropped: usize,
  lim: u32,
  none: bool,
  s: T,
): void {
  const S = sizeof<T>();
  if (x >= m) return;
  if (x + 4 > m) {
    for (let k = 0; k < m - x; k++) {
      const keep = !none && lane(u, k) <= lim;
      const p = <usize>(x + k) * S;
      store<T>(dropped + p, keep ? load<T>(A + p) * s : <T>0);
      store<u8>(D + <usize>(x + k), keep ? 1 : 0);
    }
    return;
  }
  const keep = none ? v128.splat<i32>(0) : v128.le<u32>(u, v128.splat<u32>(lim));
  const bytes = i8x16.narrow_i16x8_s(i16x8.narrow_i32x4_s(keep, keep), keep);
  store<u32>(D + <usize>x, i32x4.extract_lane(bytes, 0) & 0x01010101);
  const vs = v128.splat<T>(s);
  const p = <usize>x * S;
  if (sizeof<T>() == 4) {
    v128.store(dropped + p, v128.and(v128.mul<T>(v128.load(A + p), vs), keep));
  } else {
    v128.store(dropped + p, v128.and(v128.mul<T>(v128.load(A + p), vs), i64x2.extend_low_i32x4_s(keep)));
    v128.store(dropped + p + 16, v128.and(v128.mul<T>(v128.load(A + p + 16), vs), i64x2.extend_high_i32x4_s(keep)));
  }
}

/**
 * Draws a row's mask and applies it: for every block of 64 columns, the Philox words of its 16 counters
 * (two groups of four at a time; counter words 1..3 are `row`, `s0`, `s1` for all), then applyWords on
 * the four columns each word vector decides. A, D, dropped: one row of m values.
 */
function drawRow<T>(
  A: usize,
  D: usize,
  dropped: usize,
  m: i32,
  lim: u32,
  none: bool,
  s: T,
  row: u32,
  s0: u32,
  s1: u32,
  k0: u32,
  k1: u32,
): void {
  const vM0 = v128.splat<u32>(M0),
    vM1 = v128.splat<u32>(M1);
  for (let b = 0; b * 64 < m; b++) {
    for (let g = 0; g < 4; g += 2) {
      // Counters 16b + 4g + (0..3) in a, the next four in c.
      const first = v128.add<u32>(v128.splat<u32>(<u32>(16 * b + 4 * g)), i32x4(0, 1, 2, 3));
      let a0 = first,
        a1 = v128.splat<u32>(row),
        a2 = v128.splat<u32>(s0),
        a3 = v128.splat<u32>(s1);
      let c0 = v128.add<u32>(first, v128.splat<u32>(4)),
        c1 = a1,
        c2 = a2,
        c3 = a3;
      let vk0 = v128.splat<u32>(k0),
        vk1 = v128.splat<u32>(k1);
      for (let r = 0; r < 10; r++) {
        const ahi0 = mulhi(a0, vM0),
          alo0 = i32x4.mul(a0, vM0),
          ahi1 = mulhi(a2, vM1),
          alo1 = i32x4.mul(a2, vM1);
        const chi0 = mulhi(c0, vM0),
          clo0 = i32x4.mul(c0, vM0),
          chi1 = mulhi(c2, vM1),
          clo1 = i32x4.mul(c2, vM1);
        a0 = v128.xor(v128.xor(ahi1, a1), vk0);
        a1 = alo1;
        a2 = v128.xor(v128.xor(ahi0, a3), vk1);
        a3 = alo0;
        c0 = v128.xor(v128.xor(chi1, c1), vk0);
        c1 = clo1;
        c2 = v128.xor(v128.xor(chi0, c3), vk1);
        c3 = clo0;
        vk0 = v128.add<u32>(vk0, v128.splat<u32>(W0));
        vk1 = v128.add<u32>(vk1, v128.splat<u32>(W1));
      }
      const x = 64 * b + 4 * g;
      applyWords<T>(a0, x, m, A, D, dropped, lim, none, s);
      applyWords<T>(a1, x + 16, m, A, D, dropped, lim, none, s);
      applyWords<T>(a2, x + 32, m, A, D, dropped, lim, none, s);
      applyWords<T>(a3, x + 48, m, A, D, dropped, lim, none, s);
      applyWords<T>(c0, x + 4, m, A, D, dropped, lim, none, s);
      applyWords<T>(c1, x + 20, m, A, D, dropped, lim, none, s);
      applyWords<T>(c2, x + 36, m, A, D, dropped, lim, none, s);
      applyWords<T>(c3, x + 52, m, A, D, dropped, lim, none, s);
    }
  }
}

/** out = X ⊙ D · s over `size` values: X · s where D is 1, exactly 0 where it is 0. out may be X. */
function applyMask<T>(X: usize, D: usize, out: usize, size: i32, s: T): void {
  const S = sizeof<T>();
  const vs = v128.splat<T>(s);
  let x = 0;
  for (; x + 4 <= size; x += 4) {
    const bytes = v128.load32_zero(D + <usize>x);
    const keep = v128.ne<i32>(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(bytes)), v128.splat<i32>(0));
    const p = <usize>x * S;
    if (sizeof<T>() == 4) {
      v128.store(out + p, v128.and(v128.mul<T>(v128.load(X + p), vs), keep));
    } else {
      v128.store(out + p, v128.and(v128.mul<T>(v128.load(X + p), vs), i64x2.extend_low_i32x4_s(keep)));
      v128.store(out + p + 16, v128.and(v128.mul<T>(v128.load(X + p + 16), vs), i64x2.extend_high_i32x4_s(keep)));
    }
  }
  for (; x < size; x++) {
    const p = <usize>x * S;
    store<T>(out + p, load<u8>(D + <usize>x) != 0 ? load<T>(X + p) * s : <T>0);
  }
}

/**
 * A = g(Z), then dropped = A ⊙ D / keepProb, row by row (the row's A is still in cache when the mask
 * reads it); softmax, column-wise, first over the whole matrix. With `draw`, D is drawn from the Philox
 * stream keyed by (seed, layer) at `step`, row i of this call being row row0 + i of the whole.
 * Z, A, dropped: (n, m) of T; D: (n, m) bytes. scratch: softmax's.
 */
export function dropoutForward<T>(
  kind: i32,
  Z: usize,
  A: usize,
  D: usize,
  dropped: usize,
  n: i32,
  m: i32,
  alpha: T,
  keepProb: f64,
  draw: bool,
  seed: f64,
  step: f64,
  layer: f64,
  row0: i32,
  scratch: usize,
): void {
  const S = sizeof<T>();
  const s = <T>(1.0 / keepProb);
  const T32 = threshold(keepProb);
  const none = T32 == 0;
  const lim = none ? <u32>0 : <u32>(<u64>T32 - 1);
  const st = <u64>step,
    k0 = <u32>(<u64>seed),
    k1 = <u32>(<u64>layer);
  if (kind == SOFTMAX) activationForward<T>(kind, Z, A, n, m, alpha, scratch);
  for (let i = 0; i < n; i++) {
    const o = <usize>(i * m) * S;
    if (kind != SOFTMAX) activationForward<T>(kind, Z + o, A + o, 1, m, alpha, scratch);
    if (draw) {
      const row = <u32>(row0 + i);
      drawRow<T>(A + o, D + <usize>(i * m), dropped + o, m, lim, none, s, row, <u32>st, <u32>(st >> 32), k0, k1);
    } else {
      applyMask<T>(A + o, D + <usize>(i * m), dropped + o, m, s);
    }
  }
}

/**
 * dZ = g'(Z) applied to dA ⊙ D / keepProb: the mask first (dZ = dA·s where kept, 0 where not), then
 * activationBackward in place, row by row; softmax over the whole matrix. All (n, m); D bytes.
 */
export function dropoutBackward<T>(
  kind: i32,
  dA: usize,
  Z: usize,
  A: usize,
  D: usize,
  dZ: usize,
  n: i32,
  m: i32,
  alpha: T,
  keepProb: f64,
  scratch: usize,
): void {
  const S = sizeof<T>();
  const s = <T>(1.0 / keepProb);
  if (kind == SOFTMAX) {
    applyMask<T>(dA, D, dZ, n * m, s);
    activationBackward<T>(kind, dZ, Z, A, dZ, n, m, alpha, scratch);
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = <usize>(i * m) * S;
    applyMask<T>(dA + o, D + <usize>(i * m), dZ + o, m, s);
    activationBackward<T>(kind, dZ + o, Z + o, A + o, dZ + o, 1, m, alpha, scratch);
  }
}
