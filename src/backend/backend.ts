import type { DType, Mask, Matrix } from '../core/matrix.js';
import type { ActivationKind, KernelName, KernelParams, LossKind } from './kernel-spec.js';

/** The closed sets, declared by their code tables in kernel-spec.ts (a new row there is a new kind). */
export type { ActivationKind, LossKind } from './kernel-spec.js';

/** A source of uniform [0, 1) numbers (core's Rng), for the course's dropout masks. */
export interface UniformSource {
  random(): number;
}

/**
 * Which dropout mask a kernel draws: the Philox4x32-10 stream keyed by (seed, layer) at training step
 * `step` (core/philox.ts `dropoutWords`), so that a mask is a function of where it is used and nothing
 * else. seed and layer are 32-bit integers, step an integer below 2^53.
 */
export interface DropoutKey {
  seed: number;
  step: number;
  layer: number;
}

/**
 * The kernels `nn` and `train` are built from: a narrow, closed set with flat, non-allocating
 * signatures (results go to out-parameters). `nn` never loops over matrix elements; a backend that
 * implements this interface (plain TypeScript, WebAssembly SIMD, a native addon) drops in unnoticed.
 *
 * Storage: matrices that go into kernels should come from the same backend's `zeros`, since a fast
 * backend keeps them in memory its kernels address directly (WebAssembly linear memory). A backend
 * must still accept any Matrix, copying when it has to. All matrices of one call share one dtype.
 * Out-parameters may not alias inputs unless the kernel says so.
 */
export interface Backend {
  /** Short name, as `--backend` takes it: 'ts', 'wasm'. */
  readonly name: string;
  /** Worker threads a kernel may use (1 = single-threaded). */
  readonly threads: number;
  /** The most bytes of matrices this backend can hold (the wasm backend's 4 GiB memory), if it has a limit. */
  readonly memoryLimit?: number | undefined;

  /** A zero (rows, cols) matrix in this backend's memory. */
  zeros(rows: number, cols: number, dtype: DType): Matrix;
  /** A zero (rows, cols) mask of bytes in this backend's memory (dropout masks). */
  zerosMask(rows: number, cols: number): Mask;
  /** Gives the storage of a matrix from `zeros` or a mask from `zerosMask` back (a no-op where the garbage collector does it). */
  free(M: Matrix | Mask): void;

  /**
   * C = alpha · op(A) · op(B) + beta · C, op(X) = Xᵀ when the flag is set (no transpose is materialized).
   * op(A): (M, K), op(B): (K, N), C: (M, N). beta = 0 overwrites C (NaN in C does not leak through).
   * The three products of a layer: W·A_prev (false, false), dZ·A_prevᵀ (false, true), Wᵀ·dZ (true, false).
   */
  gemm(transA: boolean, transB: boolean, alpha: number, A: Matrix, B: Matrix, beta: number, C: Matrix): void;

  /** Z += b broadcast over columns.  Z: (n, m), b: (n, 1). */
  addBias(Z: Matrix, b: Matrix): void;

  /**
   * A = g(Z), elementwise, or column-wise for softmax (stable: the column max is subtracted first).
   * alpha is leaky ReLU's negative slope. Z, A: (n, m); A may be Z (in place).
   */
  activationForward(kind: ActivationKind, Z: Matrix, A: Matrix, alpha: number): void;

  /**
   * dZ = dA * g'(Z). For softmax, the Jacobian-vector product per column: dZ = A * (dA - Σ_i dA·A).
   * Z is the pre-activation, A = g(Z) (both from the cache; sigmoid and tanh read A). All (n, m).
   */
  activationBackward(kind: ActivationKind, dA: Matrix, Z: Matrix, A: Matrix, dZ: Matrix, alpha: number): void;

  /** out = scale · Σ_columns X.  X: (n, m), out: (n, 1). */
  sumColumns(X: Matrix, out: Matrix, scale: number): void;

  /**
   * Σ over all entries of the loss (not yet divided by m), log clamped so log(0) cannot appear:
   * binary: -(Y log AL + (1-Y) log(1-AL)); categorical: -Y log AL; mse: (AL - Y)² / 2.
   * AL, Y: (n[L], m).
   */
  lossSum(kind: LossKind, AL: Matrix, Y: Matrix): number;

