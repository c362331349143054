// The notebook prints 8 decimals, so its values are compared to ±5e-9.
// The course's own test cases (deeplearning.ai C1W4 "Building your Deep Neural Network: Step by Step"):
// inputs drawn with np.random.seed(k) and randn, which the numpy-compatible Rng reproduces, and the
// outputs the notebook prints. These are independent references for the building blocks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { fromArray, type Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { computeCost } from '../../src/nn/cost.js';
import { initializeParametersDeep } from '../../src/nn/initializers.js';
import { linearBackward, linearForward } from '../../src/nn/linear.js';
import { linearActivationBackward, linearActivationForward } from '../../src/nn/linear-activation.js';
import { modelBackward, modelForward } from '../../src/nn/propagation.js';
import { updateParameters } from '../../src/nn/update.js';
import { assertClose, flat, randn } from '../helpers/util.js';
import { allBackends } from '../backend/backends.js';

const backend = new ReferenceBackend();

test('Rng reproduces np.random.seed(1); np.random.randn()', () => {
  const r = new Rng(1);
  assert.deepEqual([r.randn(), r.randn(), r.randn()], [1.6243453636632417, -0.6117564136500754, -0.5281717522634557]);
});

test('linearForward: the course case Z = [[3.26295337, -1.23429987]]', () => {
  const rng = new Rng(1);
  const A = randn(rng, 3, 2),
    W = randn(rng, 1, 3),
    b = randn(rng, 1, 1);
  const { Z, cache } = linearForward(A, W, b, { backend });
  assertClose(Z.data, [3.26295337, -1.23429987], 0, 5e-9);
  assert.equal(cache.A_prev, A);
});

test('linearActivationForward: sigmoid [[0.96890023, 0.11013289]], relu [[3.43896131, 0]]', () => {
  const rng = new Rng(2);
  const A = randn(rng, 3, 2),
    W = randn(rng, 1, 3),
    b = randn(rng, 1, 1);
  assertClose(linearActivationForward(A, W, b, 'sigmoid', { backend }).A.data, [0.96890023, 0.11013289], 0, 5e-9);
  assertClose(linearActivationForward(A, W, b, 'relu', { backend }).A.data, [3.43896131, 0], 0, 5e-9);
});

test('computeCost: the course case 0.2797765635793422', () => {
  const cost = computeCost(fromArray([[0.8, 0.9, 0.4]], 'float64'), fromArray([[1, 1, 0]], 'float64'), { backend });
  assert.ok(Math.abs(cost - 0.2797765635793422) < 1e-15, `cost ${cost}`);
});

test('linearBackward: the course case dA_prev, dW, db', () => {
  const rng = new Rng(1);
  const dZ = randn(rng, 1, 2),
    A = randn(rng, 3, 2),
    W = randn(rng, 1, 3),
    b = randn(rng, 1, 1);
  const r = linearBackward(dZ, { A_prev: A, W, b }, { backend });
  assertClose(
    r.dA_prev!.data,
    flat([
      [0.51822968, -0.19517421],
      [-0.40506361, 0.15255393],
      [2.37496825, -0.89445391],
    ]),
    0,
    5e-9,
  );
  assertClose(r.dW.data, [-0.10076895, 1.40685096, 1.64992505], 0, 5e-9);
  assertClose(r.db.data, [0.50629448], 0, 5e-9);
});

