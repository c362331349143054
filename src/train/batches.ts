import type { Backend } from '../backend/backend.js';
import { ValueError } from '../core/errors.js';
import type { DType, Matrix } from '../core/matrix.js';
import type { Rng } from '../core/rng.js';
import { STORED_TYPES, type FeatureSource } from '../data/features.js';
import { checkGathered } from '../data/fits.js';
import { gatherRows, type Affine } from '../data/gather.js';
import type { Normalization } from '../data/prepare/normalize.js';
import { RowFeatures, type RowStreamer, type RowStreamerFactory } from '../data/rows.js';
import type { TargetSource } from '../data/targets.js';
import { createWorkspace, freeWorkspace, type Workspace } from '../nn/workspace.js';
import { blockLayout, epochOrder, type EpochOrder, type Shuffle } from './order.js';
import type { Schedule } from './schedule.js';

/** One batch, ready for modelForward: X_b: (n[0], size), Y_b: (n[L], size) and the workspace of its size. */
export interface Batch {
  ws: Workspace;
  X: Matrix;
  Y: Matrix;
  size: number;
  /** Training example (position in the training set) of the batch's column j. */
  example(j: number): number;
}

/** What training reads: raw features, targets and class labels, and the preprocessing applied to each batch. */
export interface TrainingData {
  /** X: (n[0], m), raw (as the data set holds it). */
  X: FeatureSource;
  /** Y: (n[L], m). */
  Y: TargetSource;
  /** The normalization (and imputation) as a per-feature affine map: x' = (fill(x) − shift) / scale. */
  f: Affine;
  /** For messages about a value the normalization pushes out of range. */
  normalization?: Normalization | undefined;
  /** Classification: the class index of each example (the train error counts them); batches do not read them. */
  labels?: Int32Array | undefined;
}

/** The batches of a schedule, one per update; `waits` says how often a streamed run waited for the disk. */
export interface BatchSource {
  at(iteration: number): Batch;
  readonly waits?: RowStreamer['waits'] | undefined;
  dispose(): void;
}

/** How a run's batches are made: which, in what order, and the matrices they are gathered into. */
export interface BatchOptions {
  /** m, the batch size, the iterations and epochs of the run. */
  schedule: Schedule;
  /** n[0..L]: the batch matrices X_b: (n[0], b), Y_b: (n[L], b) and their workspace. */
  dims: number[];
  dtype: DType;
  /** Where the batch matrices live. */
  backend: Backend;
  /** Whether the workspace keeps dropout masks. */
  dropout: boolean;
  /** Draws each epoch's order. */
  shuffleRng: Rng;
  /** The order of the examples in each epoch (default: a fresh permutation of the examples). */
  shuffle?: Shuffle | undefined;
}

/** Streaming from disk: blocks or none (never examples), read by the reader `factory` makes. */
export interface StreamedBatchOptions extends BatchOptions {
  shuffle: Shuffle;
  factory: RowStreamerFactory;
}

/** Preallocated batch matrices in the backend's memory, one set per batch size (the last batch is shorter). */
class BatchBuffers {
  private readonly bySize = new Map<number, { ws: Workspace; X: Matrix; Y: Matrix; fresh: boolean }>();

  constructor(private readonly o: Pick<BatchOptions, 'dims' | 'dtype' | 'backend' | 'dropout'>) {}

  get(size: number): { ws: Workspace; X: Matrix; Y: Matrix; fresh: boolean } {
    let b = this.bySize.get(size);
    if (b) return { ...b, fresh: false };
    const { dims, dtype, backend: be, dropout } = this.o,
      L = dims.length - 1;
    b = {
      ws: createWorkspace(dims, size, { dtype, backend: be, dropout }),
      X: be.zeros(dims[0]!, size, dtype),
      Y: be.zeros(dims[L]!, size, dtype),
      fresh: true,
    };
    this.bySize.set(size, b);
    return b;
  }

  dispose(): void {
    const be = this.o.backend;
    for (const { ws, X, Y } of this.bySize.values()) {
      freeWorkspace(ws, be);
      be.free(X);
      be.free(Y);
    }
    this.bySize.clear();
  }
}

/**
 * The training positions in file order (rank r is position ranks[r]), or undefined when the set is in
 * file order already. 'blocks' and 'none' are laid over the examples in the order of their file,
 * wherever they sit in the training set, so that a block is a range of rows on disk.  X: (n[0], m).
 */
function fileRanks(X: FeatureSource): Int32Array | undefined {
  const numbers = X.examples();
  let sorted = true;
  for (let p = 1; p < numbers.length && sorted; p++) if (numbers[p]! < numbers[p - 1]!) sorted = false;
  if (sorted) return undefined;
  return Int32Array.from({ length: numbers.length }, (_, p) => p).sort((a, b) => numbers[a]! - numbers[b]! || a - b);
}

/** The training positions of an order of ranks (see fileRanks); the order itself when there are no ranks. */
function positionsOf(order: Int32Array, ranks: Int32Array | undefined): Int32Array {
  return ranks ? order.map((r) => ranks[r]!) : order;
}

