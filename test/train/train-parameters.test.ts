// trainParameters, the loop on already normalized matrices: the network as one object, the examples as
// another ({ X, Y, labels }, as the dev set is given), the options last.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { zeros } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import type { Architecture } from '../../src/evaluate/metrics.js';
import { initializeParametersDeep } from '../../src/nn/initializers.js';
import { trainParameters } from '../../src/train/trainer.js';
import { randn } from '../helpers/util.js';

const backend = new ReferenceBackend();
const arch: Architecture = {
  dims: [2, 4, 1],
  activations: ['tanh', 'sigmoid'],
  alpha: 0.01,
  loss: 'binary-cross-entropy',
};
const m = 40;

function examples() {
  const rng = new Rng(7);
  const X = randn(rng, 2, m);
  const Y = zeros(1, m, 'float64');
  const labels = new Int32Array(m);
  // Linearly separable: y = 1 when x1 + x2 > 0.
  for (let j = 0; j < m; j++) Y.data[j] = labels[j] = X.data[j]! + X.data[m + j]! > 0 ? 1 : 0;
  return { X, Y, labels };
}

test('trainParameters trains the network in place; labels make the train error a fraction of the examples', () => {
  const parameters = initializeParametersDeep(arch.dims, { init: 'xavier', seed: 1 });
  const W1 = Float64Array.from(parameters['W1']!.data);
  const options = { learningRate: 0.5, iterations: 200, costEvery: 50 };
  const r = trainParameters({ parameters, arch, backend }, examples(), options);
  assert.equal(r.stopped, 'finished 200 iterations');
  assert.notDeepEqual(parameters['W1']!.data, W1);
  const costs = r.history.costs.map((p) => p.cost);
  assert.ok(costs.at(-1)! < costs[0]! / 2, `${costs}`);
  for (const p of r.history.evals) {
    assert.equal(Math.round(p.trainError * m), p.trainError * m, `${p.trainError}`);
    assert.notEqual(p.trainError, p.trainCost);
  }
  // Without labels the train error is the cost (regression's).
  const again = initializeParametersDeep(arch.dims, { init: 'xavier', seed: 1 });
  const { X, Y } = examples();
  const plain = trainParameters({ parameters: again, arch, backend }, { X, Y }, options);
  for (const p of plain.history.evals) assert.equal(p.trainError, p.trainCost);
  assert.deepEqual(again['W1']!.data, parameters['W1']!.data);
});
