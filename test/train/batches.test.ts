// The batches a training run reads from examples in memory (src/train/batches.ts): which examples each
// update gets, normalized how, in which buffers. Streamed batches are held to these in stream.test.ts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { fromArray, type Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { featureSource, takeFeatures } from '../../src/data/features.js';
import { identityAffine } from '../../src/data/gather.js';
import { targetSource } from '../../src/data/targets.js';
import { Batches, type Batch, type TrainingData } from '../../src/train/batches.js';
import { epochOrder, type Shuffle } from '../../src/train/order.js';
import { makeSchedule } from '../../src/train/schedule.js';

const backend = new ReferenceBackend();
const m = 10;
// Example j: features (j, 10 j), label j mod 2: a batch's columns say which examples it holds.
const X = fromArray([Array.from({ length: m }, (_, j) => j), Array.from({ length: m }, (_, j) => 10 * j)], 'float64');
const Y = fromArray([Array.from({ length: m }, (_, j) => j % 2)], 'float64');
const data = (over: Partial<TrainingData> = {}): TrainingData => ({
  X: featureSource(X),
  Y: targetSource(Y),
  f: identityAffine(2),
  ...over,
});
const dims = [2, 3, 1];

function batches(batchSize: number | undefined, seed = 1, d = data(), shuffle?: Shuffle): Batches {
  const schedule = makeSchedule(m, { batchSize, epochs: batchSize === undefined ? undefined : 2 });
  return new Batches(d, {
    schedule,
    dims,
    dtype: 'float64',
    backend,
    dropout: false,
    shuffleRng: new Rng(seed),
    shuffle,
  });
}

/** Row i of a batch matrix. */
const row = (M: Matrix, i: number) => Array.from(M.data.subarray(i * M.cols, (i + 1) * M.cols));
/** The examples a batch holds, read from its first feature (example j has feature 0 = j). */
const held = (b: Batch) => row(b.X, 0);

describe('Batches: examples held in memory', () => {
  test('full batch: every example in file order, gathered once and the same matrices every update', () => {
    const src = batches(undefined);
    const first = src.at(0);
    assert.equal(first.size, m);
    assert.deepEqual(
      held(first),
      Array.from({ length: m }, (_, j) => j),
    );
    assert.deepEqual(
      row(first.X, 1),
      Array.from({ length: m }, (_, j) => 10 * j),
    );
    assert.deepEqual(
      row(first.Y, 0),
      Array.from({ length: m }, (_, j) => j % 2),
    );
    assert.equal(first.example(7), 7);
    const later = src.at(41);
    assert.equal(later.X, first.X);
    assert.equal(later.ws, first.ws);
    src.dispose();
  });

  test("mini-batches: each epoch holds every example once, in its rng's permutation; the last batch is shorter", () => {
    const src = batches(4, 7);
    const rng = new Rng(7);
    for (let epoch = 0; epoch < 2; epoch++) {
      const want = Array.from(epochOrder(m, { kind: 'examples' }, rng, { rowBytes: 16 }).order);
      // The buffers of one size are reused: read each batch before the next is gathered.
      const got = [0, 1, 2].map((step) => {
        const batch = src.at(epoch * 3 + step);
        for (let j = 0; j < batch.size; j++) {
          assert.equal(batch.example(j), batch.X.data[j], 'example(j) names the example in column j');
          assert.equal(batch.Y.data[j], batch.example(j) % 2, 'its label with it');
        }
        return held(batch);
      });
      assert.deepEqual(
        got.map((b) => b.length),
        [4, 4, 2],
      );
      assert.deepEqual(got.flat(), want, `epoch ${epoch + 1}: the order drawn from the rng`);
    }
    const [a, b] = [batches(4, 7), batches(4, 8)].map((s) => held(s.at(0)));
    assert.deepEqual(a, held(batches(4, 7).at(0)), 'the same seed, the same order');
    assert.notDeepEqual(a, b, 'another seed, another order');
    src.dispose();
  });

  test('one set of buffers per batch size: nothing is allocated per update', () => {
    const src = batches(4);
    const [a, b, last, next] = [0, 1, 2, 3].map((i) => src.at(i));
    assert.equal(a!.X, b!.X);
    assert.equal(a!.ws, next!.ws);
    assert.notEqual(last!.X, a!.X);
    assert.deepEqual([last!.X.rows, last!.X.cols, last!.Y.cols], [2, 2, 2]);
    src.dispose();
  });

  test('features are normalized as they are gathered: (fill(x) − shift) / scale', () => {
    const f = { shift: Float64Array.from([1, 0]), scale: Float64Array.from([2, 10]) };
    const b = batches(undefined, 1, data({ f })).at(0);
    assert.deepEqual(
      row(b.X, 0),
      Array.from({ length: m }, (_, j) => (j - 1) / 2),
    );
    assert.deepEqual(
      row(b.X, 1),
      Array.from({ length: m }, (_, j) => j),
    );
  });

  test('a value the normalization pushes beyond the dtype is refused, naming the example and feature', () => {
    const f = { shift: Float64Array.from([0, 0]), scale: Float64Array.from([1, 1e-320]) };
    assert.throws(() => batches(4, 1, data({ f })).at(0), {
      name: 'DataError',
      message:
        /^X: example \d+, feature 1 is \d+, beyond the range of float64; scale the data \(--normalize minmax or standard\)$/,
    });
  });

  test("'none' on a training set out of file order: batches go through the examples in their file's order", () => {
    // The training set holds file examples 8, 2, 5, 0, 9, 4 in that order (a shuffled split).
    const index = [8, 2, 5, 0, 9, 4];
    const d = data({ X: takeFeatures(X, index), Y: targetSource(fromArray([index.map((j) => j % 2)], 'float64')) });
    const schedule = makeSchedule(6, { batchSize: 4, epochs: 1 });
    const shuffle: Shuffle = { kind: 'none', blockRows: 2, blocksPerBuffer: 2 };
    const src = new Batches(d, {
      schedule,
      dims,
      dtype: 'float64',
      backend,
      dropout: false,
      shuffleRng: new Rng(1),
      shuffle,
    });
    const [first, second] = [src.at(0), src.at(1)];
    assert.deepEqual([...held(first), ...held(second)], [0, 2, 4, 5, 8, 9]);
    // example(j) is the position in the training set: file example 0 sits at position 3.
    assert.deepEqual(
      Array.from({ length: 4 }, (_, j) => first.example(j)),
      [3, 1, 5, 2],
    );
    src.dispose();
  });
});
