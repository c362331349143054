import type { Backend } from '../backend/backend.js';
import { defined } from '../core/defined.js';
import { AbortError, ValueError } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import { formatPercent, printable } from '../core/text.js';
import { ChunkedForward, evaluateNetwork, type Architecture } from '../evaluate/metrics.js';
import { l2Cost } from '../nn/cost.js';
import { DROPOUT_RNGS, modelBackward, modelForward, type DropoutRng } from '../nn/propagation.js';
import type { Parameters } from '../nn/params.js';
import { Optimizer, optimizerValues, type OptimizerKind, type OptimizerValues } from '../nn/update.js';
import { featureSource } from '../data/features.js';
import { identityAffine, type Affine } from '../data/gather.js';
import type { Normalization } from '../data/prepare/normalize.js';
import { rowStreamer } from '../data/rows.js';
import { targetSource, type Targets } from '../data/targets.js';
import type { Features } from '../data/features.js';
import {
  Batches,
  StreamedBatches,
  type Batch,
  type BatchOptions,
  type BatchSource,
  type TrainingData,
} from './batches.js';
import type { Shuffle } from './order.js';
import { describeDivergence, DivergenceWatch, type Divergence } from './divergence.js';
import { EarlyStopping } from './early-stop.js';
import { checkHyperparameter } from '../nn/hyperparameters.js';
import type { CostPoint, EvalPoint, TrainingHistory } from './run-record.js';
import { makeSchedule, type Schedule } from './schedule.js';
import type { TrainingControl } from './control.js';

export { DEFAULT_EPOCHS, DEFAULT_ITERATIONS } from './schedule.js';
export { copyParameters } from './early-stop.js';

/**
 * A run's options. The optimizer's own hyperparameters (OptimizerValues: the names in OPTIMIZER_INFO's rows,
 * `beta1`, ...) sit beside `optimizer`; an absent one takes its optimizer's default.
 */
export interface TrainOptions extends OptimizerValues {
  learningRate: number;
  /** Parameter updates to make (full batch: the course's num_iterations). */
  iterations?: number;
  /** Passes over the training set (mini-batch training). One of iterations/epochs; default 2500 iterations (full batch) or 20 epochs. */
  epochs?: number;
  /** Examples per update; undefined or ≥ m: full batch (one iteration = one step on all m examples). */
  batchSize?: number;
  /** Default 'gd'. */
  optimizer?: OptimizerKind;
  /** L2 regularization λ (cost + (λ/2m) Σ||W||², dW += (λ/m) W). */
  l2?: number;
  /** Inverted dropout keep probability for the hidden layers (1 = off). */
  keepProb?: number;
  /**
   * Dropout masks from 'philox' (default: drawn in the kernels, keyed by the seed, the iteration and the
   * layer, so a run restarted at iteration i draws the masks it drew there) or 'numpy' (the course's
   * np.random.rand masks, drawn in order on the calling thread: exact and slow).
   */
  dropoutRng?: DropoutRng;
  /** Seeds mini-batch shuffling and dropout masks. */
  seed?: number;
  /** Full batch: record J every N iterations (default 100) and at the last one. Mini-batch: J per epoch. */
  costEvery?: number;
  /** Full batch: evaluate train/dev error every N iterations (default costEvery). Mini-batch: every epoch. */
  evalEvery?: number;
  /**
   * Dev set: X (n[0], m_dev) and Y (n[L], m_dev), labels for classification. Read through `f` (the
   * training set's normalization) when given; else already normalized like X.
   */
  dev?: { X: Features; Y: Targets; labels?: Int32Array; f?: Affine | undefined } | undefined;
  /** The order of the examples in each epoch of mini-batches (default: a fresh permutation each epoch). */
  shuffle?: Shuffle | undefined;
  /** Stop when dev error has not improved by minDelta for `patience` evaluations; restores the best parameters. */
  earlyStop?: { patience: number; minDelta?: number };
  /** A recorded cost; `evaluated` says whether an evaluation (onEval) of the same iteration follows. */
  onCost?: (p: CostPoint, info: { evaluated: boolean }) => void;
  onEval?: (p: EvalPoint) => void;
  /** Called after every update; return false to stop. */
  onIteration?: (s: { iteration: number; total: number; epoch?: number; cost?: number }) => boolean | void;
  /** Aborts an asynchronous run between updates (trainOnDataAsync, Model.fit). */
  signal?: AbortSignal;
  /**
   * Pause, step, resume and a new learning rate between updates, with snapshots of the parameters
   * (trainOnDataAsync, Model.fit; a blocking run refuses one).
   */
  control?: TrainingControl | undefined;
}

