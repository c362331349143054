import type { DType, Matrix } from '../../core/matrix.js';
import { Matrix as MatrixClass } from '../../core/matrix.js';
import type { ActivationKind, Backend, LossKind, UniformSource } from '../backend.js';
import { checkGemm } from '../checks.js';
import type { KernelName } from '../kernel-spec.js';
import { KERNEL_NAMES } from '../kernel-spec.js';
import { logFloor } from '../reference.js';
import type { NativeAddon, NativeKernels } from './addon.js';
import { marshal, planOf, type GivenArgs, type MarshalPlan } from './marshal.js';

/**
 * A Matrix whose storage the addon allocated (64-byte aligned). `free` releases it at once (its buffer
 * is detached), after which a kernel refuses it with "used after free" instead of reading freed memory.
 */
export class NativeMatrix extends MatrixClass {
  freed = false;

  constructor(
    rows: number,
    cols: number,
    data: Float32Array | Float64Array,
    readonly owner: NativeAddon,
  ) {
    super(rows, cols, data);
  }
}

/** Each kernel's call, compiled once from kernel-spec.ts. */
const PLANS = Object.fromEntries(KERNEL_NAMES.map((k) => [k, planOf(k)])) as { [K in KernelName]: MarshalPlan<K> };

/**
 * The native backend: C++ kernels (native/) through a Node-API addon, on a persistent thread pool of its
 * own. Every call is described by src/backend/kernel-spec.ts: a plan compiled from it (marshal.ts) checks
 * the shapes and the dtype, and the arguments go to the addon in the described order, matrices as their
 * typed arrays.
 * The addon reads and writes those arrays in place, so any Matrix works with no copy, from this
 * backend's `zeros` (aligned, freed eagerly) or from anywhere else.
 */
export class NativeBackend implements Backend {
  readonly name = 'native';
  readonly threads: number;
  /** The instruction-set variant the kernels run: 'avx512', 'avx2', 'portable'. */
  readonly isa: string;
  private readonly dims = new Float64Array(8);

  constructor(
    private readonly addon: NativeAddon,
    private readonly k: NativeKernels,
  ) {
    this.threads = k.threads;
    this.isa = k.isa;
  }

  zeros(rows: number, cols: number, dtype: DType): Matrix {
    return new NativeMatrix(rows, cols, this.addon.alloc(rows * cols, dtype === 'float64'), this.addon);
  }

  free(M: Matrix): void {
    if (M instanceof NativeMatrix && M.owner === this.addon && !M.freed) {
      M.freed = true;
      this.addon.release(M.data);
    }
  }

  /**
   * Checks a call against its description and runs `fn` (the plan's kernel of this backend's addon);
   * returns what the kernel returns. Methods name their plan and function as properties, not by a
   * kernel-name variable, so each call site stays monomorphic.
   */
  private call<K extends KernelName>(plan: MarshalPlan<K>, fn: NativeKernels[K], ...given: GivenArgs<K>): number {
    return fn(...marshal(plan, given, this.dims)) as number;
  }

  gemm(transA: boolean, transB: boolean, alpha: number, A: Matrix, B: Matrix, beta: number, C: Matrix): void {
    checkGemm(transA, transB, A, B, C);
    this.call(PLANS.gemm, this.k.gemm, transA, transB, alpha, A, B, beta, C);
  }

  addBias(Z: Matrix, b: Matrix): void {
    this.call(PLANS.addBias, this.k.addBias, Z, b);
  }

  activationForward(kind: ActivationKind, Z: Matrix, A: Matrix, alpha: number): void {
    this.call(PLANS.activationForward, this.k.activationForward, kind, Z, A, alpha);
  }

  activationBackward(kind: ActivationKind, dA: Matrix, Z: Matrix, A: Matrix, dZ: Matrix, alpha: number): void {
    this.call(PLANS.activationBackward, this.k.activationBackward, kind, dA, Z, A, dZ, alpha);
  }

  sumColumns(X: Matrix, out: Matrix, scale: number): void {
    this.call(PLANS.sumColumns, this.k.sumColumns, X, out, scale);
  }

  lossSum(kind: LossKind, AL: Matrix, Y: Matrix): number {
    return this.call(PLANS.lossSum, this.k.lossSum, kind, AL, Y, logFloor(AL.dtype));
  }

  lossGradient(kind: LossKind, AL: Matrix, Y: Matrix, dAL: Matrix): void {
    this.call(PLANS.lossGradient, this.k.lossGradient, kind, AL, Y, dAL, logFloor(AL.dtype));
  }

  subtract(AL: Matrix, Y: Matrix, dZ: Matrix): void {
    this.call(PLANS.subtract, this.k.subtract, AL, Y, dZ);
  }

  axpby(alpha: number, X: Matrix, beta: number, Y: Matrix): void {
    this.call(PLANS.axpby, this.k.axpby, alpha, X, beta, Y);
  }

  multiply(X: Matrix, D: Matrix, out: Matrix): void {
    this.call(PLANS.multiply, this.k.multiply, X, D, out);
  }

  dropoutMask(D: Matrix, keepProb: number, rng: UniformSource): void {
    // One draw per entry from the caller's generator, in order, as the reference does.
    const d = D.data,
      inv = 1 / keepProb;
    for (let i = 0; i < D.size; i++) d[i] = rng.random() < keepProb ? inv : 0;
  }

  sumSquares(X: Matrix): number {
    return this.call(PLANS.sumSquares, this.k.sumSquares, X);
  }

  copy(src: Matrix, dst: Matrix): void {
    this.call(PLANS.copy, this.k.copy, src, dst);
  }

  momentumStep(W: Matrix, dW: Matrix, v: Matrix, lr: number, beta: number): void {
    this.call(PLANS.momentumStep, this.k.momentumStep, W, dW, v, lr, beta);
  }

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
    this.call(PLANS.adamStep, this.k.adamStep, W, dW, v, s, lr, beta1, beta2, eps, 1 - beta1 ** t, 1 - beta2 ** t);
  }

  predictClasses(A: Matrix, out: Int32Array, threshold: number): void {
    this.call(PLANS.predictClasses, this.k.predictClasses, A, out, threshold);
  }
}
