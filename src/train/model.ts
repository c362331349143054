import type { SplitRecord } from '../data/prepare/split-record.js';
import type { ActivationKind, Backend, LossKind } from '../backend/backend.js';
import { ReferenceBackend, defaultBackend, getBackend } from '../backend/index.js';
import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { Matrix, convert, zeros, type DType } from '../core/matrix.js';
import { classListMismatch } from '../data/dataset.js';
import { featureSource, type Features } from '../data/features.js';
import { checkConverted, checkGathered } from '../data/fits.js';
import type { Affine } from '../data/gather.js';
import type { Imputer } from '../data/prepare/impute.js';
import {
  applyNormalization,
  fitNormalization,
  normalizationAffine,
  type NormalizeKind,
  type Normalization,
} from '../data/prepare/normalize.js';
import { ClassTargets, targetSource, targetsMatrix, type Targets } from '../data/targets.js';
import type { Shuffle } from './order.js';
import { ChunkedForward, evaluateNetwork, type Architecture, type Evaluation } from '../evaluate/metrics.js';
import { DEFAULT_LEAKY_SLOPE, defaultInit, isClassifierOutput, layerActivations } from '../nn/activations.js';
import { checkArchitecture } from '../nn/architecture.js';
import { initializeParametersDeep, type InitKind } from '../nn/initializers.js';
import { lossFor } from '../nn/losses.js';
import { checkParametersFit, layerDims, parametersSource, type Parameters } from '../nn/params.js';
import { trainOnData, trainOnDataAsync, type TrainOptions, type TrainResult } from './trainer.js';
import type { Labels, Rows } from '../data/read/rows-input.js';
import { columnsOf, labelOf, probabilityRows, targetsFromLabels, valueRows } from './rows-api.js';

const reference = new ReferenceBackend();

export interface ModelConfig {
  /** n[0..L]: inputs, hidden widths, outputs. */
  dims: number[];
  /** g for hidden layers 1..L-1 (default relu). */
  activation?: ActivationKind;
  /** g[L] (default: from `classes`, softmax for more than 2, else sigmoid, the course's). */
  output?: ActivationKind;
  /** g[1..L] in full; overrides activation and output. */
  activations?: ActivationKind[];
  /** Leaky ReLU's slope for z < 0 (default 0.01). */
  alpha?: number;
  /** Default: the loss that matches the output (sigmoid → binary CE, softmax → categorical CE, else MSE). */
  loss?: LossKind;
  /** How W is drawn (default he for ReLU-family hidden layers, xavier otherwise), or the parameters themselves. */
  init?: InitKind | Parameters;
  /** Seeds the initialization (default 1). */
  seed?: number;
  dtype?: DType;
  backend?: Backend | string;
  /** Class names by index, for classification. */
  classes?: string[];
  /** Whether the classes were numbers (predictions then answer numbers) or strings (the default). */
  classKind?: 'string' | 'number';
  /** A fitted normalization, or the kind to fit on the first fit's X (default none). */
  normalize?: Normalization | NormalizeKind;
  featureNames?: string[];
}

/** What `fit` takes: the trainer's options, with a raw dev set (read through the model's normalization). */
export type FitOptions = Omit<TrainOptions, 'dev'> & {
  dev?: { X: Features; Y: Targets };
  shuffle?: Shuffle | undefined;
};

/** The outputs that are classifiers: sigmoid (one unit, 0/1) and softmax (K units, one-hot). */
export const isClassifier = isClassifierOutput;

/**
 * What a model is made of: the network, its parameters W[l]: (n[l], n[l-1]) and b[l]: (n[l], 1) on a
 * backend, and what it learned of its data (the normalization, the class names, the feature names).
 */
export interface ModelParts {
  arch: Architecture;
  dtype: DType;
  backend: Backend;
  parameters: Parameters;
  normalization?: Normalization | undefined;
  classes?: string[] | undefined;
  featureNames?: string[] | undefined;
}

/**
 * A deep L-layer network with its hyperparameters and its data preprocessing, built on the course's
 * blocks: fit runs the training loop, predict and evaluate run forward propagation.
 *
 * @example
 * const model = Model.create({ dims: [4, 8, 3], output: 'softmax' });
 * model.fit(X, Y, { learningRate: 0.01, optimizer: 'adam', iterations: 500 });
 * model.evaluate(X, Y).accuracy // => 0.97
 */
