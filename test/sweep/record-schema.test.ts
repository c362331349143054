/**
 * The shapes a sweep reads back (a worker's result, trials.jsonl, sweep.json, a queue job): what each
 * keeps of a good document, and the one line naming the member when a rule is broken.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import { checked, type Check } from '../../src/core/schema.js';
import {
  foldsRecordCheck,
  ID,
  refitRecordCheck,
  runRecord,
  startEvent,
  sweepIdentity,
  trialJob,
  trialResult,
  workerResult,
} from '../../src/sweep/record-schema.js';
import { SWEEPABLE } from '../../src/sweep/space.js';

const id = '0123456789abcdef';

/** Asserts `check` refuses `value` with exactly `where: message`. */
function refuses(check: Check<unknown>, value: unknown, message: string): void {
  assert.throws(
    () => checked(check, value, 'src'),
    (e: unknown) => {
      assert.ok(e instanceof DataError, String(e));
      assert.equal(e.message, `src: ${message}`);
      return true;
    },
  );
}

const outcome = { status: 'ok', seconds: 1.5, ranOn: 'local', finishedAt: '2024-01-01T00:00:00.000Z' };
const result = { id, index: 1, values: { lr: '0.01' }, ...outcome };

function run(over: Record<string, unknown> = {}) {
  return {
    format: 'lnn-run',
    version: 1,
    createdAt: 'now',
    hyperparameters: { dims: [4, 8, 3], alpha: null, nested: { a: [1, 'b', true] } },
    data: { source: 'builtin:iris', nx: 4, train: 90 },
    history: { costs: [{ iteration: 0, cost: 1.1 }], evals: [{ iteration: 0, trainError: 0.5, devError: 'NaN' }] },
    result: { iterations: 100, seconds: 0.2 },
    ...over,
  };
}

describe('ids', () => {
  test('16 lowercase hex digits, nothing else', () => {
    assert.equal(ID(id, 'id'), id);
    refuses(ID, 'ABCDEF0123456789', 'the document must be an id of 16 hex digits but is "ABCDEF0123456789"');
    refuses(ID, id.slice(1), `the document must be an id of 16 hex digits but is "${id.slice(1)}"`);
    refuses(ID, `${id}0`, `the document must be an id of 16 hex digits but is "${id}0"`);
    refuses(ID, 5, 'the document must be an id of 16 hex digits but is 5');
  });
});

describe('trialResult', () => {
  test('keeps what it checked, drops the rest; a diverged error written as text is the number', () => {
    const got = checked(trialResult, { ...result, extra: 1, devError: 'Infinity', trainError: 0.25 }, 'src');
    assert.deepEqual(got, { ...result, devError: Infinity, trainError: 0.25 });
    assert.ok(!('extra' in got));
  });

  test("a trial's values are sweep options and texts, at most 50", () => {
    const keys = Object.keys(SWEEPABLE)
      .map((k) => JSON.stringify(k))
      .join(', ');
    refuses(trialResult, { ...result, values: { lrate: '1' } }, `values.keys must be one of ${keys} but is "lrate"`);
    refuses(
      trialResult,
      { ...result, values: { lr: 0.1 } },
      'values.lr must be a string of at most 4000 characters but is 0.1',
    );
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, '1']));
    refuses(
      trialResult,
      { ...result, values: many },
      'values must be an object of at most 50 members but is an object',
    );
  });

  test('each member by its rule', () => {
    refuses(trialResult, { ...result, status: 'done' }, 'status must be one of "ok", "failed", "pruned" but is "done"');
    refuses(trialResult, { ...result, index: 0 }, 'index must be an integer ≥ 1 but is 0');
    refuses(trialResult, { ...result, index: 1.5 }, 'index must be an integer ≥ 1 but is 1.5');
    refuses(trialResult, { ...result, seconds: -1 }, 'seconds must be a finite number ≥ 0 but is -1');
    refuses(
      trialResult,
      { ...result, devError: 'nan' },
      'devError must be a number (or "NaN", "Infinity") but is "nan"',
    );
    refuses(trialResult, { ...result, infrastructure: false }, 'infrastructure must be one of true but is false');
    refuses(trialResult, { ...result, ranOn: undefined }, 'ranOn must be present but is missing');
    refuses(trialResult, { ...result, reason: null }, 'reason must be a string of at most 4000 characters but is null');
    refuses(
      trialResult,
      { ...result, error: 'x'.repeat(4001) },
      `error must be a string of at most 4000 characters but is "${'x'.repeat(39)}...`,
    );
    refuses(trialResult, [], 'the document must be an object but is an array of 0');
  });

  test("a trial's diagnosis: the noise members optional, each checked when there", () => {
    const diagnosis = {
      trainError: 0.1,
      devError: 0.2,
      avoidableBias: 0.1,
      variance: 0.1,
      highBias: false,
      highVariance: true,
    };
    assert.deepEqual(checked(trialResult, { ...result, diagnosis }, 'src').diagnosis, diagnosis);
    refuses(
      trialResult,
      { ...result, diagnosis: { ...diagnosis, devSize: 0 } },
      'diagnosis.devSize must be an integer ≥ 1 but is 0',
    );
    refuses(
      trialResult,
      { ...result, diagnosis: { ...diagnosis, highBias: 1 } },
      'diagnosis.highBias must be true or false but is 1',
    );
  });
});

