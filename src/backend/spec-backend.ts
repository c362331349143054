import type { DType, Mask, Matrix } from '../core/matrix.js';
import type { ActivationKind, Backend, DropoutKey, LossKind, UniformSource } from './backend.js';
import { checkDropout, checkGemm } from './checks.js';
import type { KernelArgs, KernelName } from './kernel-spec.js';
import { drawDropoutMask, logFloor } from './reference.js';

/**
 * The Backend interface over compiled kernels described in kernel-spec.ts: each method names its
 * kernel and passes its arguments by name, and a subclass says how one described call runs (`call`:
 * the wasm binding turns matrices into pointers and cuts the call into chunks for its threads; the
 * native one hands typed arrays to C++). The method-to-kernel mapping is written once, here.
 */
export abstract class SpecBackend implements Backend {
  abstract readonly name: string;
  abstract readonly threads: number;
  abstract zeros(rows: number, cols: number, dtype: DType): Matrix;
  abstract zerosMask(rows: number, cols: number): Mask;
  abstract free(M: Matrix | Mask): void;

  /** Runs kernel `kernel` with its arguments by name; returns what the kernel returns (lossSum, sumSquares). */
  protected abstract call<K extends KernelName>(kernel: K, given: KernelArgs<K>): number | void;

  /** C = alpha·op(A)·op(B) + beta·C.  op(A): (M, K), op(B): (K, N), C: (M, N). */
  gemm(transA: boolean, transB: boolean, alpha: number, A: Matrix, B: Matrix, beta: number, C: Matrix): void {
    checkGemm(transA, transB, A, B, C);
    this.call('gemm', { transA, transB, alpha, A, B, beta, C });
  }

  /** Z += b.  Z: (n, m), b: (n, 1). */
  addBias(Z: Matrix, b: Matrix): void {
    this.call('addBias', { Z, b });
  }

  /** A = g(Z).  Z, A: (n, m). */
  activationForward(kind: ActivationKind, Z: Matrix, A: Matrix, alpha: number): void {
    this.call('activationForward', { kind, Z, A, alpha });
  }

  /** dZ = dA * g'(Z).  All (n, m). */
  activationBackward(kind: ActivationKind, dA: Matrix, Z: Matrix, A: Matrix, dZ: Matrix, alpha: number): void {
    this.call('activationBackward', { kind, dA, Z, A, dZ, alpha });
  }

  /** out = scale · Σ_columns X.  X: (n, m), out: (n, 1). */
  sumColumns(X: Matrix, out: Matrix, scale: number): void {
    this.call('sumColumns', { X, out, scale });
  }

  /** Σ loss over AL, Y: (n[L], m), log clamped at the dtype's floor. */
  lossSum(kind: LossKind, AL: Matrix, Y: Matrix): number {
    return this.call('lossSum', { kind, AL, Y, eps: logFloor(AL.dtype) }) as number;
  }

  /** dAL = ∂loss/∂AL.  AL, Y, dAL: (n[L], m). */
  lossGradient(kind: LossKind, AL: Matrix, Y: Matrix, dAL: Matrix): void {
    this.call('lossGradient', { kind, AL, Y, dAL, eps: logFloor(AL.dtype) });
  }

  /** dZ = AL - Y.  All (n[L], m). */
  subtract(AL: Matrix, Y: Matrix, dZ: Matrix): void {
    this.call('subtract', { AL, Y, dZ });
  }

  /** Y = alpha·X + beta·Y.  X, Y: same shape. */
  axpby(alpha: number, X: Matrix, beta: number, Y: Matrix): void {
    this.call('axpby', { alpha, X, beta, Y });
  }

  /** out = X * D elementwise.  Same shapes. */
  multiply(X: Matrix, D: Matrix, out: Matrix): void {
    this.call('multiply', { X, D, out });
  }

  /** D = (u < keepProb): one draw per entry from the caller's generator, in order, as the reference does. */
  dropoutMask(D: Mask, keepProb: number, rng: UniformSource): void {
    checkDropout('dropoutMask', keepProb, null);
    drawDropoutMask(D, keepProb, rng);
  }

  /** A = g(Z), dropped = A ⊙ D / keepProb, D drawn in the kernel from `key` (or given).  All (n, m). */
  dropoutForward(
    kind: ActivationKind,
    Z: Matrix,
    A: Matrix,
    D: Mask,
    dropped: Matrix,
    alpha: number,
    keepProb: number,
    key: DropoutKey | null,
  ): void {
    checkDropout('dropoutForward', keepProb, key);
    const { seed = 0, step = 0, layer = 0 } = key ?? {};
    this.call('dropoutForward', { kind, Z, A, D, dropped, alpha, keepProb, draw: key !== null, seed, step, layer });
  }

  /** dZ = g'(Z) applied to dA ⊙ D / keepProb.  All (n, m). */
  dropoutBackward(
    kind: ActivationKind,
    dA: Matrix,
    Z: Matrix,
    A: Matrix,
    D: Mask,
    dZ: Matrix,
    alpha: number,
    keepProb: number,
  ): void {
    checkDropout('dropoutBackward', keepProb, null);
    this.call('dropoutBackward', { kind, dA, Z, A, D, dZ, alpha, keepProb });
  }

  /** Σ X². */
  sumSquares(X: Matrix): number {
    return this.call('sumSquares', { X }) as number;
  }

  /** dst = src.  Same shape. */
  copy(src: Matrix, dst: Matrix): void {
    this.call('copy', { src, dst });
  }

  /** v = β·v + (1-β)·dW; W -= lr·v.  Same shapes. */
  momentumStep(W: Matrix, dW: Matrix, v: Matrix, lr: number, beta: number): void {
    this.call('momentumStep', { W, dW, v, lr, beta });
  }

  /** Adam at step t with the bias corrections c1 = 1 - β1^t, c2 = 1 - β2^t computed once here.  Same shapes. */
  adamStep(
    W: Matrix,
    dW: Matrix,
    v: Matrix,
    s: Matrix,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    t: number,
  ): void {
    this.call('adamStep', { W, dW, v, s, lr, beta1, beta2, eps, c1: 1 - beta1 ** t, c2: 1 - beta2 ** t });
  }

  /** out[j] = argmax_i A[i, j], or A[0, j] > threshold for one row.  A: (n, m), out: m entries. */
  predictClasses(A: Matrix, out: Int32Array, threshold: number): void {
    this.call('predictClasses', { A, out, threshold });
  }
}
