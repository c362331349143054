import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkHyperparameter, describeRule, HYPERPARAMETERS } from '../../src/nn/hyperparameters.js';
import { checkMemory, estimateTrainingMemory, formatBytes, parseByteSize } from '../../src/train/memory.js';
import { OPTIMIZER_INFO, OPTIMIZERS } from '../../src/nn/update.js';
import { courseBatchSize, defaultBatchSize, epochBatchSize, makeSchedule } from '../../src/train/schedule.js';

test('the schedule: full batch by default 2500 iterations, mini-batches 20 epochs, computed once', () => {
  assert.deepEqual(makeSchedule(209, {}), { m: 209, full: true, batchSize: 209, perEpoch: 1, iterations: 2500 });
  assert.deepEqual(makeSchedule(1000, { batchSize: 64 }), {
    m: 1000,
    full: false,
    batchSize: 64,
    perEpoch: 16,
    iterations: 320,
    epochs: 20,
  });
  assert.equal(makeSchedule(1000, { batchSize: 64, epochs: 2 }).iterations, 32);
  assert.equal(makeSchedule(1000, { batchSize: 5000 }).full, true);
  assert.throws(() => makeSchedule(10, { iterations: 1, epochs: 1 }), {
    message: 'give iterations or epochs, not both',
  });
  assert.throws(() => makeSchedule(0, {}), { message: 'cannot train on m = 0 examples' });
  assert.throws(() => makeSchedule(10, { batchSize: 0 }), { message: 'batch size must be an integer ≥ 1 but is 0' });
  // The course's rule: all m up to 2,000 examples, else 64.
  assert.equal(courseBatchSize(2000), undefined);
  assert.equal(courseBatchSize(2001), 64);
});

test('epochs are passes in mini-batches: a batch size that suits m, about 16 updates an epoch up to m = 2,000', () => {
  // m/16 rounded down to a power of two, between 4 and 32; 64 above 2,000 examples.
  assert.deepEqual(
    [10, 90, 150, 341, 511, 512, 2000, 2001, 60000].map(epochBatchSize),
    [4, 4, 8, 16, 16, 32, 32, 64, 64],
  );
  // With epochs, always mini-batches; with iterations or neither, the course's rule stays.
  assert.equal(defaultBatchSize(90, { epochs: 50 }), 4);
  assert.equal(defaultBatchSize(90, {}), undefined);
  assert.equal(defaultBatchSize(6000, {}), 64);
  const s = makeSchedule(90, { epochs: 50, batchSize: defaultBatchSize(90, { epochs: 50 }) });
  assert.deepEqual([s.full, s.perEpoch, s.iterations, s.epochs], [false, 23, 1150, 50]);
  // The library's blocks keep the promise too: epochs without a batch size are mini-batch passes.
  const own = makeSchedule(90, { epochs: 50 });
  assert.deepEqual([own.full, own.batchSize, own.iterations, own.epochs], [false, 4, 1150, 50]);
  assert.deepEqual([makeSchedule(3, { epochs: 2 }).full, makeSchedule(3, { epochs: 2 }).iterations], [true, 2]);
});

test('every hyperparameter rule reads as the message says', () => {
  assert.equal(describeRule(HYPERPARAMETERS.learningRate), 'a number > 0');
  assert.equal(describeRule(HYPERPARAMETERS.keepProb), 'a number in (0, 1]');
  assert.equal(describeRule(HYPERPARAMETERS.beta1), 'a number in [0, 1)');
  assert.equal(describeRule(HYPERPARAMETERS.seed), 'an integer in [0, 4294967295]');
  for (const [key, rule] of Object.entries(HYPERPARAMETERS)) {
    // Every rule refuses a non-finite value and names the hyperparameter in words.
    assert.throws(() => checkHyperparameter(key as keyof typeof HYPERPARAMETERS, NaN), {
      message: `${rule.name} must be ${describeRule(rule)} but is NaN`,
    });
  }
  assert.doesNotThrow(() => checkHyperparameter('keepProb', 1));
  assert.throws(() => checkHyperparameter('beta2', 1), { message: "Adam's beta2 must be a number in [0, 1) but is 1" });
});