describe('runRecord', () => {
  test('a run record with free hyperparameters (any JSON) passes whole', () => {
    const got = checked(runRecord, run(), 'src');
    assert.deepEqual(got.hyperparameters, run().hyperparameters);
    assert.ok(Number.isNaN(got.history.evals[0]!.devError));
  });

  test('the path names the nested member', () => {
    refuses(runRecord, run({ format: 'lnn-model' }), 'format must be one of "lnn-run" but is "lnn-model"');
    refuses(runRecord, run({ version: 2 }), 'version must be one of 1 but is 2');
    refuses(
      runRecord,
      run({
        history: {
          costs: [
            { iteration: 0, cost: 1 },
            { iteration: 1, cost: null },
          ],
          evals: [],
        },
      }),
      'history.costs[1].cost must be a number (or "NaN", "Infinity") but is null',
    );
    refuses(
      runRecord,
      run({ hyperparameters: { alpha: Infinity } }),
      'hyperparameters.alpha must be a JSON value but is Infinity',
    );
    let deep: unknown = 1;
    for (let i = 0; i < 8; i++) deep = [deep];
    assert.deepEqual(checked(runRecord, run({ hyperparameters: { d: deep } }), 'src').hyperparameters, { d: deep });
    deep = [deep];
    refuses(
      runRecord,
      run({ hyperparameters: { d: deep } }),
      'hyperparameters.d[0][0][0][0][0][0][0][0] must be nested at most 8 levels but is an array of 1',
    );
    refuses(runRecord, run({ data: { source: 's', nx: -1, train: 1 } }), 'data.nx must be an integer ≥ 0 but is -1');
  });

  test('a refit and folds record each by its rule', () => {
    const refit = {
      train: 120,
      sets: 'train + dev',
      iterations: 10,
      batchSize: 120,
      length: '10 iterations',
      finalCost: 0.3,
      seconds: 1,
      stopped: 'done',
    };
    assert.deepEqual(checked(refitRecordCheck, refit, 'src'), refit);
    refuses(refitRecordCheck, { ...refit, batchSize: 0 }, 'batchSize must be an integer ≥ 1 but is 0');
    const fold = {
      fold: 1,
      train: 80,
      dev: 20,
      trainError: 0.1,
      trainCost: 0.2,
      devError: 0.2,
      devCost: 0.3,
      iterations: 10,
      seconds: 1,
      stopped: 'done',
    };
    const folds = {
      k: 2,
      examples: 100,
      seed: 1,
      stratified: true,
      trainError: 0.1,
      devError: 0.2,
      devSE: 0.01,
      devCost: 0.3,
      each: [fold, { ...fold, fold: 2 }],
    };
    assert.equal(checked(foldsRecordCheck, folds, 'src').each.length, 2);
    refuses(foldsRecordCheck, { ...folds, k: 1 }, 'k must be an integer ≥ 2 but is 1');
    refuses(
      foldsRecordCheck,
      { ...folds, each: [{ ...fold, fold: 0 }] },
      'each[0].fold must be an integer ≥ 1 but is 0',
    );
    refuses(
      runRecord,
      run({ refit: { ...refit, seconds: 'x' } }),
      'refit.seconds must be a finite number ≥ 0 but is "x"',
    );
  });
});

