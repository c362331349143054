// The workloads, run through the library's real training path (nn: modelForward,
// modelBackward, updateParameters over a preallocated workspace), on random data of the right shapes.
import type { ActivationKind, Backend, LossKind } from '../src/backend/backend.js';
import type { DType, Matrix } from '../src/core/matrix.js';
import { Rng } from '../src/core/rng.js';
import { computeCost } from '../src/nn/cost.js';
import { initializeParametersDeep } from '../src/nn/initializers.js';
import { modelBackward, modelForward } from '../src/nn/propagation.js';
import type { Parameters } from '../src/nn/params.js';
import { updateParameters } from '../src/nn/update.js';
import { createWorkspace, freeWorkspace, type Workspace } from '../src/nn/workspace.js';

export interface Workload {
  name: string;
  dims: number[];
  activations: ActivationKind[];
  loss: LossKind;
  /** Examples in the data set; batch = examples means full-batch gradient descent. */
  examples: number;
  batch: number;
}

export const W1: Workload = {
  name: 'W1',
  dims: [12288, 20, 7, 5, 1],
  activations: ['relu', 'relu', 'relu', 'sigmoid'],
  loss: 'binary-cross-entropy',
  examples: 209,
  batch: 209,
};
export const W2: Workload = {
  name: 'W2',
  dims: [784, 128, 64, 10],
  activations: ['relu', 'relu', 'softmax'],
  loss: 'categorical-cross-entropy',
  examples: 10000,
  batch: 128,
};
export const W3: Workload = {
  name: 'W3',
  dims: [1024, 1024, 1024, 10],
  activations: ['relu', 'relu', 'softmax'],
  loss: 'categorical-cross-entropy',
  examples: 10000,
  batch: 256,
};

/** Matmul FLOPs of one training step on m examples: forward 2mΣn[l]n[l-1], dW the same, dA[l-1] for l ≥ 2. */
export function stepFlops(dims: number[], m: number): number {
  let f = 0;
  for (let l = 1; l < dims.length; l++) f += 2 * m * dims[l]! * dims[l - 1]! * (l === 1 ? 2 : 3);
  return f;
}

/** A training set in backend memory, already cut into batches (X: (n[0], m), Y one-hot or 0/1: (n[L], m)). */
export interface Batches {
  X: Matrix[];
  Y: Matrix[];
  bytes: number;
}

export function makeBatches(w: Workload, be: Backend, dtype: DType, seed = 7): Batches {
  const rng = new Rng(seed);
  const nx = w.dims[0]!,
    ny = w.dims[w.dims.length - 1]!;
  const X: Matrix[] = [],
    Y: Matrix[] = [];
  let bytes = 0;
  for (let start = 0; start < w.examples; start += w.batch) {
    const m = Math.min(w.batch, w.examples - start);
    const x = be.zeros(nx, m, dtype),
      y = be.zeros(ny, m, dtype);
    for (let i = 0; i < x.size; i++) x.data[i] = rng.random();
    for (let j = 0; j < m; j++) {
      if (ny === 1) y.data[j] = rng.random() < 0.5 ? 1 : 0;
      else y.data[Math.floor(rng.random() * ny) * m + j] = 1;
    }
    X.push(x);
    Y.push(y);
    bytes += (x.size + y.size) * (dtype === 'float64' ? 8 : 4);
  }
  return { X, Y, bytes };
}

/**
 * One model being trained: parameters and per-batch-size workspaces in backend memory. With keepProb < 1,
 * inverted dropout on the hidden layers, masks drawn in the kernels (the Philox stream of step `steps`).
 */
export class Trainer {
  readonly params: Parameters = {};
  private readonly workspaces = new Map<number, Workspace>();
  private steps = 0;

  constructor(
    readonly w: Workload,
    readonly be: Backend,
    readonly dtype: DType,
    readonly lr = 0.01,
    readonly keepProb = 1,
  ) {
    const init = initializeParametersDeep(w.dims, { init: 'he', seed: 1, dtype });
    for (const [k, v] of Object.entries(init)) {
      const M = be.zeros(v.rows, v.cols, dtype);
      M.data.set(v.data);
      this.params[k] = M;
    }
  }

  /** One gradient-descent step on (X, Y); returns the cost when asked (the course prints it). */
  step(X: Matrix, Y: Matrix, withCost = false): number {
    const m = X.cols;
    let ws = this.workspaces.get(m);
    if (!ws)
      this.workspaces.set(
        m,
        (ws = createWorkspace(this.w.dims, m, { dtype: this.dtype, backend: this.be, dropout: this.keepProb < 1 })),
      );
    const opts = { backend: this.be, activations: this.w.activations, workspace: ws };
    const dropout = { keepProb: this.keepProb, dropoutKey: { seed: 1, step: this.steps++ } };
    const { AL, caches } = modelForward(X, this.params, { ...opts, ...dropout });
    const cost = withCost ? computeCost(AL, Y, { loss: this.w.loss, backend: this.be }) : NaN;
    const grads = modelBackward(AL, Y, caches, { ...opts, loss: this.w.loss, computeDA0: false });
    updateParameters(this.params, grads, this.lr, { backend: this.be });
    return cost;
  }

  /** Bytes of the parameters and of one batch's activations (Z, A, dZ, dA per layer). */
  modelBytes(m: number): number {
    const s = this.dtype === 'float64' ? 8 : 4;
    let n = 0;
    for (let l = 1; l < this.w.dims.length; l++)
      n += 2 * (this.w.dims[l]! * this.w.dims[l - 1]! + this.w.dims[l]!) + 4 * this.w.dims[l]! * m;
    return n * s;
  }

  dispose(): void {
    for (const ws of this.workspaces.values()) freeWorkspace(ws, this.be);
    for (const M of Object.values(this.params)) this.be.free(M);
  }
}
