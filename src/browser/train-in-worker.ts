/**
 * `trainInWorker`: `train` run in a Web Worker (a module worker with WebAssembly threads of its own), so
 * that a page stays responsive however long training takes. Progress comes back to the page's callbacks
 * as messages; `signal` posts an abort the worker's run obeys; the trained model comes back as its model
 * file (JSON), rebuilt on the page's own backend.
 */
import { defaultBackend } from '../backend/index.js';
import { AbortError, DataError, ShapeError, UsageError, ValueError } from '../core/errors.js';
import { isRowsAndLabels, type RowsAndLabels } from '../data/rows-input.js';
import { modelFromJSON, type ModelFile } from '../train/modelFile.js';
import type { TrainOptions, TrainOutput } from '../workflow/train.js';
import type { Finished, FromWorker, PostedOptions, ToWorker } from './protocol.js';

/** A worker as trainInWorker drives it: the DOM's Worker, or anything with its four methods. */
export interface WorkerLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message' | 'error' | 'messageerror', listener: (e: Event & { data?: unknown }) => void): void;
  terminate(): void;
}

/** The options of `trainInWorker`: those of `train`, with data in memory, and where the worker script is. */
export interface WorkerTrainOptions extends Omit<TrainOptions, 'data'> {
  /** Rows and labels (they are copied to the worker; files and Datasets do not cross). */
  data: RowsAndLabels;
  /**
   * The worker script (lnn's `train-worker.js`, built as a file of its own): its URL, or a function that
   * starts it (`() => new Worker(new URL(...), { type: 'module' })`, the form Vite and webpack look for).
   * Default: `train-worker.js` beside this module (or beside the bundle that holds it).
   */
  worker?: string | URL | (() => WorkerLike);
}

/** What `trainInWorker` gives back: `train`'s output, the model's file, and the worker's kernels. */
export interface WorkerTrainOutput extends TrainOutput {
  /** The trained model as its file (what `lnn train --save` writes): keep it, or rebuild with modelFromJSON. */
  file: ModelFile;
  /** The kernels the worker trained on: `{ backend: 'wasm', threads: 2 }`. */
  worker: { backend: string; threads: number };
}

/** How long a worker may take to end its run after an abort before it is terminated. */
const ABORT_GRACE_MS = 2000;

/**
 * Trains as `train` does, in a Web Worker: the page's callbacks get the progress (onIteration's `false`
 * stops the run once the worker hears it, between its slices of about 20 ms of training), `signal` aborts
 * it, and the model comes back rebuilt on the page.
 * Needs a cross-origin isolated page for the worker's threads (docs/browser.md); without, one thread.
 * @example
 * const { model, dev } = await trainInWorker({ data: { rows, labels }, hidden: [16], epochs: 200,
 *   onEpochEnd: (logs) => draw(logs.cost) });
 * model.predict([[5.1, 3.5, 1.4, 0.2]]) // => ['setosa']
 * @throws ValueError for data that is not { rows, labels }; the worker's errors with their class
 *   (DataError, ShapeError, ValueError); AbortError when `signal` aborts.
 */
export async function trainInWorker(options: WorkerTrainOptions): Promise<WorkerTrainOutput> {
  const { worker: where, signal, onEpochEnd, onIteration, onCost, onNote, ...posted } = options;
  if (!isRowsAndLabels(posted.data))
    throw new ValueError('trainInWorker: data must be { rows, labels } (files and Datasets do not cross to a worker)');
  signal?.throwIfAborted();
  const want = { epochs: !!onEpochEnd, iterations: !!onIteration, costs: !!onCost, notes: !!onNote };
  const run: ToWorker = { type: 'train', options: posted as PostedOptions, want };
  const worker = startWorker(where);
  let graceTimer: ReturnType<typeof setTimeout> | undefined;
  let abort: (() => void) | undefined;
  try {
    return await new Promise<WorkerTrainOutput>((resolve, reject) => {
      let kernels: WorkerTrainOutput['worker'] | undefined;
      // Asked to abort: the worker's run ends with an AbortError; one that does not answer is cut off.
      abort = () => {
        worker.postMessage({ type: 'abort' } satisfies ToWorker);
        graceTimer = setTimeout(() => reject(new AbortError('trainInWorker: aborted')), kernels ? ABORT_GRACE_MS : 0);
      };
      signal?.addEventListener('abort', abort, { once: true });
      worker.addEventListener('error', (e) => reject(loadFailure(where, e)));
      worker.addEventListener('messageerror', () => reject(new Error('trainInWorker: a message could not be read')));
      worker.addEventListener('message', (e) => {
        const msg = e.data as FromWorker;
        if (msg.type === 'ready') {
          kernels = { backend: msg.backend, threads: msg.threads };
          if (msg.backend === 'ts')
            console.warn('lnn: the training worker runs on the slow TypeScript reference kernels');
          worker.postMessage(run);
        } else if (msg.type === 'epoch') onEpochEnd?.(msg.logs);
        else if (msg.type === 'iteration') {
          if (onIteration?.(msg.state) === false) worker.postMessage({ type: 'stop' } satisfies ToWorker);
        } else if (msg.type === 'cost') onCost?.(msg.point);
        else if (msg.type === 'note') onNote?.(msg.text);
        else if (msg.type === 'done') settle(() => outputOf(msg, kernels!), resolve, reject);
        else reject(errorOf(msg.name, msg.message));
      });
    });
  } finally {
    clearTimeout(graceTimer);
    if (abort) signal?.removeEventListener('abort', abort);
    worker.terminate();
  }
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
function startWorker(where: WorkerTrainOptions['worker']): WorkerLike {
  if (typeof where === 'function') return where();
  if (typeof Worker === 'undefined') throw new ValueError('trainInWorker: this runtime has no Web Worker');
  return new Worker(where ?? new URL('./train-worker.js', import.meta.url), { type: 'module' });
}

function loadFailure(where: WorkerTrainOptions['worker'], e: Event & { message?: string }): Error {
  const script = typeof where === 'function' ? 'the worker' : String(where ?? 'train-worker.js');
  return new Error(
    `trainInWorker: ${script} failed${e.message ? `: ${e.message}` : ' to load (is it served beside the bundle?)'}`,
  );
}

/** The run's output on the page: the model rebuilt from its file on the page's backend. */
function outputOf(msg: Finished, worker: WorkerTrainOutput['worker']): WorkerTrainOutput {
  const { type: _, file, ...rest } = msg;
  const model = modelFromJSON(file, 'the trained model', defaultBackend());
  return { ...rest, model, file, worker };
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
