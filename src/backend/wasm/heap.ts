import type { DType, FloatArray } from '../../core/matrix.js';
import { Mask, Matrix } from '../../core/matrix.js';

/** A matrix or mask whose `data` view the heap re-derives when the memory grows. */
interface Tracked {
  readonly ref: WeakRef<Tracked>;
  rebind(): void;
}

const PAGE = 65536;
const ALIGN = 64;

/**
 * The host side of the kernels' linear memory: a bump allocator with exact-size free lists. A
 * training run allocates its matrices once and reuses them, and a freed block is handed back for
 * the next request of the same size, so memory stays flat over any number of iterations.
 */
export class WasmHeap {
  /** The memory's current buffer; replaced when the memory grows. */
  buffer: ArrayBuffer | SharedArrayBuffer;
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  /** Matrices and masks whose `data` views must follow the buffer when the memory grows (weakly held). */
  private readonly views = new Set<WeakRef<Tracked>>();

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    this.buffer = memory.buffer;
    this.top = roundUp(base, ALIGN);
  }

  /** A 64-byte aligned block of at least `bytes` bytes (not zeroed). */
  alloc(bytes: number): number {
    const size = roundUp(Math.max(bytes, ALIGN), ALIGN);
    const reused = this.freeLists.get(size)?.pop();
    if (reused !== undefined) return reused;
    const ptr = this.top;
    this.top += size;
    if (this.top > this.buffer.byteLength) {
      this.memory.grow(Math.ceil((this.top - this.buffer.byteLength) / PAGE));
      this.buffer = this.memory.buffer;
      this.rebindViews();
    }
    return ptr;
  }

  /** Keeps M.data over the current buffer from now on, until `forget(M)`. */
  track(M: Tracked): void {
    this.views.add(M.ref);
  }

  forget(M: Tracked): void {
    this.views.delete(M.ref);
  }

  /** An unshared buffer is detached by growth: every live matrix gets a view of the new one. */
  private rebindViews(): void {
    for (const ref of this.views) {
      const M = ref.deref();
      if (M === undefined) this.views.delete(ref);
      else M.rebind();
    }
  }

  /** Gives a block from `alloc(bytes)` back. */
  release(ptr: number, bytes: number): void {
    const size = roundUp(Math.max(bytes, ALIGN), ALIGN);
    let list = this.freeLists.get(size);
    if (!list) this.freeLists.set(size, (list = []));
    list.push(ptr);
  }

  /** Bytes handed out so far (the high-water mark, free blocks included). */
  get used(): number {
    return this.top;
  }

  /** A typed array over `length` values at ptr. */
  view(dtype: DType, ptr: number, length: number): FloatArray {
    return dtype === 'float64'
      ? new Float64Array(this.buffer, ptr, length)
      : new Float32Array(this.buffer, ptr, length);
  }

  /** A byte view of `length` bytes at ptr. */
  bytes(ptr: number, length: number): Uint8Array {
    return new Uint8Array(this.buffer, ptr, length);
  }
}

function roundUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}

/**
 * A Matrix whose values live in the kernels' memory at byte offset `ptr`, so kernels address it with
 * no copy. The heap re-derives `data` when the memory grows (an unshared buffer is detached by
 * growth). `data` stays an ordinary field rather than a getter: kernels read a matrix's fields on
 * every call, and an accessor defined on the instance would put every one of them in a slow
 * dictionary lookup.
 */
export class WasmMatrix extends Matrix {
  freed = false;
  /** How the heap refers to this matrix without keeping it alive. */
  readonly ref: WeakRef<Tracked> = new WeakRef(this);

  constructor(
    rows: number,
    cols: number,
    dtype: DType,
    readonly ptr: number,
    readonly heap: WasmHeap,
  ) {
    super(rows, cols, heap.view(dtype, ptr, rows * cols));
    heap.track(this);
  }

  /** A view of the heap's current buffer (the heap calls this when the memory grows). */
  rebind(): void {
    (this as { data: FloatArray }).data = this.heap.view(this.dtype, this.ptr, this.size);
  }

  get bytes(): number {
    return this.size * (this.dtype === 'float64' ? 8 : 4);
  }
}

/** A dropout mask whose bytes live in the kernels' memory at byte offset `ptr` (as WasmMatrix). */
export class WasmMask extends Mask {
  freed = false;
  readonly ref: WeakRef<Tracked> = new WeakRef(this);

  constructor(
    rows: number,
    cols: number,
    readonly ptr: number,
    readonly heap: WasmHeap,
  ) {
    super(rows, cols, heap.bytes(ptr, rows * cols));
    heap.track(this);
  }

  rebind(): void {
    (this as { data: Uint8Array }).data = this.heap.bytes(this.ptr, this.size);
  }

  get bytes(): number {
    return this.size;
  }
}
