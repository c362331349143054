import { importNodeBuiltin, isNode } from '../wasm/platform.js';
import type { KernelFn, WorkerData } from './worker.js';
import { CLOSED, JOB_LENGTH, SPIN_LIMIT, browserWorkerSource, nodeWorkerSource, runChunks } from './worker.js';

/** What each worker needs to run kernels on the same memory as the main thread. */
export interface PoolSetup {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Export names a job may call, by index. */
  names: string[];
  /** Each worker's own scratch block, passed as the job's scratch argument. */
  scratch: number[];
}

/**
 * A job cut into chunks along one dimension: chunk c covers [c·size, min(dim, (c+1)·size)), gets
 * that extent in args[extentArg], and pointers args[i] advanced by lo · bytes for each [i, bytes].
 */
export interface Chunking {
  dim: number;
  size: number;
  extentArg: number;
  /** The argument that takes the thread's own scratch pointer, or -1. */
  scratchArg: number;
  offsets: readonly (readonly [arg: number, bytes: number])[];
}

interface Handle {
  terminate(): unknown;
}

/**
 * Worker threads (Node worker_threads, or Web Workers in a cross-origin isolated page) that run
 * chunks of kernel calls on shared memory. The calling thread claims chunks too and returns once
 * every chunk is done, so an unscheduled worker never stalls it. Workers are unref'd in Node, so an
 * idle pool never keeps the process alive.
 */
export class ThreadPool {
  private readonly ctrl: Int32Array;
  private readonly job: Float64Array;
  private readonly index: Map<string, number>;
  private seq = 0;
  private readonly args: number[] = [];
  /** Node's main thread may block in Atomics.wait; a browser's main thread may not, so it spins. */
  private readonly canBlock = isNode;

  private constructor(
    readonly workers: number,
    control: SharedArrayBuffer,
    names: string[],
    private readonly handles: Handle[],
  ) {
    this.ctrl = new Int32Array(control, 0, 16);
    this.job = new Float64Array(control, 64, JOB_LENGTH);
    this.index = new Map(names.map((n, i) => [n, i]));
  }

  /** Starts `workers` workers and waits until each has instantiated the kernels. */
  static async start(workers: number, setup: PoolSetup): Promise<ThreadPool> {
    const control = new SharedArrayBuffer(64 + JOB_LENGTH * 8);
    const handles: Handle[] = [];
    const ready: Promise<unknown>[] = [];
    for (let index = 0; index < workers; index++) {
      const data: WorkerData = {
        module: setup.module,
        memory: setup.memory,
        names: setup.names,
        control,
        scratch: setup.scratch[index]!,
        spinLimit: SPIN_LIMIT,
        closed: CLOSED,
      };
      if (isNode) {
        const { Worker } = await importNodeBuiltin<typeof import('node:worker_threads')>('worker_threads');
        // execArgv: [] so that neither loaders (tsx) nor --input-type=module reach the plain CommonJS source.
        const w = new Worker(nodeWorkerSource, { eval: true, workerData: data, execArgv: [] });
        ready.push(
          new Promise((resolve, reject) => {
            w.once('message', resolve);
            w.once('error', reject);
          }).then(() => w.unref()), // held until ready, so the await below keeps the process alive
        );
        handles.push(w);
      } else {
        const url = URL.createObjectURL(new Blob([browserWorkerSource], { type: 'text/javascript' }));
        const w = new Worker(url);
        ready.push(
          new Promise((resolve, reject) => {
            w.onmessage = resolve;
            w.onerror = (e) => reject(new Error(`kernel worker failed: ${e.message}`));
          }),
        );
        w.postMessage(data);
        handles.push(w);
      }
    }
    await Promise.all(ready);
    return new ThreadPool(workers, control, setup.names, handles);
  }

  /**
   * Runs export `name` over every chunk of `chunking`, on the workers and on the calling thread
   * (with `ownScratch`), and returns when all chunks are done; rethrows what a chunk threw.
   */
  run(name: string, args: readonly number[], chunking: Chunking, fn: KernelFn, ownScratch: number): void {
    const { ctrl, job } = this;
    const n = Math.ceil(chunking.dim / chunking.size);
    const C = 2 + args.length;
    if (C + 6 + 2 * chunking.offsets.length > JOB_LENGTH) throw new RangeError(`thread pool: job ${name} is too long`);
    this.seq = (this.seq % 0x7fff) + 1;
    const seq = this.seq;
    Atomics.store(ctrl, 0, (seq << 16) | CLOSED);
    job[0] = this.index.get(name)!;
    job[1] = args.length;
    for (let i = 0; i < args.length; i++) job[2 + i] = args[i]!;
    job[C] = n;
    job[C + 1] = chunking.size;
    job[C + 2] = chunking.dim;
    job[C + 3] = chunking.extentArg;
    job[C + 4] = chunking.scratchArg;
    job[C + 5] = chunking.offsets.length;
    chunking.offsets.forEach(([arg, bytes], k) => {
      job[C + 6 + 2 * k] = arg;
      job[C + 7 + 2 * k] = bytes;
    });
    Atomics.store(ctrl, 0, seq << 16);
    Atomics.notify(ctrl, 0);
    const failure = runChunks(ctrl, job, seq, fn, ownScratch, this.args);
    this.waitIdle();
    const failed = Atomics.exchange(ctrl, 3, 0) !== 0;
    if (failure !== undefined) throw failure;
    if (failed) throw new Error('wasm backend: a kernel failed in a worker thread');
  }

  private waitIdle(): void {
    const ctrl = this.ctrl;
    let spins = 0;
    let active: number;
    while ((active = Atomics.load(ctrl, 1)) !== 0) {
      if (this.canBlock && ++spins > SPIN_LIMIT) {
        Atomics.wait(ctrl, 1, active);
        spins = 0;
      }
    }
  }

  /** Stops the workers. */
  close(): void {
    Atomics.store(this.ctrl, 2, 1);
    this.seq = (this.seq % 0x7fff) + 1;
    Atomics.store(this.ctrl, 0, (this.seq << 16) | CLOSED);
    Atomics.notify(this.ctrl, 0);
    for (const h of this.handles) void h.terminate();
  }
}
