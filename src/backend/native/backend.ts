import type { DType, Matrix } from '../../core/matrix.js';
import { Matrix as MatrixClass } from '../../core/matrix.js';
import type { ActivationKind, Backend, LossKind, UniformSource } from '../backend.js';
import { checkGemm } from '../checks.js';
import type { Args, KernelPlan } from '../kernel-plan.js';
import { checkShapes, kernelPlan, numericArg } from '../kernel-plan.js';
import type { KernelArgs, KernelName } from '../kernel-spec.js';
import { KERNEL_NAMES } from '../kernel-spec.js';
import { logFloor } from '../reference.js';
import type { NativeAddon, NativeKernels } from './addon.js';

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

/** A kernel of this backend: its plan (kernel-plan.ts), the described arguments it passes, its function. */
interface Bound {
  readonly plan: KernelPlan;
  /** The indices of the described arguments the addon takes (all but scratch: it has its own). */
  readonly passed: readonly number[];
  /** The addon's argument list, reused by every call (calls never nest). */
  readonly values: unknown[];
  readonly fn: (...args: unknown[]) => number | undefined;
}

/**
 * The native backend: C++ kernels (native/) through a Node-API addon, on a persistent thread pool of its
 * own. Every call is described by src/backend/kernel-spec.ts, through the plan kernel-plan.ts compiles
 * from it (the wasm backend's too): `checkShapes` checks the shapes and the dtype, and the arguments go
 * to the addon in the described order, matrices as their typed arrays, numbers from `numericArg`.
 * The addon reads and writes those arrays in place, so any Matrix works with no copy, from this
 * backend's `zeros` (aligned, freed eagerly) or from anywhere else.
 */
export class NativeBackend implements Backend {
  readonly name = 'native';
  readonly threads: number;
  /** The instruction-set variant the kernels run: 'avx512', 'avx2', 'portable'. */
  readonly isa: string;
  private readonly dims: number[] = [];
  private readonly bound: Record<KernelName, Bound>;

  constructor(
    private readonly addon: NativeAddon,
    /** The bound kernels (public for the test that calls one out of its signature order). */
    readonly k: NativeKernels,
  ) {
    this.threads = k.threads;
    this.isa = k.isa;
    this.bound = Object.fromEntries(
      KERNEL_NAMES.map((name) => {
        const plan = kernelPlan(name);
        const passed = plan.spec.args.flatMap((a, i) => (a.kind === 'scratch' ? [] : [i]));
        return [name, { plan, passed, values: new Array<unknown>(passed.length), fn: k[name] }];
      }),
    ) as unknown as Record<KernelName, Bound>;
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

  /** Checks a call against its description and runs it; returns what the kernel returns. */
  private call<K extends KernelName>(kernel: K, given: KernelArgs<K>): number {
    const { plan, passed, values, fn } = this.bound[kernel];
    const args: Args = given,
      dims = this.dims;
    checkShapes(plan, args, dims);
    for (let j = 0; j < passed.length; j++) {
      const i = passed[j]!,
        a = plan.spec.args[i]!;
      if (a.kind === 'matrix') values[j] = (args[a.name] as Matrix).data;
      else if (a.kind === 'indices') values[j] = args[a.name];
      else values[j] = numericArg(plan, i, args, dims);
    }
    return fn(...values) as number;
  }

  gemm(transA: boolean, transB: boolean, alpha: number, A: Matrix, B: Matrix, beta: number, C: Matrix): void {
    checkGemm(transA, transB, A, B, C);
    this.call('gemm', { transA, transB, alpha, A, B, beta, C });
  }

  addBias(Z: Matrix, b: Matrix): void {
    this.call('addBias', { Z, b });
  }

  activationForward(kind: ActivationKind, Z: Matrix, A: Matrix, alpha: number): void {
    this.call('activationForward', { kind, Z, A, alpha });
  }

  activationBackward(kind: ActivationKind, dA: Matrix, Z: Matrix, A: Matrix, dZ: Matrix, alpha: number): void {
    this.call('activationBackward', { kind, dA, Z, A, dZ, alpha });
  }

  sumColumns(X: Matrix, out: Matrix, scale: number): void {
    this.call('sumColumns', { X, out, scale });
  }

  lossSum(kind: LossKind, AL: Matrix, Y: Matrix): number {
    return this.call('lossSum', { kind, AL, Y, eps: logFloor(AL.dtype) });
  }

  lossGradient(kind: LossKind, AL: Matrix, Y: Matrix, dAL: Matrix): void {
    this.call('lossGradient', { kind, AL, Y, dAL, eps: logFloor(AL.dtype) });
  }

  subtract(AL: Matrix, Y: Matrix, dZ: Matrix): void {
    this.call('subtract', { AL, Y, dZ });
  }

  axpby(alpha: number, X: Matrix, beta: number, Y: Matrix): void {
    this.call('axpby', { alpha, X, beta, Y });
  }

  multiply(X: Matrix, D: Matrix, out: Matrix): void {
    this.call('multiply', { X, D, out });
  }

  dropoutMask(D: Matrix, keepProb: number, rng: UniformSource): void {
    // One draw per entry from the caller's generator, in order, as the reference does.
    const d = D.data,
      inv = 1 / keepProb;
    for (let i = 0; i < D.size; i++) d[i] = rng.random() < keepProb ? inv : 0;
  }

  sumSquares(X: Matrix): number {
    return this.call('sumSquares', { X });
  }

  copy(src: Matrix, dst: Matrix): void {
    this.call('copy', { src, dst });
  }

  momentumStep(W: Matrix, dW: Matrix, v: Matrix, lr: number, beta: number): void {
    this.call('momentumStep', { W, dW, v, lr, beta });
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
    this.call('adamStep', { W, dW, v, s, lr, beta1, beta2, eps, c1: 1 - beta1 ** t, c2: 1 - beta2 ** t });
  }

  predictClasses(A: Matrix, out: Int32Array, threshold: number): void {
    this.call('predictClasses', { A, out, threshold });
  }
}
