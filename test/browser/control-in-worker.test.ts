// A TrainingControl steering a run in a worker (trainInWorker over a MessageChannel, in one Node
// process): the page's pause, step, new learning rate and resume reach the worker's run, its snapshots
// reach the page, and the run ends where the same commands end a run trained here.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { initBackends } from '../../src/backend/index.js';
import { trainInWorker, type WorkerLike } from '../../src/browser/train-in-worker.js';
import { TrainingControl, type Snapshot } from '../../src/train/control.js';
import { modelToJSON } from '../../src/train/model-json.js';
import { train } from '../../src/workflow/train.js';
import { channelWorker } from '../helpers/channel-worker.js';

await initBackends();

/** A worker in this thread (test/helpers/channel-worker.ts). */
const channel = (): WorkerLike => channelWorker().start();

const rows = Array.from({ length: 80 }, (_, i) => [Math.cos(i), Math.sin(i * 1.7)]);
const labels = rows.map(([a, b]) => (a! * b! > 0 ? 1 : 0));
const options = { data: { rows, labels }, hidden: [6], iterations: 40, lr: 0.05, seed: 4, printCostEvery: 1 };

/**
 * A control that answers each pause with the next command: step, step 5, a new rate with a step, then
 * resume. Returns the control and the snapshots it saw.
 */
function scripted(): { control: TrainingControl; seen: Snapshot[]; pausedThen: boolean[] } {
  const seen: Snapshot[] = [];
  const pausedThen: boolean[] = [];
  const script: ((c: TrainingControl) => void)[] = [
    (c) => c.step(),
    (c) => c.step(5),
    (c) => {
      c.setLearningRate(0.01);
      c.step();
    },
    (c) => c.resume(),
  ];
  const control = new TrainingControl({
    snapshotEveryMs: 1e9,
    onSnapshot: (s) => {
      seen.push(s);
      // At each pause the control says so, steps or not: a button reading it offers Resume.
      if (s.paused) pausedThen.push(control.paused);
      if (s.paused) setTimeout(() => script.shift()?.(control));
    },
  });
  control.pause();
  return { control, seen, pausedThen };
}

test('pause, step, a new learning rate and resume reach the run in the worker; snapshots reach the page', async () => {
  const inWorker = scripted();
  const out = await trainInWorker({ ...options, worker: channel, control: inWorker.control });
  const here = scripted();
  const local = await train({ ...options, control: here.control });
  const paused = (seen: Snapshot[]) => seen.filter((s) => s.paused).map((s) => [s.iteration, s.learningRate]);
  assert.deepEqual(paused(inWorker.seen), [
    [0, 0.05],
    [1, 0.05],
    [6, 0.05],
    [7, 0.01],
  ]);
  assert.deepEqual(paused(inWorker.seen), paused(here.seen));
  assert.deepEqual(inWorker.pausedThen, [true, true, true, true]);
  // The snapshot at iteration 6 is the parameters after 6 updates: the same numbers in both.
  const at6 = (seen: Snapshot[]) => seen.find((s) => s.iteration === 6 && s.paused)!.parameters;
  assert.deepEqual(at6(inWorker.seen), at6(here.seen));
  assert.equal(out.result.iterations, 40);
  assert.deepEqual(out.result.history.costs, local.result.history.costs);
  assert.deepEqual(modelToJSON(out.model).parameters, modelToJSON(local.model).parameters);
  out.model.dispose();
  local.model.dispose();
});

test('a control without onSnapshot gets none; a rate set before the run is the rate of the whole run', async () => {
  const control = new TrainingControl();
  control.setLearningRate(1e-9);
  let posted = 0;
  const worker = () => {
    const w = channel();
    return {
      ...w,
      addEventListener: ((type, l) =>
        w.addEventListener(type, (e) => (posted++, l(e)))) as WorkerLike['addEventListener'],
    };
  };
  const out = await trainInWorker({
    ...options,
    iterations: 500,
    worker,
    control,
  });
  // With α = 1e-9 the cost stays where it started (to float32's precision).
  const costs = out.result.history.costs.map((p) => p.cost);
  assert.ok(Math.max(...costs) - Math.min(...costs) < 1e-5, `${Math.min(...costs)}..${Math.max(...costs)}`);
  assert.ok(posted < 60, `${posted} messages`);
  out.model.dispose();
});
