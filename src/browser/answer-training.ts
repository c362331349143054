/**
 * The worker's side of `trainInWorker`: takes one run at a time from the port, trains it with the
 * library's own `train` (the same code as on the page or in Node), posts the progress the page asked
 * for, and answers with the model's file and the figures. Browser-safe; runs on any MessagePort.
 */
import { modelToJSON } from '../train/modelFile.js';
import { train, type TrainOptions } from '../workflow/train.js';
import type { FromWorker, Port, ToWorker } from './protocol.js';

/** Serves training runs on `port` until the worker ends. */
export function answerTraining(port: Port): void {
  const post = (m: FromWorker) => port.postMessage(m);
  let running: { controller: AbortController; stop: boolean } | undefined;
  port.addEventListener('message', (e) => {
    const msg = e.data as ToWorker;
    if (msg.type === 'abort') running?.controller.abort();
    else if (msg.type === 'stop') {
      if (running) running.stop = true;
    } else if (msg.type === 'train') {
      if (running) return post({ type: 'error', name: 'Error', message: 'trainInWorker: this worker is training' });
      running = { controller: new AbortController(), stop: false };
      void run(msg, running, post).finally(() => (running = undefined));
    }
  });
}

async function run(
  msg: Extract<ToWorker, { type: 'train' }>,
  state: { controller: AbortController; stop: boolean },
  post: (m: FromWorker) => void,
): Promise<void> {
  const { want } = msg;
  const options: TrainOptions = {
    ...msg.options,
    signal: state.controller.signal,
    onIteration: (s) => {
      if (want.iterations) post({ type: 'iteration', state: s });
      return state.stop ? false : undefined;
    },
    ...(want.epochs ? { onEpochEnd: (logs) => post({ type: 'epoch', logs }) } : {}),
    ...(want.costs ? { onCost: (point) => post({ type: 'cost', point }) } : {}),
    ...(want.notes ? { onNote: (text) => post({ type: 'note', text }) } : {}),
  };
  try {
    const { model, result, record, ...figures } = await train(options);
    const file = modelToJSON(model, record);
    model.dispose();
    post({ type: 'done', file, result, record, ...figures });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: 'error', name: err.name, message: err.message });
  }
}
