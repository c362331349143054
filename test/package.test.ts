// The package as a user imports it: `import ... from 'lnn'` resolves through package.json's exports to the
// built dist/ (npm test builds first), with the course's blocks and the model API (test/docs.test.ts runs the
// README's own examples).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { nativeUnavailable } from './backend/backends.js';
import { repoRoot } from './helpers/util.js';

test('the blocks and the model API run against the built package', async () => {
  const script = `
    import { initBackends, loadDataset, trainDevTestSplit, targets, Model, defaultBackend, modelForward,
             initializeParametersDeep, computeCost, modelBackward, updateParameters, fromArray } from 'lnn';
    await initBackends();
    const data = await loadDataset({ data: 'builtin:iris' });
    const { train, dev } = trainDevTestSplit(data, { seed: 1 });
    const model = Model.create({ dims: [4, 16, 3], output: 'softmax', classes: data.classes, normalize: 'standard' });
    model.fitSync(train.X, targets(train, 'softmax'), { learningRate: 0.01, optimizer: 'adam', iterations: 500 });
    const p = initializeParametersDeep([2, 3, 1], { seed: 1, dtype: 'float32' });
    const X = fromArray([[1, 2], [3, 4]]), Y = fromArray([[0, 1]]);
    const { AL, caches } = modelForward(X, p);
    updateParameters(p, modelBackward(AL, Y, caches), 0.1);
    console.log(JSON.stringify({ backend: defaultBackend().name, accuracy: model.evaluate(dev.X, targets(dev, 'softmax')).accuracy, cost: computeCost(AL, Y) }));
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repoRoot, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim());
  // The fastest backend that loaded: native where there is an addon (npm ci builds it), else wasm.
  assert.equal(out.backend, (await nativeUnavailable()) === undefined ? 'native' : 'wasm');
  assert.ok(out.accuracy > 0.9, String(out.accuracy));
  assert.ok(Number.isFinite(out.cost));
});
