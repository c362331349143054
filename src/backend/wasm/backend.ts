import type { DType, FloatArray, Mask, Matrix } from '../../core/matrix.js';
import { SpecBackend } from '../spec-backend.js';
import type { Args, KernelPlan } from '../kernel-plan.js';
import {
  checkShapes,
  extentArg,
  kernelPlan,
  numericArg,
  scratchBytes,
  splitDim,
  splitStrides,
  splitWork,
  splittable,
} from '../kernel-plan.js';
import type { KernelArgs, KernelName, KernelResult, SplitKernelName } from '../kernel-spec.js';
import { KERNEL_NAMES } from '../kernel-spec.js';
import type { Chunking, ThreadPool } from '../threads/pool.js';
import type { KernelFn } from '../threads/worker.js';
import { WasmHeap, WasmMask, WasmMatrix } from './heap.js';
import type { KernelExports } from './kernels.js';

/** When and how a split kernel is cut across threads (kernel-spec.ts says along what). */
interface Threading {
  /** Below this much work (the product of the spec's `work` dimensions) a call stays on one thread. */
  minWork: number;
  /** Chunks are whole multiples of this many units of the cut dimension. */
  granule(dim: string, dtype: DType): number;
  /** Chunks per thread, for a cut dimension of this extent. */
  chunksPerThread(extent: number): number;
  /** A call stays on one thread unless the cut dimension has this many units per thread. */
  minPerThread: number;
}

/** gemm's micro-tile (assembly/gemm.ts): MR rows by NR columns (two vectors). */
const MR = 4;
function nr(dtype: DType): number {
  return dtype === 'float64' ? 4 : 8;
}

/** Elementwise and row-wise kernels split from this many entries (W3's activations and weights). */
const ELEMENTWISE: Threading = { minWork: 1 << 18, granule: () => 1, chunksPerThread: () => 1, minPerThread: 2 };
/**
 * dropoutForward draws a 32-bit Philox word per entry (ten rounds of multiplications per four words),
 * some 8 times an elementwise pass: it splits from 8 times fewer entries.
 */
const DRAWING: Threading = { ...ELEMENTWISE, minWork: 1 << 15 };

/** A new split in kernel-spec.ts fails to compile here until it says how it is cut. */
const THREADING = {
  gemm: {
    // About 50 µs of one core: waking a sleeping worker costs some 10-20 µs.
    minWork: 1 << 20,
    // Whole micro-tiles, so that no chunk computes padded lanes another chunk also computes.
    granule: (dim, dtype) => (dim === 'M' ? MR : nr(dtype)),
    // Two chunks per thread balance the load when a thread starts late, but every chunk packs the
    // whole of the other operand again, which only a long cut dimension amortizes.
    chunksPerThread: (extent) => (extent >= 512 ? 2 : 1),
    minPerThread: 0,
  },
  addBias: ELEMENTWISE,
  activationForward: ELEMENTWISE,
  activationBackward: ELEMENTWISE,
  dropoutForward: DRAWING,
  dropoutBackward: ELEMENTWISE,
  sumColumns: ELEMENTWISE,
  axpby: ELEMENTWISE,
  momentumStep: ELEMENTWISE,
  adamStep: ELEMENTWISE,
} as const satisfies Record<SplitKernelName, Threading>;

