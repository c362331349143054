import { ValueError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';

/**
 * The order in which an epoch visits the training examples (positions 0..m-1 of the training set).
 * - 'examples': a fresh random permutation each epoch (the course's mini-batch shuffle). Needs every
 *   example at hand at random: the default in memory.
 * - 'blocks': the training set cut into blocks of B consecutive examples (in file order); each epoch
 *   permutes the blocks, takes them K at a time ("a buffer"), and permutes the examples within each
 *   buffer. A buffer is read from disk as K contiguous row ranges: the default when streaming.
 * - 'none': file order, every epoch. Streamed and in-memory training then see the same batches.
 * The order depends only on the seed, m, B and K — not on where the examples are held — so a streamed
 * run and an in-memory run with the same shuffle visit the examples in the same order and give the
 * same parameters. Browser-safe.
 */
export type ShuffleKind = 'examples' | 'blocks' | 'none';
export const SHUFFLE_KINDS: readonly ShuffleKind[] = ['examples', 'blocks', 'none'];

export interface Shuffle {
  kind: ShuffleKind;
  /** B: examples per block ('blocks', 'none'); default: about 1 MiB of rows. */
  blockRows?: number | undefined;
  /** K: blocks per buffer; default 16, and at least enough for two batches. */
  blocksPerBuffer?: number | undefined;
}

/** Bytes of rows a block holds by default: large enough that a read costs little more than its bytes. */
const BLOCK_BYTES = 2 ** 20;
/** Blocks per buffer by default: a buffer of ~16 MiB, shuffled within. */
const BLOCKS_PER_BUFFER = 16;

/** B and K for rows of `rowBytes` bytes and batches of `batchSize`: a buffer holds at least two batches. */
export function blockLayout(shuffle: Shuffle, rowBytes: number, batchSize: number): { B: number; K: number } {
  const B = shuffle.blockRows ?? Math.max(1, Math.floor(BLOCK_BYTES / Math.max(1, rowBytes)));
  if (!Number.isInteger(B) || B < 1)
    throw new ValueError(`shuffle: rows per block must be a whole number ≥ 1 but is ${B}`);
  const K = shuffle.blocksPerBuffer ?? Math.max(BLOCKS_PER_BUFFER, Math.ceil((2 * batchSize) / B));
  return { B, K };
}

/**
 * One epoch's order: `order[k]` is the training position visited k-th. For 'blocks' and 'none' also the
 * buffers: buffer g covers order[groupEnds[g-1] .. groupEnds[g]) and reads the blocks
 * groupBlocks[groupStarts[g] .. groupStarts[g+1]).
 */
export interface EpochOrder {
  order: Int32Array;
  groups?: { ends: Int32Array; starts: Int32Array; blocks: Int32Array };
}

/**
 * The order of one epoch over m training examples, drawn from `rng` (which only this uses, so drawing
 * the next epoch's order early changes nothing). Rows of `rowBytes` bytes and batches of `batchSize`
 * (default 1) set the blocks (blockLayout).
 * @example epochOrder(6, { kind: 'none', blockRows: 2, blocksPerBuffer: 2 }, rng, { rowBytes: 2 }).order // => [0, 1, 2, 3, 4, 5]
 */
export function epochOrder(
  m: number,
  shuffle: Shuffle,
  rng: Rng,
  { rowBytes, batchSize = 1 }: { rowBytes: number; batchSize?: number },
): EpochOrder {
  if (shuffle.kind === 'examples') return { order: rng.permutation(m) };
  const { B, K } = blockLayout(shuffle, rowBytes, batchSize);
  const nb = Math.ceil(m / B);
  const blocks = shuffle.kind === 'blocks' ? rng.permutation(nb) : Int32Array.from({ length: nb }, (_, b) => b);
  const ng = Math.ceil(nb / K);
  const order = new Int32Array(m);
  const ends = new Int32Array(ng),
    starts = new Int32Array(ng + 1);
  let k = 0;
  for (let g = 0; g < ng; g++) {
    starts[g] = g * K;
    const first = k;
    for (let t = g * K; t < Math.min(nb, (g + 1) * K); t++) {
      const b = blocks[t]!;
      for (let p = b * B; p < Math.min(m, (b + 1) * B); p++) order[k++] = p;
    }
    if (shuffle.kind === 'blocks') {
      const within = rng.permutation(k - first);
      const part = order.slice(first, k);
      for (let t = 0; t < within.length; t++) order[first + t] = part[within[t]!]!;
    }
    ends[g] = k;
  }
  starts[ng] = nb;
  return { order, groups: { ends, starts, blocks } };
}
