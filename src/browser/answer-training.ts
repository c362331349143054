/**
 * The worker's side of `trainInWorker`: takes one run at a time from the port, trains it with the
 * library's own `train` (the same code as on the page or in Node), posts the progress the page asked
 * for, and answers with the model (its state: parameters as typed arrays) and the figures. Browser-safe; runs on any MessagePort.
 */
import { TrainingControl, type Snapshot } from '../train/control.js';
import { train, type TrainOptions } from '../workflow/train.js';
import { modelState } from './model-state.js';
import {
  PROGRESS_EVERY_MS,
  type FromWorker,
  type Port,
  type PostedControl,
  type Progress,
  type ToWorker,
} from './protocol.js';

/** Serves training runs on `port` until the worker ends. */
export function answerTraining(port: Port): void {
  const post = (m: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);
  let running: Running | undefined;
  port.addEventListener('message', (e) => {
    const msg = e.data as ToWorker;
    if (msg.type === 'abort') running?.controller.abort();
    else if (msg.type === 'control') running?.control?.apply(msg.command);
    else if (msg.type === 'stop') {
      if (running) running.stop = true;
    } else if (msg.type === 'train') {
      if (running) return post({ type: 'error', name: 'Error', message: 'trainInWorker: this worker is training' });
      const progress = batched(post);
      const control = msg.control && controlFor(msg.control, progress);
      running = { controller: new AbortController(), stop: false, ...(control ? { control } : {}) };
      void run(msg, running, progress, post).finally(() => (running = undefined));
    }
  });
}

/** The run in progress: its abort, whether the page's onIteration said stop, and its control. */
interface Running {
  controller: AbortController;
  stop: boolean;
  control?: TrainingControl;
}

/** A control for the worker's run that mirrors the page's: its state now, its snapshots posted as they come. */
function controlFor(posted: PostedControl, progress: Batched): TrainingControl {
  const control = new TrainingControl(
    posted.snapshots
      ? { snapshotEveryMs: posted.snapshots.every, onSnapshot: (s) => progress.snapshot(s) }
      : { snapshotEveryMs: Infinity },
  );
  control.adopt(posted.state);
  return control;
}

async function run(
  msg: Extract<ToWorker, { type: 'train' }>,
  state: Running,
  progress: Batched,
  post: (m: FromWorker, transfer?: ArrayBuffer[]) => void,
): Promise<void> {
  const { want } = msg;
  const options: TrainOptions = {
    ...msg.options,
    ...(state.control ? { control: state.control } : {}),
    signal: state.controller.signal,
    onIteration: (s) => {
      if (want.iterations) progress.add({ type: 'iteration', state: s });
      return state.stop ? false : undefined;
    },
    ...(want.epochs ? { onEpochEnd: (logs) => progress.add({ type: 'epoch', logs }) } : {}),
    ...(want.costs ? { onCost: (point) => progress.add({ type: 'cost', point }) } : {}),
    ...(want.notes ? { onNote: (text) => progress.add({ type: 'note', text }) } : {}),
  };
  try {
    const { model, result, record, ...figures } = await train(options);
    const { state, transfer } = modelState(model);
    model.dispose();
    progress.flush();
    post({ type: 'done', model: state, result, record, ...figures }, transfer);
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    progress.flush();
    post({ type: 'error', name: err.name, message: err.message });
  }
}

/**
 * Progress gathered and posted a batch at a time: when PROGRESS_EVERY_MS have passed since the last post
 * (checked as each report comes, since training runs in slices the worker's timers cannot interrupt),
 * and at the end.
 */
interface Batched {
  add(p: Progress): void;
  /** Posts what was gathered, then the snapshot at once (its buffers moved): a paused run shows it now. */
  snapshot(s: Snapshot): void;
  flush(): void;
}

function batched(post: (m: FromWorker, transfer?: ArrayBuffer[]) => void): Batched {
  let items: Progress[] = [];
  let last = performance.now();
  const flush = () => {
    if (items.length) post({ type: 'progress', items });
    items = [];
    last = performance.now();
  };
  return {
    add: (p) => {
      items.push(p);
      if (performance.now() - last >= PROGRESS_EVERY_MS) flush();
    },
    snapshot: (s) => {
      flush();
      const transfer = Object.values(s.parameters).map((p) => p.data.buffer as ArrayBuffer);
      post({ type: 'progress', items: [{ type: 'snapshot', snapshot: s }] }, transfer);
    },
    flush,
  };
}
