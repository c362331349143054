import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { ShapeError, ValueError, DataError } from '../../src/core/errors.js';
import { fromArray, zeros } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { loadBuiltin } from '../../src/data/read/builtin.js';
import { targets } from '../../src/data/dataset.js';
import { linearForward } from '../../src/nn/linear.js';
import { modelForward } from '../../src/nn/propagation.js';
import { Optimizer } from '../../src/nn/update.js';
import { Model } from '../../src/train/model.js';
import { modelFromJSON, modelToJSON } from '../../src/train/model-json.js';
import { assertClose, randn } from '../helpers/util.js';

const backend = new ReferenceBackend();

test('shape errors name the layer and the rule in the course notation', () => {
  const A = zeros(3, 4, 'float64');
  assert.throws(() => linearForward(A, zeros(5, 4, 'float64'), zeros(5, 1, 'float64'), { backend, layer: 2 }), {
    name: 'ShapeError',
    message: 'linearForward: W[2] must be (n[2], n[1]) = (5, 3) but is (5, 4) (A[1] is (3, 4))',
  });
  assert.throws(() => linearForward(A, zeros(5, 3, 'float64'), zeros(4, 1, 'float64'), { backend, layer: 2 }), {
    message: 'linearForward: b[2] must be (n[2], 1) = (5, 1) but is (4, 1)',
  });
  const params = {
    W1: zeros(4, 3, 'float64'),
    b1: zeros(4, 1, 'float64'),
    W2: zeros(1, 5, 'float64'),
    b2: zeros(1, 1, 'float64'),
  };
  assert.throws(() => modelForward(A, params, { backend }), {
    message: 'modelForward: W[2] must be (n[2], n[1]) = (1, 4) but is (1, 5)',
  });
  const ok = { ...params, W2: zeros(1, 4, 'float64') };
  assert.throws(() => modelForward(zeros(2, 4, 'float64'), ok, { backend }), {
    message: 'modelForward: X must be (n[0], m) = (3, 4) to match W[1]: (4, 3) but is (2, 4)',
  });
  assert.throws(() => Model.create({ dims: [4, 0, 1] }), {
    name: 'ValueError',
    message: 'Model: n[1] must be a positive integer but is 0',
  });
  assert.throws(() => Model.create({ dims: [4, 3], output: 'softmax', classes: ['a', 'b'] }), ShapeError);
});

test('momentum and Adam steps follow their formulas', () => {
  const W = fromArray([[1, -2]], 'float64'),
    b = fromArray([[0.5]], 'float64');
  const dW = fromArray([[0.2, -0.4]], 'float64'),
    db = fromArray([[1]], 'float64');
  const mom = new Optimizer({ kind: 'momentum', learningRate: 0.1, beta: 0.9 }, backend);
  mom.step({ W1: W, b1: b }, { dW1: dW, db1: db });
  // v = 0.1·dW; W -= 0.1·v
  assertClose(W.data, [1 - 0.1 * 0.02, -2 + 0.1 * 0.04], 1e-15);
  mom.step({ W1: W, b1: b }, { dW1: dW, db1: db });
  // v = 0.9·0.02 + 0.1·0.2 = 0.038
  assertClose(W.data, [1 - 0.1 * 0.02 - 0.1 * 0.038, -2 + 0.1 * 0.04 + 0.1 * 0.076], 1e-14);

  const W2 = fromArray([[1]], 'float64'),
    b2 = fromArray([[0]], 'float64');
  const adam = new Optimizer({ kind: 'adam', learningRate: 0.01 }, backend);
  const g = fromArray([[3]], 'float64'),
    g0 = fromArray([[0]], 'float64');
  adam.step({ W1: W2, b1: b2 }, { dW1: g, db1: g0 });
  // t = 1: v̂ = g, ŝ = g², step = α·g/(|g| + ε) ≈ α
  assertClose(W2.data, [1 - (0.01 * 3) / (3 + 1e-8)], 1e-15);
  adam.step({ W1: W2, b1: b2 }, { dW1: g, db1: g0 });
  const v = 0.9 * 0.3 + 0.1 * 3,
    s = 0.999 * 0.009 + 0.001 * 9;
  const step2 = (0.01 * (v / (1 - 0.81))) / (Math.sqrt(s / (1 - 0.999 ** 2)) + 1e-8);
  assertClose(W2.data, [1 - (0.01 * 3) / (3 + 1e-8) - step2], 1e-14);
  assertClose(b2.data, [0], 0, 0);
});