/**
 * Gathers positions order[start ..] of the data into a batch, normalized, and checks every value fits.
 * X: (n[0], b), Y: (n[L], b), b = X.cols.
 */
function fill(data: TrainingData, order: ArrayLike<number>, start: number, { X, Y }: { X: Matrix; Y: Matrix }): void {
  data.X.gather(order, start, X, data.f);
  checkGathered(X, (row, col) => data.X.entry(row, order[start + col]!), data.normalization);
  data.Y.gather(order, start, Y);
}

/**
 * The batches of a schedule from examples held in memory (or, for a full batch, read once from disk).
 * Full batch: X and Y are gathered once and every iteration reuses them. Mini-batches: each epoch draws
 * its order (see order.ts); each iteration gathers its columns, normalized on the way, into
 * preallocated batch-sized matrices. Nothing is allocated per iteration beyond small index arrays.
 */
export class Batches implements BatchSource {
  private readonly buffers: BatchBuffers;
  private order: Int32Array = new Int32Array(0);
  private readonly schedule: Schedule;
  private readonly shuffleRng: Rng;
  private readonly shuffle: Shuffle;
  private readonly rowBytes: number;
  /** 'blocks' and 'none': the positions in file order (see fileRanks). */
  private readonly ranks: Int32Array | undefined;

  constructor(
    private readonly data: TrainingData,
    options: BatchOptions,
  ) {
    this.schedule = options.schedule;
    this.shuffleRng = options.shuffleRng;
    this.shuffle = options.shuffle ?? { kind: 'examples' };
    this.buffers = new BatchBuffers(options);
    this.rowBytes = data.X.rows * STORED_TYPES[data.X.stored].bytes;
    this.ranks = this.shuffle.kind === 'examples' ? undefined : fileRanks(data.X);
  }

  /** The batch that update number `iteration` (from 0) trains on. */
  at(iteration: number): Batch {
    const { full, m, batchSize, perEpoch } = this.schedule;
    if (full) {
      const b = this.buffers.get(m);
      if (b.fresh) fill(this.data, identity(m), 0, b);
      return { ...b, size: m, example: (j) => j };
    }
    const step = iteration % perEpoch;
    if (step === 0) {
      const order = epochOrder(m, this.shuffle, this.shuffleRng, { rowBytes: this.rowBytes, batchSize }).order;
      this.order = positionsOf(order, this.ranks);
    }
    const start = step * batchSize;
    const size = Math.min(batchSize, m - start);
    const b = this.buffers.get(size);
    fill(this.data, this.order, start, b);
    const order = this.order;
    return { ...b, size, example: (j) => order[start + j]! };
  }

  dispose(): void {
    this.buffers.dispose();
  }
}

/** 0, 1, ..., m-1. */
function identity(m: number): Int32Array {
  const out = new Int32Array(m);
  for (let j = 0; j < m; j++) out[j] = j;
  return out;
}

/**
 * The batches of a schedule from a file on disk, read in the background by a `RowStreamer` while the
 * kernels run. Each epoch's order (blocks or none, see order.ts) is drawn one epoch ahead and its
 * buffers are posted to the reader, which reads each buffer's blocks as contiguous row ranges into a
 * ring slot; a batch is gathered from the slots that hold its examples, normalized on the way — the
 * same arithmetic on the same values as in memory, so the results are the same.
 */
export class StreamedBatches implements BatchSource {
  private readonly buffers: BatchBuffers;
  private readonly reader: RowStreamer;
  private readonly B: number;
  private readonly K: number;
  /** File row of each rank (the training set in file order; see fileRanks). */
  private readonly rows: Int32Array;
  /** The training position of each rank, when the set is not in file order. */
  private readonly ranks: Int32Array | undefined;
  private readonly rowBytes: number;
  private readonly valueBytes: number;
  private readonly epochs: (EpochPlan | undefined)[] = [];
  private nextSeq = 0;
  private released = 0;
  private readonly schedule: Schedule;
  private readonly shuffleRng: Rng;
  private readonly shuffle: Shuffle;

  constructor(
    private readonly data: TrainingData,
    options: StreamedBatchOptions,
  ) {
    const { schedule, shuffle, factory } = options;
    this.schedule = schedule;
    this.shuffleRng = options.shuffleRng;
    this.shuffle = shuffle;
    const X = data.X;
    if (!(X instanceof RowFeatures) || !X.backing.stream)
      throw new ValueError(`${X.source}: only a .npy or HDF5 file left on disk can be streamed`);
    if (shuffle.kind === 'examples')
      throw new ValueError(
        `${X.source}: --shuffle examples reads every example at random, which streaming from disk cannot do fast; use --shuffle blocks (the default when streaming) or none`,
      );
    this.ranks = fileRanks(X);
    const numbers = X.examples(),
      ranks = this.ranks;
    this.rows = Int32Array.from({ length: X.cols }, (_, r) => numbers[ranks ? ranks[r]! : r]!);
    this.valueBytes = STORED_TYPES[X.stored].bytes;
    this.rowBytes = X.rows * this.valueBytes;
    ({ B: this.B, K: this.K } = blockLayout(shuffle, this.rowBytes, schedule.batchSize));
    // A buffer holds K blocks (fewer when the training set has fewer), each as many file rows as it spans.
    const slotBytes = Math.min(this.K, Math.ceil(this.rows.length / this.B)) * this.maxBlockSpan() * this.rowBytes;
    this.reader = factory(X.backing.stream, { stored: X.stored, rowBytes: this.rowBytes, slotBytes, slots: 4 });
    this.buffers = new BatchBuffers(options);
    this.plan(0);
    this.plan(1);
  }

