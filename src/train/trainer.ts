import type { Backend } from '../backend/backend.js';
import { ValueError } from '../core/errors.js';
import { gatherColumns, type Matrix } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import { ChunkedForward, evaluateNetwork, type Architecture } from '../evaluate/metrics.js';
import { l2Cost } from '../nn/cost.js';
import { modelBackward, modelForward } from '../nn/model.js';
import type { Parameters } from '../nn/params.js';
import { Optimizer, type OptimizerKind } from '../nn/update.js';
import { createWorkspace, freeWorkspace, type Workspace } from '../nn/workspace.js';
import type { CostPoint, EvalPoint, TrainingHistory } from './record.js';

/** The course's num_iterations for full-batch training. */
export const DEFAULT_ITERATIONS = 2500;
/** Passes over the data for mini-batch training when neither iterations nor epochs are given. */
export const DEFAULT_EPOCHS = 20;

export interface TrainOptions {
  learningRate: number;
  /** Parameter updates to make (full batch: the course's num_iterations). */
  iterations?: number;
  /** Passes over the training set (mini-batch training). One of iterations/epochs; default 2500 iterations (full batch) or 20 epochs. */
  epochs?: number;
  /** Examples per update; undefined or ≥ m: full batch (one iteration = one step on all m examples). */
  batchSize?: number;
  optimizer?: OptimizerKind;
  beta?: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /** L2 regularization λ (cost + (λ/2m) Σ||W||², dW += (λ/m) W). */
  l2?: number;
  /** Inverted dropout keep probability for the hidden layers (1 = off). */
  keepProb?: number;
  /** Seeds mini-batch shuffling and dropout masks. */
  seed?: number;
  /** Full batch: record J every N iterations (default 100) and at the last one. Mini-batch: J per epoch. */
  costEvery?: number;
  /** Full batch: evaluate train/dev error every N iterations (default costEvery). Mini-batch: every epoch. */
  evalEvery?: number;
  /** Dev set, normalized like X: X (n[0], m_dev), Y (n[L], m_dev), labels for classification. */
  dev?: { X: Matrix; Y: Matrix; labels?: Int32Array } | undefined;
  /** Stop when dev error has not improved by minDelta for `patience` evaluations; restores the best parameters. */
  earlyStop?: { patience: number; minDelta?: number };
  /** A recorded cost; `evaluated` says whether an evaluation (onEval) of the same iteration follows. */
  onCost?: (p: CostPoint, info: { evaluated: boolean }) => void;
  onEval?: (p: EvalPoint) => void;
  /** Called after every update; return false to stop. */
  onIteration?: (s: { iteration: number; total: number; epoch?: number; cost?: number }) => boolean | void;
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
}

/**
 * Trains `parameters` in place on X: (n[0], m), Y: (n[L], m) (labels: class indices for classification
 * error), both already normalized and in the parameters' dtype. Full batch reuses one workspace;
 * mini-batches gather shuffled columns into preallocated batch matrices. Nothing is allocated per
 * iteration beyond small bookkeeping.
 */