test('inverted dropout keeps about keepProb of the units and scales them by 1/keepProb', () => {
  const D = backend.zerosMask(100, 100);
  backend.dropoutMask(D, 0.8, new Rng(3));
  const kept = Array.from(D.data).filter((v) => v !== 0);
  assert.ok(Math.abs(kept.length / D.size - 0.8) < 0.02, `kept ${kept.length}`);
  assert.ok(kept.every((v) => v === 1));
  const Z = fromArray([Array.from({ length: 100 }, (_, j) => j + 1)], 'float64');
  const A = zeros(1, 100, 'float64'),
    dropped = zeros(1, 100, 'float64'),
    D1 = backend.zerosMask(1, 100);
  backend.dropoutForward('linear', Z, A, D1, dropped, 0, 0.8, { seed: 1, step: 0, layer: 1 });
  for (let j = 0; j < 100; j++) assert.equal(dropped.data[j], D1.data[j] ? (j + 1) * (1 / 0.8) : 0);
});

function irisXY() {
  const d = loadBuiltin('iris');
  return { d, X: d.X, Y: targets(d, 'softmax') };
}

test('Model learns iris (softmax, Adam) and is repeatable from its seed', () => {
  const { d, X, Y } = irisXY();
  const run = (seed: number) => {
    const model = Model.create({
      dims: [4, 16, 3],
      output: 'softmax',
      seed,
      backend,
      normalize: 'standard',
      classes: d.classes!,
    });
    const r = model.fitSync(X, Y, { learningRate: 0.01, optimizer: 'adam', iterations: 300, costEvery: 50, seed });
    return { model, r };
  };
  const a = run(1),
    b = run(1),
    c = run(2);
  assert.deepEqual(a.r.history.costs, b.r.history.costs);
  assert.notDeepEqual(a.r.history.costs, c.r.history.costs);
  const e = a.model.evaluate(X, Y);
  assert.ok(e.accuracy! > 0.95, `accuracy ${e.accuracy}`);
  assert.ok(a.r.history.costs[0]!.cost > a.r.history.costs.at(-1)!.cost);
  assert.equal(a.model.predictClasses(X).length, 150);
});

test('mini-batches: iterations per epoch, one cost per epoch, and the same result for the same seed', () => {
  const { X, Y } = irisXY();
  const fit = () => {
    const model = Model.create({ dims: [4, 8, 3], output: 'softmax', backend, normalize: 'minmax' });
    return model.fitSync(X, Y, { learningRate: 0.05, optimizer: 'momentum', batchSize: 32, epochs: 3, seed: 5 });
  };
  const r = fit();
  assert.equal(r.iterations, 3 * Math.ceil(150 / 32));
  assert.equal(r.epochs, 3);
  assert.deepEqual(
    r.history.costs.map((p) => p.epoch),
    [1, 2, 3],
  );
  assert.deepEqual(r.history.costs, fit().history.costs);
});

test('early stopping restores the parameters with the best dev error', () => {
  const rng = new Rng(4);
  // Noisy labels and a big network: dev error rises once it overfits.
  const X = randn(rng, 5, 60),
    Y = zeros(1, 60, 'float64');
  for (let j = 0; j < 60; j++) Y.data[j] = X.data[j]! + 0.8 * rng.randn() > 0 ? 1 : 0;
  const Xd = randn(rng, 5, 60),
    Yd = zeros(1, 60, 'float64');
  for (let j = 0; j < 60; j++) Yd.data[j] = Xd.data[j]! + 0.8 * rng.randn() > 0 ? 1 : 0;
  const model = Model.create({ dims: [5, 64, 64, 1], backend, dtype: 'float64' });
  const r = model.fitSync(X, Y, {
    learningRate: 0.01,
    optimizer: 'adam',
    iterations: 3000,
    evalEvery: 10,
    dev: { X: Xd, Y: Yd },
    earlyStop: { patience: 10 },
  });
  assert.match(r.stopped, /^early stop at iteration \d+: dev error/);
  assert.ok(r.iterations < 3000);
  const best = Math.min(...r.history.evals.map((e) => e.devError!));
  const atBest = r.history.evals.find((e) => e.iteration === r.bestIteration)!;
  assert.equal(atBest.devError, best);
  assertClose([model.evaluate(Xd, Yd).error], [best], 1e-12);
});