/** The error an aborted run rejects with: its reason when that is an Error, else an AbortError saying where. */
function abortError(signal: AbortSignal, iteration: number, total: number): Error {
  if (signal.reason instanceof Error && signal.reason.name !== 'AbortError') return signal.reason;
  return new AbortError(`training aborted after iteration ${iteration} of ${total}`, { cause: signal.reason });
}

export interface TrainResult {
  history: TrainingHistory;
  iterations: number;
  epochs?: number;
  seconds: number;
  /** Why training stopped, in words. */
  stopped: string;
  /** With early stopping: the iteration whose parameters were kept. */
  bestIteration?: number;
  finalCost: number;
  /**
   * Set when the run diverged (a non-finite cost or parameter, or a cost far above its start). The
   * parameters are then unusable, unless early stopping restored an earlier finite best (`bestIteration`).
   */
  diverged?: Divergence;
  /**
   * A run streamed from disk: buffers read, and how often and how long in all the kernels waited for
   * one (the reader runs ahead in the background, so a fast disk keeps this near zero).
   */
  streamed?: { buffers: number; count: number; seconds: number };
}

/**
 * The network a run trains: its parameters W[l]: (n[l], n[l-1]) and b[l]: (n[l], 1), updated in place,
 * its architecture, and the backend the parameters live on. A Model is one.
 */
export interface TrainedNetwork {
  parameters: Parameters;
  arch: Architecture;
  backend: Backend;
}

/**
 * Trains `network.parameters` in place on X: (n[0], m), Y: (n[L], m) (labels: class indices for
 * classification error), X already normalized. Full batch reuses one workspace; mini-batches gather
 * shuffled columns into preallocated batch matrices. Nothing is allocated per iteration beyond small
 * bookkeeping. Stops at the first sign of divergence (see `TrainResult.diverged`).
 * @example
 * trainParameters({ parameters, arch, backend }, { X, Y }, { learningRate: 0.0075 }).stopped
 * // => 'finished 2500 iterations'
 */
export function trainParameters(
  network: TrainedNetwork,
  examples: { X: Features; Y: Targets; labels?: Int32Array | undefined },
  options: TrainOptions,
): TrainResult {
  const X = featureSource(examples.X);
  const data = { X, Y: targetSource(examples.Y), f: identityAffine(X.rows), labels: examples.labels };
  return trainOnData(network, data, options);
}

/**
 * Trains `network.parameters` in place on raw data: batches are gathered from `data.X` (held in memory,
 * or a file on disk read in the background), normalized on the way by `data.f`. The same loop as
 * `trainParameters`, for data that is not a normalized matrix.
 */
export function trainOnData(network: TrainedNetwork, data: TrainingData, options: TrainOptions): TrainResult {
  checkTrainOptions(options);
  if (options.control)
    throw new ValueError(
      'a TrainingControl steers a run that yields (Model.fit, trainOnDataAsync), not a blocking one',
    );
  const schedule = makeSchedule(data.X.cols, options);
  const run = new TrainingRun(network, data, options, schedule);
  try {
    return run.execute();
  } finally {
    run.dispose();
  }
}

/**
 * `trainOnData` that yields to the event loop about every `YIELD_MS` of training (between updates, so a
 * page or a server stays responsive) and stops between updates when `options.signal` aborts: the promise
 * then rejects with an AbortError and the parameters are those of the last update.
 */