test('the memory a run needs, from the sizes alone', () => {
  // [2, 3, 1], float64, full batch of 10, gd, no dropout, no early stop:
  // parameters 13 → (W,b) + (dW,db) = 2 copies of 8 B + the float64 draw 8 B = 312 B;
  // per example: units 4 · (Z, A, dZ, dA) + n[0] 2 + n[L] 1 = 19 values · 10 · 8 B = 1520 B;
  // the normalized copy of train X: 10 · 2 · 8 B = 160 B.
  const e = estimateTrainingMemory({
    dims: [2, 3, 1],
    dtype: 'float64',
    batchSize: 10,
    m: 10,
    optimizer: 'gd',
    dropout: false,
    earlyStop: false,
  });
  assert.equal(e.bytes, 312 + 1520 + 160);
  assert.deepEqual(e.largest, { name: 'X', bytes: 160 });
  // Adam keeps v and s: two more copies of the parameters.
  const adam = estimateTrainingMemory({
    dims: [2, 3, 1],
    dtype: 'float64',
    batchSize: 10,
    m: 10,
    optimizer: 'adam',
    dropout: false,
    earlyStop: false,
  });
  assert.equal(adam.bytes - e.bytes, 2 * 13 * 8);
  // Dropout keeps A·D/keepProb per unit (a value) and the mask D (a byte).
  const dropout = estimateTrainingMemory({
    dims: [2, 3, 1],
    dtype: 'float64',
    batchSize: 10,
    m: 10,
    optimizer: 'gd',
    dropout: true,
    earlyStop: false,
  });
  assert.equal(dropout.bytes - e.bytes, 4 * 10 * (8 + 1));
  const huge = estimateTrainingMemory({
    dims: [784, 1e9, 10],
    dtype: 'float32',
    batchSize: 64,
    m: 60000,
    optimizer: 'adam',
    dropout: false,
    earlyStop: false,
  });
  assert.deepEqual(huge.largest, { name: 'W[1]', bytes: 784e9 * 4 });
  assert.throws(() => checkMemory(huge, { machineBytes: 23e9, backendBytes: 4 * 2 ** 30, backendName: 'wasm' }), {
    name: 'ValueError',
    message:
      /^the network and its batch need [\d.]+e\+\d GB \(W\[1\] alone 3\.1e\+3 GB\); this machine has 23\.0 GB, the wasm backend 4\.3 GB: use fewer or smaller layers, a smaller batch$/,
  });
  assert.doesNotThrow(() => checkMemory(e, { machineBytes: 23e9, backendBytes: 4 * 2 ** 30 }));
  // A page that does not tell its memory: the backend's limit alone.
  assert.throws(() => checkMemory(huge, { backendBytes: 4 * 2 ** 30, backendName: 'wasm' }), {
    name: 'ValueError',
    message: /; the wasm backend can hold 4\.3 GB: use fewer or smaller layers, a smaller batch$/,
  });
  assert.doesNotThrow(() => checkMemory(huge, {}));
});

test("the estimate counts each optimizer's state from its row: a copy of the parameters per matrix it keeps", () => {
  const plan = { dims: [2, 3, 1], dtype: 'float32' as const, batchSize: 10, m: 10, dropout: false, earlyStop: false };
  const gd = estimateTrainingMemory({ ...plan, optimizer: 'gd' }).bytes;
  for (const optimizer of OPTIMIZERS)
    // 13 parameters of 4 bytes per matrix of the row's state.
    assert.equal(
      estimateTrainingMemory({ ...plan, optimizer }).bytes - gd,
      OPTIMIZER_INFO[optimizer].state.length * 13 * 4,
      optimizer,
    );
});

test('the lean estimate: the features as held, the read-ahead ring and the labels, not normalized copies', () => {
  const plan = {
    dims: [784, 32, 10],
    dtype: 'float32' as const,
    batchSize: 64,
    m: 980_000,
    devM: 10_000,
    optimizer: 'adam' as const,
    dropout: false,
    earlyStop: false,
  };
  const copies = estimateTrainingMemory(plan);
  // 1,000,000 uint8 images held once (784 MB), against two float32 copies of train and dev (3.1 GB).
  const lean = estimateTrainingMemory({ ...plan, dataBytes: 784e6, labelBytes: 20e6 });
  assert.equal(copies.bytes - lean.bytes, (980_000 + 10_000) * 784 * 4 - 784e6 - 20e6);
  // Streamed: nothing of the training set in memory but the ring.
  const streamed = estimateTrainingMemory({ ...plan, dataBytes: 15.7e6, streamBytes: 64e6, labelBytes: 20e6 });
  assert.equal(lean.bytes - streamed.bytes, 784e6 - 15.7e6 - 64e6);
});

test('sizes in bytes: a number with an optional unit, powers of 1024', () => {
  assert.equal(parseByteSize('1g'), 2 ** 30);
  assert.equal(parseByteSize('512M'), 512 * 2 ** 20);
  assert.equal(parseByteSize('1.5GiB'), 1.5 * 2 ** 30);
  assert.equal(parseByteSize('40k'), 40 * 1024);
  assert.equal(parseByteSize('2000000000'), 2e9);
  for (const bad of ['', 'g', '-1g', '1x', '0'])
    assert.throws(() => parseByteSize(bad), {
      name: 'ValueError',
      message: `a memory size must be a positive number of bytes with an optional unit k, m, g or t (512m, 1g, 1.5GiB) but is '${bad}'`,
    });
  assert.equal(formatBytes(3.14e9), '2.9 GiB');
  assert.equal(formatBytes(2 ** 30), '1.0 GiB');
  assert.equal(formatBytes(41_000), '40.0 KiB');
  assert.equal(formatBytes(300 * 2 ** 20), '300 MiB');
});
