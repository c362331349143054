import type { ActivationKind, Backend, LossKind } from '../backend/backend.js';
import type { DType, Matrix } from '../core/matrix.js';
import { featureSource, type Features } from '../data/features.js';
import { checkGathered } from '../data/fits.js';
import { identityAffine, type Affine } from '../data/gather.js';
import type { Normalization } from '../data/prepare/normalize.js';
import { targetSource, type Targets } from '../data/targets.js';
import { modelForward } from '../nn/propagation.js';
import type { Parameters } from '../nn/params.js';
import { createWorkspace, freeWorkspace, type Workspace } from '../nn/workspace.js';

/** What a network needs besides its parameters to run forward. */
export interface Architecture {
  /** n[0..L] */
  dims: number[];
  /** g[1..L] */
  activations: ActivationKind[];
  /** Leaky ReLU's slope. */
  alpha: number;
  loss: LossKind;
}

/** Examples per forward pass when evaluating, so memory stays bounded on large sets. */
export const EVAL_CHUNK = 1024;

/** How raw features are read into the network: the preprocessing, and what messages say of it. */
export interface Preprocessing {
  /** x' = (fill(x) − shift) / scale per feature, applied as each chunk is gathered (default: none). */
  f?: Affine | undefined;
  /** For messages about a value the normalization pushes out of range. */
  normalization?: Normalization | undefined;
}

/**
 * Runs the network forward over X: (n[0], m) in chunks of columns and hands each chunk's A[L]:
 * (n[L], count) to `visit` with the chunk's first column. X may be any holder of features (a Matrix,
 * a view of a split, a file on disk): each chunk is gathered into the backend's memory with the
 * preprocessing `f` applied, and checked, so memory stays bounded by the chunk.
 */
export class ChunkedForward {
  private ws?: Workspace | undefined;
  private input?: Matrix | undefined;
  private tail?: { ws: Workspace; input: Matrix } | undefined;

  constructor(
    readonly backend: Backend,
    readonly arch: Architecture,
    private readonly dtype: DType,
    private readonly chunk = EVAL_CHUNK,
  ) {}

  run(
    parameters: Parameters,
    X: Features,
    visit: (AL: Matrix, start: number) => void,
    { f, normalization }: Preprocessing = {},
  ): void {
    const src = featureSource(X);
    const m = src.cols;
    const all = positions(m);
    const affine = f ?? identityAffine(src.rows);
    for (let start = 0; start < m; start += this.chunk) {
      const count = Math.min(this.chunk, m - start);
      const { ws, input } = this.buffers(count);
      src.gather(all, start, input, affine);
      checkGathered(input, (row, col) => src.entry(row, start + col), normalization);
      const { AL } = modelForward(input, parameters, {
        backend: this.backend,
        activations: this.arch.activations,
        alpha: this.arch.alpha,
        workspace: ws,
      });
      visit(AL, start);
    }
  }

  private buffers(count: number): { ws: Workspace; input: Matrix } {
    const make = () => ({
      ws: createWorkspace(this.arch.dims, count, { dtype: this.dtype, backend: this.backend }),
      input: this.backend.zeros(this.arch.dims[0]!, count, this.dtype),
    });
    if (count === this.chunk || (this.ws && this.ws.m === count)) {
      if (!this.ws || this.ws.m !== count) {
        this.release();
        ({ ws: this.ws, input: this.input } = make());
      }
      return { ws: this.ws, input: this.input! };
    }
    if (!this.tail || this.tail.ws.m !== count) {
      if (this.tail) this.freeBuffers(this.tail);
      this.tail = make();
    }
    return this.tail;
  }

  private freeBuffers(b: { ws: Workspace; input: Matrix }): void {
    freeWorkspace(b.ws, this.backend);
    this.backend.free(b.input);
  }

  private release(): void {
    if (this.ws) this.freeBuffers({ ws: this.ws, input: this.input! });
    this.ws = undefined;
    this.input = undefined;
  }

  dispose(): void {
    this.release();
    if (this.tail) this.freeBuffers(this.tail);
    this.tail = undefined;
  }
}

/** 0, 1, ..., m-1 (the positions of a set, in order). */
function positions(m: number): Int32Array {
  const out = new Int32Array(m);
  for (let j = 0; j < m; j++) out[j] = j;
  return out;
}

export interface Evaluation {
  /** J = (1/m) Σ loss, without the L2 term. */
  cost: number;
  /** Classification: the fraction of examples whose predicted class is wrong. Regression: the cost. */
  error: number;
  /** Classification only: 1 - error. */
  accuracy?: number;
  correct?: number;
  m: number;
}

/** What an evaluation reads besides the examples: class labels, and the preprocessing of X. */
export interface NetworkEvaluationOptions extends Preprocessing {
  /** Class indices, one per example: they turn on classification error. */
  labels?: Int32Array | undefined;
}

/**
 * Cost and error of the network that `forward` runs (its backend and architecture) with `parameters` on
 * X: (n[0], m) against Y: (n[L], m); `labels` (class indices, one per example) turn on classification
 * error. X is read in chunks, preprocessed by `f` (default: none).
 * @example
 * const forward = new ChunkedForward(backend, model.arch, 'float32');
 * evaluateNetwork(forward, model.parameters, X, Y, { labels }) // => { cost: 0.31, error: 0.1, accuracy: 0.9, correct: 27, m: 30 }
 */
export function evaluateNetwork(
  forward: ChunkedForward,
  parameters: Parameters,
  X: Features,
  Y: Targets,
  { labels, ...preprocessing }: NetworkEvaluationOptions = {},
): Evaluation {
  const { backend, arch } = forward;
  const m = X.cols;
  let lossSum = 0,
    correct = 0;
  const pred = new Int32Array(Math.min(m, EVAL_CHUNK));
  const dtype = parameters['W1']!.dtype;
  const ys = targetSource(Y);
  const all = positions(m);
  let Yc: Matrix | undefined;
  forward.run(
    parameters,
    X,
    (AL, start) => {
      if (!Yc || Yc.cols !== AL.cols) {
        if (Yc) backend.free(Yc);
        Yc = backend.zeros(ys.rows, AL.cols, dtype);
      }
      ys.gather(all, start, Yc);
      lossSum += backend.lossSum(arch.loss, AL, Yc);
      if (labels) {
        backend.predictClasses(AL, pred, 0.5);
        for (let j = 0; j < AL.cols; j++) if (pred[j] === labels[start + j]) correct++;
      }
    },
    preprocessing,
  );
  if (Yc) backend.free(Yc);
  const cost = lossSum / m;
  if (!labels) return { cost, error: cost, m };
  const accuracy = correct / m;
  return { cost, error: (m - correct) / m, accuracy, correct, m };
}