function bytesOf(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

type Buffer = FloatArray | Int32Array | Uint8Array;

/**
 * The WebAssembly SIMD backend: AssemblyScript kernels (assembly/) over one linear memory, shared
 * with worker threads when there are any. Every kernel call is built from its description in
 * kernel-spec.ts (`call`): matrices from `zeros` live in the kernels' memory and go in as pointers;
 * any other Matrix is copied in (and, for outputs, back) through scratch.
 */
export class WasmBackend extends SpecBackend {
  readonly name = 'wasm';
  readonly threads: number;
  /** Per kernel: its plan, its two exports, and argument and shape arrays reused by every call. */
  private readonly bound: Record<KernelName, Bound>;
  /** The calling thread's gemm scratch (packed panels); each worker has its own. */
  private readonly gemmScratch: number;
  private aux = { ptr: 0, bytes: 0 };
  /** Inputs and outputs of the current call that were copied into the kernels' memory. */
  private readonly temps: { data: Buffer; ptr: number; write: boolean }[] = [];

  constructor(
    ex: KernelExports,
    readonly heap: WasmHeap,
    private readonly pool: ThreadPool | undefined,
    /** Whether the kernels use relaxed-SIMD multiply-add. */
    readonly relaxedSimd: boolean,
    /** The most bytes the memory can grow to (4 GiB; 1 GiB where a browser would not reserve more). */
    readonly memoryLimit?: number,
  ) {
    super();
    this.threads = 1 + (pool?.workers ?? 0);
    this.bound = bindKernels(ex);
    this.gemmScratch = heap.alloc(ex.gemmScratchBytes());
  }

  zeros(rows: number, cols: number, dtype: DType): Matrix {
    const bytes = rows * cols * bytesOf(dtype);
    const ptr = this.heap.alloc(bytes);
    new Uint8Array(this.heap.buffer, ptr, bytes).fill(0);
    return new WasmMatrix(rows, cols, dtype, ptr, this.heap);
  }

  zerosMask(rows: number, cols: number): Mask {
    const ptr = this.heap.alloc(rows * cols);
    new Uint8Array(this.heap.buffer, ptr, rows * cols).fill(0);
    return new WasmMask(rows, cols, ptr, this.heap);
  }

  free(M: Matrix | Mask): void {
    if ((M instanceof WasmMatrix || M instanceof WasmMask) && M.heap === this.heap && !M.freed) {
      M.freed = true;
      this.heap.forget(M);
      this.heap.release(M.ptr, M.bytes);
    }
  }

  /** Bytes of kernel memory in use (high-water mark), for memory checks. */
  get memoryBytes(): number {
    return this.heap.used;
  }

  /** Stops the worker threads (they never keep a Node process alive, so this is optional). */
  close(): void {
    this.pool?.close();
  }

  /**
   * Runs one kernel as kernel-spec.ts describes it: checks the shapes, passes every argument in the
   * compiled order, cuts the call across the threads when it is large, and copies outputs that went
   * through scratch back (only when the kernel returned: a failed call writes nothing).
   */
  protected override call<K extends KernelName>(kernel: K, given: KernelArgs<K>): KernelResult<K> {
    const { plan, values, dims, f32, f64 } = this.bound[kernel];
    const args: Args = given;
    const dtype = checkShapes(plan, args, dims);
    let ok = false;
    try {
      for (let i = 0; i < values.length; i++) values[i] = this.argValue(plan, i, args, dims);
      const fn = dtype === 'float64' ? f64 : f32;
      const chunking = this.pool && splittable(plan, args) ? this.chunking(plan, args, dims, dtype) : undefined;
      let result: unknown;
      if (chunking) this.pool!.run(`${kernel}_${suffix(dtype)}`, values, chunking, fn, this.gemmScratch);
      else result = invoke(fn, values);
      ok = true;
      return result as KernelResult<K>;
    } finally {
      this.release(ok);
    }
  }

  /** Argument i as the compiled kernel takes it: pointers for matrices and scratch, numbers otherwise. */
  private argValue(plan: KernelPlan, i: number, args: Args, dims: readonly number[]): number {
    const a = plan.spec.args[i]!;
    switch (a.kind) {
      case 'matrix':
      case 'mask':
        return this.pointer(args[a.name] as Matrix | Mask, a.access !== 'read');
      case 'indices':
        return this.pointer(args[a.name] as Int32Array, true);
      case 'scratch': {
        const bytes = scratchBytes(plan, i, args, dims);
        return bytes === undefined ? this.gemmScratch : bytes > 0 ? this.scratch(bytes) : 0;
      }
      default:
        return numericArg(plan, i, args, dims);
    }
  }

  /** How a call is cut into chunks for the threads, or undefined when it is too small to be worth it. */
  private chunking(plan: KernelPlan, args: Args, dims: readonly number[], dtype: DType): Chunking | undefined {
    const t: Threading = THREADING[plan.kernel as SplitKernelName];
    const d = splitDim(plan, dims);
    const extent = dims[d]!;
    if (splitWork(plan, dims) < t.minWork || extent < t.minPerThread * this.threads) return undefined;
    const g = t.granule(plan.slots[d]!, dtype);
    const tiles = Math.ceil(extent / g);
    const size = Math.ceil(tiles / Math.min(tiles, this.threads * t.chunksPerThread(extent))) * g;
    const S = bytesOf(dtype);
    const offsets: [number, number][] = [];
    // Pointers advance by bytes (a mask's are bytes already); an origin by units.
    splitStrides(plan, d, args).forEach((units, i) => {
      if (units !== 0) offsets.push([i, plan.spec.args[i]!.kind === 'matrix' ? units * S : units]);
    });
    const scratchArg = plan.spec.args.findIndex((a) => a.kind === 'scratch' && a.size === 'per-thread');
    return { dim: extent, size, extentArg: extentArg(plan, d), scratchArg, offsets };
  }

  /** A scratch block of at least `bytes` bytes, kept and grown across calls (softmax columns). */
  private scratch(bytes: number): number {
    if (this.aux.bytes < bytes) {
      if (this.aux.bytes) this.heap.release(this.aux.ptr, this.aux.bytes);
      this.aux = { ptr: this.heap.alloc(bytes), bytes };
    }
    return this.aux.ptr;
  }

  /**
   * The pointer of a buffer: a matrix's or mask's own when it lives in this backend's memory, else a
   * copy's (copied back after the call when `write`).
   */
  private pointer(M: Matrix | Mask | Int32Array, write: boolean): number {
    if ((M instanceof WasmMatrix || M instanceof WasmMask) && M.heap === this.heap) {
      if (M.freed) throw new Error(`wasm backend: a ${M.toString()} was used after free`);
      return M.ptr;
    }
    const data = M instanceof Int32Array ? M : M.data;
    for (const t of this.temps) {
      if (t.data === data) {
        t.write ||= write;
        return t.ptr;
      }
    }
    const ptr = this.heap.alloc(data.byteLength);
    // Copied in even for outputs: some kernels read them (beta ≠ 0, in-place updates).
    this.view(data, ptr).set(data);
    this.temps.push({ data, ptr, write });
    return ptr;
  }

  /** A view of the kernels' memory at ptr with the element type and length of `like`. */
  private view(like: Buffer, ptr: number): Buffer {
    if (like instanceof Int32Array) return new Int32Array(this.heap.buffer, ptr, like.length);
    if (like instanceof Uint8Array) return this.heap.bytes(ptr, like.length);
    return this.heap.view(like instanceof Float64Array ? 'float64' : 'float32', ptr, like.length);
  }

  /** Frees the call's scratch copies, after copying outputs back into their matrices when it succeeded. */
  private release(copyBack: boolean): void {
    const temps = this.temps;
    if (temps.length === 0) return;
    for (const t of temps) {
      if (copyBack && t.write) t.data.set(this.view(t.data, t.ptr));
      this.heap.release(t.ptr, t.data.byteLength);
    }
    temps.length = 0;
  }
}

function suffix(dtype: DType): 'f32' | 'f64' {
  return dtype === 'float64' ? 'f64' : 'f32';
}

/** fn(...v), spelled out by arity: V8 calls a wasm export with a fixed argument count faster than a spread. */
function invoke(fn: KernelFn, v: readonly number[]): unknown {
  switch (v.length) {
    case 2:
      return fn(v[0]!, v[1]!);
    case 3:
      return fn(v[0]!, v[1]!, v[2]!);
    case 4:
      return fn(v[0]!, v[1]!, v[2]!, v[3]!);
    case 5:
      return fn(v[0]!, v[1]!, v[2]!, v[3]!, v[4]!);
    case 6:
      return fn(v[0]!, v[1]!, v[2]!, v[3]!, v[4]!, v[5]!);
    case 7:
      return fn(v[0]!, v[1]!, v[2]!, v[3]!, v[4]!, v[5]!, v[6]!);
    default:
      return fn(...v);
  }
}

interface Bound {
  plan: KernelPlan;
  f32: KernelFn;
  f64: KernelFn;
  values: number[];
  dims: number[];
}

/** Every described kernel with its `_f32` and `_f64` exports. */
function bindKernels(ex: KernelExports): Record<KernelName, Bound> {
  const exported = (name: string): KernelFn => {
    const fn = ex[name];
    if (typeof fn !== 'function') throw new Error(`wasm backend: the compiled kernels have no ${name}`);
    return fn as KernelFn;
  };
  const bound = {} as Record<KernelName, Bound>;
  for (const k of KERNEL_NAMES) {
    const plan = kernelPlan(k);
    const values = new Array<number>(plan.spec.args.length).fill(0);
    bound[k] = { plan, f32: exported(`${k}_f32`), f64: exported(`${k}_f64`), values, dims: [] };
  }
  return bound;
}
