// Entry point: the kernels of src/backend/backend.ts for f32 and f64, as flat exports over
// pointers into the imported (optionally shared) memory. Each `<name>_f32` / `<name>_f64` takes the
// parameters that src/backend/kernel-spec.ts lists for `name`, in that order and with those names
// (test/backend/kernel-spec.test.ts checks it): the host builds every call from that description.
// No allocation happens here: the host owns the memory layout, and every export is safe to run from
// several threads at once on disjoint outputs, each with its own scratch.
import * as G from './gemm';
import * as E from './elementwise';
import * as P from './dropout';

/** First byte the host may use: everything below belongs to this module's static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** Scratch bytes one thread needs for gemm. */
export function gemmScratchBytes(): i32 {
  return G.GEMM_SCRATCH_BYTES;
}

/** 1 when compiled with relaxed-SIMD fused multiply-add. */
export function relaxed(): i32 {
  return ASC_FEATURE_RELAXED_SIMD ? 1 : 0;
}

// C = alpha · op(A) · op(B) + beta · C.  op(A): (M, K), op(B): (K, N), C: (M, N).
export function gemm_f32(
  transA: bool,
  transB: bool,
  M: i32,
  N: i32,
  K: i32,
  alpha: f32,
  A: usize,
  lda: i32,
  B: usize,
  ldb: i32,
  beta: f32,
  C: usize,
  ldc: i32,
  scratch: usize,
): void {
  G.gemm<f32>(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, scratch);
}
export function gemm_f64(
  transA: bool,
  transB: bool,
  M: i32,
  N: i32,
  K: i32,
  alpha: f64,
  A: usize,
  lda: i32,
  B: usize,
  ldb: i32,
  beta: f64,
  C: usize,
  ldc: i32,
  scratch: usize,
): void {
  G.gemm<f64>(transA, transB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, scratch);
}

// Z += b.  Z: (n, m), b: (n, 1).
export function addBias_f32(Z: usize, b: usize, n: i32, m: i32): void {
  E.addBias<f32>(Z, b, n, m);
}
export function addBias_f64(Z: usize, b: usize, n: i32, m: i32): void {
  E.addBias<f64>(Z, b, n, m);
}

// A = g(Z).  Z, A: (n, m).
export function activationForward_f32(kind: i32, Z: usize, A: usize, n: i32, m: i32, alpha: f32, scratch: usize): void {
  E.activationForward<f32>(kind, Z, A, n, m, alpha, scratch);
}
export function activationForward_f64(kind: i32, Z: usize, A: usize, n: i32, m: i32, alpha: f64, scratch: usize): void {
  E.activationForward<f64>(kind, Z, A, n, m, alpha, scratch);
}

// dZ = dA * g'(Z).  All (n, m).
export function activationBackward_f32(
  kind: i32,
  dA: usize,
  Z: usize,
  A: usize,
  dZ: usize,
  n: i32,
  m: i32,
  alpha: f32,
  scratch: usize,
): void {
  E.activationBackward<f32>(kind, dA, Z, A, dZ, n, m, alpha, scratch);
}
export function activationBackward_f64(
  kind: i32,
  dA: usize,
  Z: usize,
  A: usize,
  dZ: usize,
  n: i32,
  m: i32,
  alpha: f64,
  scratch: usize,
): void {
  E.activationBackward<f64>(kind, dA, Z, A, dZ, n, m, alpha, scratch);
}

// out = scale · Σ_columns X.  X: (n, m), out: (n, 1).
export function sumColumns_f32(X: usize, out: usize, n: i32, m: i32, scale: f32): void {
  E.sumColumns<f32>(X, out, n, m, scale);
}
export function sumColumns_f64(X: usize, out: usize, n: i32, m: i32, scale: f64): void {
  E.sumColumns<f64>(X, out, n, m, scale);
}

export function lossSum_f32(kind: i32, AL: usize, Y: usize, size: i32, eps: f64): f64 {
  return E.lossSum<f32>(kind, AL, Y, size, eps);
}
export function lossSum_f64(kind: i32, AL: usize, Y: usize, size: i32, eps: f64): f64 {
  return E.lossSum<f64>(kind, AL, Y, size, eps);
}

export function lossGradient_f32(kind: i32, AL: usize, Y: usize, dAL: usize, size: i32, eps: f64): void {
  E.lossGradient<f32>(kind, AL, Y, dAL, size, eps);
}
export function lossGradient_f64(kind: i32, AL: usize, Y: usize, dAL: usize, size: i32, eps: f64): void {
  E.lossGradient<f64>(kind, AL, Y, dAL, size, eps);
}

export function subtract_f32(AL: usize, Y: usize, dZ: usize, size: i32): void {
  E.subtract<f32>(AL, Y, dZ, size);
}
export function subtract_f64(AL: usize, Y: usize, dZ: usize, size: i32): void {
  E.subtract<f64>(AL, Y, dZ, size);
}

