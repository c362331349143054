import type { Backend } from '../backend/backend.js';
import { gatherColumns, type DType, type Matrix } from '../core/matrix.js';
import type { Rng } from '../core/rng.js';
import { createWorkspace, freeWorkspace, type Workspace } from '../nn/workspace.js';
import type { Schedule } from './schedule.js';

/** One batch, ready for modelForward: X_b: (n[0], size), Y_b: (n[L], size) and the workspace of its size. */
export interface Batch {
  ws: Workspace;
  X: Matrix;
  Y: Matrix;
  size: number;
  /** Training example (column of the full X) of the batch's column j. */
  example(j: number): number;
}

/**
 * The batches of a schedule, in the backend's memory. Full batch: X and Y are copied once and every
 * iteration reuses them. Mini-batches: each epoch draws a permutation from `shuffle`; each iteration
 * gathers its columns into preallocated batch-sized matrices (one set for the batch size, one for the
 * last, shorter batch of an epoch). Nothing is allocated per iteration.
 */
export class Batches {
  private readonly bySize = new Map<number, { ws: Workspace; X: Matrix; Y: Matrix }>();
  private order: Int32Array = new Int32Array(0);

  constructor(
    private readonly X: Matrix,
    private readonly Y: Matrix,
    private readonly schedule: Schedule,
    private readonly dims: number[],
    private readonly dtype: DType,
    private readonly backend: Backend,
    private readonly dropout: boolean,
    private readonly shuffle: Rng,
  ) {}

  /** The batch that update number `iteration` (from 0) trains on. X: (n[0], m), Y: (n[L], m). */
  at(iteration: number): Batch {
    const { full, m, batchSize, perEpoch } = this.schedule;
    if (full) {
      const b = this.buffers(m);
      return { ...b, size: m, example: (j) => j };
    }
    const step = iteration % perEpoch;
    if (step === 0) this.order = this.shuffle.permutation(m);
    const start = step * batchSize;
    const size = Math.min(batchSize, m - start);
    const b = this.buffers(size);
    gatherColumns(this.X, this.order, start, b.X);
    gatherColumns(this.Y, this.order, start, b.Y);
    const order = this.order;
    return { ...b, size, example: (j) => order[start + j]! };
  }

  private buffers(size: number): { ws: Workspace; X: Matrix; Y: Matrix } {
    let b = this.bySize.get(size);
    if (!b) {
      const be = this.backend;
      b = {
        ws: createWorkspace(this.dims, size, this.dtype, be, this.dropout),
        X: be.zeros(this.X.rows, size, this.dtype),
        Y: be.zeros(this.Y.rows, size, this.dtype),
      };
      if (this.schedule.full) (be.copy(this.X, b.X), be.copy(this.Y, b.Y));
      this.bySize.set(size, b);
    }
    return b;
  }

  dispose(): void {
    for (const { ws, X, Y } of this.bySize.values()) {
      freeWorkspace(ws, this.backend);
      this.backend.free(X);
      this.backend.free(Y);
    }
    this.bySize.clear();
  }
}
