/**
 * One training run's pieces (workflow/run.ts) on iris with the reference backend: the schedule, the
 * memory check, the model built, what the record says was tried, and the run with its figures.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ReferenceBackend } from '../../src/backend/index.js';
import { AbortError, ValueError } from '../../src/core/errors.js';
import { zeros } from '../../src/core/matrix.js';
import { loadBuiltin } from '../../src/data/read/builtin.js';
import type { Dataset } from '../../src/data/dataset.js';
import { featureSource, toMatrix } from '../../src/data/features.js';
import { estimateTrainingMemory } from '../../src/train/memory.js';
import { argsFrom } from '../../src/workflow/camel.js';
import { machineMemory } from '../../src/workflow/machine.js';
import { trainOptions } from '../../src/workflow/options.js';
import type { Io } from '../../src/workflow/parse.js';
import { prepareData, resolveNetwork } from '../../src/workflow/prepare.js';
import { buildModel, checkRunFits, hyperparametersOf, scheduleFor, trainModel } from '../../src/workflow/run.js';
import { parseTrainSettings } from '../../src/workflow/settings.js';

const QUIET: Io = { out: () => {}, err: () => {}, errIsTTY: false };
const iris = loadBuiltin('iris');

/** Iris split 60/20/20 (train 90, dev 30, test 30), with `lnn train`'s options over the defaults. */
async function setup(options: Record<string, unknown> = {}, dataset: Dataset = iris) {
  const args = argsFrom({ hidden: '4', iterations: 20, ...options }, trainOptions);
  const settings = parseTrainSettings(args);
  const prepared = await prepareData(args, settings, QUIET, { dataset });
  const network = resolveNetwork(settings, prepared);
  return { settings, prepared, network, backend: new ReferenceBackend() };
}

/** The reference backend with a memory limit. */
class Limited extends ReferenceBackend {
  constructor(readonly memoryLimit: number) {
    super();
  }
}

describe('scheduleFor', () => {
  test('iterations on 90 examples: full batch', async () => {
    const { settings, prepared } = await setup();
    assert.deepEqual(scheduleFor(settings, prepared), {
      m: 90,
      full: true,
      batchSize: 90,
      perEpoch: 1,
      iterations: 20,
    });
  });

  test('epochs without a batch size: mini-batches that suit m (4 for 90), 23 per epoch', async () => {
    const { settings, prepared } = await setup({ iterations: undefined, epochs: 2 });
    assert.deepEqual(scheduleFor(settings, prepared), {
      m: 90,
      full: false,
      batchSize: 4,
      perEpoch: 23,
      iterations: 46,
      epochs: 2,
    });
  });

  test('a given batch size wins; one at least m is full batch', async () => {
    const odd = await setup({ iterations: undefined, epochs: 1, batchSize: 7 });
    assert.deepEqual(scheduleFor(odd.settings, odd.prepared), {
      m: 90,
      full: false,
      batchSize: 7,
      perEpoch: 13,
      iterations: 13,
      epochs: 1,
    });
    const big = await setup({ batchSize: 500 });
    assert.equal(scheduleFor(big.settings, big.prepared).full, true);
    assert.equal(scheduleFor(big.settings, big.prepared).batchSize, 90);
  });
});