export function trainParameters(
  parameters: Parameters,
  arch: Architecture,
  X: Matrix,
  Y: Matrix,
  labels: Int32Array | undefined,
  options: TrainOptions,
  backend: Backend,
): TrainResult {
  const t0 = performance.now();
  const m = X.cols;
  const dtype = parameters['W1']!.dtype;
  const lr = options.learningRate;
  const keepProb = options.keepProb ?? 1;
  const lambda = options.l2 ?? 0;
  validate(options, m);
  const full = options.batchSize === undefined || options.batchSize >= m;
  const batch = full ? m : options.batchSize!;
  const perEpoch = Math.ceil(m / batch);
  const total =
    options.iterations ??
    (options.epochs !== undefined ? options.epochs * perEpoch : full ? DEFAULT_ITERATIONS : DEFAULT_EPOCHS * perEpoch);
  const costEvery = options.costEvery ?? 100;
  const evalEvery = options.evalEvery ?? costEvery;
  const rng = new Rng(options.seed ?? 1);
  const shuffleRng = rng.fork();
  const dropoutRng = rng.fork();
  const optimizer = new Optimizer(
    { kind: options.optimizer ?? 'gd', learningRate: lr, ...pick(options, ['beta', 'beta1', 'beta2', 'epsilon']) },
    backend,
  );
  const dropout = keepProb < 1;
  const history: TrainingHistory = { costs: [], evals: [] };
  const evaluator = new ChunkedForward(backend, arch, dtype);
  const best = options.earlyStop
    ? { error: Infinity, iteration: 0, params: copyParameters(parameters, backend), waited: 0 }
    : undefined;

  // Batch storage: the full X in the backend's memory (full batch), or batch-sized matrices to gather into.
  const workspaces = new Map<number, { ws: Workspace; Xb: Matrix; Yb: Matrix }>();
  const buffers = (size: number) => {
    let b = workspaces.get(size);
    if (!b) {
      const ws = createWorkspace(arch.dims, size, dtype, backend, dropout);
      const Xb = backend.zeros(X.rows, size, dtype),
        Yb = backend.zeros(Y.rows, size, dtype);
      if (full) (backend.copy(X, Xb), backend.copy(Y, Yb));
      workspaces.set(size, (b = { ws, Xb, Yb }));
    }
    return b;
  };
  const pred = new Int32Array(batch);
  let order: Int32Array = new Int32Array(0);
  let epochCost = 0,
    epochCorrect = 0,
    epochSeen = 0;
  let lastCost = NaN;
  let stopped = `finished ${total} iteration${total === 1 ? '' : 's'}`;
  let iteration = 0;

  // Classification errors are fractions (shown as percentages); regression errors are costs.
  const fmtError = (x: number) => (labels ? pct(x) : x.toPrecision(4));
  const evaluate = (it: number, trainError: number, trainCost: number, epoch?: number): boolean => {
    const point: EvalPoint = { iteration: it, trainError, trainCost, ...(epoch !== undefined ? { epoch } : {}) };
    if (options.dev) {
      const d = evaluateNetwork(evaluator, backend, arch, parameters, options.dev.X, options.dev.Y, options.dev.labels);
      point.devError = d.error;
      point.devCost = d.cost;
    }
    history.evals.push(point);
    options.onEval?.(point);
    if (best && point.devError !== undefined) {
      if (point.devError < best.error - (options.earlyStop!.minDelta ?? 0)) {
        best.error = point.devError;
        best.iteration = it;
        best.waited = 0;
        for (const k of Object.keys(parameters)) backend.copy(parameters[k]!, best.params[k]!);
      } else if (++best.waited >= options.earlyStop!.patience) {
        stopped = `early stop at iteration ${it}: dev error ${fmtError(point.devError)} has not improved on ${fmtError(best.error)} (iteration ${best.iteration}) for ${options.earlyStop!.patience} evaluations`;
        return false;
      }
    }
    return true;
  };

  try {
    while (iteration < total) {
      const epochStart = iteration % perEpoch === 0;
      if (!full && epochStart) {
        order = shuffleRng.permutation(m);
        epochCost = epochCorrect = epochSeen = 0;
      }
      const start = full ? 0 : (iteration % perEpoch) * batch;
      const size = full ? m : Math.min(batch, m - start);
      const { ws, Xb, Yb } = buffers(size);
      if (!full) {
        gatherColumns(X, order, start, Xb);
        gatherColumns(Y, order, start, Yb);
      }
      const { AL, caches } = modelForward(Xb, parameters, {
        backend,
        activations: arch.activations,
        alpha: arch.alpha,
        workspace: ws,
        keepProb,
        rng: dropoutRng,
      });
      // The course records J before the update of the iteration it is printed for.
      const recordCost = full ? iteration % costEvery === 0 || iteration === total - 1 : true;
      const evalNow = full && (iteration % evalEvery === 0 || iteration === total - 1);
      let cost = NaN,
        correct = 0;
      if (recordCost || evalNow) {
        cost = backend.lossSum(arch.loss, AL, Yb) / size + l2Cost(parameters, lambda, size, backend);
        if (labels) {
          backend.predictClasses(AL, pred, 0.5);
          for (let j = 0; j < size; j++) if (pred[j] === labels[full ? j : order[start + j]!]) correct++;
        }
      }
      // Full batch: J, train error and dev error all describe the parameters before this update.
      let go = true;
      if (full && recordCost) {
        const p = { iteration, cost };
        history.costs.push(p);
        options.onCost?.(p, { evaluated: evalNow });
        lastCost = cost;
      }
      if (full && evalNow && !evaluate(iteration, labels ? (size - correct) / size : cost, cost)) break;
      const grads = modelBackward(AL, Yb, caches, {
        backend,
        loss: arch.loss,
        alpha: arch.alpha,
        lambda,
        workspace: ws,
        computeDA0: false,
      });
      optimizer.step(parameters, grads);
      iteration++;

      if (!full) {
        epochCost += cost * size;
        epochCorrect += correct;
        epochSeen += size;
        if (iteration % perEpoch === 0 || iteration === total) {
          const epoch = iteration / perEpoch;
          const meanCost = epochCost / epochSeen;
          const p = { iteration, cost: meanCost, epoch };
          history.costs.push(p);
          options.onCost?.(p, { evaluated: true });
          lastCost = meanCost;
          // Keras-style: the training error is the running error over the epoch's batches.
          go = evaluate(iteration, labels ? (epochSeen - epochCorrect) / epochSeen : meanCost, meanCost, epoch);
        }
      }
      if ((recordCost || evalNow) && (Number.isNaN(cost) || cost === Infinity)) {
        stopped = `diverged at iteration ${iteration - 1}: the cost is ${cost}; lower the learning rate (--lr ${lr})`;
        break;
      }
      if (!go) break;
      if (
        options.onIteration?.({
          iteration,
          total,
          ...(full ? {} : { epoch: iteration / perEpoch }),
          ...(Number.isFinite(cost) ? { cost } : {}),
        }) === false
      ) {
        stopped = `stopped at iteration ${iteration} by the caller`;
        break;
      }
    }
    if (best && best.iteration !== iteration && history.evals.some((e) => e.devError !== undefined)) {
      for (const k of Object.keys(parameters)) backend.copy(best.params[k]!, parameters[k]!);
      if (!stopped.startsWith('early stop'))
        stopped += `; kept the parameters of iteration ${best.iteration} (best dev error ${fmtError(best.error)})`;
      else stopped += `; restored the parameters of iteration ${best.iteration}`;
    }
  } finally {
    for (const { ws, Xb, Yb } of workspaces.values()) {
      freeWorkspace(ws, backend);
      backend.free(Xb);
      backend.free(Yb);
    }
    evaluator.dispose();
    optimizer.dispose();
    if (best) for (const M of Object.values(best.params)) backend.free(M);
  }
  return {
    history,
    iterations: iteration,
    ...(full ? {} : { epochs: iteration / perEpoch }),
    seconds: (performance.now() - t0) / 1000,
    stopped,
    ...(best && history.evals.some((e) => e.devError !== undefined) ? { bestIteration: best.iteration } : {}),
    finalCost: lastCost,
  };
}

