// The L2 strength λ is `l2` in every option object of nn (modelBackward, gradientCheck), as in training;
// `lambda`, its old name there, is still read when `l2` is not given.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { zeros } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { gradientCheck } from '../../src/nn/gradcheck.js';
import { initializeParametersDeep } from '../../src/nn/initializers.js';
import { modelBackward, modelForward } from '../../src/nn/propagation.js';
import { randn } from '../helpers/util.js';

const backend = new ReferenceBackend();
const activations = ['tanh' as const, 'sigmoid' as const];
const m = 6;

function problem() {
  const rng = new Rng(3);
  const parameters = initializeParametersDeep([3, 4, 1], { init: 'xavier', seed: 3 });
  const X = randn(rng, 3, m);
  const Y = zeros(1, m, 'float64');
  for (let j = 0; j < m; j++) Y.data[j] = rng.random() < 0.5 ? 1 : 0;
  return { parameters, X, Y };
}

function gradients(options: { l2?: number; lambda?: number }) {
  const { parameters, X, Y } = problem();
  const { AL, caches } = modelForward(X, parameters, { backend, activations });
  return { parameters, grads: modelBackward(AL, Y, caches, { backend, ...options }) };
}

test('modelBackward: l2 adds (λ/m)·W[l] to every dW[l], and leaves db[l] alone', () => {
  const plain = gradients({}).grads;
  const { parameters, grads } = gradients({ l2: 0.7 });
  for (const l of [1, 2]) {
    const W = parameters[`W${l}`]!;
    const dW = grads[`dW${l}`]!,
      dW0 = plain[`dW${l}`]!;
    for (let i = 0; i < W.size; i++) assert.ok(Math.abs(dW.data[i]! - dW0.data[i]! - (0.7 / m) * W.data[i]!) < 1e-15);
    assert.deepEqual(grads[`db${l}`]!.data, plain[`db${l}`]!.data);
  }
});

test('modelBackward and gradientCheck: the old name lambda gives what l2 gives; l2 wins over it', () => {
  const byL2 = gradients({ l2: 0.7 }).grads;
  for (const options of [{ lambda: 0.7 }, { l2: 0.7, lambda: 5 }]) {
    const grads = gradients(options).grads;
    for (const name of Object.keys(byL2)) assert.deepEqual(grads[name]!.data, byL2[name]!.data, name);
  }
  const check = (options: { l2?: number; lambda?: number }) => {
    const { parameters, X, Y } = problem();
    return gradientCheck(parameters, X, Y, { activations, backend, ...options });
  };
  const r = check({ l2: 0.7 });
  assert.ok(r.relativeDifference < 1e-7, `${r.relativeDifference}`);
  assert.deepEqual(check({ lambda: 0.7 }), r);
  assert.notDeepEqual(check({}).worst, r.worst);
});