describe('checkRunFits', () => {
  test("the estimate of this run: fits at exactly the backend's limit, refused one byte under it", async () => {
    const { settings, prepared, network } = await setup({ hidden: '64,32', earlyStop: 5 });
    const schedule = scheduleFor(settings, prepared);
    const { bytes, largest } = estimateTrainingMemory({
      dims: network.dims,
      dtype: 'float32',
      batchSize: 90,
      m: 90,
      devM: 30,
      optimizer: 'adam',
      dropout: false,
      earlyStop: true,
      dataBytes: featureSource(iris.X).memoryBytes,
      labelBytes: 2 * iris.labels.data.byteLength + 4 * 90,
    });
    checkRunFits({ settings, prepared, network, schedule }, new Limited(bytes));
    const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
    assert.throws(
      () => checkRunFits({ settings, prepared, network, schedule }, new Limited(bytes - 1)),
      (e: unknown) =>
        e instanceof ValueError &&
        e.message ===
          `the network and its batch need ${gb(bytes)} (${largest.name} alone ${gb(largest.bytes)}); this machine has ${gb(machineMemory().total!)}, the ts backend ${gb(bytes - 1)}: use fewer or smaller layers, a smaller batch`,
    );
  });

  test('a network beyond the machine is refused before anything is allocated', async () => {
    const { settings, prepared, network, backend } = await setup({ hidden: '1000000000', dtype: 'float64' });
    assert.throws(
      () => checkRunFits({ settings, prepared, network, schedule: scheduleFor(settings, prepared) }, backend),
      (e: unknown) =>
        e instanceof ValueError &&
        /^the network and its batch need [\d.e+]+ GB \(W\[1\] alone 32\.0 GB\); this machine has [\d.]+ GB: use fewer or smaller layers, a smaller batch, or float32$/.test(
          e.message,
        ),
    );
  });
});

describe('buildModel and hyperparametersOf', () => {
  test('the model: dims, classes and feature names of the data, normalization fitted on train alone', async () => {
    const { settings, prepared, network, backend } = await setup();
    const model = buildModel(settings, prepared, network, backend);
    assert.deepEqual(model.arch.dims, [4, 4, 3]);
    assert.deepEqual(model.classes, iris.classes);
    assert.deepEqual(model.featureNames, iris.featureNames);
    assert.equal(model.split, prepared.sets.split);
    // minmax on train alone: each feature shifted by its smallest value over the 90 training examples.
    const X = toMatrix(prepared.sets.train.X);
    const mins = Array.from({ length: 4 }, (_, i) => Math.min(...X.data.subarray(i * 90, (i + 1) * 90)));
    assert.equal(model.normalization!.kind, 'minmax');
    assert.deepEqual(model.normalization!.shift, mins);
  });

  test('what was tried: dropout rng only with dropout, early stop and epochs only when given', async () => {
    const plain = await setup();
    const model = buildModel(plain.settings, plain.prepared, plain.network, plain.backend);
    const schedule = scheduleFor(plain.settings, plain.prepared);
    assert.deepEqual(hyperparametersOf(plain.settings, plain.network, schedule, model), {
      dims: [4, 4, 3],
      activations: ['relu', 'softmax'],
      alpha: 0.01,
      init: 'he',
      seed: 1,
      dtype: 'float32',
      backend: 'ts',
      threads: 1,
      optimizer: 'adam',
      learningRate: 0.001,
      batchSize: 90,
      iterations: 20,
      l2: 0,
      keepProb: 1,
      normalize: 'minmax',
      loss: 'categorical-cross-entropy',
    });
    const other = await setup({
      keepProb: 0.8,
      earlyStop: 3,
      optimizer: 'momentum',
      beta: 0.8,
      iterations: undefined,
      epochs: 1,
    });
    const m2 = buildModel(other.settings, other.prepared, other.network, other.backend);
    const h = hyperparametersOf(other.settings, other.network, scheduleFor(other.settings, other.prepared), m2);
    assert.equal(h['dropoutRng'], 'philox');
    assert.equal(h['beta'], 0.8);
    assert.equal(h['epochs'], 1);
    assert.equal(h['iterations'], 23);
    assert.deepEqual(h['earlyStop'], other.settings.earlyStop);
  });
});

