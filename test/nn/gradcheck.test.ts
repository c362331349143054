// Every gradient against two-sided finite differences in float64, for every hidden activation and
// every output with its loss, with and without L2, and through a fixed dropout mask on every backend.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { zeros } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { ACTIVATIONS, OUTPUT_ACTIVATIONS, type ActivationKind } from '../../src/nn/activations.js';
import { gradientCheck } from '../../src/nn/gradcheck.js';
import { initializeParametersDeep } from '../../src/nn/initializers.js';
import { randn } from '../helpers/util.js';
import { allBackends } from '../backend/backends.js';

const backend = new ReferenceBackend();
// Every activation as g[1..L-1] (softmax too: its gradient is checked below g[L] even though train
// refuses it there), every output activation as g[L]: a new kind is checked the moment it exists.
const hidden = ACTIVATIONS;
const outputs = OUTPUT_ACTIVATIONS;

function problem(output: ActivationKind, seed: number) {
  const rng = new Rng(seed);
  const dims = [4, 5, 3, output === 'sigmoid' ? 1 : 3];
  // xavier keeps tanh/sigmoid away from saturation and ReLU kinks rare at these sizes
  const params = initializeParametersDeep(dims, { init: 'xavier', seed });
  for (let l = 1; l < dims.length; l++) {
    const b = params[`b${l}`]!;
    for (let i = 0; i < b.size; i++) b.data[i] = 0.1 * rng.randn();
  }
  const m = 7;
  const X = randn(rng, dims[0]!, m);
  const Y = zeros(dims[3]!, m, 'float64');
  for (let j = 0; j < m; j++) {
    if (output === 'sigmoid') Y.data[j] = rng.random() < 0.5 ? 1 : 0;
    else if (output === 'softmax') Y.data[rng.int(dims[3]!) * m + j] = 1;
    else for (let i = 0; i < dims[3]!; i++) Y.data[i * m + j] = rng.randn();
  }
  return { params, X, Y };
}

for (const output of outputs)
  for (const g of hidden)
    for (const lambda of [0, 0.7]) {
      test(`gradient check: hidden ${g}, output ${output}${lambda ? `, L2 λ=${lambda}` : ''} < 1e-7`, () => {
        const { params, X, Y } = problem(output, 11);
        const r = gradientCheck(params, X, Y, { activations: [g, g, output], l2: lambda, alpha: 0.05, backend });
        assert.ok(
          r.relativeDifference < 1e-7,
          `relative difference ${r.relativeDifference} (worst ${JSON.stringify(r.worst)})`,
        );
        assert.equal(r.checked, r.total);
      });
    }

test('gradient check notices a wrong gradient', () => {
  // A backend whose sigmoid derivative is off by 10% must fail the check: the check is not vacuous.
  class Broken extends ReferenceBackend {
    override activationBackward(...args: Parameters<ReferenceBackend['activationBackward']>): void {
      super.activationBackward(...args);
      if (args[0] === 'tanh') for (let i = 0; i < args[4].size; i++) args[4].data[i]! *= 1.1;
    }
  }
  const { params, X, Y } = problem('sigmoid', 3);
  const r = gradientCheck(params, X, Y, { activations: ['tanh', 'tanh', 'sigmoid'], backend: new Broken() });
  assert.ok(r.relativeDifference > 1e-3, `relative difference ${r.relativeDifference}`);
});

test('gradient check refuses float32 parameters', () => {
  const params = initializeParametersDeep([2, 1], { dtype: 'float32' });
  assert.throws(
    () => gradientCheck(params, zeros(2, 1, 'float32'), zeros(1, 1, 'float32'), { activations: ['sigmoid'], backend }),
    /must be float64/,
  );
});

test('gradient check on a random subset of coordinates', () => {
  const { params, X, Y } = problem('softmax', 5);
  const r = gradientCheck(params, X, Y, { activations: ['relu', 'relu', 'softmax'], maxChecks: 10, seed: 1, backend });
  assert.equal(r.checked, 10);
  assert.ok(r.relativeDifference < 1e-7);
});

/**
 * A sigmoid problem with m examples. Biases start non-zero, as in `lnn gradcheck`: with b = 0, an example
 * whose hidden ReLUs are all off has Z = 0 exactly in the next layer, on the kink, where two-sided
 * differences disagree with any one-sided derivative (and large m makes such examples common).
 */
