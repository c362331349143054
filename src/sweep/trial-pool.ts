/**
 * Trials in parallel on this machine: one worker thread per concurrent trial, each with its own kernels
 * and a share of the cores (2 trials on 2 cores: 1 kernel thread each), so parallel trials never fight
 * over cores. A thread that dies (out of memory) fails its trial, not the sweep.
 */
import { Worker } from 'node:worker_threads';
import { failedTrial, type Executor, type TrialRun, type TrialSpec } from './scheduler.js';
import type { TrialProgress } from './run-trial.js';
import type { SharedSets } from './shared-data.js';

/** What a trial thread starts with. */
export interface ThreadData {
  sets: SharedSets;
  threads: number;
  backend?: string;
  ranOn: string;
  /** Int32Array(2) over it: [answered, goOn] for pruning questions. */
  signal: SharedArrayBuffer;
}

export type ToThread = { type: 'trial'; spec: TrialSpec; prune: boolean; progress: boolean };
type FromThread =
  | { type: 'ready'; backend: string; threads: number }
  | { type: 'rung'; id: string; r: number; devError: number }
  | { type: 'progress'; id: string; progress: TrialProgress }
  | { type: 'done'; run: TrialRun };

export interface ThreadOptions {
  parallel: number;
  /** Kernel threads of each trial. */
  threadsEach: number;
  backend?: string;
  /** How results name where they ran (default 'local'). */
  ranOn?: string;
  /** Decides at a rung whether a trial goes on; absent: no pruning. */
  prune?: (id: string, r: number, devError: number) => boolean;
  /** Shown where each running trial stands (its thread tells after each evaluation); absent: nothing sent. */
  progress?: (spec: TrialSpec, p: TrialProgress) => void;
}

/** Starts a trial thread: the compiled .js next to this file, or the .ts source through tsx in development. */
function startThread(data: ThreadData): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./thread.js', here), { workerData: data, execArgv: [] });
  const entry = new URL('./thread.ts', here).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const source = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(source, { eval: true, workerData: data, execArgv: [] });
}

export class ThreadExecutor implements Executor {
  readonly capacity: number;
  private readonly idle: Slot[] = [];
  private readonly all = new Set<Slot>();

  constructor(
    private readonly sets: SharedSets,
    private readonly options: ThreadOptions,
  ) {
    this.capacity = options.parallel;
  }

  async run(spec: TrialSpec): Promise<TrialRun> {
    const slot = this.idle.pop() ?? this.start();
    try {
      return await slot.run(spec);
    } finally {
      if (slot.alive) this.idle.push(slot);
      else this.all.delete(slot);
    }
  }

  private start(): Slot {
    const data: ThreadData = {
      sets: this.sets,
      threads: this.options.threadsEach,
      ...(this.options.backend !== undefined ? { backend: this.options.backend } : {}),
      ranOn: this.options.ranOn ?? 'local',
      signal: new SharedArrayBuffer(8),
    };
    const slot = new Slot(data, this.options.prune, this.options.progress);
    this.all.add(slot);
    return slot;
  }

  async close(): Promise<void> {
    await Promise.all([...this.all].map((s) => s.terminate()));
    this.all.clear();
    this.idle.length = 0;
  }
}

/** One trial thread and the trial it runs. */
class Slot {
  alive = true;
  private readonly worker: Worker;
  private readonly ready: Promise<void>;
  private current: { spec: TrialSpec; resolve: (r: TrialRun) => void; reject: (e: Error) => void } | undefined;
  private readonly flag: Int32Array;
  private readonly ranOn: string;

  constructor(
    data: ThreadData,
    private readonly prune: ThreadOptions['prune'],
    private readonly progress: ThreadOptions['progress'],
  ) {
    this.flag = new Int32Array(data.signal);
    this.ranOn = data.ranOn;
    this.worker = startThread(data);
    this.ready = new Promise((resolve, reject) => {
      this.worker.on('message', (m: FromThread) => {
        if (m.type === 'ready') resolve();
        else this.receive(m);
      });
      // Before 'ready' the kernels could not start: the sweep cannot run. After, only this trial fails.
      this.worker.on('error', (e) => (this.current ? this.lost(e.message) : reject(e)));
      this.worker.on('exit', (code) => {
        this.alive = false;
        if (this.current) this.lost(`its thread exited with code ${code}`);
        else reject(new Error(`a trial thread exited with code ${code} before it was ready`));
      });
    });
  }

  async run(spec: TrialSpec): Promise<TrialRun> {
    await this.ready;
    return new Promise<TrialRun>((resolve, reject) => {
      this.current = { spec, resolve, reject };
      const msg: ToThread = {
        type: 'trial',
        spec,
        prune: this.prune !== undefined,
        progress: this.progress !== undefined,
      };
      this.worker.postMessage(msg);
    });
  }

  private receive(m: FromThread): void {
    if (m.type === 'progress') {
      if (this.current) this.progress?.(this.current.spec, m.progress);
    } else if (m.type === 'rung') {
      const goOn = this.prune ? this.prune(m.id, m.r, m.devError) : true;
      Atomics.store(this.flag, 1, goOn ? 1 : 0);
      Atomics.store(this.flag, 0, 1);
      Atomics.notify(this.flag, 0);
    } else if (m.type === 'done') {
      const c = this.current;
      this.current = undefined;
      c?.resolve(m.run);
    }
  }

  /** The thread died under a trial: the trial fails with the reason, the thread is not reused. */
  private lost(why: string): void {
    this.alive = false;
    const c = this.current;
    this.current = undefined;
    if (!c) return;
    const { spec } = c;
    c.resolve(failedTrial(spec, `the trial stopped: ${why}`, this.ranOn));
  }

  async terminate(): Promise<void> {
    this.alive = false;
    await this.worker.terminate();
  }
}
