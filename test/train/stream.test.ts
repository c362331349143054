import assert from 'node:assert/strict';
import {
  appendFileSync,
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import h5wasm from 'h5wasm/node';
import { fromArray } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';
import { ColumnFeatures } from '../../src/data/features.js';
import '../../src/data/read/register-readers.js';
import { loadDataset, loadNpyPair } from '../../src/data/read/load.js';
import { trainDevTestSplit } from '../../src/data/prepare/split.js';
import { encodeNpy } from '../../src/data/read/npy.js';
import { leanTargets } from '../../src/data/targets.js';
import { Model } from '../../src/train/model.js';
import type { Shuffle } from '../../src/train/order.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-stream-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** m examples of n uint8 features, 3 classes that depend on the first feature. */
function files(name: string, m: number, n: number): { x: string; y: string } {
  const rng = new Rng(11);
  const x = new Uint8Array(m * n).map(() => rng.int(256));
  const y = Array.from({ length: m }, (_, e) => Math.min(2, Math.floor(x[e * n]! / 86)));
  const paths = { x: join(dir, `${name}_x.npy`), y: join(dir, `${name}_y.npy`) };
  writeFileSync(paths.x, encodeNpy([m, n], x, '|u1'));
  writeFileSync(paths.y, encodeNpy([m], y, '<i8'));
  return paths;
}

/** Trains [n, 8, 3] on the pair, held in memory or streamed from disk; returns the model and result. */
function fit(p: { x: string; y: string }, stream: boolean, shuffle: Shuffle, onIteration?: (i: number) => void) {
  const d = loadNpyPair(p.x, p.y, stream);
  const model = Model.create({
    dims: [d.X.rows, 8, 3],
    output: 'softmax',
    classes: d.classes!,
    normalize: { scale: 255 },
    seed: 2,
  });
  const result = model.fitSync(d.X, leanTargets(d, 'softmax'), {
    learningRate: 0.01,
    optimizer: 'adam',
    batchSize: 32,
    epochs: 3,
    seed: 5,
    shuffle,
    onIteration: (s) => void onIteration?.(s.iteration),
  });
  return { model, result };
}

describe('training streamed from disk', () => {
  const p = files('a', 1000, 12);
  for (const shuffle of [{ kind: 'none' }, { kind: 'blocks', blockRows: 16 }] as Shuffle[])
    it(`gives the parameters of training in memory (--shuffle ${shuffle.kind})`, () => {
      const mem = fit(p, false, shuffle),
        disk = fit(p, true, shuffle);
      assert.deepEqual(disk.model.parametersFloat64(), mem.model.parametersFloat64());
      assert.deepEqual(disk.result.history, mem.result.history);
      assert.equal(mem.result.streamed, undefined);
      // 3 epochs of buffers of 16 blocks (of 16 rows, or 2 batches' worth) were read in the background.
      assert.ok(disk.result.streamed!.buffers >= 3, JSON.stringify(disk.result.streamed));
    });

  it('a split in any order: blocks are laid over the file order, on disk and in memory alike', () => {
    const train = (stream: boolean) => {
      const d = loadNpyPair(p.x, p.y, stream);
      const { train: t } = trainDevTestSplit(d, { seed: 4 });
      const model = Model.create({
        dims: [12, 8, 3],
        output: 'softmax',
        classes: d.classes!,
        normalize: 'minmax',
        seed: 2,
      });
      model.fitSync(t.X, leanTargets(t, 'softmax'), {
        learningRate: 0.01,
        optimizer: 'adam',
        batchSize: 32,
        epochs: 2,
        seed: 5,
        shuffle: { kind: 'blocks', blockRows: 10 },
      });
      return model.parametersFloat64();
    };
    assert.deepEqual(train(true), train(false));
  });

  it('refuses to stream a holder of features that is not a file', () => {
    const X = new ColumnFeatures(fromArray([[1, 2, 3, 4]], 'float64'));
    Object.defineProperty(X, 'onDisk', { value: true });
    const model = Model.create({ dims: [1, 2, 1], output: 'sigmoid' });
    assert.throws(
      () =>
        model.fitSync(X, fromArray([[0, 1, 0, 1]], 'float64'), {
          learningRate: 0.1,
          batchSize: 2,
          epochs: 1,
          shuffle: { kind: 'none' },
        }),
      { name: 'ValueError', message: 'X: only a .npy or HDF5 file left on disk can be streamed' },
    );
  });

  it('refuses --shuffle examples on disk: it would read every example at random', () => {
    assert.throws(() => fit(p, true, { kind: 'examples' }), {
      name: 'ValueError',
      message: `${p.x}: --shuffle examples reads every example at random, which streaming from disk cannot do fast; use --shuffle blocks (the default when streaming) or none`,
    });
  });

  it('stops with the file, the example and its byte offset when the file is cut mid-epoch', () => {
    const q = files('cut', 3000, 12);
    // Rows of 12 bytes after a 128-byte header: keep 1000 whole examples and half of the next.
    const cut = 128 + 12 * 1000 + 6;
    assert.throws(
      () => fit(q, true, { kind: 'none', blockRows: 8 }, (i) => i === 5 && truncateSync(q.x, cut)),
      (e: Error) => {
        assert.equal(e.name, 'DataError');
        const m =
          /^(.*): truncated \.npy data: example (\d+) \(byte (\d+)\) is cut off; the file now ends at byte (\d+),/.exec(
            e.message,
          );
        assert.ok(m, e.message);
        assert.equal(m[1], q.x);
        assert.ok(Number(m[2]) >= 1000, `example ${m[2]}`);
        assert.equal(Number(m[3]), 128 + 12 * Number(m[2]));
        assert.equal(Number(m[4]), cut);
        return true;
      },
    );
  });

  // Rows of 12 bytes after a 128-byte header, 3000 of them: 36128 bytes.
  const changes: [string, (x: string) => void, string][] = [
    [
      'written over in place (zeros over 500 examples)',
      (x) => {
        const fd = openSync(x, 'r+');
        writeSync(fd, new Uint8Array(12 * 500), 0, 12 * 500, 128 + 12 * 1000);
        closeSync(fd);
      },
      'it was written to: its modification time went from 2001-09-09T01:46:40.000000000Z to \\S+Z',
    ],
    ['appended to', (x) => appendFileSync(x, new Uint8Array(12)), 'its size went from 36128 to 36140 bytes'],
    [
      'replaced by another file (renamed over it)',
      (x) => {
        writeFileSync(`${x}.new`, readFileSync(x));
        renameSync(`${x}.new`, x);
      },
      'its path names another file now \\(inode \\d+, now \\d+\\)',
    ],
  ];
  for (const [what, change, changed] of changes)
    it(`stops, naming the file and what changed, when the file is ${what} mid-epoch`, () => {
      const q = files(`changed-${what.split(' ')[0]}`, 3000, 12);
      // A modification time far in the past: the change cannot fall within the same clock tick.
      utimesSync(q.x, 1_000_000_000, 1_000_000_000);
      assert.throws(
        () => fit(q, true, { kind: 'none', blockRows: 8 }, (i) => i === 5 && change(q.x)),
        (e: Error) => {
          assert.equal(e.name, 'DataError');
          assert.match(
            e.message,
            new RegExp(
              `^${q.x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: changed while lnn read it: ${changed}; a file cut or changed mid-run stops the run, since the examples read before and after would not be one data set$`,
            ),
          );
          return true;
        },
      );
    });

  it('an HDF5 file streamed by hyperslab: the same check', async () => {
    await h5wasm.ready;
    const file = join(dir, 'grown.h5');
    const rng = new Rng(3);
    const x = new Uint8Array(3000 * 12).map(() => rng.int(256));
    const f = new h5wasm.File(file, 'w');
    f.create_dataset({ name: 'x', data: x, shape: [3000, 12] });
    f.create_dataset({ name: 'y', data: Float64Array.from({ length: 3000 }, (_, e) => x[e * 12]! % 3), shape: [3000] });
    f.close();
    const size = statSync(file).size;
    const d = await loadDataset({ data: file, hdf5: { xKey: 'x', yKey: 'y' }, stream: true });
    const model = Model.create({
      dims: [12, 8, 3],
      output: 'softmax',
      classes: d.classes!,
      normalize: { scale: 255 },
      seed: 2,
    });
    assert.throws(
      () =>
        model.fitSync(d.X, leanTargets(d, 'softmax'), {
          learningRate: 0.01,
          batchSize: 32,
          epochs: 3,
          shuffle: { kind: 'none', blockRows: 8 },
          onIteration: (s) => void (s.iteration === 5 && appendFileSync(file, new Uint8Array(8))),
        }),
      {
        name: 'DataError',
        message: `${file}: changed while lnn read it: its size went from ${size} to ${size + 8} bytes; a file cut or changed mid-run stops the run, since the examples read before and after would not be one data set`,
      },
    );
  });
});