test("linearActivationBackward: dZ = dA * g'(Z) by hand for sigmoid and relu", () => {
  const A_prev = fromArray(
    [
      [1, -2],
      [0.5, 3],
    ],
    'float64',
  );
  const W = fromArray([[0.2, -0.4]], 'float64'),
    b = fromArray([[0.1]], 'float64');
  const dA = fromArray([[1, -1]], 'float64');
  // Z = [0.2·1 - 0.4·0.5 + 0.1, 0.2·-2 - 0.4·3 + 0.1] = [0.1, -1.5]
  for (const g of ['sigmoid', 'relu'] as const) {
    const { cache } = linearActivationForward(A_prev, W, b, g, { backend });
    assertClose(cache.Z.data, [0.1, -1.5], 1e-15);
    const { dZ, dW, db, dA_prev } = linearActivationBackward(dA, cache, g, { backend });
    const s = (z: number) => 1 / (1 + Math.exp(-z));
    const expect = g === 'relu' ? [1, 0] : [1 * s(0.1) * (1 - s(0.1)), -1 * s(-1.5) * (1 - s(-1.5))];
    assertClose(dZ.data, expect, 1e-15);
    assertClose(db.data, [(expect[0]! + expect[1]!) / 2], 1e-15);
    assertClose(dW.data, [(expect[0]! * 1 + expect[1]! * -2) / 2, (expect[0]! * 0.5 + expect[1]! * 3) / 2], 1e-15);
    assertClose(dA_prev!.data, [0.2 * expect[0]!, 0.2 * expect[1]!, -0.4 * expect[0]!, -0.4 * expect[1]!], 1e-15);
  }
});

test('updateParameters: W -= α dW by hand', () => {
  const p = { W1: fromArray([[1, 2]], 'float64'), b1: fromArray([[3]], 'float64') };
  updateParameters(p, { dW1: fromArray([[10, -10]], 'float64'), db1: fromArray([[1]], 'float64') }, 0.1, { backend });
  assertClose(p.W1.data, [0, 3], 1e-15);
  assertClose(p.b1.data, [2.9], 1e-15);
});

test('modelBackward: the fused dZ[L] = A[L] - Y equals the course route through dA[L]', () => {
  const params = initializeParametersDeep([4, 5, 3, 1], { seed: 3 });
  const rng = new Rng(7);
  const X = randn(rng, 4, 6);
  const Y = fromArray([[1, 0, 1, 1, 0, 0]], 'float64');
  const { AL, caches } = modelForward(X, params, { backend });
  const fused = modelBackward(AL, Y, caches, { backend });
  const viaDA = modelBackward(AL, Y, caches, { backend, fused: false });
  for (const k of ['dW1', 'db1', 'dW2', 'db2', 'dW3', 'db3', 'dA0', 'dA1', 'dA2'])
    assertClose(fused[k]!.data, viaDA[k]!.data, 1e-12, 1e-15, k);
});

// C2W1 "Regularization", forward_propagation_with_dropout_test_case: parameters drawn with
// np.random.seed(1) and randn, then np.random.seed(1) again and D[l] = np.random.rand(...) < 0.7 per
// hidden layer. The notebook prints A3 = [[0.36974721 0.00305176 0.04565099 0.49683389 0.36974721]];
// the masks and the full-precision A3 below are numpy's (1.24) for the same steps.
for (const { label, backend: be } of await allBackends())
  test(`the course-exact masks (rng): forward_propagation_with_dropout's A3 and numpy's D1, D2, ${label}`, () => {
    const rng = new Rng(1);
    const X = randn(rng, 3, 5);
    const p: Record<string, Matrix> = {};
    for (const [name, r, c] of [
      ['W1', 2, 3],
      ['b1', 2, 1],
      ['W2', 3, 2],
      ['b2', 3, 1],
      ['W3', 1, 3],
      ['b3', 1, 1],
    ] as const)
      p[name] = randn(rng, r, c);
    const { AL, caches } = modelForward(X, p, { backend: be, keepProb: 0.7, rng: new Rng(1) });
    assert.deepEqual([...caches[0]!.D!.data], [1, 0, 1, 1, 1, 1, 1, 1, 1, 1], 'D1');
    assert.deepEqual([...caches[1]!.D!.data], [1, 1, 1, 0, 1, 1, 1, 1, 1, 1, 0, 0, 1, 1, 0], 'D2');
    // numpy divides A·D by keep_prob, lnn multiplies by 1/keep_prob: equal to the last bits.
    assertClose(
      AL.data,
      [0.36974720617815354, 0.00305175813464977, 0.0456509933734419, 0.4968338925883705, 0.36974720617815354],
      1e-13,
    );
    assertClose(AL.data, [0.36974721, 0.00305176, 0.04565099, 0.49683389, 0.36974721], 0, 5e-9);
  });
