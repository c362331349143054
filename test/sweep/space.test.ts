import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValueError } from '../../src/core/errors.js';
import { Rng } from '../../src/core/rng.js';
import {
  axesFromJson,
  canonicalValue,
  checkSweepKey,
  mergeAxes,
  parseAxis,
  sampleRange,
  SWEEP_KEYS,
  type Axis,
} from '../../src/sweep/space.js';
import { describeRule, HYPERPARAMETERS } from '../../src/nn/hyperparameters.js';
import { OPTIMIZER_HYPERPARAMETERS, OPTIMIZERS } from '../../src/nn/update.js';

const throwsValue = (f: () => unknown, message: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof ValueError && message.test((e as Error).message));

describe('the search space', () => {
  test('listed values are checked by the hyperparameter rules and written canonically', () => {
    assert.deepEqual(parseAxis('lr', ['0.10', '1e-2']), { key: 'lr', kind: 'values', values: ['0.1', '0.01'] });
    assert.deepEqual(parseAxis('hidden', ['16, 8', 'none', '4']).kind, 'values');
    assert.deepEqual((parseAxis('hidden', ['16, 8', 'none']) as { values: string[] }).values, ['16,8', 'none']);
    assert.deepEqual((parseAxis('activation', ['TANH', 'leaky_relu']) as { values: string[] }).values, [
      'tanh',
      'leaky-relu',
    ]);
    assert.equal(canonicalValue('init', 'Scaled:0.01'), 'scaled:0.01');
    assert.equal(canonicalValue('init', 'params.json'), 'params.json');
  });

  test('every value outside its rule is refused with the rule', () => {
    throwsValue(() => parseAxis('keep-prob', ['1.5']), /^--keep-prob must be a number in \(0, 1\] but is '1.5'$/);
    throwsValue(() => parseAxis('epochs', ['2.5']), /^--epochs must be an integer ≥ 1 but is '2.5'$/);
    throwsValue(() => parseAxis('epochs', ['1e3']), /--epochs must be an integer/);
    throwsValue(() => parseAxis('hidden', ['16,x']), /^--hidden must be positive integers separated by commas/);
    throwsValue(
      () => parseAxis('optimizer', ['sgd']),
      new RegExp(`^--optimizer must be one of ${OPTIMIZERS.join(', ')} but is 'sgd'$`),
    );
    throwsValue(() => parseAxis('init', ['glorot']), /^--init: init must be he, xavier, course/);
    throwsValue(() => parseAxis('lr', ['0.1', '0.10']), /^--lr 0.1 is listed twice/);
  });

  test('an empty list of values is an empty space', () => {
    throwsValue(() => parseAxis('lr', []), /^--lr: the space lists no value for it \(an empty space\)$/);
    throwsValue(() => axesFromJson({ lr: [] }, 'space.json'), /^space.json: --lr: the space lists no value/);
  });

  test('a range: log scale for rates, integers stay integers, min ≤ max, both within the rule', () => {
    assert.deepEqual(parseAxis('lr', ['1e-4..1e-1']), {
      key: 'lr',
      kind: 'range',
      min: 1e-4,
      max: 0.1,
      integer: false,
      log: true,
    });
    assert.deepEqual(parseAxis('epochs', ['2..10']), {
      key: 'epochs',
      kind: 'range',
      min: 2,
      max: 10,
      integer: true,
      log: false,
    });
    assert.deepEqual(parseAxis('l2', ['0..0.5']), {
      key: 'l2',
      kind: 'range',
      min: 0,
      max: 0.5,
      integer: false,
      log: false,
    });
    throwsValue(
      () => parseAxis('lr', ['1e-1..1e-4']),
      /^--lr 1e-1\.\.1e-4: the range's min 0\.1 is above its max 0\.0001$/,
    );
    throwsValue(() => parseAxis('epochs', ['2..7.5']), /the range's max must be an integer ≥ 1 but is '7.5'/);
    throwsValue(() => parseAxis('keep-prob', ['0..1']), /the range's min must be a number in \(0, 1\] but is '0'/);
    throwsValue(() => parseAxis('hidden', ['4..16']), /only numeric hyperparameters take a range/);
    throwsValue(() => parseAxis('lr', ['0.1', '0.01..0.1']), /give either values or one range/);
  });

  test('a sample from a range stays inside it; rates spread over decades, integers are integers', () => {
    const rng = new Rng(3);
    const lr = parseAxis('lr', ['1e-4..1e-1']) as Extract<Axis, { kind: 'range' }>;
    const draws = Array.from({ length: 400 }, () => Number(sampleRange(lr, rng)));
    assert.ok(draws.every((v) => v >= 1e-4 && v <= 0.1));
    // Log-uniform: about a third of the draws in each decade (a uniform draw would put 90% in the top one).
    const low = draws.filter((v) => v < 1e-3).length / draws.length;
    assert.ok(low > 0.25 && low < 0.42, `share below 1e-3: ${low}`);
    const epochs = parseAxis('epochs', ['2..4']) as Extract<Axis, { kind: 'range' }>;
    const e = new Set(Array.from({ length: 200 }, () => sampleRange(epochs, rng)));
    assert.deepEqual([...e].sort(), ['2', '3', '4']);
  });

  test('unknown hyperparameters, in a --space file or by name, are refused with the list', () => {
    throwsValue(() => checkSweepKey('lrate', ''), /^unknown hyperparameter 'lrate'; a sweep varies lr, iterations/);
    throwsValue(() => axesFromJson({ lrate: [0.1] }, 's.json'), /^s.json: unknown hyperparameter 'lrate'/);
    throwsValue(() => axesFromJson([1], 's.json'), /^s.json: a space must be a JSON object/);
    throwsValue(() => axesFromJson({ lr: { min: 1 } }, 's.json'), /a range object is/);
  });

  test('a --space file: lists, range texts, range objects, widths as arrays', () => {
    const axes = axesFromJson(
      {
        lr: [0.1, 0.01],
        hidden: [[16, 8], '4', []],
        '--l2': '0..0.1',
        epochs: { min: 2, max: 6 },
        beta1: { min: 0.8, max: 0.99, log: true },
      },
      's.json',
    );
    assert.deepEqual(
      axes.map((a) => a.key),
      ['lr', 'hidden', 'l2', 'epochs', 'beta1'],
    );
    assert.deepEqual((axes[1] as { values: string[] }).values, ['16,8', '4', 'none']);
    assert.equal((axes[4] as { log: boolean }).log, true);
  });

  test('a hyperparameter given in two places, or iterations with epochs, is a contradictory space', () => {
    const lr = parseAxis('lr', ['0.1']);
    throwsValue(
      () =>
        mergeAxes([
          { where: 'the command line', axes: [lr] },
          { where: 's.json', axes: [lr] },
        ]),
      /^--lr is given in the command line and in s.json; give it in one place$/,
    );
    throwsValue(
      () => mergeAxes([{ where: 'x', axes: [parseAxis('iterations', ['100']), parseAxis('epochs', ['2'])] }]),
      /varies both --iterations and --epochs/,
    );
  });

  test("every optimizer's hyperparameter is sweepable by its flag and its rule; ε's range is sampled on a log scale", () => {
    for (const k of OPTIMIZER_HYPERPARAMETERS) {
      const rule = HYPERPARAMETERS[k];
      const key = checkSweepKey(rule.flag, '');
      throwsValue(
        () => parseAxis(key, ['-1']),
        new RegExp(`^--${rule.flag} must be ${describeRule(rule).replace(/[()[\]]/g, '\\$&')} but is '-1'$`),
      );
    }
    assert.deepEqual(parseAxis('epsilon', ['1e-8..1e-4']), {
      key: 'epsilon',
      kind: 'range',
      min: 1e-8,
      max: 1e-4,
      integer: false,
      log: true,
    });
    assert.equal((parseAxis('beta1', ['0.8..0.99']) as { log: boolean }).log, false);
  });

  test('every sweepable numeric option has a rule in the one table', () => {
    for (const k of SWEEP_KEYS) {
      const v =
        k === 'hidden' ? '4' : k === 'activation' ? 'relu' : k === 'optimizer' ? 'adam' : k === 'init' ? 'he' : '0.5';
      const value = ['iterations', 'epochs', 'batch-size'].includes(k) ? '3' : v;
      assert.doesNotThrow(() => canonicalValue(k, value), k);
    }
    assert.ok(Object.values(HYPERPARAMETERS).some((r) => r.flag === 'lr'));
  });
});