export class Model {
  /** Mean imputation fitted on the training set (`--impute mean`), applied to new data with missing values. */
  imputer: Imputer | undefined;
  /** 'number' when the classes were numbers: `predict` then answers numbers, as it was given. */
  classKind: 'string' | 'number' | undefined;
  /**
   * The seeded split it was trained on (from `train`, or the run record of its file): evaluation on the
   * same source then scores the test part, and warns about examples it trained on.
   */
  split: SplitRecord | undefined;

  readonly arch: Architecture;
  readonly dtype: DType;
  readonly backend: Backend;
  readonly parameters: Parameters;
  normalization: Normalization | undefined;
  classes: string[] | undefined;
  featureNames: string[] | undefined;

  private constructor(
    parts: ModelParts,
    private pendingNormalize?: NormalizeKind,
  ) {
    this.arch = parts.arch;
    this.dtype = parts.dtype;
    this.backend = parts.backend;
    this.parameters = parts.parameters;
    this.normalization = parts.normalization;
    this.classes = parts.classes;
    this.featureNames = parts.featureNames;
  }

  static create(config: ModelConfig): Model {
    const dims = config.dims;
    if (!Array.isArray(dims) || dims.length < 2)
      throw new ValueError(`Model: dims must list n[0..L] with L ≥ 1 but is ${JSON.stringify(dims)}`);
    const L = dims.length - 1;
    const g = config.output ?? ((config.classes?.length ?? 0) > 2 ? 'softmax' : 'sigmoid');
    const activations = config.activations ?? layerActivations(L, config.activation ?? 'relu', g);
    checkArchitecture(dims, activations, 'Model');
    const output = activations[L - 1]!;
    const loss = config.loss ?? lossFor(output);
    const alpha = config.alpha ?? DEFAULT_LEAKY_SLOPE;
    const dtype = config.dtype ?? 'float32';
    const backend =
      typeof config.backend === 'string' ? getBackend(config.backend) : (config.backend ?? defaultBackend());
    if (config.classes && output === 'sigmoid' && config.classes.length > 2)
      throw new ValueError(
        `Model: a sigmoid output separates 2 classes but there are ${config.classes.length}; use output softmax`,
      );
    if (config.classes && output === 'softmax' && config.classes.length !== dims[L])
      throw new ShapeError(
        `Model: a softmax output needs n[${L}] = K = ${config.classes.length} units (one per class) but n[${L}] is ${dims[L]}`,
      );
    const badClasses = classListMismatch(config.classes, output, dims[L]!);
    if (badClasses) throw new ValueError(`Model: ${badClasses}`);
    let init = config.init;
    if (init === undefined) init = defaultInit(activations.slice(0, -1));
    let params64: Parameters;
    if (typeof init === 'object' && !('scaled' in init)) {
      params64 = init as Parameters;
      const got = layerDims(params64, 'Model: initial parameters');
      checkParametersFit(params64, dtype, parametersSource(params64) ?? 'Model: initial parameters');
      if (got.length !== dims.length || got.some((n, l) => n !== dims[l]))
        throw new ShapeError(
          `Model: the initial parameters have dims [${got.join(', ')}] but the network has [${dims.join(', ')}]`,
        );
    } else
      params64 = initializeParametersDeep(dims, { init: init as InitKind, seed: config.seed ?? 1, dtype: 'float64' });
    const parameters: Parameters = {};
    for (const [k, M] of Object.entries(params64)) {
      parameters[k] = backend.zeros(M.rows, M.cols, dtype);
      parameters[k]!.data.set(M.data);
    }
    const norm = config.normalize;
    const fitted = typeof norm === 'object' && 'kind' in norm ? norm : undefined;
    const pending = fitted ? undefined : (norm as NormalizeKind | undefined);
    const arch = { dims: [...dims], activations, alpha, loss };
    const { classes, featureNames } = config;
    const model = new Model(
      { arch, dtype, backend, parameters, normalization: fitted, classes, featureNames },
      pending,
    );
    model.classKind = config.classKind;
    return model;
  }

  /** L, the number of layers with parameters. */
  get depth(): number {
    return this.arch.dims.length - 1;
  }

  get output(): ActivationKind {
    return this.arch.activations[this.depth - 1]!;
  }

  get isClassifier(): boolean {
    return isClassifier(this.output);
  }

  /** Refuses X whose n_x is not the model's n[0]. */
  private checkInputs(X: Features, where: string): void {
    const n0 = this.arch.dims[0]!;
    if (X.rows !== n0)
      throw new ShapeError(
        `${where}: the model expects n[0] = ${n0} features per example but the data has ${X.rows} (X is ${fmtShape(X.rows, X.cols)})`,
      );
  }