export async function trainOnDataAsync(
  network: TrainedNetwork,
  data: TrainingData,
  options: TrainOptions,
): Promise<TrainResult> {
  checkTrainOptions(options);
  const schedule = makeSchedule(data.X.cols, options);
  // Aborted before the first update: lnn's AbortError (or the caller's own Error reason), as mid-run.
  if (options.signal?.aborted) throw abortError(options.signal, 0, schedule.iterations);
  const run = new TrainingRun(network, data, options, schedule);
  try {
    return await run.executeAsync(options.signal);
  } finally {
    run.dispose();
  }
}

/** `wait`, cut short when `signal` aborts. */
function untilAborted(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  if (!signal) return wait;
  return new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    signal.addEventListener('abort', done, { once: true });
    void wait.then(done);
  });
}

/** How long training runs between two yields to the event loop. */
const YIELD_MS = 20;

/** A macrotask turn of the event loop: setImmediate in Node, a MessageChannel message in a page or worker. */
function nextTurn(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  // setTimeout(0) is clamped to 4 ms once nested; a message is not.
  return new Promise((resolve) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => {
      channel.port1.close();
      resolve();
    };
    channel.port2.postMessage(undefined);
  });
}

/**
 * The batches of a run: streamed from disk when X is a file left there and the run takes mini-batches,
 * else gathered from memory (a full batch from disk is read once). Batches X_b: (n[0], b), Y_b: (n[L], b).
 */
function batchesFor(data: TrainingData, options: BatchOptions & { shuffle: Shuffle }): BatchSource {
  if (!data.X.onDisk || options.schedule.full) return new Batches(data, options);
  const factory = rowStreamer();
  if (!factory)
    throw new ValueError(`${data.X.source}: streaming from disk needs Node (worker threads and the file system)`);
  return new StreamedBatches(data, { ...options, factory });
}

/**
 * The domain of every option, checked where training starts (the CLI parses its options by the same rules);
 * the optimizer's (its kind, α, its own hyperparameters) are checked by `Optimizer`, made before any batch.
 */
function checkTrainOptions(o: TrainOptions): void {
  for (const k of ['l2', 'keepProb', 'seed'] as const) checkHyperparameter(k, o[k]);
  if (o.dropoutRng !== undefined && !DROPOUT_RNGS.includes(o.dropoutRng))
    throw new ValueError(
      `dropout rng must be ${DROPOUT_RNGS.join(' or ')} but is '${printable(String(o.dropoutRng))}'`,
    );
  checkHyperparameter('costEvery', o.costEvery);
  checkHyperparameter('evalEvery', o.evalEvery);
  if (o.earlyStop) {
    checkHyperparameter('patience', o.earlyStop.patience);
    checkHyperparameter('minDelta', o.earlyStop.minDelta);
    if (!o.dev) throw new ValueError('early stopping needs a dev set to watch');
  }
}

/** The state of one training run; `execute` is the loop over iterations. */
class TrainingRun {
  private readonly t0 = performance.now();
  private readonly history: TrainingHistory = { costs: [], evals: [] };
  private readonly optimizer: Optimizer;
  private readonly evaluator: ChunkedForward;
  private readonly batches: BatchSource;
  private readonly dropoutRng: Rng;
  private readonly stopper: EarlyStopping | undefined;
  private readonly watch: DivergenceWatch;
  private readonly pred: Int32Array;
  private readonly normalization: Normalization | undefined;
  private readonly costEvery: number;
  private readonly evalEvery: number;
  private readonly parameters: Parameters;
  private readonly arch: Architecture;
  private readonly backend: Backend;
  /** Class indices of the training examples (classification), for the train error. */
  private readonly labels: Int32Array | undefined;
  private iteration = 0;
  private lastCost = NaN;
  private stopped: string;
  private diverged: Divergence | undefined;
  /** Mini-batches: the running sums of the epoch (Keras-style train error). */
  private epoch = { cost: 0, correct: 0, seen: 0 };

