import type { DType, Matrix } from '../../core/matrix.js';
import type { ActivationKind, Backend, LossKind, UniformSource } from '../backend.js';
import { ShapeError } from '../../core/errors.js';
import { checkGemm, checkSame } from '../checks.js';
import { logFloor } from '../reference.js';
import type { ThreadPool } from '../threads/pool.js';
import { WasmHeap, WasmMatrix } from './heap.js';
import type { KernelExports, TypedKernels } from './kernels.js';
import { typedKernels } from './kernels.js';
import { codeOf } from '../kernel-spec.js';

/**
 * GEMMs below this many multiply-adds (about 50 µs of one core) stay on the calling thread: waking
 * a sleeping worker costs some 10-20 µs.
 */
const PARALLEL_MIN_MACS = 1 << 20;
/**
 * Chunks per thread in a parallel GEMM: two balance the load when a thread starts late, but every
 * chunk packs the whole of the other operand again, which only a long split dimension amortizes.
 */
function chunksPerThread(splitDim: number): number {
  return splitDim >= 512 ? 2 : 1;
}
/** Elementwise kernels split across threads from this many entries (W3's activations and weights). */
const PARALLEL_MIN_ENTRIES = 1 << 18;

/** The kernels worker threads may run (each for f32 and f64). */
export const PARALLEL_KERNELS = [
  'gemm',
  'addBias',
  'activationForward',
  'activationBackward',
  'sumColumns',
  'axpby',
  'momentumStep',
  'adamStep',
] as const;
const MR = 4;

function nr(dtype: DType): number {
  return dtype === 'float64' ? 4 : 8;
}

function bytesOf(dtype: DType): number {
  return dtype === 'float64' ? 8 : 4;
}

/**
 * The WebAssembly SIMD backend: AssemblyScript kernels (assembly/) over one linear memory, shared
 * with worker threads when there are any. Matrices from `zeros` live in that memory and go to the
 * kernels as pointers; any other Matrix is copied in (and, for outputs, back) through scratch.
 */
export class WasmBackend implements Backend {
  readonly name = 'wasm';
  readonly threads: number;
  private readonly f32: TypedKernels;
  private readonly f64: TypedKernels;
  /** The calling thread's gemm scratch (packed panels); each worker has its own. */
  private readonly gemmScratch: number[] = [];
  private aux = { ptr: 0, bytes: 0 };
  private readonly temps: { M: Matrix; ptr: number; write: boolean }[] = [];
  private callDType: DType | undefined;

  constructor(
    private readonly ex: KernelExports,
    readonly heap: WasmHeap,
    private readonly pool: ThreadPool | undefined,
    /** Whether the kernels use relaxed-SIMD multiply-add. */
    readonly relaxedSimd: boolean,
  ) {
    this.threads = 1 + (pool?.workers ?? 0);
    this.f32 = typedKernels(ex, 'f32');
    this.f64 = typedKernels(ex, 'f64');
    this.gemmScratch.push(heap.alloc(ex.gemmScratchBytes()));
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
    const { M, N, K } = checkGemm(transA, transB, A, B, C);
    const k = this.kernels(C);
    const a = this.in(A),
      b = this.in(B),
      c = this.out(C);
    const tA = transA ? 1 : 0,
      tB = transB ? 1 : 0;
    const lda = A.cols,
      ldb = B.cols,
      ldc = N;
    const pool = this.pool;
    const scratch = this.gemmScratch[0]!;
    if (!pool || M * N * K < PARALLEL_MIN_MACS) {
      k.gemm(tA, tB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, scratch);
    } else {
      // Chunks of whole micro-tiles along C's rows (or columns, whichever dimension is larger);
      // each chunk packs its own panels into its thread's scratch.
      const S = bytesOf(C.dtype);
      const byRows = M > N;
      const dim = byRows ? M : N,
        tile = byRows ? MR : nr(C.dtype);
      const tiles = Math.ceil(dim / tile);
      const size = Math.ceil(tiles / Math.min(tiles, this.threads * chunksPerThread(dim))) * tile;
      // gemm's arguments: (tA, tB, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc, scratch)
      const offsets: [number, number][] = byRows
        ? [
            [6, transA ? S : lda * S],
            [11, ldc * S],
          ]
        : [
            [8, transB ? ldb * S : S],
            [11, S],
          ];
      const name = C.dtype === 'float64' ? 'gemm_f64' : 'gemm_f32';
      pool.run(
        name,
        [tA, tB, M, N, K, alpha, a, lda, b, ldb, beta, c, ldc, 0],
        { dim, size, extentArg: byRows ? 2 : 3, scratchArg: 13, offsets },
        k.gemm,
        scratch,
      );
    }
    this.done();
  }