describe("trials.jsonl's start lines and a worker's result", () => {
  test('a start line is event "start" with the identity and when', () => {
    const start = { event: 'start', id, index: 2, values: {}, at: 'now' };
    assert.deepEqual(checked(startEvent, start, 'src'), start);
    refuses(startEvent, { ...start, event: 'end' }, 'event must be one of "start" but is "end"');
    refuses(startEvent, { ...start, at: undefined }, 'at must be present but is missing');
  });

  test("a worker's result: the outcome without the identity, and the model's text when it trained", () => {
    const got = checked(workerResult, { result: { ...outcome, id: 'dropped' }, model: '{}' }, 'src');
    assert.deepEqual(got, { result: outcome, model: '{}' });
    refuses(workerResult, { result: outcome, model: 5 }, 'model must be a string but is 5');
    refuses(
      workerResult,
      { result: { ...outcome, run: run({ result: {} }) } },
      'result.run.result.iterations must be present but is missing',
    );
  });
});

describe('trialJob and sweepIdentity', () => {
  const data = { source: 'iris', m: 150, nx: 4, hash: id, train: 90, dev: 30, splitRule: '60/20/20' };
  const job = { sweep: id, data, spec: { id, index: 1, values: { lr: '0.1' }, args: { lr: '0.1', quiet: true } } };

  test('a job: option values are texts or true; a fold is 1 or more; a signature at most 128 characters', () => {
    assert.deepEqual(checked(trialJob, job, 'src'), job);
    const bad = (args: unknown) => ({ ...job, spec: { ...job.spec, args } });
    refuses(trialJob, bad({ lr: 0.1 }), 'spec.args.lr must be an option value (a text, or true for a flag) but is 0.1');
    refuses(
      trialJob,
      bad({ quiet: false }),
      'spec.args.quiet must be an option value (a text, or true for a flag) but is false',
    );
    refuses(trialJob, { ...job, spec: { ...job.spec, fold: 0 } }, 'spec.fold must be an integer ≥ 1 but is 0');
    refuses(
      trialJob,
      { ...job, sig: 's'.repeat(129) },
      `sig must be a string of at most 128 characters but is "${'s'.repeat(39)}...`,
    );
    refuses(trialJob, { ...job, data: { ...data, hash: 'x' } }, 'data.hash must be an id of 16 hex digits but is "x"');
    refuses(trialJob, { ...job, sweep: undefined }, 'sweep must be present but is missing');
  });

  test('sweep.json: axes of values or ranges, strategy options of texts, numbers and booleans', () => {
    const identity = {
      id,
      createdAt: 'now',
      command: ['lnn', 'sweep'],
      strategy: 'grid',
      strategyOptions: { prune: false, maxDepth: 3, seed: '1' },
      space: [
        { key: 'lr', kind: 'values', values: ['0.1', '0.01'] },
        { key: 'l2', kind: 'range', min: 0, max: 1, integer: false, log: false },
      ],
      base: { data: 'builtin:iris', quiet: true },
      data,
    };
    assert.deepEqual(checked(sweepIdentity, identity, 'src'), identity);
    const axisRule = `a hyperparameter's values ({ "key", "kind": "values", "values" }) or range ({ "key", "kind": "range", "min", "max", "integer", "log" })`;
    refuses(
      sweepIdentity,
      { ...identity, space: [{ key: 'lrate', kind: 'values', values: [] }] },
      `space[0] must be ${axisRule} but is an object`,
    );
    refuses(
      sweepIdentity,
      { ...identity, space: [{ key: 'lr', kind: 'range', min: 0, max: 1, integer: false }] },
      `space[0] must be ${axisRule} but is an object`,
    );
    refuses(
      sweepIdentity,
      { ...identity, strategyOptions: { seed: null } },
      'strategyOptions.seed must be a text, number or boolean but is null',
    );
    refuses(
      sweepIdentity,
      { ...identity, test: { trial: id, index: 1, m: 30, error: 0.1, cost: 0.2, at: 'now', refit: false } },
      'test.refit must be one of true but is false',
    );
    refuses(
      sweepIdentity,
      { ...identity, refit: { trial: id, index: 1, at: 'now' } },
      'refit.train must be present but is missing',
    );
  });
});
