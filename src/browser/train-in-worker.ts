/**
 * `trainInWorker`: `train` run in a Web Worker (a module worker with WebAssembly threads of its own), so
 * that a page stays responsive however long training takes. Progress comes back to the page's callbacks
 * as messages; `signal` posts an abort the worker's run obeys; the trained model comes back (its
 * parameters moved as typed arrays) and is rebuilt on the page's own backend.
 */
import { defaultBackend } from '../backend/index.js';
import { AbortError, DataError, ShapeError, UsageError, ValueError } from '../core/errors.js';
import { isRowsAndLabels, type RowsAndLabels } from '../data/read/rows-input.js';
import type { TrainOptions, TrainOutput } from '../workflow/train.js';
import { modelFromState } from './model-state.js';
import type { TrainingControl } from '../train/control.js';
import type { Finished, FromWorker, PostedControl, PostedOptions, Progress, ToWorker } from './protocol.js';

/** A worker as trainInWorker drives it: the DOM's Worker, or anything with its four methods. */
export interface WorkerLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'error' | 'messageerror', listener: (e: Event & { data?: unknown }) => void): void;
  terminate(): void;
}

/** Where the training worker comes from: its script's URL, or a function that starts it. */
export type WorkerSource = string | URL | (() => WorkerLike);

/** The options of `trainInWorker`: those of `train`, with data in memory, and which worker trains. */
export interface WorkerTrainOptions extends Omit<TrainOptions, 'data'> {
  /** Rows and labels (they are copied to the worker; files and Datasets do not cross). */
  data: RowsAndLabels;
  /**
   * A worker started with `startTrainWorker` (kept for the next run), or where to start one for this
   * run alone: the URL of lnn's `train-worker.js` (built as a file of its own), or a function that starts
   * it (`() => new Worker(new URL(...), { type: 'module' })`, the form Vite and webpack look for).
   * Default: `train-worker.js` beside this module (or beside the bundle that holds it).
   */
  worker?: TrainWorker | WorkerSource;
}

/**
 * What `trainInWorker` gives back: `train`'s output (the model on the page's backend; `modelToJSON(model,
 * record)` makes its file, as `lnn train --save` writes it), and the kernels the worker trained on.
 */
export interface WorkerTrainOutput extends TrainOutput {
  /** `{ backend: 'wasm', threads: 2 }`. */
  worker: { backend: string; threads: number };
}

/** A training worker that has loaded its kernels: it trains one run at a time, as often as asked. */
export interface TrainWorker {
  /** The kernels it loaded: 'wasm' (or 'ts' where WebAssembly SIMD is missing), and their threads. */
  readonly backend: string;
  readonly threads: number;
  /** Whether it has ended (terminated, or cut off after not answering an abort): start another then. */
  readonly ended: boolean;
  /** `trainInWorker` on this worker. */
  train(options: Omit<WorkerTrainOptions, 'worker'>): Promise<WorkerTrainOutput>;
  /** Ends the worker (a run in progress rejects with an AbortError). */
  terminate(): void;
}

/** How long a worker may take to end its run after an abort before it is terminated. */
const ABORT_GRACE_MS = 2000;

/**
 * Trains as `train` does, in a Web Worker: the page's callbacks get the progress (onIteration's `false`
 * stops the run once the worker hears it, between its slices of about 20 ms of training), `signal` aborts
 * it, and the model comes back rebuilt on the page. Without a started worker, one is started for the run
 * and ended after it (its start-up, about 0.1 s, counts in the run's time: see startTrainWorker).
 * Needs a cross-origin isolated page for the worker's threads (docs/browser.md); without, one thread.
 * @example
 * const { model, dev } = await trainInWorker({ data: { rows, labels }, hidden: [16], epochs: 200,
 *   onEpochEnd: (logs) => draw(logs.cost) });
 * model.predict([[5.1, 3.5, 1.4, 0.2]]) // => ['setosa']
 * @throws ValueError for data that is not { rows, labels }; the worker's errors with their class
 *   (DataError, ShapeError, ValueError); AbortError when `signal` aborts.
 */