  addBias(Z: Matrix, b: Matrix): void {
    checkSame('addBias', 'b', b, Z.rows, 1);
    const S = bytesOf(Z.dtype);
    this.split('addBias', Z.dtype, [this.out(Z), this.in(b), Z.rows, Z.cols], Z.size, 2, Z.rows, [
      [0, Z.cols * S],
      [1, S],
    ]);
    this.done();
  }

  activationForward(kind: ActivationKind, Z: Matrix, A: Matrix, alpha: number): void {
    checkSame('activationForward', 'A', A, Z.rows, Z.cols);
    const S = bytesOf(Z.dtype);
    const args = [codeOf('activation', kind), this.in(Z), this.out(A), Z.rows, Z.cols, alpha, 0];
    if (kind === 'softmax') {
      // Column-wise: stays on one thread (its scratch holds every column's max and sum).
      args[6] = this.scratch(16 * Z.cols);
      this.kernels(Z).activationForward(...(args as Parameters<TypedKernels['activationForward']>));
    } else {
      this.split('activationForward', Z.dtype, args, Z.size, 3, Z.rows, [
        [1, Z.cols * S],
        [2, Z.cols * S],
      ]);
    }
    this.done();
  }

  activationBackward(kind: ActivationKind, dA: Matrix, Z: Matrix, A: Matrix, dZ: Matrix, alpha: number): void {
    const r = Z.rows,
      c = Z.cols;
    checkSame('activationBackward', 'dA', dA, r, c);
    checkSame('activationBackward', 'A', A, r, c);
    checkSame('activationBackward', 'dZ', dZ, r, c);
    const S = bytesOf(Z.dtype);
    const args = [codeOf('activation', kind), this.in(dA), this.in(Z), this.in(A), this.out(dZ), r, c, alpha, 0];
    if (kind === 'softmax') {
      args[8] = this.scratch(8 * c);
      this.kernels(Z).activationBackward(...(args as Parameters<TypedKernels['activationBackward']>));
    } else {
      const row = c * S;
      this.split('activationBackward', Z.dtype, args, Z.size, 5, r, [
        [1, row],
        [2, row],
        [3, row],
        [4, row],
      ]);
    }
    this.done();
  }

  sumColumns(X: Matrix, out: Matrix, scale: number): void {
    checkSame('sumColumns', 'out', out, X.rows, 1);
    const S = bytesOf(X.dtype);
    this.split('sumColumns', X.dtype, [this.in(X), this.out(out), X.rows, X.cols, scale], X.size, 2, X.rows, [
      [0, X.cols * S],
      [1, S],
    ]);
    this.done();
  }

  lossSum(kind: LossKind, AL: Matrix, Y: Matrix): number {
    checkSame('lossSum', 'Y', Y, AL.rows, AL.cols);
    const s = this.kernels(AL).lossSum(codeOf('loss', kind), this.in(AL), this.in(Y), AL.size, logFloor(AL.dtype));
    this.done();
    return s;
  }