function wide(m: number, seed: number) {
  const rng = new Rng(seed);
  const params = initializeParametersDeep([4, 5, 3, 1], { init: 'xavier', seed });
  for (let l = 1; l <= 3; l++)
    for (let i = 0; i < params[`b${l}`]!.size; i++) params[`b${l}`]!.data[i] = 0.1 * rng.randn();
  const X = randn(rng, 4, m);
  const Y = zeros(1, m, 'float64');
  for (let j = 0; j < m; j++) Y.data[j] = rng.random() < 0.5 ? 1 : 0;
  return { params, X, Y };
}

test('a correct network passes at any m: the cost is summed compensated (m = 5000 failed before)', () => {
  for (const m of [5000, 20000]) {
    const { params, X, Y } = wide(m, 2);
    const r = gradientCheck(params, X, Y, { activations: ['relu', 'relu', 'sigmoid'], backend });
    assert.ok(r.relativeDifference < 1e-7, `m = ${m}: relative difference ${r.relativeDifference}`);
  }
});

test('a 10%-wrong derivative still fails at m = 1000', () => {
  class Broken extends ReferenceBackend {
    override activationBackward(...args: Parameters<ReferenceBackend['activationBackward']>): void {
      super.activationBackward(...args);
      if (args[0] === 'relu') for (let i = 0; i < args[4].size; i++) args[4].data[i]! *= 1.1;
    }
  }
  const { params, X, Y } = wide(1000, 2);
  const r = gradientCheck(params, X, Y, { activations: ['relu', 'relu', 'sigmoid'], backend: new Broken() });
  assert.ok(r.relativeDifference > 1e-3, `relative difference ${r.relativeDifference}`);
});

test('a softmax over one unit is refused, not passed vacuously; progress is reported', () => {
  const params = initializeParametersDeep([4, 3, 1], { seed: 1 });
  assert.throws(
    () =>
      gradientCheck(params, zeros(4, 2, 'float64'), zeros(1, 2, 'float64'), {
        activations: ['relu', 'softmax'],
        backend,
      }),
    { name: 'ValueError', message: /^gradientCheck: a softmax over n\[2\] = 1 unit is always 1/ },
  );
  const seen: number[] = [];
  const { params: p, X, Y } = wide(3, 1);
  gradientCheck(p, X, Y, {
    activations: ['relu', 'relu', 'sigmoid'],
    backend,
    maxChecks: 4,
    onProgress: (k) => seen.push(k),
  });
  assert.deepEqual(seen, [0, 1, 2, 3, 4]);
});

// Dropout: every forward pass of the check draws the masks of one key, so J(θ ± ε) and backprop see the
// same units dropped, and the gradient through the kept units (scaled by 1/keepProb) must match.
for (const { label, backend: be } of await allBackends())
  test(`gradient check with a fixed dropout mask (keepProb 0.6), ${label}`, () => {
    for (const g of ACTIVATIONS) {
      const { params, X, Y } = problem('sigmoid', 13);
      const dropout = { keepProb: 0.6, seed: 9, step: 4 };
      const r = gradientCheck(params, X, Y, { activations: [g, g, 'sigmoid'], alpha: 0.05, backend: be, dropout });
      assert.ok(r.relativeDifference < 1e-7, `${g}: relative difference ${r.relativeDifference}`);
    }
  });

test('gradient check with dropout notices a backward pass that forgets the 1/keepProb scale', () => {
  class Unscaled extends ReferenceBackend {
    override dropoutBackward(...args: Parameters<ReferenceBackend['dropoutBackward']>): void {
      super.dropoutBackward(...args);
      for (let i = 0; i < args[5].size; i++) args[5].data[i]! *= args[7];
    }
  }
  const { params, X, Y } = problem('sigmoid', 13);
  const dropout = { keepProb: 0.6, seed: 9 };
  const r = gradientCheck(params, X, Y, { activations: ['relu', 'relu', 'sigmoid'], backend: new Unscaled(), dropout });
  assert.ok(r.relativeDifference > 1e-2, `relative difference ${r.relativeDifference}`);
});
