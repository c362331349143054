/**
 * The library's workflow as a TypeScript program meets it: rows and labels in, labels out, async and
 * abortable, on the fast backend, with the command line's options and defaults.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AbortError, DataError, Model, ShapeError, train, evaluate, predict, ValueError } from '../../src/index.js';
import { lnn } from '../cli/run.js';
import { irisRows } from '../helpers/iris.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-workflow-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('train() from rows and labels', () => {
  const iris = irisRows();

  test('trains on the fast backend, predicts the labels it was given, probabilities sum to 1', async () => {
    const { model, dev, diagnosis, record, result } = await train({
      data: iris,
      hidden: [16],
      iterations: 800,
      lr: 0.01,
    });
    try {
      assert.notEqual(model.backend.name, 'ts', 'importing lnn loads the fast kernels');
      assert.ok(dev!.accuracy! > 0.85, `dev accuracy ${dev!.accuracy}`);
      assert.ok(diagnosis && typeof diagnosis.verdict === 'string');
      assert.equal(record.format, 'lnn-run');
      assert.equal(result.iterations, 800);
      const predicted = model.predict(iris.rows.slice(0, 5));
      assert.deepEqual(predicted, ['setosa', 'setosa', 'setosa', 'setosa', 'setosa']);
      const p = model.predictProba(iris.rows.slice(0, 3));
      assert.equal(p.length, 3);
      for (const row of p) {
        assert.equal(row.length, 3);
        assert.ok(Math.abs(row.reduce((a, b) => a + b, 0) - 1) < 1e-5);
      }
    } finally {
      model.dispose();
    }
  });

  test('numeric labels come back as numbers; a two-class model gives [P(class 0), P(class 1)]', async () => {
    const labels = iris.labels.map((l) => (l === 'setosa' ? 7 : 3));
    const { model } = await train({ data: { rows: iris.rows, labels }, hidden: [4], iterations: 300, lr: 0.05 });
    try {
      assert.equal(model.output, 'sigmoid');
      assert.deepEqual(model.predict([iris.rows[0]!, iris.rows[100]!]), [7, 3]);
      const [p] = model.predictProba([iris.rows[0]!]);
      assert.equal(p!.length, 2);
      assert.ok(Math.abs(p![0]! + p![1]! - 1) < 1e-6);
      assert.ok(p![1]! > 0.5, 'class 1 is 7 (classes sorted: 3, 7)');
    } finally {
      model.dispose();
    }
  });

  test("the defaults are the command line's: the same run, the same figures", async () => {
    const record = join(dir, 'cli-run.json');
    const cli = await lnn(['train', '--data', 'builtin:iris', '--iterations', '300', '--record', record, '--quiet']);
    assert.equal(cli.code, 0, cli.stderr);
    const fromCli = JSON.parse(readFileSync(record, 'utf8'));
    const lib = await train({ data: 'builtin:iris', iterations: 300 });
    lib.model.dispose();
    const { backend: _b, threads: _t, ...hp } = lib.record.hyperparameters;
    const { backend: _cb, threads: _ct, ...cliHp } = fromCli.hyperparameters;
    assert.deepEqual(hp, cliHp);
    assert.deepEqual(lib.record.data, fromCli.data);
    assert.ok(Math.abs(lib.record.result.finalCost! - fromCli.result.finalCost) < 1e-4);
  });

  test('yields to the event loop every 20 ms of training, and calls onEpochEnd each epoch', async () => {
    // A test clock: a millisecond passes at each reading, so training yields within 20 updates, on any
    // machine. The turns of the event loop are counted by a callback that queues itself again each turn.
    const realNow = performance.now;
    let now = 0;
    performance.now = () => ++now;
    let turns = 0,
      counting = true;
    const turn = () => void (counting && (turns++, setImmediate(turn)));
    setImmediate(turn);
    const epochs: number[] = [];
    // A timer due at once, set at the end of the first epoch, fires at the next yield.
    let firedAt: number | undefined;
    const due = () => setTimeout(() => (firedAt = epochs.length), 0);
    try {
      const { model } = await train({
        data: iris,
        hidden: [64, 64],
        epochs: 200,
        batchSize: 8,
        onEpochEnd: (l) => void (epochs.push(l.epoch!) === 1 && due()),
      });
      model.dispose();
    } finally {
      performance.now = realNow;
      counting = false;
    }
    assert.deepEqual(
      epochs,
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    assert.ok(
      firedAt !== undefined && firedAt < 200,
      `a timer set at epoch 1, due at once, fired after epoch ${firedAt} of 200`,
    );
    // 200 epochs of 12 updates (90 examples, 8 at a time): at least one yield per 20 updates.
    assert.ok(turns >= 2400 / 20, `the event loop turned ${turns} times during 2,400 updates`);
  });

  test('an aborted train() rejects with an AbortError; an aborted fit keeps its last update', async () => {
    const ac = new AbortController();
    let seen = 0;
    await assert.rejects(
      train({
        data: iris,
        epochs: 1000,
        batchSize: 4,
        signal: ac.signal,
        onIteration: () => void (++seen === 50 && ac.abort()),
      }),
      (e: unknown) => e instanceof AbortError && /training aborted after iteration \d+ of \d+/.test(e.message),
    );
    const model = Model.create({ dims: [4, 8, 3], classes: ['setosa', 'versicolor', 'virginica'] });
    const before = Array.from(model.parameters['W1']!.data);
    const stop = new AbortController();
    let done = 0;
    await assert.rejects(
      model.fit(iris.rows, iris.labels, {
        learningRate: 0.01,
        optimizer: 'adam',
        epochs: 500,
        batchSize: 4,
        signal: stop.signal,
        onIteration: (s) => void ((done = s.iteration) === 40 && stop.abort()),
      }),
      { name: 'AbortError' },
    );
    assert.ok(done >= 40);
    assert.notDeepEqual(Array.from(model.parameters['W1']!.data), before, 'the updates before the abort are kept');
    assert.equal(model.predict([iris.rows[0]!]).length, 1, 'the model is usable after an abort');
    model.dispose();
  });
});

describe('bad input is one clear typed error', () => {
  const iris = irisRows();
  const rejects = (p: Promise<unknown>, type: new (...a: never[]) => Error, message: RegExp) =>
    assert.rejects(p, (e: unknown) => e instanceof type && message.test((e as Error).message));

  test('rows of unequal length, labels of the wrong count, NaN, an unknown or bad option', async () => {
    await rejects(
      train({ data: { rows: [[1, 2], [3]], labels: ['a', 'b'] } }),
      ShapeError,
      /^rows: row 1 has 1 value but row 0 has 2/,
    );
    await rejects(
      train({ data: { rows: iris.rows, labels: iris.labels.slice(1) } }),
      DataError,
      /^rows: 150 examples but 149 labels; give one label per row$/,
    );
    const rows = iris.rows.map((r) => [...r]);
    rows[7]![2] = NaN;
    await rejects(
      train({ data: { rows, labels: iris.labels } }),
      DataError,
      /^rows: example 7, feature 2 is NaN \(a missing value\).*impute: 'mean'/,
    );
    await rejects(
      train({ data: iris, lrate: 0.1 } as never),
      ValueError,
      /^unknown option 'lrate' \(did you mean lr\?\)$/,
    );
    await rejects(
      train({ data: iris, keepProb: 1.5 }),
      ValueError,
      /^keepProb must be a number in \(0, 1\] but is '1.5'/,
    );
    await rejects(train({ data: iris, save: 'm.json' } as never), ValueError, /^save is for the command line/);
    await rejects(
      train({ data: { rows: iris.rows, labels: [...iris.labels.slice(1), 4] } as never }),
      DataError,
      /^rows: label 149 is a number but label 0 is a string/,
    );
  });

  test('a label the model never saw, rows of the wrong width for the model', async () => {
    const { model } = await train({ data: iris, hidden: [4], iterations: 10 });
    try {
      await rejects(
        evaluate(model, { rows: iris.rows.slice(0, 2), labels: ['setosa', 'rose'] }),
        DataError,
        /^rows: has class 'rose' that the model does not have \(setosa, versicolor, virginica\)$/,
      );
      assert.throws(() => model.predict([[1, 2, 3]]), {
        name: 'ShapeError',
        message: /^predict: rows has 3 columns but the model takes n\[0\] = 4 features/,
      });
      await rejects(
        predict(model, [[1, 2, 3, 4, 5]]),
        ShapeError,
        /rows has 5 columns but the model takes n\[0\] = 4 features/,
      );
      // The rows it was split from: its 30 held-back test examples by default, every one on request.
      const e = await evaluate(model, iris);
      assert.deepEqual([e.m, e.subset], [30, 'test']);
      assert.equal((await evaluate(model, iris, { subset: 'all' })).m, 150);
    } finally {
      model.dispose();
    }
  });
});