  lossGradient(kind: LossKind, AL: Matrix, Y: Matrix, dAL: Matrix): void {
    checkSame('lossGradient', 'Y', Y, AL.rows, AL.cols);
    checkSame('lossGradient', 'dAL', dAL, AL.rows, AL.cols);
    this.kernels(AL).lossGradient(
      codeOf('loss', kind),
      this.in(AL),
      this.in(Y),
      this.out(dAL),
      AL.size,
      logFloor(AL.dtype),
    );
    this.done();
  }

  subtract(AL: Matrix, Y: Matrix, dZ: Matrix): void {
    checkSame('subtract', 'Y', Y, AL.rows, AL.cols);
    checkSame('subtract', 'dZ', dZ, AL.rows, AL.cols);
    this.kernels(AL).subtract(this.in(AL), this.in(Y), this.out(dZ), AL.size);
    this.done();
  }

  axpby(alpha: number, X: Matrix, beta: number, Y: Matrix): void {
    checkSame('axpby', 'Y', Y, X.rows, X.cols);
    const S = bytesOf(X.dtype);
    this.split('axpby', X.dtype, [alpha, this.in(X), beta, this.out(Y), X.size], X.size, 4, X.size, [
      [1, S],
      [3, S],
    ]);
    this.done();
  }

  multiply(X: Matrix, D: Matrix, out: Matrix): void {
    checkSame('multiply', 'D', D, X.rows, X.cols);
    checkSame('multiply', 'out', out, X.rows, X.cols);
    this.kernels(X).multiply(this.in(X), this.in(D), this.out(out), X.size);
    this.done();
  }

  dropoutMask(D: Matrix, keepProb: number, rng: UniformSource): void {
    // One draw per entry from the caller's generator, in order, as the reference does.
    const d = D.data,
      inv = 1 / keepProb;
    for (let i = 0; i < D.size; i++) d[i] = rng.random() < keepProb ? inv : 0;
  }

  sumSquares(X: Matrix): number {
    const s = this.kernels(X).sumSquares(this.in(X), X.size);
    this.done();
    return s;
  }

  copy(src: Matrix, dst: Matrix): void {
    checkSame('copy', 'dst', dst, src.rows, src.cols);
    this.ex.copyBytes(this.in(src), this.out(dst), src.size * bytesOf(src.dtype));
    this.done();
  }

  momentumStep(W: Matrix, dW: Matrix, v: Matrix, lr: number, beta: number): void {
    checkSame('momentumStep', 'dW', dW, W.rows, W.cols);
    checkSame('momentumStep', 'v', v, W.rows, W.cols);
    const S = bytesOf(W.dtype);
    this.split('momentumStep', W.dtype, [this.out(W), this.in(dW), this.out(v), W.size, lr, beta], W.size, 3, W.size, [
      [0, S],
      [1, S],
      [2, S],
    ]);
    this.done();
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
    checkSame('adamStep', 'dW', dW, W.rows, W.cols);
    checkSame('adamStep', 'v', v, W.rows, W.cols);
    checkSame('adamStep', 's', s, W.rows, W.cols);
    const c1 = 1 - beta1 ** t,
      c2 = 1 - beta2 ** t;
    const S = bytesOf(W.dtype);
    const args = [this.out(W), this.in(dW), this.out(v), this.out(s), W.size, lr, beta1, beta2, eps, c1, c2];
    this.split('adamStep', W.dtype, args, W.size, 4, W.size, [
      [0, S],
      [1, S],
      [2, S],
      [3, S],
    ]);
    this.done();
  }

  predictClasses(A: Matrix, out: Int32Array, threshold: number): void {
    const m = A.cols;
    if (out.length < m) throw new RangeError(`predictClasses: out has ${out.length} slots but A has ${m} columns`);
    const p = this.heap.alloc(4 * m);
    this.kernels(A).predictClasses(this.in(A), p, A.rows, m, threshold);
    out.set(new Int32Array(this.heap.buffer, p, m));
    this.heap.release(p, 4 * m);
    this.done();
  }