export async function trainInWorker(options: WorkerTrainOptions): Promise<WorkerTrainOutput> {
  const { worker, ...run } = options;
  checkData(run.data);
  if (isTrainWorker(worker)) return worker.train(run);
  const started = await startTrainWorker(worker, run.signal);
  try {
    return await started.train(run);
  } finally {
    started.terminate();
  }
}

/**
 * Starts a training worker and waits until it has loaded its kernels, so that runs started later begin
 * at once (a page starts it as it loads) and reuse one worker (its compiled code stays warm).
 * @example
 * const worker = await startTrainWorker();   // worker.threads // => 2 in a cross-origin isolated page
 * const a = await trainInWorker({ data, hidden: [16], worker });
 * const b = await trainInWorker({ data, hidden: [32], worker });
 * worker.terminate();
 */
export async function startTrainWorker(source?: WorkerSource, signal?: AbortSignal): Promise<TrainWorker> {
  signal?.throwIfAborted();
  const handle = new StartedWorker(startWorker(source), source);
  return new Promise<TrainWorker>((resolve, reject) => {
    const onAbort = () => handle.terminate();
    signal?.addEventListener('abort', onAbort, { once: true });
    handle.listen({
      message: (msg) => {
        if (msg.type !== 'ready') return;
        handle.loaded(msg.backend, msg.threads);
        signal?.removeEventListener('abort', onAbort);
        resolve(handle);
      },
      fail: (e) => {
        signal?.removeEventListener('abort', onAbort);
        handle.terminate();
        reject(e);
      },
    });
  });
}

/** What the current run (or the start) listens to: the worker's messages, or its failure. */
interface Listener {
  message(msg: FromWorker): void;
  fail(e: Error): void;
}

class StartedWorker implements TrainWorker {
  backend = '';
  threads = 0;
  ended = false;
  private listener: Listener | undefined;

  constructor(
    private readonly worker: WorkerLike,
    source: WorkerSource | undefined,
  ) {
    worker.addEventListener('message', (e) => this.listener?.message(e.data as FromWorker));
    worker.addEventListener('error', (e) => this.fail(loadFailure(source, e)));
    worker.addEventListener('messageerror', () => this.fail(new Error('trainInWorker: a message could not be read')));
  }

  listen(l: Listener | undefined): void {
    this.listener = l;
  }

  loaded(backend: string, threads: number): void {
    Object.assign(this, { backend, threads });
    this.listener = undefined;
    if (backend === 'ts') console.warn('lnn: the training worker runs on the slow TypeScript reference kernels');
  }

  private fail(e: Error): void {
    this.ended = true;
    const l = this.listener;
    this.listener = undefined;
    l?.fail(e);
  }

  terminate(): void {
    if (!this.ended) this.fail(new AbortError('trainInWorker: the worker was ended'));
    this.worker.terminate();
  }

  async train(options: Omit<WorkerTrainOptions, 'worker'>): Promise<WorkerTrainOutput> {
    checkData(options.data);
    options.signal?.throwIfAborted();
    if (this.ended) throw new ValueError('trainInWorker: this worker has ended; start another (startTrainWorker)');
    if (this.listener) throw new ValueError('trainInWorker: this worker is training; it trains one run at a time');
    return runOn(this.worker, options, { threads: this.threads, backend: this.backend }, this);
  }
}

