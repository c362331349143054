/**
 * The optimizer table, OPTIMIZER_INFO: each row's hyperparameters (defaults here, ranges in
 * HYPERPARAMETERS), its state and its step, and the one check every door goes through. Every test
 * iterates OPTIMIZERS, so a new row is tested the moment it exists.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { ValueError } from '../../src/core/errors.js';
import { fromArray, type DType, type Mask, type Matrix } from '../../src/core/matrix.js';
import { describeRule, HYPERPARAMETERS } from '../../src/nn/hyperparameters.js';
import {
  checkOptimizerValues,
  defaultsOf,
  Optimizer,
  OPTIMIZER_HYPERPARAMETERS,
  OPTIMIZER_INFO,
  OPTIMIZERS,
  updateParameters,
} from '../../src/nn/update.js';
import { camel } from '../../src/workflow/camel.js';

/** The reference backend, counting the matrices it allocates. */
class CountingBackend extends ReferenceBackend {
  allocated = 0;
  override zeros(rows: number, cols: number, dtype: DType): Matrix {
    this.allocated++;
    return super.zeros(rows, cols, dtype);
  }
  override free(M: Matrix | Mask): void {
    this.allocated--;
    super.free(M);
  }
}

const params = () => ({ W1: fromArray([[1, -2]], 'float64'), b1: fromArray([[0.5]], 'float64') });
const grads = () => ({ dW1: fromArray([[0.2, -0.4]], 'float64'), db1: fromArray([[1]], 'float64') });

test('each optimizer keeps the state its row declares, one matrix per name and parameter, freed by dispose', () => {
  for (const kind of OPTIMIZERS) {
    const backend = new CountingBackend();
    const opt = new Optimizer({ kind, learningRate: 0.1 }, backend);
    opt.step(params(), grads());
    opt.step(params(), grads());
    // W1 and b1: the row's state for each, allocated once, at the first step.
    assert.equal(backend.allocated, 2 * OPTIMIZER_INFO[kind].state.length, kind);
    opt.dispose();
    assert.equal(backend.allocated, 0, kind);
  }
});

test('each optimizer starts from its row: its defaults filled in, the values given kept', () => {
  for (const kind of OPTIMIZERS) {
    const { hyperparameters } = OPTIMIZER_INFO[kind];
    const opt = new Optimizer({ kind, learningRate: 0.1 });
    assert.deepEqual(opt.config, { ...hyperparameters, kind, learningRate: 0.1 }, kind);
    for (const k of Object.keys(hyperparameters)) {
      const given = new Optimizer({ kind, learningRate: 0.1, [k]: 0.5 });
      assert.equal((given.config as unknown as Record<string, number>)[k], 0.5, `${kind} ${k}`);
    }
  }
  assert.deepEqual(defaultsOf('beta1'), [['adam', 0.9]]);
});

test("gd is the course's update_parameters; momentum's step takes its row's default β", () => {
  const a = params(),
    b = params();
  new Optimizer({ kind: 'gd', learningRate: 0.1 }).step(a, grads());
  updateParameters(b, grads(), 0.1);
  assert.deepEqual(Array.from(a.W1.data), Array.from(b.W1.data));
  assert.deepEqual(Array.from(a.b1.data), Array.from(b.b1.data));
  // momentum at its default β = 0.9: v = 0.1·dW, W -= α·v.
  const m = params();
  new Optimizer({ kind: 'momentum', learningRate: 0.1 }, new ReferenceBackend()).step(m, grads());
  assert.deepEqual(Array.from(m.W1.data), [1 - 0.1 * 0.02, -2 + 0.1 * 0.04]);
});

test('every optimizer hyperparameter has one rule, and its flag is its name (one name from the flag to the step)', () => {
  for (const k of OPTIMIZER_HYPERPARAMETERS) {
    const rule = HYPERPARAMETERS[k];
    assert.equal(camel(rule.flag), k);
    for (const [kind, d] of defaultsOf(k)) {
      // Each default lies inside the rule.
      assert.doesNotThrow(() => checkOptimizerValues(kind, { [k]: d }), `${kind} ${k}`);
      assert.throws(() => checkOptimizerValues(kind, { [k]: NaN }), {
        name: 'ValueError',
        message: `${rule.name} must be ${describeRule(rule)} but is NaN`,
      });
    }
  }
});

test('a hyperparameter the optimizer does not take is refused, naming those it takes, in the caller’s words', () => {
  assert.throws(() => checkOptimizerValues('adam', { beta: 0.5 }), {
    name: 'ValueError',
    message: 'beta does not apply to optimizer adam; adam takes beta1, beta2, epsilon',
  });
  assert.throws(() => checkOptimizerValues('gd', { beta1: 0.5 }, (n) => `--${n}`), {
    message: '--beta1 does not apply to --optimizer gd; gd takes none besides the learning rate',
  });
  assert.throws(() => new Optimizer({ kind: 'momentum', learningRate: 0.1, epsilon: 1e-7 }), {
    message: 'epsilon does not apply to optimizer momentum; momentum takes beta',
  });
  assert.throws(() => new Optimizer({ kind: 'adam', learningRate: 0.1, beta1: 1 }), {
    message: "Adam's beta1 must be a number in [0, 1) but is 1",
  });
  assert.throws(() => new Optimizer({ kind: 'sgd' as never, learningRate: 0.1 }), ValueError);
});