  get waits(): RowStreamer['waits'] {
    return this.reader.waits;
  }

  /** The most file rows one block spans (its examples and the dev/test rows between them). */
  private maxBlockSpan(): number {
    const m = this.rows.length;
    let most = 1;
    for (let p = 0; p < m; p += this.B)
      most = Math.max(most, this.rows[Math.min(m, p + this.B) - 1]! - this.rows[p]! + 1);
    return most;
  }

  /** Draws epoch e's order and posts its buffers to the reader (epochs are planned in order, one ahead). */
  private plan(e: number): void {
    const { m, batchSize, perEpoch, iterations } = this.schedule;
    if (e * perEpoch >= iterations || this.epochs[e]) return;
    const order = epochOrder(m, this.shuffle, this.shuffleRng, { rowBytes: this.rowBytes, batchSize });
    const { ends, starts, blocks } = order.groups!;
    const base = new Float64Array(Math.ceil(m / this.B));
    const posts: Float64Array[] = [];
    for (let g = 0; g < ends.length; g++) {
      const spans: number[] = [];
      const slot = ((this.nextSeq + g) % this.reader.slots) * this.reader.slotBytes;
      let offset = 0;
      for (let t = starts[g]!; t < starts[g + 1]!; t++) {
        const b = blocks[t]!;
        const first = this.rows[b * this.B]!,
          last = this.rows[Math.min(m, (b + 1) * this.B) - 1]!;
        spans.push(first, last - first + 1, offset);
        base[b] = slot + offset - first * this.rowBytes;
        offset += (last - first + 1) * this.rowBytes;
      }
      posts.push(Float64Array.from(spans));
    }
    const positions = positionsOf(order.order, this.ranks);
    this.epochs[e] = { order, positions, seq: this.nextSeq, base };
    this.nextSeq += ends.length;
    this.reader.post(posts);
  }

  at(iteration: number): Batch {
    const { m, batchSize, perEpoch } = this.schedule;
    const e = Math.floor(iteration / perEpoch),
      step = iteration % perEpoch;
    if (step === 0) {
      if (e > 0) this.epochs[e - 1] = undefined;
      this.plan(e + 1);
    }
    const ep = this.epochs[e]!;
    const { order } = ep.order;
    const { positions } = ep;
    const { ends } = ep.order.groups!;
    const start = step * batchSize;
    const size = Math.min(batchSize, m - start);
    // The buffers holding order[start, start + size): wait for each, then gather from the ring.
    let g = lowerBound(ends, start);
    const last = lowerBound(ends, start + size - 1);
    for (let h = g; h <= last; h++) this.reader.wait(ep.seq + h);
    const b = this.buffers.get(size);
    const n = this.data.X.rows;
    const bases = new Float64Array(size);
    for (let j = 0; j < size; j++) {
      const r = order[start + j]!;
      bases[j] = (ep.base[Math.floor(r / this.B)]! + this.rows[r]! * this.rowBytes) / this.valueBytes;
    }
    gatherRows({ values: this.reader.values, n }, bases, b.X.data, this.data.f);
    checkGathered(b.X, (row, col) => this.data.X.entry(row, positions[start + col]!), this.data.normalization);
    this.data.Y.gather(positions, start, b.Y);
    // Buffers wholly consumed go back to the reader.
    while (g < ends.length && ends[g]! <= start + size) g++;
    const done = ep.seq + g;
    if (done > this.released) this.reader.release((this.released = done));
    return { ...b, size, example: (j) => positions[start + j]! };
  }

  dispose(): void {
    this.reader.close();
    this.buffers.dispose();
  }
}

/**
 * An epoch's order (of ranks: the training set in file order) with the ring position of its buffers:
 * block b's file row r is at byte base[b] + r · rowBytes.
 */
interface EpochPlan {
  order: EpochOrder;
  /** The training position of each entry of the order. */
  positions: Int32Array;
  /** Sequence number of the epoch's first buffer. */
  seq: number;
  base: Float64Array;
}

/** The first g with ends[g] > k: the buffer holding order position k. */
function lowerBound(ends: Int32Array, k: number): number {
  let lo = 0,
    hi = ends.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ends[mid]! > k) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