  constructor(
    network: TrainedNetwork,
    data: TrainingData,
    private readonly options: TrainOptions,
    private readonly schedule: Schedule,
  ) {
    const { parameters, arch, backend } = network;
    this.parameters = parameters;
    this.arch = arch;
    this.backend = backend;
    this.labels = data.labels;
    const dtype = parameters['W1']!.dtype;
    const rng = new Rng(options.seed ?? 1);
    const shuffleRng = rng.fork();
    this.dropoutRng = rng.fork();
    this.optimizer = new Optimizer(
      { kind: options.optimizer ?? 'gd', learningRate: options.learningRate, ...optimizerValues(options) },
      backend,
    );
    this.evaluator = new ChunkedForward(backend, arch, dtype);
    const dropout = (options.keepProb ?? 1) < 1;
    const shuffle = options.shuffle ?? { kind: 'examples' };
    this.batches = batchesFor(data, { schedule, dims: arch.dims, dtype, backend, dropout, shuffleRng, shuffle });
    this.normalization = data.normalization;
    const es = options.earlyStop;
    this.stopper = es ? new EarlyStopping(parameters, backend, es.patience, es.minDelta ?? 0) : undefined;
    this.watch = new DivergenceWatch(options.learningRate);
    this.pred = new Int32Array(schedule.batchSize);
    this.costEvery = options.costEvery ?? 100;
    this.evalEvery = options.evalEvery ?? this.costEvery;
    const total = schedule.iterations;
    this.stopped = `finished ${total} iteration${total === 1 ? '' : 's'}`;
  }

  execute(): TrainResult {
    while (this.step());
    this.judgeFinal();
    this.keepBest();
    return this.result();
  }

  async executeAsync(signal: AbortSignal | undefined): Promise<TrainResult> {
    let since = performance.now();
    for (;;) {
      if (await this.heldByControl(signal)) since = performance.now();
      if (!this.step()) break;
      if (performance.now() - since < YIELD_MS) continue;
      await nextTurn();
      since = performance.now();
      if (signal?.aborted) throw abortError(signal, this.iteration, this.schedule.iterations);
    }
    if (signal?.aborted) throw abortError(signal, this.iteration, this.schedule.iterations);
    this.judgeFinal();
    this.keepBest();
    return this.result();
  }

  /**
   * Before an update, what the control says: waits while it holds the run (paused), then takes its
   * learning rate. True when the run waited.
   */
  private async heldByControl(signal: AbortSignal | undefined): Promise<boolean> {
    const control = this.options.control;
    if (!control || this.iteration >= this.schedule.iterations) return false;
    let waited = false;
    let wait: Promise<void> | undefined;
    // After a wait, ask again: a step lets one update through, a new learning rate alone does not.
    while ((wait = control.hold(this.iteration, this.parameters, this.optimizer.learningRate, waited))) {
      waited = true;
      await untilAborted(wait, signal);
      if (signal?.aborted) throw abortError(signal, this.iteration, this.schedule.iterations);
    }
    const lr = control.learningRate;
    if (lr !== undefined && lr !== this.optimizer.learningRate) {
      this.optimizer.learningRate = lr;
      this.watch.learningRate = lr;
    }
    return waited;
  }

  /** However short the run, a last cost far above its start, or non-finite parameters, is a divergence. */
  private judgeFinal(): void {
    const last = this.history.costs.at(-1);
    if (!this.diverged && last)
      this.diverge(this.watch.checkFinal(last, this.parameters, this.backend, this.iteration));
  }

  /** One update and its bookkeeping; false when the run is over (done, diverged, stopped). */
  private step(): boolean {
    const { full, iterations: total, perEpoch } = this.schedule;
    if (this.iteration >= total) return false;
    if (!(full ? this.fullBatchStep() : this.miniBatchStep())) return false;
    const it = this.iteration;
    const cost = this.lastStepCost;
    const info = {
      iteration: it,
      total,
      ...(full ? {} : { epoch: it / perEpoch }),
      ...(Number.isFinite(cost) ? { cost } : {}),
    };
    if (this.options.onIteration?.(info) === false) {
      this.stopped = `stopped at iteration ${it} by the caller`;
      return false;
    }
    return true;
  }

  /** The cost of the last forward pass when it was computed for the record (NaN otherwise). */
  private lastStepCost = NaN;

