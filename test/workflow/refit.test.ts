/**
 * train({ refit }) and train({ folds }): the model kept is fit on train + dev (the split's, not a new
 * one: test stays the same), for as long as the first fit trained; the folds' figures and their means.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DataError, loadBuiltin, train, trainDevTestSplit, evaluate, ValueError } from '../../src/index.js';
import { defaultBackend } from '../../src/backend/index.js';
import { argsFrom } from '../../src/workflow/camel.js';
import { trainOptions } from '../../src/workflow/options.js';
import { prepareData, resolveNetwork } from '../../src/workflow/prepare.js';
import { refitOnTrainDev } from '../../src/workflow/refit.js';
import { parseTrainSettings } from '../../src/workflow/settings.js';
import { irisRows } from '../helpers/iris.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-refit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('train({ refit: true })', { concurrency: true }, () => {
  test('the model kept saw train + dev (120 of iris): its record says so, with the first fit dev figures', async () => {
    const out = await train({
      data: 'builtin:iris',
      hidden: [16],
      lr: 0.01,
      iterations: 400,
      refit: true,
      evaluateTest: true,
    });
    try {
      const { record, refit, dev, test: testEval, model } = out;
      assert.equal(record.data.train, 90, 'the first fit trained on the split train set');
      assert.equal(record.data.dev, 30);
      assert.equal(record.refit!.train, 120, 'the refit on all of train + dev');
      assert.equal(record.refit!.sets, 'train + dev of the split (90 + 30)');
      assert.equal(record.refit!.iterations, 400, 'full batch: as many iterations as the first fit');
      assert.equal(record.refit!.length, "the first fit's 400 iterations");
      assert.equal(refit!.train!.m, 120);
      assert.equal(refit!.result.iterations, 400);
      // The dev figures are the first fit's, which estimate the configuration; test is the refit's.
      assert.equal(record.result.devError, dev!.error);
      assert.equal(dev!.m, 30);
      assert.equal(testEval!.m, 30);
      assert.equal(record.result.testError, testEval!.error);
      assert.equal(model.split!.refit, true);
      assert.equal(model.split!.test, 30, 'the same split: test stays the same 30 examples');
      // The test part is the split's: evaluating the model on its source scores those 30.
      const again = await evaluate(model, 'builtin:iris');
      assert.equal(again.m, 30);
      assert.equal(again.accuracy, testEval!.accuracy);
    } finally {
      out.model.dispose();
    }
  });

  test('an early-stopped first fit: the refit trains to its early-stopping epoch, in its batch size', async () => {
    const out = await train({ data: 'builtin:iris', hidden: [16], lr: 0.01, epochs: 60, earlyStop: 3, refit: true });
    try {
      const best = out.result.bestIteration!;
      assert.ok(best !== undefined && best < out.result.iterations, out.result.stopped);
      const perEpoch = 90 / 4; // batches of 4 (90 / 16 rounded down to a power of two), 23 updates an epoch
      const epochs = best / Math.ceil(perEpoch);
      const r = out.record.refit!;
      assert.equal(r.batchSize, 4);
      assert.equal(r.epochs, epochs);
      assert.equal(r.iterations, epochs * 30, '120 examples in batches of 4: 30 updates an epoch');
      assert.equal(r.length, `the first fit's early-stopping epoch (${epochs})`);
      assert.equal(out.record.result.bestIteration, best);
    } finally {
      out.model.dispose();
    }
  });

  test('imputation is fitted again on train + dev', async () => {
    const data = irisRows(true);
    const out = await train({ data, hidden: [8], iterations: 50, impute: 'mean', refit: true });
    try {
      const d = loadBuiltin('iris');
      const test = new Set(trainDevTestSplit(d, { seed: 1 }).indices.test);
      let missing = 0;
      data.rows.forEach((r, j) => !test.has(j) && r.forEach((v) => Number.isNaN(v) && missing++));
      const imputer = out.model.imputer!;
      assert.equal(
        imputer.missingInTrain.reduce((a, b) => a + b, 0),
        missing,
        'the refit imputer counts the values missing in train and dev',
      );
    } finally {
      out.model.dispose();
    }
  });

  test('a separate --dev file is joined to the training data', async () => {
    const lines = (await import('node:fs')).readFileSync('examples/data/flowers.csv', 'utf8').trim().split('\n');
    const head = lines[0]!;
    const body = lines.slice(1);
    writeFileSync(join(dir, 'train.csv'), [head, ...body.filter((_, i) => i % 5 !== 0)].join('\n') + '\n');
    writeFileSync(join(dir, 'dev.csv'), [head, ...body.filter((_, i) => i % 5 === 0)].join('\n') + '\n');
    const out = await train({
      data: join(dir, 'train.csv'),
      dev: join(dir, 'dev.csv'),
      label: 'species',
      hidden: [8],
      iterations: 50,
      refit: true,
    });
    try {
      assert.equal(out.record.refit!.train, 150);
      assert.equal(out.record.refit!.sets, 'train + dev of the training data and the --dev file (120 + 30)');
    } finally {
      out.model.dispose();
    }
  });

  test('refit needs a dev set to add, and train + dev in memory', async () => {
    await assert.rejects(
      train({ data: 'builtin:iris', split: 'none', iterations: 10, refit: true }),
      (e: unknown) =>
        e instanceof ValueError &&
        (e as Error).message ===
          'refit fits again on train + dev after the dev evaluation, and there is no dev set (no split: training on all examples); keep a split with a dev share, or give dev',
    );
  });
});

test('a refit that diverges is an error, and keeps nothing', async () => {
  const args = argsFrom(
    { data: 'builtin:iris', optimizer: 'gd', lr: 1e6, normalize: 'none', refit: true },
    trainOptions,
  );
  const settings = parseTrainSettings(args);
  const prepared = await prepareData(args, settings, { out: () => {}, err: () => {}, errIsTTY: false });
  const network = resolveNetwork(settings, prepared);
  const plan = {
    settings,
    prepared,
    network,
    backend: defaultBackend(),
    first: { full: true, batchSize: 90 },
    passes: 300,
    length: 'test',
  };
  await assert.rejects(
    refitOnTrainDev(plan),
    (e: unknown) =>
      e instanceof DataError &&
      /^--refit: the fit on train \+ dev \(120 examples\) diverged \(.*\); the first fit did not: try a smaller --lr, or drop --refit$/.test(
        (e as Error).message,
      ),
  );
});

describe('train({ folds })', { concurrency: true }, () => {
  test('K folds of train + dev, their figures and mean, then the model fit on all of them', async () => {
    const out = await train({ data: 'builtin:iris', hidden: [8], lr: 0.02, iterations: 200, folds: 4 });
    try {
      const f = out.folds!;
      assert.equal(f.k, 4);
      assert.equal(f.examples, 120);
      assert.equal(f.stratified, true);
      assert.deepEqual(
        f.each.map((e) => [e.fold, e.train, e.dev]),
        [
          [1, 90, 30],
          [2, 90, 30],
          [3, 90, 30],
          [4, 90, 30],
        ],
      );
      const mean = f.each.reduce((s, e) => s + e.devError, 0) / 4;
      assert.ok(Math.abs(f.devError - mean) < 1e-12);
      const sd = Math.sqrt(f.each.reduce((s, e) => s + (e.devError - mean) ** 2, 0) / 3);
      assert.ok(Math.abs(f.devSE - sd / 2) < 1e-12);
      assert.equal(out.record.folds!.devError, f.devError);
      assert.equal(out.record.result.devError, f.devError, "the run's dev error is the folds' mean");
      assert.equal(out.dev, undefined, 'no single dev set');
      assert.equal(out.record.refit!.train, 120);
      assert.equal(out.record.refit!.length, "the folds' mean iterations (200, 200, 200, 200 → 200)");
      assert.equal(out.diagnosis!.devSize, 120, 'every example of train + dev was a dev example once');
      assert.equal(out.model.split!.refit, true);
    } finally {
      out.model.dispose();
    }
  });

  test('the same seed gives the same folds and figures', async () => {
    const run = () => train({ data: 'builtin:iris', hidden: [4], iterations: 30, folds: 3, seed: 5 });
    const [a, b] = [await run(), await run()];
    a.model.dispose();
    b.model.dispose();
    const figures = (o: typeof a) => o.folds!.each.map((e) => [e.train, e.dev, e.devError, e.trainError]);
    assert.deepEqual(figures(a), figures(b));
  });

  test('a fold that diverges ends the run, naming the fold', async () => {
    await assert.rejects(
      train({ data: 'builtin:iris', folds: 3, optimizer: 'gd', lr: 1e6, normalize: 'none', iterations: 300 }),
      (e: unknown) =>
        e instanceof DataError &&
        /^--folds: fold 1 of 3 diverged \(.*\); try a smaller --lr$/.test((e as Error).message),
    );
  });

  test('folds outside their rule are refused in one line', async () => {
    await assert.rejects(train({ data: 'builtin:iris', folds: 1 }), {
      message:
        "folds must be an integer ≥ 2 (K folds: each is judged by a model trained on the other K − 1) but is '1'",
    });
    await assert.rejects(train({ data: 'builtin:iris', folds: 41, iterations: 5 }), {
      message:
        "folds: 41 is more than the 40 examples of class 'setosa' in train + dev (stratified folds put every class in every fold); use folds 40 or fewer",
    });
  });
});