  /** The normalization as the affine map batches and chunks are gathered with (x' = (x − shift) / scale). */
  private affine(): Affine {
    return normalizationAffine(this.normalization, this.arch.dims[0]!);
  }

  /**
   * X' = the model's normalization of X: (n[0], m), a full copy in the model's dtype. Training and
   * evaluation never make it (they normalize a batch at a time); it is here for callers who want X'.
   */
  prepare(X: Features, where = 'X'): Matrix {
    this.checkInputs(X, where);
    const src = featureSource(X);
    const out = zeros(X.rows, X.cols, this.dtype);
    if (X instanceof Matrix) {
      applyNormalization(this.normalization ?? { kind: 'none' }, X, out);
      checkConverted(X, out, where, { normalization: this.normalization });
    } else this.forEachChunk(src, out);
    return out;
  }

  /** out ← the normalization of every column of `src`, chunk by chunk (each checked as it is gathered). */
  private forEachChunk(src: ReturnType<typeof featureSource>, out: Matrix): void {
    const all = Int32Array.from({ length: src.cols }, (_, j) => j);
    const f = this.affine();
    const chunk = 1024;
    for (let start = 0; start < src.cols; start += chunk) {
      const part = zeros(src.rows, Math.min(chunk, src.cols - start), this.dtype);
      src.gather(all, start, part, f);
      checkGathered(part, (row, col) => src.entry(row, start + col), this.normalization);
      for (let i = 0; i < src.rows; i++)
        out.data.set(part.data.subarray(i * part.cols, (i + 1) * part.cols), i * src.cols + start);
    }
  }

  /**
   * Trains on X: (n[0], m) raw features and Y: (n[L], m) targets (0/1 for sigmoid, one-hot for softmax,
   * or class indices through `ClassTargets`). Fits the pending normalization on this X first (one
   * streaming pass). X is never copied whole: each batch is gathered and normalized on its way into the
   * backend's memory, from memory or — for a file left on disk — from the disk, read in the background.
   * `dev` (raw) is evaluated as training goes. Yields to the event loop between updates (a page stays
   * responsive); `signal` aborts between updates: the promise rejects with an AbortError and the model
   * keeps the parameters of its last update.
   */
  async fit(X: Features | Rows, Y: Targets | Labels, options: FitOptions): Promise<TrainResult> {
    const { data, trainOptions } = this.fitData(X, Y, options);
    return trainOnDataAsync(this, data, trainOptions);
  }

  /** `fit`, blocking until done (for scripts and threads of their own, where nothing else waits). */
  fitSync(X: Features | Rows, Y: Targets | Labels, options: FitOptions): TrainResult {
    const { data, trainOptions } = this.fitData(X, Y, options);
    return trainOnData(this, data, trainOptions);
  }

  /** X: (n[0], m) and Y: (n[L], m) from what the caller of `op` gave, Y's shape checked against the network. */
  private examples(op: 'fit' | 'evaluate', rows: Features | Rows, given: Targets | Labels) {
    const X = columnsOf(this, rows, `${op}: rows`);
    const Y = Array.isArray(given) ? targetsFromLabels(this, X, given) : (given as Targets);
    const L = this.depth;
    if (Y.rows !== this.arch.dims[L] || Y.cols !== X.cols)
      throw new ShapeError(
        `${op}: Y must be (n[${L}], m) = ${fmtShape(this.arch.dims[L]!, X.cols)} but is ${fmtShape(Y.rows, Y.cols)}`,
      );
    return { X, Y };
  }

  /** The checked data and options of a fit; the pending normalization is fitted on X here. */
  private fitData(rows: Features | Rows, given: Targets | Labels, options: FitOptions) {
    const { X, Y } = this.examples('fit', rows, given);
    this.checkInputs(X, 'fit: X');
    if (this.pendingNormalize !== undefined) {
      this.normalization = fitNormalization(X, this.pendingNormalize);
      this.pendingNormalize = undefined;
    }
    const f = this.affine();
    const labels = this.isClassifier ? classLabels(Y) : undefined;
    let dev: TrainOptions['dev'];
    if (options.dev) {
      const { X: Xd, Y: Ydv } = options.dev;
      if (Ydv.rows !== Y.rows || Ydv.cols !== Xd.cols)
        throw new ShapeError(`fit: dev Y must be ${fmtShape(Y.rows, Xd.cols)} but is ${fmtShape(Ydv.rows, Ydv.cols)}`);
      this.checkInputs(Xd, 'fit: dev X');
      dev = { X: Xd, Y: Ydv, f, ...(this.isClassifier ? { labels: classLabels(Ydv) } : {}) };
    }
    const data = { X: featureSource(X), Y: targetSource(Y), f, normalization: this.normalization, labels };
    return { data, trainOptions: { ...options, dev } };
  }