describe('trainModel', () => {
  test('trains, then measures train and dev and diagnoses; test only with evaluate-test', async () => {
    const { settings, prepared, network, backend } = await setup({ evalEvery: 10 });
    const schedule = scheduleFor(settings, prepared);
    const costs: number[] = [];
    const evals: number[] = [];
    const out = await trainModel(
      { settings, prepared, model: buildModel(settings, prepared, network, backend), schedule },
      {
        onCost: (p) => costs.push(p.iteration),
        onEval: (p) => evals.push(p.iteration),
      },
    );
    assert.equal(out.result.iterations, 20);
    assert.equal(out.train!.m, 90);
    assert.equal(out.dev!.m, 30);
    assert.equal(out.test, undefined);
    assert.equal(out.diagnosis!.trainError, out.train!.error);
    assert.equal(out.diagnosis!.devError, out.dev!.error);
    assert.ok(costs.length > 0 && evals.length > 0);
    assert.deepEqual(
      evals,
      out.result.history.evals.map((e) => e.iteration),
    );
    const withTest = await setup({ evaluateTest: true });
    const t = await trainModel({
      settings: withTest.settings,
      prepared: withTest.prepared,
      model: buildModel(withTest.settings, withTest.prepared, withTest.network, withTest.backend),
      schedule: scheduleFor(withTest.settings, withTest.prepared),
    });
    assert.equal(t.test!.m, 30);
  });

  test('onIteration returning false stops after that update', async () => {
    const { settings, prepared, network, backend } = await setup();
    const out = await trainModel(
      {
        settings,
        prepared,
        model: buildModel(settings, prepared, network, backend),
        schedule: scheduleFor(settings, prepared),
      },
      {
        onIteration: (s) => s.iteration < 5,
      },
    );
    assert.equal(out.result.iterations, 5);
    assert.equal(out.dev!.m, 30);
  });

  test('a diverged run without a best iteration has no figures: its parameters are unusable', async () => {
    const { settings, prepared, network, backend } = await setup({ lr: 1e6 });
    const out = await trainModel({
      settings,
      prepared,
      model: buildModel(settings, prepared, network, backend),
      schedule: scheduleFor(settings, prepared),
    });
    assert.ok(out.result.diverged);
    assert.deepEqual(Object.keys(out), ['result']);
  });

  test('a regression has figures but no bias/variance diagnosis', async () => {
    // Petal width from the other three features: a target of real numbers.
    const X = toMatrix(iris.X);
    const m = X.cols;
    const labels = zeros(1, m, 'float64');
    labels.data.set(X.data.subarray(3 * m));
    const features = zeros(3, m, 'float64');
    features.data.set(X.data.subarray(0, 3 * m));
    const { settings, prepared, network, backend } = await setup({}, { X: features, labels, source: 'petals' });
    assert.equal(prepared.output, 'linear');
    const out = await trainModel({
      settings,
      prepared,
      model: buildModel(settings, prepared, network, backend),
      schedule: scheduleFor(settings, prepared),
    });
    assert.equal(out.dev!.m, 30);
    assert.equal(out.diagnosis, undefined);
  });

  test('an abort during the run rejects with an AbortError saying where', async () => {
    const { settings, prepared, network, backend } = await setup();
    const ac = new AbortController();
    await assert.rejects(
      trainModel(
        {
          settings,
          prepared,
          model: buildModel(settings, prepared, network, backend),
          schedule: scheduleFor(settings, prepared),
        },
        {
          signal: ac.signal,
          onIteration: (s) => void (s.iteration === 3 && ac.abort()),
        },
      ),
      (e: unknown) => e instanceof AbortError && /^training aborted after iteration \d+ of 20$/.test(e.message),
    );
  });

  test('a signal aborted before the run starts rejects with the same AbortError, at iteration 0', async () => {
    const { settings, prepared, network, backend } = await setup();
    const model = buildModel(settings, prepared, network, backend);
    await assert.rejects(
      trainModel(
        { settings, prepared, model, schedule: scheduleFor(settings, prepared) },
        { signal: AbortSignal.abort() },
      ),
      (e: unknown) => e instanceof AbortError && e.message === 'training aborted after iteration 0 of 20',
    );
    // A reason of the caller's own (an Error) is passed through, as during a run.
    const reason = new RangeError('the page closed');
    await assert.rejects(
      trainModel(
        { settings, prepared, model, schedule: scheduleFor(settings, prepared) },
        { signal: AbortSignal.abort(reason) },
      ),
      (e: unknown) => e === reason,
    );
  });
});
