// The model as it crosses from the training worker to the page (src/browser/model-state.ts): everything a
// Model is comes back, the parameters bit for bit; a state whose shapes do not fit its architecture is a
// DataError naming the parameter and the rule.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultBackend, initBackends } from '../../src/backend/index.js';
import { loadParameters, modelFromState, modelState } from '../../src/browser/model-state.js';
import { modelToJSON } from '../../src/train/model-json.js';
import { train } from '../../src/workflow/train.js';

await initBackends();

const rows = Array.from({ length: 48 }, (_, i) => [i % 4, (i * 7) % 5, i % 2 === 0 ? NaN : i / 48]);
const labels = rows.map((_, i) => [3, 5, 8][i % 3]!);

test('a trained model comes back whole: parameters, normalization, classes (as numbers), imputer, names', async () => {
  const { model } = await train({ data: { rows, labels }, hidden: [6], epochs: 3, impute: 'mean', split: 'none' });
  const { state, transfer } = modelState(model);
  assert.equal(transfer.length, 4, 'W1, b1, W2, b2 move as buffers');
  const back = modelFromState(structuredClone(state, { transfer }), defaultBackend());
  assert.deepEqual(modelToJSON(back), modelToJSON(model));
  assert.deepEqual(back.predictProba([[1, 2, 0.5]]), model.predictProba([[1, 2, 0.5]]));
  assert.deepEqual(back.imputer, model.imputer);
  assert.equal(typeof back.predict([[1, 2, 0.5]])[0], 'number');
  model.dispose();
  back.dispose();
});

test('a state that does not fit its architecture is refused, naming the parameter', async () => {
  const { model } = await train({ data: { rows: rows.map((r) => r.slice(0, 2)), labels }, hidden: [6], epochs: 1 });
  const { state } = modelState(model);
  const broken = { ...state, parameters: { ...state.parameters, W2: { ...state.parameters['W2']!, cols: 5 } } };
  assert.throws(() => modelFromState(broken), {
    name: 'DataError',
    message: 'the trained model: W2 must be (n[2], n[1]) = (3, 6) but is (3, 5)',
  });
  const { b1: _, ...missing } = state.parameters;
  assert.throws(() => modelFromState({ ...state, parameters: missing }), {
    name: 'DataError',
    message: 'the trained model: b1 must be (n[1], 1) = (6, 1) but is missing',
  });
  model.dispose();
});

test('loadParameters gives a model the parameters of a snapshot in place, checked first', async () => {
  const { model } = await train({ data: { rows: rows.map((r) => r.slice(0, 2)), labels }, hidden: [6], epochs: 1 });
  const { model: other } = await train({
    data: { rows: rows.map((r) => r.slice(0, 2)), labels },
    hidden: [6],
    epochs: 3,
    seed: 9,
  });
  const { state } = modelState(other);
  const W1 = model.parameters['W1']!;
  loadParameters(model, state.parameters);
  assert.equal(model.parameters['W1'], W1, 'the same matrices, new values');
  assert.deepEqual(model.predictProba([[1, 2]]), other.predictProba([[1, 2]]));
  const before = Array.from(model.parameters['W1']!.data);
  const wrong = { ...state.parameters, b2: { rows: 2, cols: 1, data: new Float32Array(2) } };
  assert.throws(() => loadParameters(model, wrong), {
    name: 'DataError',
    message: 'a snapshot: b2 must be (n[2], 1) = (3, 1) but is (2, 1)',
  });
  assert.deepEqual(Array.from(model.parameters['W1']!.data), before, 'nothing changed');
  model.dispose();
  other.dispose();
});