  /** A[L]: (n[L], m) for raw X: (n[0], m), computed a chunk of examples at a time. */
  forward(X: Features): Matrix {
    this.checkInputs(X, 'X');
    const out = zeros(this.arch.dims[this.depth]!, X.cols, this.dtype);
    const fwd = new ChunkedForward(this.backend, this.arch, this.dtype);
    try {
      fwd.run(
        this.parameters,
        X,
        (AL, start) => {
          for (let i = 0; i < AL.rows; i++)
            out.data.set(AL.data.subarray(i * AL.cols, (i + 1) * AL.cols), i * X.cols + start);
        },
        { f: this.affine(), normalization: this.normalization },
      );
    } finally {
      fwd.dispose();
    }
    return out;
  }

  /**
   * One prediction per row: the class label for a classifier (as the labels were given: names, or
   * numbers), the value for a regression (a row of n[L] values when there are several outputs).
   * @example model.predict([[5.1, 3.5, 1.4, 0.2]]) // => ['setosa']
   */
  predict(rows: Rows | Features): (string | number)[] | number[][] {
    const X = columnsOf(this, rows, 'predict: rows');
    if (!this.isClassifier) return valueRows(this.forward(X));
    const label = labelOf(this);
    return Array.from(this.predictClasses(X), label);
  }

  /**
   * One row of class probabilities per example, summing to 1, in the order of `classes`: a softmax's
   * A[L]; a sigmoid's [P(class 0), P(class 1)].
   * @example model.predictProba([[5.1, 3.5, 1.4, 0.2]]) // => [[0.98, 0.015, 0.005]]
   */
  predictProba(rows: Rows | Features): number[][] {
    return probabilityRows(this, this.forward(columnsOf(this, rows, 'predictProba: rows')));
  }

  /** Class indices (classification: A[L] > 0.5 for sigmoid, argmax for softmax), one per example. */
  predictClasses(X: Features): Int32Array {
    if (!this.isClassifier)
      throw new ValueError(`predictClasses: the output is ${this.output}, not a classifier; use forward()`);
    const AL = this.forward(X);
    const out = new Int32Array(X.cols);
    this.backend.predictClasses(AL, out, 0.5);
    return out;
  }

  /**
   * Cost, error and (classification) accuracy on raw X: (n[0], m) against Y: (n[L], m), in chunks; or
   * on rows against their labels.
   */
  evaluate(rows: Features | Rows, labels: Targets | Labels): Evaluation {
    const { X, Y } = this.examples('evaluate', rows, labels);
    this.checkInputs(X, 'X');
    const fwd = new ChunkedForward(this.backend, this.arch, this.dtype);
    try {
      return evaluateNetwork(fwd, this.parameters, X, Y, {
        labels: this.isClassifier ? classLabels(Y) : undefined,
        f: this.affine(),
        normalization: this.normalization,
      });
    } finally {
      fwd.dispose();
    }
  }

  /** Parameters in float64, ordinary memory (for saving and gradient checks). */
  parametersFloat64(): Parameters {
    const out: Parameters = {};
    for (const [k, M] of Object.entries(this.parameters)) out[k] = convert(M, 'float64');
    return out;
  }

  /** Gives the parameters' backend memory back; the model is unusable afterwards. */
  dispose(): void {
    for (const M of Object.values(this.parameters)) this.backend.free(M);
  }

  /** Parameter count Σ n[l]·(n[l-1] + 1). */
  get parameterCount(): number {
    let s = 0;
    for (let l = 1; l <= this.depth; l++) s += this.arch.dims[l]! * (this.arch.dims[l - 1]! + 1);
    return s;
  }

  /** @internal for the model file reader and a page's model state: a model from parts already checked. */
  static restore(parts: ModelParts): Model {
    return new Model(parts);
  }
}

/** The class of each example of Y: read from class indices when Y holds them, else `labelsOf` its matrix. */
function classLabels(Y: Targets): Int32Array {
  if (Y instanceof ClassTargets && Y.output !== 'linear') return Int32Array.from(Y.indices);
  return labelsOf(targetsMatrix(Y));
}

/** Class index per example: Y[0, j] > 0.5 for one row (sigmoid), argmax over the rows (softmax). Y: (n[L], m). */
export function labelsOf(Y: Matrix): Int32Array {
  const out = new Int32Array(Y.cols);
  // The same rule the backends apply to A[L], so a label and a prediction mean the same class.
  reference.predictClasses(Y, out, 0.5);
  return out;
}