  /**
   * One update on all m examples. J, train error and dev error describe the parameters before this
   * update (the course's convention: "Cost after iteration i" is printed before update i).
   */
  private fullBatchStep(): boolean {
    const i = this.iteration,
      total = this.schedule.iterations;
    const batch = this.batches.at(i);
    const AL = this.forward(batch);
    const record = i % this.costEvery === 0 || i === total - 1;
    const evalNow = i % this.evalEvery === 0 || i === total - 1;
    const { cost, correct } = this.measure(AL, batch, record || evalNow);
    this.lastStepCost = record || evalNow ? cost : NaN;
    if (this.stopIfDiverged(i, cost)) return false;
    if (record) {
      this.recordCost({ iteration: i, cost }, evalNow);
      if (this.stopIfDivergedAtRecord(i, cost)) return false;
    }
    const trainError = this.labels ? (batch.size - correct) / batch.size : cost;
    if (evalNow && !this.evaluate(i, trainError, cost)) return false;
    this.update(AL, batch);
    return true;
  }

  /** One update on one mini-batch; at the end of an epoch, its mean cost and an evaluation. */
  private miniBatchStep(): boolean {
    const i = this.iteration,
      { perEpoch, iterations: total } = this.schedule;
    if (i % perEpoch === 0) this.epoch = { cost: 0, correct: 0, seen: 0 };
    const batch = this.batches.at(i);
    const AL = this.forward(batch);
    const { cost, correct } = this.measure(AL, batch, true);
    this.lastStepCost = cost;
    if (this.stopIfDiverged(i, cost)) return false;
    this.update(AL, batch);
    this.epoch.cost += cost * batch.size;
    this.epoch.correct += correct;
    this.epoch.seen += batch.size;
    const it = this.iteration;
    if (it % perEpoch !== 0 && it !== total) return true;
    const epoch = it / perEpoch,
      { seen } = this.epoch;
    const meanCost = this.epoch.cost / seen;
    this.recordCost({ iteration: it, cost: meanCost, epoch }, true);
    if (this.stopIfDivergedAtRecord(it, meanCost)) return false;
    const trainError = this.labels ? (seen - this.epoch.correct) / seen : meanCost;
    return this.evaluate(it, trainError, meanCost, epoch);
  }

  private forward(batch: Batch): Matrix {
    const { AL, caches } = modelForward(batch.X, this.parameters, {
      backend: this.backend,
      activations: this.arch.activations,
      alpha: this.arch.alpha,
      workspace: batch.ws,
      keepProb: this.options.keepProb ?? 1,
      ...(this.options.dropoutRng === 'numpy'
        ? { rng: this.dropoutRng }
        : { dropoutKey: { seed: this.options.seed ?? 1, step: this.iteration } }),
    });
    this.caches = caches;
    return AL;
  }

  private caches: ReturnType<typeof modelForward>['caches'] = [];

  /**
   * J of the batch (with the L2 term when `detailed`), and how many of its examples are classified right.
   * The loss alone is computed on every iteration (it is cheap: n[L] x size) so that a non-finite cost
   * stops the run at once; the L2 term and the class count only when they are recorded.
   */
  private measure(AL: Matrix, batch: Batch, detailed: boolean): { cost: number; correct: number } {
    const size = batch.size;
    const loss = this.backend.lossSum(this.arch.loss, AL, batch.Y) / size;
    if (!detailed) return { cost: loss, correct: 0 };
    const cost = loss + l2Cost(this.parameters, this.options.l2 ?? 0, size, this.backend);
    let correct = 0;
    if (this.labels) {
      this.backend.predictClasses(AL, this.pred, 0.5);
      for (let j = 0; j < size; j++) if (this.pred[j] === this.labels[batch.example(j)]) correct++;
    }
    return { cost, correct };
  }

  private update(AL: Matrix, batch: Batch): void {
    const grads = modelBackward(AL, batch.Y, this.caches, {
      backend: this.backend,
      loss: this.arch.loss,
      alpha: this.arch.alpha,
      l2: this.options.l2 ?? 0,
      workspace: batch.ws,
      computeDA0: false,
    });
    this.optimizer.step(this.parameters, grads);
    this.iteration++;
  }