/** One run on a started worker: posts it, relays its progress, settles with its end. */
async function runOn(
  worker: WorkerLike,
  options: Omit<WorkerTrainOptions, 'worker'>,
  kernels: WorkerTrainOutput['worker'],
  handle: Pick<StartedWorker, 'listen' | 'terminate'>,
): Promise<WorkerTrainOutput> {
  const { signal, onEpochEnd, onIteration, onCost, onNote, control, ...posted } = options;
  const want = { epochs: !!onEpochEnd, iterations: !!onIteration, costs: !!onCost, notes: !!onNote };
  let stopped = false;
  const relay = (p: Progress) => {
    if (p.type === 'epoch') onEpochEnd?.(p.logs);
    else if (p.type === 'iteration') {
      if (onIteration?.(p.state) === false && !stopped) {
        stopped = true;
        worker.postMessage({ type: 'stop' } satisfies ToWorker);
      }
    } else if (p.type === 'cost') onCost?.(p.point);
    else if (p.type === 'snapshot') control?.deliver(p.snapshot);
    else onNote?.(p.text);
  };
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let abort: (() => void) | undefined;
  // The page's commands go to the worker's run as they are given.
  const unsubscribe = control?.subscribe((command) =>
    worker.postMessage({ type: 'control', command } satisfies ToWorker),
  );
  try {
    return await new Promise<WorkerTrainOutput>((resolve, reject) => {
      // Asked to abort: the worker's run ends with an AbortError; a worker that does not answer is ended.
      abort = () => {
        worker.postMessage({ type: 'abort' } satisfies ToWorker);
        graceTimer = setTimeout(() => handle.terminate(), ABORT_GRACE_MS);
      };
      signal?.addEventListener('abort', abort, { once: true });
      handle.listen({
        fail: reject,
        message: (msg) => {
          if (msg.type === 'progress') for (const p of msg.items) relay(p);
          else if (msg.type === 'done') settle(() => outputOf(msg, kernels), resolve, reject);
          else if (msg.type === 'error') reject(errorOf(msg.name, msg.message));
        },
      });
      const steer = control ? { control: postedControl(control) } : {};
      worker.postMessage({ type: 'train', options: posted as PostedOptions, want, ...steer } satisfies ToWorker);
    });
  } finally {
    unsubscribe?.();
    clearTimeout(graceTimer);
    if (abort) signal?.removeEventListener('abort', abort);
    handle.listen(undefined);
  }
}

function postedControl(control: TrainingControl): PostedControl {
  const snapshots = control.snapshots;
  return { state: control.current, ...(snapshots ? { snapshots } : {}) };
}

function checkData(data: unknown): void {
  if (!isRowsAndLabels(data))
    throw new ValueError('trainInWorker: data must be { rows, labels } (files and Datasets do not cross to a worker)');
}

function isTrainWorker(w: WorkerTrainOptions['worker']): w is TrainWorker {
  return typeof w === 'object' && w !== null && !(w instanceof URL) && typeof (w as TrainWorker).train === 'function';
}

/** Resolves with what `make` gives, or rejects with what it throws (a model file the page cannot read). */
function settle<T>(make: () => T, resolve: (v: T) => void, reject: (e: unknown) => void): void {
  try {
    resolve(make());
  } catch (e) {
    reject(e);
  }
}

/** The worker: started from the caller's function or URL, else train-worker.js beside this module. */
function startWorker(where: WorkerSource | undefined): WorkerLike {
  if (typeof where === 'function') return where();
  if (typeof Worker === 'undefined') throw new ValueError('trainInWorker: this runtime has no Web Worker');
  return new Worker(where ?? new URL('./train-worker.js', import.meta.url), { type: 'module' });
}

function loadFailure(where: WorkerSource | undefined, e: Event & { message?: string }): Error {
  const script = typeof where === 'function' ? 'the worker' : String(where ?? 'train-worker.js');
  return new Error(
    `trainInWorker: ${script} failed${e.message ? `: ${e.message}` : ' to load (is it served beside the bundle?)'}`,
  );
}

/** The run's output on the page: the model rebuilt on the page's backend. */
function outputOf(msg: Finished, worker: WorkerTrainOutput['worker']): WorkerTrainOutput {
  const { type: _, model, ...rest } = msg;
  return { ...rest, model: modelFromState(model, defaultBackend()), worker };
}

/** The worker's error as the class it had there (the library's own kinds), with its message. */
function errorOf(name: string, message: string): Error {
  const kinds: Record<string, new (m: string) => Error> = { AbortError, DataError, ShapeError, UsageError, ValueError };
  const Kind = kinds[name];
  if (Kind) return new Kind(message);
  const e = new Error(message);
  e.name = name;
  return e;
}
