// Training with dropout: the masks come from the Philox stream of (seed, iteration, layer) by default,
// so a run is repeatable, the same at every thread count, and draws at iteration t what any run of
// that seed draws there (a resumed run included); 'numpy' keeps the course's sequential masks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Backend } from '../../src/backend/backend.js';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { createNativeBackend } from '../../src/backend/native/index.js';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { zeros } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { initializeParametersDeep } from '../../src/nn/initializers.js';
import { modelForward } from '../../src/nn/propagation.js';
import { Model } from '../../src/train/model.js';
import type { TrainOptions } from '../../src/train/trainer.js';
import { nativeUnavailable } from '../backend/backends.js';
import { randn } from '../helpers/util.js';

/** 2,000 examples of 20 features, two classes: hidden layers of 160 units make (160, 2000) activations, large enough to split. */
function data() {
  const rng = new Rng(4);
  const X = randn(rng, 20, 2000, 'float32');
  const Y = zeros(1, 2000, 'float32');
  for (let j = 0; j < 2000; j++) Y.data[j] = X.data[j]! + X.data[2000 + j]! > 0 ? 1 : 0;
  return { X, Y };
}

function fit(backend: Backend, options: Pick<TrainOptions, 'seed' | 'dropoutRng' | 'keepProb'> = {}) {
  const { X, Y } = data();
  const model = Model.create({ dims: [20, 160, 160, 1], backend, seed: 3 });
  const r = model.fitSync(X, Y, {
    learningRate: 0.01,
    optimizer: 'adam',
    iterations: 6,
    costEvery: 1,
    keepProb: 0.8,
    ...options,
  });
  return r.history.costs.map((p) => p.cost);
}

test('dropout training is repeatable and the same at 1 and 2 threads (wasm, native)', async () => {
  const makers: [string, (threads: number) => Promise<Backend>][] = [
    ['wasm', (threads) => createWasmBackend({ threads })],
  ];
  if ((await nativeUnavailable()) === undefined) makers.push(['native', (threads) => createNativeBackend({ threads })]);
  for (const [name, make] of makers) {
    const [one, two] = [await make(1), await make(2)];
    const a = fit(one);
    assert.deepEqual(fit(two), a, `${name}: 2 threads`);
    assert.deepEqual(fit(one), a, `${name}: again`);
    assert.notDeepEqual(fit(one, { seed: 2 }), a, `${name}: another seed`);
    assert.notDeepEqual(fit(one, { dropoutRng: 'numpy' }), a, `${name}: numpy's masks are others`);
    assert.notDeepEqual(fit(one, { keepProb: 1 }), a, `${name}: dropout is on`);
  }
});

test("a run resumed at iteration t draws t's masks: they depend on (seed, step, layer) alone", () => {
  const backend = new ReferenceBackend();
  const p = initializeParametersDeep([6, 9, 7, 1], { seed: 1 });
  const X = randn(new Rng(2), 6, 11);
  const masks = (step: number) =>
    modelForward(X, p, { backend, keepProb: 0.5, dropoutKey: { seed: 5, step } }).caches.flatMap((c) =>
      c.D ? [[...c.D.data].join('')] : [],
    );
  const fresh = masks(7);
  for (let t = 0; t < 7; t++) masks(t);
  assert.deepEqual(masks(7), fresh);
  assert.equal(fresh.length, 2, 'hidden layers only');
  assert.notEqual(fresh[0], fresh[1], 'each layer its own mask');
  // The course's generator is a sequence instead: its masks depend on every draw before them.
  const rng = new Rng(5);
  const first = modelForward(X, p, { backend, keepProb: 0.5, rng }).caches[0]!.D!.data.join('');
  assert.notEqual(modelForward(X, p, { backend, keepProb: 0.5, rng }).caches[0]!.D!.data.join(''), first);
});

test('an unknown dropout generator is refused where training starts', () => {
  const { X, Y } = data();
  const model = Model.create({ dims: [20, 4, 1], backend: new ReferenceBackend() });
  assert.throws(() => model.fitSync(X, Y, { learningRate: 0.1, keepProb: 0.5, dropoutRng: 'mt19937' as never }), {
    name: 'ValueError',
    message: "dropout rng must be philox or numpy but is 'mt19937'",
  });
});