test('bad hyperparameters are refused where they enter', () => {
  const { X, Y } = irisXY();
  const model = Model.create({ dims: [4, 3], output: 'softmax', backend });
  assert.throws(() => model.fitSync(X, Y, { learningRate: -1 }), {
    name: 'ValueError',
    message: 'learning rate must be a number > 0 but is -1',
  });
  assert.throws(() => model.fitSync(X, Y, { learningRate: 0.1, keepProb: 0 }), {
    message: 'keep probability must be a number in (0, 1] but is 0',
  });
  // The blocks take it by the same rule, in the same words.
  assert.throws(
    () => modelForward(zeros(4, 5, 'float64'), model.parameters, { backend, keepProb: 1.5, rng: new Rng(1) }),
    {
      name: 'ValueError',
      message: 'keep probability must be a number in (0, 1] but is 1.5',
    },
  );
  assert.throws(() => model.fitSync(X, Y, { learningRate: 0.1, earlyStop: { patience: 3 } }), {
    message: 'early stopping needs a dev set to watch',
  });
  assert.throws(
    () => model.fitSync(zeros(5, 150, 'float64'), Y, { learningRate: 0.1 }),
    /the model expects n\[0\] = 4 features per example but the data has 5/,
  );
  assert.throws(() => new Optimizer({ kind: 'adam', learningRate: 0.1, beta1: 1 }), ValueError);
});

test('a run whose cost becomes non-finite stops at that iteration and suggests a tenth of the rate', () => {
  const { X, Y } = irisXY();
  const model = Model.create({ dims: [4, 16, 3], output: 'linear', backend, dtype: 'float64' });
  const r = model.fitSync(X, Y, { learningRate: 10, optimizer: 'gd', iterations: 500, costEvery: 100 });
  assert.ok(r.diverged, r.stopped);
  assert.equal(r.diverged.kind, 'non-finite cost');
  assert.equal(r.diverged.suggestedLearningRate, 1);
  // It stops at the first non-finite cost, not at the next recorded one (every 100 iterations).
  assert.equal(r.iterations, r.diverged.iteration);
  assert.ok(r.history.costs.slice(0, -1).every((p) => Number.isFinite(p.cost)));
  assert.match(
    r.stopped,
    /^diverged at iteration \d+: the cost is (NaN|Infinity) \([\d.]+ before training\); the learning rate 10 is likely too large: try 1$/,
  );
  // The non-finite cost is in the history, so a record shows where the run blew up.
  assert.equal(r.history.costs.at(-1)!.iteration, r.diverged.iteration);
  assert.ok(!Number.isFinite(r.history.costs.at(-1)!.cost));
});

test('a cost that stays far above its start is divergence even while it is finite', () => {
  const { X, Y } = irisXY();
  // Softmax + cross-entropy clamps log's argument, so a huge rate makes the cost large but finite.
  const model = Model.create({ dims: [4, 8, 3], output: 'softmax', backend, dtype: 'float64' });
  const r = model.fitSync(X, Y, { learningRate: 1e6, optimizer: 'gd', iterations: 200, costEvery: 5 });
  assert.ok(r.diverged, r.stopped);
  assert.ok(r.diverged.kind === 'exploding cost' || r.diverged.kind === 'non-finite cost', r.diverged.kind);
  assert.equal(r.diverged.suggestedLearningRate, 1e5);
  assert.ok(r.iterations < 200);
  // A healthy run on the same data is not flagged.
  const ok = Model.create({ dims: [4, 8, 3], output: 'softmax', backend, dtype: 'float64' });
  assert.equal(
    ok.fitSync(X, Y, { learningRate: 0.05, optimizer: 'gd', iterations: 200, costEvery: 5 }).diverged,
    undefined,
  );
});

