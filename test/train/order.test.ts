import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { blockLayout, epochOrder, SHUFFLE_KINDS } from '../../src/train/order.js';

const isPermutation = (order: Int32Array, m: number) =>
  [...order].sort((a, b) => a - b).every((v, i) => v === i) && order.length === m;

describe('epoch orders', () => {
  for (const kind of SHUFFLE_KINDS)
    it(`${kind}: every training example once an epoch, the same for the same seed`, () => {
      const a = epochOrder(103, { kind, blockRows: 10, blocksPerBuffer: 3 }, new Rng(4), { rowBytes: 8, batchSize: 4 });
      const b = epochOrder(103, { kind, blockRows: 10, blocksPerBuffer: 3 }, new Rng(4), { rowBytes: 8, batchSize: 4 });
      assert.ok(isPermutation(a.order, 103));
      assert.deepEqual(a.order, b.order);
    });

  it("'examples' is the trainer's permutation of old: rng.permutation(m)", () => {
    assert.deepEqual(
      epochOrder(50, { kind: 'examples' }, new Rng(9), { rowBytes: 4 }).order,
      new Rng(9).permutation(50),
    );
  });

  it("'none' is file order, in buffers of K blocks", () => {
    const { order, groups } = epochOrder(25, { kind: 'none', blockRows: 4, blocksPerBuffer: 2 }, new Rng(1), {
      rowBytes: 1,
    });
    assert.deepEqual(
      Array.from(order),
      Array.from({ length: 25 }, (_, k) => k),
    );
    assert.deepEqual(Array.from(groups!.ends), [8, 16, 24, 25]);
    assert.deepEqual(Array.from(groups!.blocks), [0, 1, 2, 3, 4, 5, 6]);
  });

  it("'blocks' shuffles blocks, then examples within each buffer of K blocks", () => {
    const B = 5,
      K = 2;
    const { order, groups } = epochOrder(40, { kind: 'blocks', blockRows: B, blocksPerBuffer: K }, new Rng(3), {
      rowBytes: 1,
    });
    const { ends, starts, blocks } = groups!;
    let from = 0;
    for (let g = 0; g < ends.length; g++) {
      // Buffer g holds exactly the examples of its K blocks, in some order.
      const mine = new Set<number>();
      for (let t = starts[g]!; t < starts[g + 1]!; t++)
        for (let p = blocks[t]! * B; p < (blocks[t]! + 1) * B; p++) mine.add(p);
      const seen = Array.from(order.subarray(from, ends[g]!));
      assert.deepEqual(
        [...seen].sort((a, b) => a - b),
        [...mine].sort((a, b) => a - b),
      );
      from = ends[g]!;
    }
    assert.notDeepEqual(Array.from(blocks), [0, 1, 2, 3, 4, 5, 6, 7], 'the blocks are shuffled');
  });

  it('block layout: about 1 MiB of rows a block, and a buffer holds at least two batches', () => {
    assert.deepEqual(blockLayout({ kind: 'blocks' }, 784, 64), { B: 1337, K: 16 });
    assert.deepEqual(blockLayout({ kind: 'blocks' }, 2 ** 21, 64), { B: 1, K: 128 });
    assert.deepEqual(blockLayout({ kind: 'blocks', blockRows: 10 }, 8, 100), { B: 10, K: 20 });
    assert.throws(() => blockLayout({ kind: 'blocks', blockRows: 0 }, 8, 1), {
      name: 'ValueError',
      message: 'shuffle: rows per block must be a whole number ≥ 1 but is 0',
    });
  });
});
