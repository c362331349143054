import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReferenceBackend } from '../../src/backend/index.js';
import { zeros } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { ChunkedForward, evaluateNetwork, type Architecture } from '../../src/evaluate/metrics.js';
import { initializeParametersDeep } from '../../src/nn/initializers.js';
import { modelForward } from '../../src/nn/propagation.js';
import { randn } from '../helpers/util.js';

const backend = new ReferenceBackend();

test('evaluation in chunks gives the cost and error of one forward pass over all m', () => {
  const arch: Architecture = {
    dims: [3, 5, 4],
    activations: ['tanh', 'softmax'],
    alpha: 0.01,
    loss: 'categorical-cross-entropy',
  };
  const parameters = initializeParametersDeep(arch.dims, { init: 'xavier', seed: 2 });
  const m = 23;
  const rng = new Rng(5);
  const X = randn(rng, 3, m);
  const Y = zeros(4, m, 'float64');
  const labels = new Int32Array(m);
  for (let j = 0; j < m; j++) Y.data[(labels[j] = rng.int(4)) * m + j] = 1;
  // The whole set at once, by the course's blocks.
  const { AL } = modelForward(X, parameters, { backend, activations: arch.activations });
  let loss = 0,
    correct = 0;
  for (let j = 0; j < m; j++) {
    loss -= Math.log(AL.data[labels[j]! * m + j]!);
    let best = 0;
    for (let i = 1; i < 4; i++) if (AL.data[i * m + j]! > AL.data[best * m + j]!) best = i;
    if (best === labels[j]) correct++;
  }
  // Chunks of 5 (the last one shorter) must add up to the same figures.
  const e = evaluateNetwork(new ChunkedForward(backend, arch, 'float64', 5), parameters, X, Y, { labels });
  assert.ok(Math.abs(e.cost - loss / m) < 1e-12, `${e.cost} vs ${loss / m}`);
  assert.equal(e.correct, correct);
  assert.equal(e.m, m);
  assert.equal(e.error, (m - correct) / m);
  assert.equal(e.accuracy, correct / m);
});

test('regression: the error is the cost, and there is no accuracy', () => {
  const arch: Architecture = { dims: [2, 1], activations: ['linear'], alpha: 0.01, loss: 'mean-squared-error' };
  const parameters = initializeParametersDeep(arch.dims, { seed: 1 });
  const X = randn(new Rng(1), 2, 7);
  const Y = zeros(1, 7, 'float64');
  const e = evaluateNetwork(new ChunkedForward(backend, arch, 'float64', 3), parameters, X, Y);
  assert.equal(e.error, e.cost);
  assert.equal(e.accuracy, undefined);
});