test('a short run is judged by how it ends: 2 recorded costs, the last above 10x the start, is divergence', () => {
  const { X, Y } = irisXY();
  // 50 full-batch iterations record J at 0 and 49 (costEvery 100): too few for "3 recorded costs in a row".
  const model = Model.create({ dims: [4, 8, 3], output: 'softmax', backend, dtype: 'float64' });
  const r = model.fitSync(X, Y, { learningRate: 1e6, optimizer: 'gd', iterations: 50 });
  const costs = r.history.costs;
  assert.deepEqual(
    costs.map((p) => p.iteration),
    [0, 49],
  );
  assert.ok(
    Number.isFinite(costs[1]!.cost) && costs[1]!.cost > 10 * costs[0]!.cost,
    `${costs[0]!.cost} → ${costs[1]!.cost}`,
  );
  assert.ok(r.diverged, r.stopped);
  assert.equal(r.diverged.kind, 'final cost');
  assert.equal(r.diverged.iteration, 49);
  assert.match(
    r.stopped,
    /^diverged at iteration 49: the run ended with its cost above 10x its start \([\d.]+; [\d.]+ before training\); the learning rate 1000000 is likely too large: try 100000$/,
  );
  // A healthy run of the same length, and one whose only recorded cost is the first, are not flagged.
  const ok = Model.create({ dims: [4, 8, 3], output: 'softmax', backend, dtype: 'float64' });
  assert.equal(ok.fitSync(X, Y, { learningRate: 0.05, optimizer: 'gd', iterations: 50 }).diverged, undefined);
  const one = Model.create({ dims: [4, 8, 3], output: 'softmax', backend, dtype: 'float64' });
  assert.equal(one.fitSync(X, Y, { learningRate: 0.05, optimizer: 'gd', iterations: 1 }).diverged, undefined);
});

test('parameters that the last update made non-finite are divergence, though no cost saw them', () => {
  const { X, Y } = irisXY();
  // One iteration: J is recorded before the update; a rate past float32's range makes W infinite after it.
  const model = Model.create({ dims: [4, 8, 3], output: 'softmax', backend, dtype: 'float32' });
  const r = model.fitSync(X, Y, { learningRate: 1e39, optimizer: 'gd', iterations: 1 });
  assert.ok(Number.isFinite(r.history.costs[0]!.cost));
  assert.ok(r.diverged, r.stopped);
  assert.equal(r.diverged.kind, 'non-finite parameters');
  assert.equal(r.diverged.iteration, 1);
});

test('with early stopping, a diverged run keeps the last finite best parameters', () => {
  const { X, Y } = irisXY();
  const model = Model.create({ dims: [4, 16, 3], output: 'linear', backend, dtype: 'float64' });
  const r = model.fitSync(X, Y, {
    learningRate: 10,
    optimizer: 'gd',
    iterations: 500,
    costEvery: 1,
    dev: { X, Y },
    earlyStop: { patience: 100 },
  });
  assert.ok(r.diverged);
  assert.equal(r.bestIteration, 0);
  assert.match(r.stopped, /; restored the last finite best parameters, of iteration 0 \(dev error [\d.]+\)$/);
  for (const M of Object.values(model.parameters)) for (const v of M.data) assert.ok(Number.isFinite(v));
});

test('model JSON round trip, and damaged or foreign files are refused', () => {
  const { d, X, Y } = irisXY();
  const model = Model.create({
    dims: [4, 5, 3],
    output: 'softmax',
    backend,
    normalize: 'standard',
    classes: d.classes!,
  });
  model.fitSync(X, Y, { learningRate: 0.01, optimizer: 'adam', iterations: 20 });
  const json = JSON.parse(JSON.stringify(modelToJSON(model)));
  const back = modelFromJSON(json, 'm.json', backend);
  assert.deepEqual(back.forward(X).data, model.forward(X).data);
  assert.deepEqual(back.classes, d.classes);
  const edited = structuredClone(json);
  edited.parameters.W1[0][0] += 1e-3;
  assert.throws(() => modelFromJSON(edited, 'm.json', backend), {
    name: 'DataError',
    message: /^m\.json: the file does not match its checksum/,
  });
  assert.throws(
    () => modelFromJSON({ W1: [[1]], b1: [[0]] }, 'p.json', backend),
    /p\.json: not an lnn model \("format" is undefined, expected "lnn-model"\); this looks like a parameters file: use it with --init/,
  );
  const badShape = structuredClone(json);
  badShape.parameters.W2 = [[1, 2]];
  assert.throws(
    () => modelFromJSON(badShape, 'm.json', backend),
    (e: Error) => e instanceof ShapeError || e instanceof DataError,
  );
  assert.throws(() => modelFromJSON({ ...json, version: 9 }, 'm.json', backend), /version 9 is not supported/);
});
