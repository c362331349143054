// trainInWorker and the worker's side (answerTraining) over a MessageChannel in one Node process: the
// protocol a page and its worker speak, without a browser (test/browser/example.test.ts runs the real
// worker in Chromium). Progress reaches the page's callbacks, abort and stop are obeyed, errors keep
// their class, and the model comes back rebuilt from its file, predicting as the worker's model did.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultBackend, initBackends } from '../../src/backend/index.js';
import { startTrainWorker, trainInWorker, type WorkerLike } from '../../src/browser/train-in-worker.js';
import { modelToJSON } from '../../src/train/model-json.js';
import { train } from '../../src/workflow/train.js';
import { channelWorker } from '../helpers/channel-worker.js';

await initBackends();

const rows = Array.from({ length: 60 }, (_, i) => [Math.cos(i), Math.sin(i * 1.7), (i % 7) / 7]);
const labels = rows.map(([a, b]) => (a! + b! > 0 ? 'up' : 'down'));
const options = { data: { rows, labels }, hidden: [8], epochs: 40, batchSize: 16, seed: 3 };

test('the worker trains as train does; progress reaches the page; the model comes back', async () => {
  const w = channelWorker();
  const epochs: number[] = [];
  let iterations = 0;
  const out = await trainInWorker({
    ...options,
    worker: w.start,
    onEpochEnd: (logs) => epochs.push(logs.epoch!),
    onIteration: () => void iterations++,
  });
  const here = await train(options);
  assert.equal(out.result.iterations, here.result.iterations);
  assert.deepEqual(
    epochs,
    Array.from({ length: 40 }, (_, i) => i + 1),
  );
  assert.equal(iterations, out.result.iterations);
  // 40 epochs and 160 updates reported in a few batches (one every 16 ms), then 'done'.
  assert.ok(w.posts() < 20, `${w.posts()} messages`);
  assert.equal(out.result.finalCost, here.result.finalCost);
  assert.deepEqual(out.model.predict(rows), here.model.predict(rows));
  assert.deepEqual(out.dev, here.dev);
  assert.equal(out.worker.backend, defaultBackend().name);
  assert.deepEqual(modelToJSON(out.model).parameters, modelToJSON(here.model).parameters);
  assert.ok(w.terminated(), 'the worker is ended');
  out.model.dispose();
  here.model.dispose();
});

test('abort: the worker stops its run, the promise rejects with an AbortError', async () => {
  const w = channelWorker();
  const controller = new AbortController();
  const run = trainInWorker({
    ...options,
    epochs: 100_000,
    worker: w.start,
    signal: controller.signal,
    onEpochEnd: (logs) => void (logs.epoch === 3 && controller.abort()),
  });
  await assert.rejects(run, { name: 'AbortError' });
  assert.ok(w.terminated());
  // Aborted before it starts: no worker at all.
  await assert.rejects(trainInWorker({ ...options, worker: w.start, signal: controller.signal }), {
    name: 'AbortError',
  });
});

test("onIteration's false stops the run within the worker's next slice of training; it ends normally", async () => {
  const out = await trainInWorker({
    ...options,
    epochs: 100_000,
    worker: channelWorker().start,
    onIteration: (s) => (s.iteration >= 10 ? false : undefined),
  });
  // The worker hears the page between its slices of about 20 ms of training: a few hundred small updates.
  assert.ok(out.result.iterations >= 10 && out.result.iterations < 100_000, String(out.result.iterations));
  assert.match(out.result.stopped, /stop|callback/i);
  out.model.dispose();
});

test('errors keep their class and message; data must be rows and labels', async () => {
  await assert.rejects(trainInWorker({ ...options, keepProb: 1.5, worker: channelWorker().start }), {
    name: 'ValueError',
    message: /^keepProb must be/,
  });
  await assert.rejects(
    trainInWorker({ ...options, data: { rows: [[1, 2], [3]], labels: ['a', 'b'] }, worker: channelWorker().start }),
    { name: 'ShapeError', message: /row 1 has 1 value/ },
  );
  await assert.rejects(trainInWorker({ ...options, data: 'iris.csv' as never, worker: channelWorker().start }), {
    name: 'ValueError',
    message: 'trainInWorker: data must be { rows, labels } (files and Datasets do not cross to a worker)',
  });
});

test('a started worker trains run after run, one at a time, until it is ended', async () => {
  const w = channelWorker();
  const worker = await startTrainWorker(w.start);
  assert.equal(worker.backend, defaultBackend().name);
  const first = trainInWorker({ ...options, worker });
  await assert.rejects(trainInWorker({ ...options, worker }), {
    name: 'ValueError',
    message: 'trainInWorker: this worker is training; it trains one run at a time',
  });
  const a = await first;
  const b = await worker.train({ ...options, hidden: [4] });
  assert.deepEqual(a.model.arch.dims, [3, 8, 1]);
  assert.deepEqual(b.model.arch.dims, [3, 4, 1]);
  assert.equal(w.terminated(), false, "a started worker is the caller's to end");
  worker.terminate();
  assert.ok(w.terminated());
  await assert.rejects(worker.train(options), {
    name: 'ValueError',
    message: 'trainInWorker: this worker has ended; start another (startTrainWorker)',
  });
  for (const o of [a, b]) o.model.dispose();
});

/** A worker that loads (or fails to) and then never answers. */
class SilentWorker extends EventTarget implements WorkerLike {
  ended = false;
  constructor(loads: boolean) {
    super();
    setTimeout(() => {
      if (loads)
        this.dispatchEvent(
          Object.assign(new Event('message'), { data: { type: 'ready', backend: 'wasm', threads: 2 } }),
        );
      else this.dispatchEvent(new Event('error'));
    });
  }
  postMessage(): void {}
  terminate(): void {
    this.ended = true;
  }
}

test('a worker script that fails to load, and a worker that does not answer an abort', async (t) => {
  await assert.rejects(
    startTrainWorker(() => new SilentWorker(false)),
    {
      message: 'trainInWorker: the worker failed to load (is it served beside the bundle?)',
    },
  );
  const silent = new SilentWorker(true);
  const worker = await startTrainWorker(() => silent);
  // A test clock for the grace period: the worker is ended at 2 s of it, not a moment before.
  t.mock.timers.enable({ apis: ['setTimeout'] });
  const controller = new AbortController();
  const run = worker.train({ ...options, signal: controller.signal });
  controller.abort();
  await new Promise((resolve) => setImmediate(resolve));
  t.mock.timers.tick(1999);
  assert.equal(silent.ended, false, 'still in its grace period');
  t.mock.timers.tick(1);
  await assert.rejects(run, { name: 'AbortError', message: 'trainInWorker: the worker was ended' });
  assert.ok(silent.ended);
});
