import type { DType, Matrix } from '../../core/matrix.js';
import { Mask, Matrix as MatrixClass } from '../../core/matrix.js';
import { SpecBackend } from '../spec-backend.js';
import type { Args, KernelPlan } from '../kernel-plan.js';
import { checkShapes, kernelPlan, numericArg } from '../kernel-plan.js';
import type { KernelArgs, KernelName } from '../kernel-spec.js';
import { KERNEL_NAMES } from '../kernel-spec.js';
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

/** A dropout mask whose bytes the addon allocated; freed eagerly, like a NativeMatrix. */
export class NativeMask extends Mask {
  freed = false;

  constructor(
    rows: number,
    cols: number,
    data: Uint8Array,
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
export class NativeBackend extends SpecBackend {
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
    super();
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

  zerosMask(rows: number, cols: number): Mask {
    return new NativeMask(rows, cols, this.addon.allocMask(rows * cols), this.addon);
  }

  free(M: Matrix | Mask): void {
    if ((M instanceof NativeMatrix || M instanceof NativeMask) && M.owner === this.addon && !M.freed) {
      M.freed = true;
      this.addon.release(M.data);
    }
  }

  /** Checks a call against its description and runs it; returns what the kernel returns. */
  protected override call<K extends KernelName>(kernel: K, given: KernelArgs<K>): number {
    const { plan, passed, values, fn } = this.bound[kernel];
    const args: Args = given,
      dims = this.dims;
    checkShapes(plan, args, dims);
    for (let j = 0; j < passed.length; j++) {
      const i = passed[j]!,
        a = plan.spec.args[i]!;
      if (a.kind === 'matrix' || a.kind === 'mask') values[j] = (args[a.name] as Matrix | Mask).data;
      else if (a.kind === 'indices') values[j] = args[a.name];
      else values[j] = numericArg(plan, i, args, dims);
    }
    return fn(...values) as number;
  }
}
