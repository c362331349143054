import { isNode } from '../wasm/platform.js';
import { JOB_SLOT, SPIN_LIMIT, browserWorkerSource, nodeWorkerSource } from './worker-source.js';

/** What each worker needs to run kernels on the same memory as the main thread. */
export interface PoolSetup {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Export names a job may call, by index. */
  names: string[];
}

interface Handle {
  terminate(): unknown;
}

/**
 * Worker threads (Node worker_threads, or Web Workers in a cross-origin isolated page) that run
 * kernel calls on shared memory. The calling thread takes part: `run` hands one job to each worker,
 * runs its own, and returns once all are done. Workers are unref'd in Node, so an idle pool never
 * keeps the process alive.
 */
export class ThreadPool {
  private readonly ctrl: Int32Array;
  private readonly jobs: Float64Array;
  private readonly index: Map<string, number>;
  /** Node's main thread may block in Atomics.wait; a browser's main thread may not, so it spins. */
  private readonly canBlock = isNode;

  private constructor(
    readonly workers: number,
    control: SharedArrayBuffer,
    names: string[],
    private readonly handles: Handle[],
  ) {
    this.ctrl = new Int32Array(control, 0, 16);
    this.jobs = new Float64Array(control, 64, workers * JOB_SLOT);
    this.index = new Map(names.map((n, i) => [n, i]));
  }

  /** Starts `workers` workers and waits until each has instantiated the kernels. */
  static async start(workers: number, setup: PoolSetup): Promise<ThreadPool> {
    const control = new SharedArrayBuffer(64 + workers * JOB_SLOT * 8);
    const handles: Handle[] = [];
    const ready: Promise<unknown>[] = [];
    for (let index = 0; index < workers; index++) {
      const data = { ...setup, control, index };
      if (isNode) {
        const { Worker } = await import('node:worker_threads');
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
   * Runs `jobs[w]` on worker w (null = nothing for that worker) while the caller runs `own()`,
   * and returns when all have finished.
   */
  run(jobs: (readonly [name: string, args: readonly number[]] | null)[], own: () => void): void {
    const { ctrl, jobs: slots } = this;
    for (let w = 0; w < this.workers; w++) {
      const job = jobs[w];
      const o = w * JOB_SLOT;
      if (!job) {
        slots[o] = -1;
        continue;
      }
      const [name, args] = job;
      slots[o] = this.index.get(name)!;
      slots[o + 1] = args.length;
      for (let i = 0; i < args.length; i++) slots[o + 2 + i] = args[i]!;
    }
    Atomics.store(ctrl, 1, this.workers);
    Atomics.add(ctrl, 0, 1);
    Atomics.notify(ctrl, 0);
    try {
      own();
    } finally {
      this.waitIdle();
    }
    if (Atomics.exchange(ctrl, 3, 0) !== 0) throw new Error('wasm backend: a kernel failed in a worker thread');
  }

  private waitIdle(): void {
    const ctrl = this.ctrl;
    let spins = 0;
    let left: number;
    while ((left = Atomics.load(ctrl, 1)) !== 0) {
      if (this.canBlock && ++spins > SPIN_LIMIT) {
        Atomics.wait(ctrl, 1, left);
        spins = 0;
      }
    }
  }

  /** Stops the workers. */
  close(): void {
    Atomics.store(this.ctrl, 2, 1);
    Atomics.add(this.ctrl, 0, 1);
    Atomics.notify(this.ctrl, 0);
    for (const h of this.handles) void h.terminate();
  }
}