function validate(o: TrainOptions, m: number): void {
  const positiveInt = (name: string, v: number | undefined) => {
    if (v !== undefined && (!Number.isInteger(v) || v < 1))
      throw new ValueError(`${name} must be a positive integer but is ${v}`);
  };
  if (!(o.learningRate > 0) || !Number.isFinite(o.learningRate))
    throw new ValueError(`learning rate must be a positive number but is ${o.learningRate}`);
  if (o.iterations !== undefined && o.epochs !== undefined) throw new ValueError('give iterations or epochs, not both');
  positiveInt('iterations', o.iterations);
  positiveInt('epochs', o.epochs);
  positiveInt('batch size', o.batchSize);
  positiveInt('costEvery', o.costEvery);
  positiveInt('evalEvery', o.evalEvery);
  if (o.l2 !== undefined && !(o.l2 >= 0)) throw new ValueError(`l2 (lambda) must be ≥ 0 but is ${o.l2}`);
  if (o.keepProb !== undefined && !(o.keepProb > 0 && o.keepProb <= 1))
    throw new ValueError(`keep probability must be in (0, 1] but is ${o.keepProb}`);
  if (o.earlyStop) {
    positiveInt('early-stop patience', o.earlyStop.patience);
    if (!o.dev) throw new ValueError('early stopping needs a dev set to watch');
  }
  if (m === 0) throw new ValueError('cannot train on m = 0 examples');
}

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

export function copyParameters(parameters: Parameters, backend: Backend): Parameters {
  const out: Parameters = {};
  for (const [k, M] of Object.entries(parameters)) {
    out[k] = backend.zeros(M.rows, M.cols, M.dtype);
    backend.copy(M, out[k]!);
  }
  return out;
}

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
