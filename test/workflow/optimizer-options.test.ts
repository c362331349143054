/**
 * The optimizer's options as the command line and the library take them, all read from OPTIMIZER_INFO:
 * a flag per hyperparameter in --help (its rule, each optimizer's default), one object of values from
 * the settings to the step, and one refusal, in the caller's words, for a value the optimizer does not take.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError, ValueError } from '../../src/core/errors.js';
import { loadBuiltin } from '../../src/data/read/builtin.js';
import { targets } from '../../src/data/dataset.js';
import { describeRule, HYPERPARAMETERS } from '../../src/nn/hyperparameters.js';
import { defaultsOf, OPTIMIZER_HYPERPARAMETERS, OPTIMIZER_INFO, OPTIMIZERS } from '../../src/nn/update.js';
import { sweepOptions } from '../../src/sweep/sweep-options.js';
import { Model } from '../../src/train/model.js';
import { argsFrom } from '../../src/workflow/camel.js';
import { trainOptions } from '../../src/workflow/options.js';
import { parseTrainSettings } from '../../src/workflow/settings.js';
import { train } from '../../src/index.js';

const settingsOf = (options: Record<string, unknown>) =>
  parseTrainSettings(argsFrom({ data: 'builtin:iris', ...options }, trainOptions));

describe("the optimizer's options", () => {
  test('--help describes each optimizer from its row, and has a flag per hyperparameter with its rule and defaults', () => {
    const optimizer = trainOptions['optimizer']!;
    assert.equal(optimizer.default, 'adam');
    for (const o of OPTIMIZERS) assert.ok(optimizer.description.includes(`${o} (${OPTIMIZER_INFO[o].description})`));
    for (const k of OPTIMIZER_HYPERPARAMETERS) {
      const rule = HYPERPARAMETERS[k];
      const spec = trainOptions[rule.flag]!;
      assert.equal(spec.type, 'string');
      assert.equal(spec.default, undefined, `--${rule.flag}: its default is each optimizer's own`);
      assert.ok(spec.description.startsWith(`${rule.name}, ${describeRule(rule)} (default `), spec.description);
      for (const [o, d] of defaultsOf(k)) assert.ok(spec.description.includes(`${d} for ${o}`), spec.description);
      // A sweep varies it: repeatable, or a range.
      assert.equal(sweepOptions[rule.flag]!.repeatable, true, `--${rule.flag} in lnn sweep`);
    }
  });

  test("the values given travel as one object, the optimizer's own only", () => {
    assert.deepEqual(settingsOf({ optimizer: 'adam', beta1: 0.95, epsilon: 1e-7 }).optimizerValues, {
      beta1: 0.95,
      epsilon: 1e-7,
    });
    assert.deepEqual(settingsOf({ optimizer: 'momentum' }).optimizerValues, {});
    assert.deepEqual(settingsOf({ optimizer: 'momentum', beta: 0.8 }).optimizerValues, { beta: 0.8 });
  });

  test('a flag the optimizer does not take is refused with those it takes; a value outside its rule by the rule', () => {
    assert.throws(() => settingsOf({ beta: 0.5 }), {
      name: 'UsageError',
      message: '--beta does not apply to --optimizer adam; adam takes --beta1, --beta2, --epsilon',
    });
    assert.throws(() => settingsOf({ optimizer: 'gd', beta2: 0.9 }), {
      message: '--beta2 does not apply to --optimizer gd; gd takes none besides the learning rate',
    });
    assert.throws(
      () => settingsOf({ optimizer: 'momentum', beta: 1 }),
      (e: unknown) => {
        assert.ok(e instanceof UsageError);
        assert.equal(e.message, "--beta must be a number in [0, 1) but is '1'");
        return true;
      },
    );
  });

  test("the library refuses it in its own words: train()'s options, and Model.fit's", async () => {
    await assert.rejects(train({ data: 'builtin:iris', optimizer: 'adam', beta: 0.5 }), (e: unknown) => {
      assert.ok(e instanceof ValueError);
      assert.equal(e.message, 'beta does not apply to optimizer adam; adam takes beta1, beta2, epsilon');
      return true;
    });
    const d = loadBuiltin('iris');
    const model = Model.create({ dims: [4, 3], output: 'softmax' });
    try {
      assert.throws(() => model.fitSync(d.X, targets(d, 'softmax'), { learningRate: 0.1, beta1: 0.9 }), {
        name: 'ValueError',
        message: 'beta1 does not apply to optimizer gd; gd takes none besides the learning rate',
      });
    } finally {
      model.dispose();
    }
  });

  test('the run record keeps the values given, flat, as before', async () => {
    const { model, record } = await train({
      data: 'builtin:iris',
      hidden: 'none',
      iterations: 2,
      optimizer: 'momentum',
      beta: 0.8,
    });
    model.dispose();
    const hp = record.hyperparameters;
    assert.equal(hp['optimizer'], 'momentum');
    assert.equal(hp['beta'], 0.8);
    for (const k of OPTIMIZER_HYPERPARAMETERS.filter((k) => k !== 'beta')) assert.equal(k in hp, false, k);
  });
});