  /**
   * Runs an elementwise or row-wise kernel, split into rows (or entries) across the threads when
   * it is large: `extentArg` takes each chunk's count, pointers at `offsets` advance by `bytes` per unit.
   */
  private split(
    kernel: (typeof PARALLEL_KERNELS)[number],
    dtype: DType,
    args: number[],
    entries: number,
    extentArg: number,
    dim: number,
    offsets: [number, number][],
  ): void {
    const fn = this.byDType(dtype)[kernel] as (...a: number[]) => unknown;
    const pool = this.pool;
    if (!pool || entries < PARALLEL_MIN_ENTRIES || dim < 2 * this.threads) {
      fn(...args);
      return;
    }
    const size = Math.ceil(dim / this.threads);
    pool.run(
      `${kernel}_${dtype === 'float64' ? 'f64' : 'f32'}`,
      args,
      { dim, size, extentArg, scratchArg: -1, offsets },
      fn,
      0,
    );
  }

  private byDType(dtype: DType): TypedKernels {
    return dtype === 'float64' ? this.f64 : this.f32;
  }

  private kernels(M: Matrix): TypedKernels {
    return M.dtype === 'float64' ? this.f64 : this.f32;
  }

  /** A scratch block of at least `bytes` bytes, kept and grown across calls (softmax columns). */
  private scratch(bytes: number): number {
    if (this.aux.bytes < bytes) {
      if (this.aux.bytes) this.heap.release(this.aux.ptr, this.aux.bytes);
      this.aux = { ptr: this.heap.alloc(bytes), bytes };
    }
    return this.aux.ptr;
  }

  /** The pointer of an input: its own when it lives in this backend's memory, else a copy's. */
  private in(M: Matrix): number {
    return this.pointer(M, false);
  }

  /** The pointer of an output (copied back after the kernel when it went through scratch). */
  private out(M: Matrix): number {
    return this.pointer(M, true);
  }

  private pointer(M: Matrix, write: boolean): number {
    // One dtype per call: a float64 matrix read by a float32 kernel would be silently garbage.
    if (this.callDType === undefined) this.callDType = M.dtype;
    else if (M.dtype !== this.callDType) {
      const first = this.callDType;
      this.abandon();
      throw new ShapeError(
        `wasm backend: all matrices of one call must share one dtype but got ${first} and ${M.dtype}`,
      );
    }
    if (M instanceof WasmMatrix && M.heap === this.heap) {
      if (M.freed) {
        this.abandon();
        throw new Error(`wasm backend: a ${M.toString()} was used after free`);
      }
      return M.ptr;
    }
    for (const t of this.temps) {
      if (t.M === M) {
        t.write ||= write;
        return t.ptr;
      }
    }
    const bytes = M.size * bytesOf(M.dtype);
    const ptr = this.heap.alloc(bytes);
    // Copied in even for outputs: some kernels read them (beta ≠ 0, in-place updates).
    this.heap.view(M.dtype, ptr, M.size).set(M.data);
    this.temps.push({ M, ptr, write });
    return ptr;
  }

  /** Copies outputs that went through scratch back into their matrices and frees the scratch. */
  private done(): void {
    this.callDType = undefined;
    const temps = this.temps;
    if (temps.length === 0) return;
    for (const t of temps) {
      if (t.write) t.M.data.set(this.heap.view(t.M.dtype, t.ptr, t.M.size));
      this.heap.release(t.ptr, t.M.size * bytesOf(t.M.dtype));
    }
    temps.length = 0;
  }

  /** Frees the scratch copies of a call that failed, without copying anything back. */
  private abandon(): void {
    for (const t of this.temps) this.heap.release(t.ptr, t.M.size * bytesOf(t.M.dtype));
    this.temps.length = 0;
    this.callDType = undefined;
  }
}
