/**
 * What kernel threads run, written once as ordinary functions: `runChunks` (claim chunks of the
 * current job and run them) serves the calling thread and every worker; `kernelWorker` is a worker's
 * life. Workers get them as source text (`Function.prototype.toString`), so that they need no file of
 * their own: Node starts `nodeWorkerSource` with `new Worker(src, { eval: true })`, browsers
 * `browserWorkerSource` from a Blob URL. For that, these functions refer to nothing outside their
 * parameters but the runtime's globals (Atomics, Math, WebAssembly), and each helper a function needs
 * comes in as a parameter, which keeps the text valid even after a bundler renames or minifies it.
 *
 * Control block (Int32 view of the first 64 bytes):
 *   [0] NEXT: job sequence << 16 | next chunk to claim (CLOSED while the job is being written)
 *   [1] ACTIVE: threads inside a claim or a chunk; the caller returns once every chunk is claimed and
 *       ACTIVE is 0
 *   [2] STOP, [3] ERROR (a chunk threw)
 * Job (Float64 view from byte 64): [0] function index, [1] argument count a, [2, 2 + a) arguments;
 *   then at C = 2 + a: chunk count, chunk size, dimension, index of the argument that takes the chunk's
 *   extent, index of the scratch argument (each thread passes its own; -1: none), number of offsets,
 *   then (argument index, bytes per unit) pairs: pointers that advance by lo · bytes for chunk [lo, hi).
 */

/** Float64 slots of the job area. */
export const JOB_LENGTH = 48;
/** NEXT's chunk field while a job is being written: no chunk can be claimed. */
export const CLOSED = 0xffff;
/** Polls before sleeping (tens of µs). Longer spins hurt badly when other processes hold the cores. */
export const SPIN_LIMIT = 20000;

export type KernelFn = (...args: number[]) => unknown;

/**
 * Claims chunks of job `seq` until none is left, running `fn` on each with this thread's `scratch`
 * (`args` is a reusable array). A chunk that throws sets ERROR; the first such error of this thread
 * is returned, so that the calling thread can rethrow it once every other thread is done.
 */
export function runChunks(
  ctrl: Int32Array,
  job: Float64Array,
  seq: number,
  fn: KernelFn,
  scratch: number,
  args: number[],
): unknown {
  const nargs = job[1]!,
    C = 2 + nargs;
  const n = job[C]!,
    size = job[C + 1]!,
    dim = job[C + 2]!,
    extentArg = job[C + 3]!,
    scratchArg = job[C + 4]!,
    nOff = job[C + 5]!;
  let failure: unknown;
  for (;;) {
    Atomics.add(ctrl, 1, 1);
    let c = -1;
    for (;;) {
      const v = Atomics.load(ctrl, 0);
      if (v >>> 16 !== seq || (v & 0xffff) >= n) break;
      if (Atomics.compareExchange(ctrl, 0, v, v + 1) === v) {
        c = v & 0xffff;
        break;
      }
    }
    if (c >= 0) {
      args.length = nargs;
      for (let i = 0; i < nargs; i++) args[i] = job[2 + i]!;
      const lo = c * size;
      args[extentArg] = Math.min(dim, lo + size) - lo;
      if (scratchArg >= 0) args[scratchArg] = scratch;
      for (let k = 0; k < nOff; k++) args[job[C + 6 + 2 * k]!]! += lo * job[C + 7 + 2 * k]!;
      try {
        fn(...args);
      } catch (e) {
        Atomics.store(ctrl, 3, 1);
        failure ??= e;
      }
    }
    if (Atomics.sub(ctrl, 1, 1) === 1) Atomics.notify(ctrl, 1);
    if (c < 0) return failure;
  }
}

/** What a worker is started with (structured-cloned to it). */
export interface WorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Export names a job may call, by index. */
  names: string[];
  control: SharedArrayBuffer;
  /** This worker's own scratch block. */
  scratch: number;
  spinLimit: number;
  closed: number;
}

/**
 * A worker's life: instantiate the kernels over the shared memory, say 'ready', then wait for each
 * job (spinning briefly first, since a training step's kernels follow each other closely) and claim
 * its chunks with `run` until none is left; return when STOP is set.
 */
function kernelWorker(
  data: WorkerData,
  post: (message: string) => void,
  run: typeof runChunks,
  imports: (memory: WebAssembly.Memory) => WebAssembly.Imports,
): void {
  const exports = new WebAssembly.Instance(data.module, imports(data.memory)).exports;
  const fns = data.names.map((n) => exports[n] as KernelFn);
  const ctrl = new Int32Array(data.control, 0, 16);
  const job = new Float64Array(data.control, 64);
  const args: number[] = [];
  let last = Atomics.load(ctrl, 0) >>> 16;
  post('ready');
  for (;;) {
    let v: number,
      spins = 0;
    while ((v = Atomics.load(ctrl, 0)) >>> 16 === last || (v & 0xffff) === data.closed) {
      if (Atomics.load(ctrl, 2) !== 0) return;
      if (++spins > data.spinLimit) {
        Atomics.wait(ctrl, 0, v);
        spins = 0;
      }
    }
    last = v >>> 16;
    run(ctrl, job, last, fns[job[0]!]!, data.scratch, args);
  }
}

/** The imports every instance of the kernels gets: the memory, and an abort that --noAssert leaves unreachable. */
export function kernelImports(memory: WebAssembly.Memory): WebAssembly.Imports {
  return {
    env: {
      memory,
      abort(): never {
        throw new Error('wasm backend: kernel aborted');
      },
    },
  };
}

const start = (data: string, post: string) => `(${kernelWorker})(${data}, ${post}, ${runChunks}, ${kernelImports});`;

/** For `new Worker(nodeWorkerSource, { eval: true, workerData })` in Node (plain CommonJS). */
export const nodeWorkerSource = `const { parentPort, workerData } = require('node:worker_threads');
${start('workerData', '(m) => parentPort.postMessage(m)')}
`;

/** For `new Worker(URL.createObjectURL(new Blob([browserWorkerSource])))`; started by one message. */
export const browserWorkerSource = `self.onmessage = (e) => {
  self.onmessage = null;
  ${start('e.data', '(m) => self.postMessage(m)')}
};
`;
