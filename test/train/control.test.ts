// TrainingControl: a run steered between updates (pause, step, resume, a new learning rate) makes the
// updates a run without a control makes, only when they are let through; snapshots are copies of the
// parameters at the point they name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { AbortError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import { fromArray, type Matrix } from '../../src/core/matrix.js';
import { computeCost } from '../../src/nn/cost.js';
import { initializeParametersDeep } from '../../src/nn/initializers.js';
import { modelBackward, modelForward } from '../../src/nn/propagation.js';
import { Optimizer } from '../../src/nn/update.js';
import { TrainingControl, type Snapshot } from '../../src/train/control.js';
import { Model } from '../../src/train/model.js';

const backend = new ReferenceBackend();

/** 40 points of two noisy blobs: X (2, 40), Y (1, 40). */
function blobs(): { X: Matrix; Y: Matrix } {
  const rng = new Rng(3);
  const x: number[][] = [[], []],
    y: number[] = [];
  for (let j = 0; j < 40; j++) {
    const c = j % 2;
    x[0]!.push(c * 2 - 1 + rng.randn() * 0.5);
    x[1]!.push(1 - c * 2 + rng.randn() * 0.5);
    y.push(c);
  }
  return { X: fromArray(x, 'float64'), Y: fromArray([y], 'float64') };
}

function model(): Model {
  return Model.create({ dims: [2, 4, 1], dtype: 'float64', backend, seed: 2 });
}

const W = (m: Model) => Array.from(m.parameters['W1']!.data);

test('a control that is never touched changes nothing: the same costs and parameters', async () => {
  const { X, Y } = blobs();
  const a = model(),
    b = model();
  const ra = await a.fit(X, Y, { learningRate: 0.05, optimizer: 'adam', iterations: 60, costEvery: 10 });
  const snaps: number[] = [];
  const control = new TrainingControl({ onSnapshot: (s) => snaps.push(s.iteration), snapshotEveryMs: 0 });
  const rb = await b.fit(X, Y, { learningRate: 0.05, optimizer: 'adam', iterations: 60, costEvery: 10, control });
  assert.deepEqual(rb.history.costs, ra.history.costs);
  assert.deepEqual(W(b), W(a));
  // snapshotEveryMs 0: one before every update, none after the last.
  assert.deepEqual(
    snaps,
    Array.from({ length: 60 }, (_, i) => i),
  );
});

test('paused before the first update, it makes one update per step, n for step(n), and finishes after resume', async () => {
  const { X, Y } = blobs();
  const seen: Snapshot[] = [];
  const steps: (() => void)[] = [];
  const control = new TrainingControl({
    snapshotEveryMs: 1e9,
    onSnapshot: (s) => {
      seen.push(s);
      if (s.paused) setImmediate(steps.shift() ?? (() => control.resume()));
    },
  });
  steps.push(
    () => control.step(),
    () => control.step(3),
    () => {
      // A new rate alone lets nothing through (no snapshot would come); the step then does.
      control.setLearningRate(0.05);
      setImmediate(() => control.step());
    },
  );
  control.pause();
  assert.equal(control.paused, true);
  const m = model();
  const iterations: number[] = [];
  const result = await m.fit(X, Y, {
    learningRate: 0.1,
    optimizer: 'gd',
    iterations: 20,
    control,
    onIteration: (s) => void iterations.push(s.iteration),
  });
  assert.equal(result.iterations, 20);
  const paused = seen.filter((s) => s.paused).map((s) => [s.iteration, s.learningRate]);
  assert.deepEqual(paused, [
    [0, 0.1],
    [1, 0.1],
    [4, 0.1],
    [5, 0.05],
  ]);
  assert.deepEqual(
    iterations,
    Array.from({ length: 20 }, (_, i) => i + 1),
  );
  // A snapshot is a copy: the one at 0 holds the initial W1, not the trained one.
  const init = initializeParametersDeep([2, 4, 1], { init: 'he', seed: 2, dtype: 'float64' });
  assert.deepEqual(Array.from(seen[0]!.parameters['W1']!.data), Array.from(init['W1']!.data));
  assert.notDeepEqual(Array.from(seen[0]!.parameters['W1']!.data), W(m));
});

test('a new learning rate mid-run is the rate of every later update, and Adam keeps its moments', async () => {
  const { X, Y } = blobs();
  const control = new TrainingControl();
  const m = model();
  await m.fit(X, Y, {
    learningRate: 0.05,
    optimizer: 'adam',
    iterations: 10,
    control,
    onIteration: (s) => void (s.iteration === 4 ? control.setLearningRate(0.01) : undefined),
  });
  // The course's loop by hand: one optimizer throughout, its α changed after update 4.
  const params = initializeParametersDeep([2, 4, 1], { init: 'he', seed: 2, dtype: 'float64' });
  const opt = new Optimizer({ kind: 'adam', learningRate: 0.05 }, backend);
  for (let i = 0; i < 10; i++) {
    if (i === 4) opt.learningRate = 0.01;
    const { AL, caches } = modelForward(X, params, { backend });
    computeCost(AL, Y, { backend });
    opt.step(params, modelBackward(AL, Y, caches, { backend }));
  }
  const want = Array.from(params['W1']!.data);
  W(m).forEach((w, i) => assert.ok(Math.abs(w - want[i]!) < 1e-12, `W1[${i}] ${w} vs ${want[i]}`));
  // Two fits (the way without a control) restart Adam's moments: another result.
  const twice = model();
  await twice.fit(X, Y, { learningRate: 0.05, optimizer: 'adam', iterations: 4 });
  await twice.fit(X, Y, { learningRate: 0.01, optimizer: 'adam', iterations: 6 });
  assert.ok(W(twice).some((w, i) => Math.abs(w - want[i]!) > 1e-6));
});

test('a paused run still aborts; bad commands are refused by their rules; a blocking fit refuses a control', async () => {
  const { X, Y } = blobs();
  const abort = new AbortController();
  const control = new TrainingControl({ onSnapshot: (s) => void (s.paused && setImmediate(() => abort.abort())) });
  control.pause();
  await assert.rejects(
    model().fit(X, Y, { learningRate: 0.1, iterations: 5, control, signal: abort.signal }),
    (e: Error) => e instanceof AbortError && e.message === 'training aborted after iteration 0 of 5',
  );
  assert.throws(() => control.setLearningRate(-1), {
    name: 'ValueError',
    message: 'learning rate must be a number > 0 but is -1',
  });
  assert.throws(() => control.step(0), {
    name: 'ValueError',
    message: 'TrainingControl.step: updates must be an integer ≥ 1 but is 0',
  });
  assert.throws(() => new TrainingControl({ snapshotEveryMs: -1 }), {
    message: 'TrainingControl: snapshotEveryMs must be a number ≥ 0 but is -1',
  });
  assert.throws(() => model().fitSync(X, Y, { learningRate: 0.1, iterations: 5, control: new TrainingControl() }), {
    name: 'ValueError',
    message: 'a TrainingControl steers a run that yields (Model.fit, trainOnDataAsync), not a blocking one',
  });
});

test('a control steers one run after another: each pause of each run makes its snapshot', async () => {
  const { X, Y } = blobs();
  const paused: number[] = [];
  const control = new TrainingControl({
    onSnapshot: (s) => {
      if (!s.paused) return;
      paused.push(s.iteration);
      setImmediate(() => control.resume());
    },
  });
  for (let run = 0; run < 2; run++) {
    control.pause();
    await model().fit(X, Y, { learningRate: 0.1, iterations: 3, control });
  }
  assert.deepEqual(paused, [0, 0]);
});