export function axpby_f32(alpha: f32, X: usize, beta: f32, Y: usize, size: i32): void {
  E.axpby<f32>(alpha, X, beta, Y, size);
}
export function axpby_f64(alpha: f64, X: usize, beta: f64, Y: usize, size: i32): void {
  E.axpby<f64>(alpha, X, beta, Y, size);
}

export function multiply_f32(X: usize, D: usize, out: usize, size: i32): void {
  E.multiply<f32>(X, D, out, size);
}
export function multiply_f64(X: usize, D: usize, out: usize, size: i32): void {
  E.multiply<f64>(X, D, out, size);
}

export function sumSquares_f32(X: usize, size: i32): f64 {
  return E.sumSquares<f32>(X, size);
}
export function sumSquares_f64(X: usize, size: i32): f64 {
  return E.sumSquares<f64>(X, size);
}

// dst = src.  `size` values.
export function copy_f32(src: usize, dst: usize, size: i32): void {
  memory.copy(dst, src, <usize>size * 4);
}
export function copy_f64(src: usize, dst: usize, size: i32): void {
  memory.copy(dst, src, <usize>size * 8);
}

export function momentumStep_f32(W: usize, dW: usize, v: usize, size: i32, lr: f32, beta: f32): void {
  E.momentumStep<f32>(W, dW, v, size, lr, beta);
}
export function momentumStep_f64(W: usize, dW: usize, v: usize, size: i32, lr: f64, beta: f64): void {
  E.momentumStep<f64>(W, dW, v, size, lr, beta);
}

export function adamStep_f32(
  W: usize,
  dW: usize,
  v: usize,
  s: usize,
  size: i32,
  lr: f32,
  beta1: f32,
  beta2: f32,
  eps: f32,
  c1: f32,
  c2: f32,
): void {
  E.adamStep<f32>(W, dW, v, s, size, lr, beta1, beta2, eps, c1, c2);
}
export function adamStep_f64(
  W: usize,
  dW: usize,
  v: usize,
  s: usize,
  size: i32,
  lr: f64,
  beta1: f64,
  beta2: f64,
  eps: f64,
  c1: f64,
  c2: f64,
): void {
  E.adamStep<f64>(W, dW, v, s, size, lr, beta1, beta2, eps, c1, c2);
}

export function predictClasses_f32(A: usize, out: usize, n: i32, m: i32, threshold: f64): void {
  E.predictClasses<f32>(A, out, n, m, threshold);
}
export function predictClasses_f64(A: usize, out: usize, n: i32, m: i32, threshold: f64): void {
  E.predictClasses<f64>(A, out, n, m, threshold);
}

// A = g(Z), dropped = A ⊙ D / keepProb, D drawn from the Philox stream when `draw`.  All (n, m).
export function dropoutForward_f32(
  kind: i32,
  Z: usize,
  A: usize,
  D: usize,
  dropped: usize,
  n: i32,
  m: i32,
  alpha: f32,
  keepProb: f64,
  draw: bool,
  seed: f64,
  step: f64,
  layer: f64,
  row0: i32,
  scratch: usize,
): void {
  P.dropoutForward<f32>(kind, Z, A, D, dropped, n, m, alpha, keepProb, draw, seed, step, layer, row0, scratch);
}
export function dropoutForward_f64(
  kind: i32,
  Z: usize,
  A: usize,
  D: usize,
  dropped: usize,
  n: i32,
  m: i32,
  alpha: f64,
  keepProb: f64,
  draw: bool,
  seed: f64,
  step: f64,
  layer: f64,
  row0: i32,
  scratch: usize,
): void {
  P.dropoutForward<f64>(kind, Z, A, D, dropped, n, m, alpha, keepProb, draw, seed, step, layer, row0, scratch);
}

// dZ = g'(Z) applied to dA ⊙ D / keepProb.  All (n, m).
export function dropoutBackward_f32(
  kind: i32,
  dA: usize,
  Z: usize,
  A: usize,
  D: usize,
  dZ: usize,
  n: i32,
  m: i32,
  alpha: f32,
  keepProb: f64,
  scratch: usize,
): void {
  P.dropoutBackward<f32>(kind, dA, Z, A, D, dZ, n, m, alpha, keepProb, scratch);
}
export function dropoutBackward_f64(
  kind: i32,
  dA: usize,
  Z: usize,
  A: usize,
  D: usize,
  dZ: usize,
  n: i32,
  m: i32,
  alpha: f64,
  keepProb: f64,
  scratch: usize,
): void {
  P.dropoutBackward<f64>(kind, dA, Z, A, D, dZ, n, m, alpha, keepProb, scratch);
}
