import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fromArray } from '../../src/core/matrix.js';
import { computeCostWithRegularization, l2Cost } from '../../src/nn/cost.js';
import { ReferenceBackend } from '../../src/backend/reference.js';

const backend = new ReferenceBackend();
const parameters = { W1: fromArray([[1, -2]]), b1: fromArray([[0.5]]), W2: fromArray([[3]]), b2: fromArray([[0]]) };

test('l2Cost is (λ / 2m) Σ ||W[l]||²: the biases are left out', () => {
  // Σ ||W||² = 1 + 4 + 9 = 14; λ = 0.4, m = 2: 0.4 / 4 · 14 = 1.4
  assert.ok(Math.abs(l2Cost(parameters, 0.4, 2, backend) - 1.4) < 1e-12);
  assert.equal(l2Cost(parameters, 0, 2, backend), 0);
});

test('l2Cost refuses an l2 outside the hyperparameter rule, in its words', () => {
  for (const l2 of [-1, NaN, Infinity])
    assert.throws(() => l2Cost(parameters, l2, 2, backend), {
      name: 'ValueError',
      message: `l2 (lambda) must be a number ≥ 0 but is ${l2}`,
    });
});

test('computeCostWithRegularization adds the L2 term to the cost', () => {
  const AL = fromArray([[0.8, 0.4]]);
  const Y = fromArray([[1, 0]]);
  const plain = computeCostWithRegularization(AL, Y, parameters, 0, { backend });
  assert.ok(Math.abs(computeCostWithRegularization(AL, Y, parameters, 0.4, { backend }) - plain - 1.4) < 1e-12);
});
