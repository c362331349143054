import type { DType, FloatArray, Matrix } from '../../core/matrix.js';
import type { ActivationKind, Backend, LossKind, UniformSource } from '../backend.js';
import { checkGemm } from '../checks.js';
import type { KernelArg, KernelArgs, KernelName, KernelResult, KernelSpec, KernelSplit } from '../kernel-spec.js';
import type { SplitKernelName } from '../kernel-spec.js';
import {
  KERNEL_NAMES,
  kernelSpec,
  numericArg,
  resolveDims,
  scratchBytes,
  splitDim,
  splitStrides,
  splitWork,
  splittable,
} from '../kernel-spec.js';
import { logFloor } from '../reference.js';
import type { Chunking, ThreadPool } from '../threads/pool.js';
import type { KernelFn } from '../threads/worker.js';
import { WasmHeap, WasmMatrix } from './heap.js';
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
  sumColumns: ELEMENTWISE,
  axpby: ELEMENTWISE,
  momentumStep: ELEMENTWISE,
  adamStep: ELEMENTWISE,
} as const satisfies Record<SplitKernelName, Threading>;

function bytesOf(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

type Buffer = FloatArray | Int32Array;

/**
 * The WebAssembly SIMD backend: AssemblyScript kernels (assembly/) over one linear memory, shared
 * with worker threads when there are any. Every kernel call is built from its description in
 * kernel-spec.ts (`call`): matrices from `zeros` live in the kernels' memory and go in as pointers;
 * any other Matrix is copied in (and, for outputs, back) through scratch.
 */
export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly threads: number;
  private readonly fns: Record<DType, Record<KernelName, KernelFn>>;
  /** The calling thread's gemm scratch (packed panels); each worker has its own. */
  private readonly gemmScratch: number;
  private aux = { ptr: 0, bytes: 0 };
  /** Inputs and outputs of the current call that were copied into the kernels' memory. */
  private readonly temps: { data: Buffer; ptr: number; write: boolean }[] = [];
  private readonly values: number[] = [];

  constructor(
    ex: KernelExports,
    readonly heap: WasmHeap,
    private readonly pool: ThreadPool | undefined,
    /** Whether the kernels use relaxed-SIMD multiply-add. */
    readonly relaxedSimd: boolean,
  ) {
    this.threads = 1 + (pool?.workers ?? 0);
    this.fns = { float32: kernelFns(ex, 'f32'), float64: kernelFns(ex, 'f64') };
    this.gemmScratch = heap.alloc(ex.gemmScratchBytes());
  }

  zeros(rows: number, cols: number, dtype: DType): Matrix {
    const bytes = rows * cols * bytesOf(dtype);
    const ptr = this.heap.alloc(bytes);
    new Uint8Array(this.heap.buffer, ptr, bytes).fill(0);
    return new WasmMatrix(rows, cols, dtype, ptr, this.heap);
  }

  free(M: Matrix): void {
    if (M instanceof WasmMatrix && M.heap === this.heap && !M.freed) {
      M.freed = true;
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

  /**
   * Runs one kernel as kernel-spec.ts describes it: checks the shapes (resolveDims), passes every
   * argument in the compiled order, cuts the call across the threads when it is large, and copies
   * outputs that went through scratch back (only when the kernel returned: a failed call writes nothing).
   */
  private call<K extends KernelName>(kernel: K, given: KernelArgs<K>): KernelResult<K> {
    const { dtype, dims } = resolveDims(kernel, given);
    const spec = kernelSpec(kernel);
    const args = given as Readonly<Record<string, unknown>>;
    const values = this.values;
    let ok = false;
    try {
      values.length = 0;
      for (const a of spec.args) values.push(this.argValue(a, spec, args, dims));
      const fn = this.fns[dtype][kernel];
      const chunking =
        this.pool && splittable(spec, args) ? this.chunking(kernel, spec.split, args, dims, dtype) : undefined;
      let result: unknown;
      if (chunking) this.pool!.run(`${kernel}_${suffix(dtype)}`, values, chunking, fn, this.gemmScratch);
      else result = fn(...values);
      ok = true;
      return result as KernelResult<K>;
    } finally {
      this.release(ok);
    }
  }

  /** One argument as the compiled kernel takes it: pointers for matrices and scratch, numbers otherwise. */
  private argValue(
    a: KernelArg,
    spec: KernelSpec,
    args: Readonly<Record<string, unknown>>,
    dims: Record<string, number>,
  ): number {
    switch (a.kind) {
      case 'matrix':
        return this.pointer(args[a.name] as Matrix, a.access !== 'read');
      case 'indices':
        return this.pointer(args[a.name] as Int32Array, true);
      case 'scratch': {
        const bytes = scratchBytes(a, spec, args, dims);
        return bytes === undefined ? this.gemmScratch : bytes > 0 ? this.scratch(bytes) : 0;
      }
      default:
        return numericArg(a, args, dims);
    }
  }

  /** How a call is cut into chunks for the threads, or undefined when it is too small to be worth it. */
  private chunking(
    kernel: KernelName,
    split: KernelSplit,
    args: Readonly<Record<string, unknown>>,
    dims: Record<string, number>,
    dtype: DType,
  ): Chunking | undefined {
    const t: Threading = THREADING[kernel as SplitKernelName];
    const d = splitDim(split, dims);
    const extent = dims[d]!;
    if (splitWork(split, dims) < t.minWork || extent < t.minPerThread * this.threads) return undefined;
    const g = t.granule(d, dtype);
    const tiles = Math.ceil(extent / g);
    const size = Math.ceil(tiles / Math.min(tiles, this.threads * t.chunksPerThread(extent))) * g;
    const S = bytesOf(dtype);
    const offsets: [number, number][] = [];
    splitStrides(kernel, d, args, dims).forEach((elements, i) => {
      if (elements !== 0) offsets.push([i, elements * S]);
    });
    const spec = kernelSpec(kernel);
    return {
      dim: extent,
      size,
      extentArg: spec.args.findIndex((a) => a.name === d),
      scratchArg: spec.args.findIndex((a) => a.kind === 'scratch' && a.size === 'per-thread'),
      offsets,
    };
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
   * The pointer of a buffer: a matrix's own when it lives in this backend's memory, else a copy's
   * (copied back after the call when `write`).
   */
  private pointer(M: Matrix | Int32Array, write: boolean): number {
    if (M instanceof WasmMatrix && M.heap === this.heap) {
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

/** The `_f32` or `_f64` export of every described kernel. */
function kernelFns(ex: KernelExports, sfx: 'f32' | 'f64'): Record<KernelName, KernelFn> {
  const fns = {} as Record<KernelName, KernelFn>;
  for (const k of KERNEL_NAMES) {
    const fn = ex[`${k}_${sfx}`];
    if (typeof fn !== 'function') throw new Error(`wasm backend: the compiled kernels have no ${k}_${sfx}`);
    fns[k] = fn as KernelFn;
  }
  return fns;
}