  private recordCost(p: CostPoint, evaluated: boolean): void {
    this.history.costs.push(p);
    this.options.onCost?.(p, { evaluated });
    this.lastCost = p.cost;
  }

  /** Every forward pass: a NaN or infinite cost ends the run, and the record shows where. */
  private stopIfDiverged(iteration: number, cost: number): boolean {
    if (!this.diverge(this.watch.checkCost(iteration, cost))) return false;
    const { full, perEpoch } = this.schedule;
    this.recordCost({ iteration, cost, ...(full ? {} : { epoch: iteration / perEpoch }) }, false);
    return true;
  }

  /** At recorded costs: a cost far above its start, or parameters that are no longer finite. */
  private stopIfDivergedAtRecord(iteration: number, cost: number): boolean {
    return this.diverge(
      this.watch.checkRecorded(iteration, cost) ??
        this.watch.checkParameters(iteration, this.parameters, this.backend, cost),
    );
  }

  private diverge(d: Divergence | undefined): boolean {
    if (!d) return false;
    this.diverged = d;
    this.stopped = describeDivergence(d);
    return true;
  }

  /** Train (and dev) error at `it`; feeds early stopping. Returns false when early stopping says stop. */
  private evaluate(it: number, trainError: number, trainCost: number, epoch?: number): boolean {
    const point: EvalPoint = defined({ iteration: it, trainError, trainCost, epoch });
    const dev = this.options.dev;
    if (dev) {
      const d = evaluateNetwork(this.evaluator, this.parameters, dev.X, dev.Y, {
        labels: dev.labels,
        f: dev.f,
        normalization: this.normalization,
      });
      point.devError = d.error;
      point.devCost = d.cost;
    }
    this.history.evals.push(point);
    this.options.onEval?.(point);
    const s = this.stopper;
    if (!s || point.devError === undefined || !Number.isFinite(point.devError)) return true;
    if (s.observe(it, point.devError, this.parameters)) return true;
    this.stopped =
      `early stop at iteration ${it}: dev error ${this.fmtError(point.devError)} has not improved on ` +
      `${this.fmtError(s.bestError)} (iteration ${s.bestIteration}) for ${s.patience} evaluations`;
    return false;
  }

  /** With early stopping, the best parameters seen replace the last ones (always, after a divergence). */
  private keepBest(): void {
    const s = this.stopper;
    if (!s || !s.observed || (s.bestIteration === this.iteration && !this.diverged)) return;
    s.restore(this.parameters);
    const best = `(${this.diverged ? '' : 'best '}dev error ${this.fmtError(s.bestError)})`;
    if (this.diverged)
      this.stopped += `; restored the last finite best parameters, of iteration ${s.bestIteration} ${best}`;
    else if (this.stopped.startsWith('early stop'))
      this.stopped += `; restored the parameters of iteration ${s.bestIteration}`;
    else this.stopped += `; kept the parameters of iteration ${s.bestIteration} ${best}`;
  }

  /** Classification errors are fractions (shown as percentages); regression errors are costs. */
  private fmtError(x: number): string {
    return this.labels ? formatPercent(x, 2) : x.toPrecision(4);
  }

  private result(): TrainResult {
    const { full, perEpoch } = this.schedule;
    const s = this.stopper;
    return {
      history: this.history,
      iterations: this.iteration,
      ...(full ? {} : { epochs: this.iteration / perEpoch }),
      seconds: (performance.now() - this.t0) / 1000,
      stopped: this.stopped,
      ...(s?.observed ? { bestIteration: s.bestIteration } : {}),
      finalCost: this.lastCost,
      ...(this.diverged ? { diverged: this.diverged } : {}),
      ...(this.batches.waits ? { streamed: { ...this.batches.waits } } : {}),
    };
  }

  dispose(): void {
    this.batches.dispose();
    this.evaluator.dispose();
    this.optimizer.dispose();
    this.stopper?.dispose();
  }
}