  /** dAL = ∂loss/∂AL per entry, e.g. binary: -(Y/AL - (1-Y)/(1-AL)) (the course's dAL), clamped. */
  lossGradient(kind: LossKind, AL: Matrix, Y: Matrix, dAL: Matrix): void;

  /** dZ = AL - Y, the output gradient when the loss matches the output activation. dZ may be AL. */
  subtract(AL: Matrix, Y: Matrix, dZ: Matrix): void;

  /** Y = alpha · X + beta · Y.  X, Y: same shape. */
  axpby(alpha: number, X: Matrix, beta: number, Y: Matrix): void;

  /** out = X * D elementwise.  out may be X. */
  multiply(X: Matrix, D: Matrix, out: Matrix): void;

  /**
   * D = (u < keepProb) with one u uniform from `rng` per entry, in storage order: after
   * np.random.seed(s), the mask `np.random.rand(n, m) < keepProb` of the course (exact, and slow: the
   * draws are made one at a time on the calling thread). D: (n, m).
   */
  dropoutMask(D: Mask, keepProb: number, rng: UniformSource): void;

  /**
   * Inverted dropout fused with the activation: A = g(Z) as activationForward, then
   * dropped = A ⊙ D / keepProb, i.e. A · s where D is 1 (s = 1/keepProb rounded to the dtype) and exactly 0
   * where D is 0. With a `key` the kernel draws D first, in the same pass: D[i, j] = 1 when the 32-bit word
   * of unit (i, j) (`dropoutWords`) is below ⌊keepProb · 2^32⌋; with `null` it reads D as given (from
   * dropoutMask). Z, A, D, dropped: (n, m); A may be Z. keepProb in (0, 1].
   */
  dropoutForward(
    kind: ActivationKind,
    Z: Matrix,
    A: Matrix,
    D: Mask,
    dropped: Matrix,
    alpha: number,
    keepProb: number,
    key: DropoutKey | null,
  ): void;

  /**
   * The backward pass of dropoutForward: dZ = g'(Z) applied to dA ⊙ D / keepProb, i.e. activationBackward
   * of (dA · s where D is 1, 0 where it is 0). dA, Z, A, D, dZ: (n, m); dZ may be dA.
   */
  dropoutBackward(
    kind: ActivationKind,
    dA: Matrix,
    Z: Matrix,
    A: Matrix,
    D: Mask,
    dZ: Matrix,
    alpha: number,
    keepProb: number,
  ): void;

  /** Σ X², for the L2 cost term. */
  sumSquares(X: Matrix): number;

  /** dst = src.  Same shape. */
  copy(src: Matrix, dst: Matrix): void;

  /** Momentum: v = beta·v + (1-beta)·dW; W -= lr·v. */
  momentumStep(W: Matrix, dW: Matrix, v: Matrix, lr: number, beta: number): void;

  /**
   * Adam at step t (from 1): v = β1·v + (1-β1)·dW; s = β2·s + (1-β2)·dW²;
   * W -= lr · (v / (1-β1^t)) / (sqrt(s / (1-β2^t)) + eps).
   */
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
  ): void;

  /** out[j] = argmax_i A[i, j] (first on ties), or for one row (sigmoid) 1 where A[0, j] > threshold. */
  predictClasses(A: Matrix, out: Int32Array, threshold: number): void;
}

/**
 * The methods that take exactly their kernel's given arguments (kernel-spec.ts), in the same order.
 * The others differ on purpose: the losses add the dtype's log floor, dropoutForward takes a key
 * object, adamStep takes t and computes the bias corrections, dropoutMask is no kernel.
 */
type DirectKernel = Exclude<KernelName, 'lossSum' | 'lossGradient' | 'dropoutForward' | 'adamStep'>;
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
type AllTrue<T extends Record<string, true>> = T;
/** Compiles only while each of those methods' parameters are its kernel's arguments, by type and position. */
export type BackendMatchesSpec = AllTrue<{ [K in DirectKernel]: Same<Parameters<Backend[K]>, KernelParams<K>> }>;
