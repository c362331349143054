/**
 * The network as the learner builds it: n[0] from the data's features, the hidden layers' n[l] and
 * their activation, n[L] and g[L] from the labels (the library's rule: sigmoid for two classes, softmax
 * for more, linear for values), and what it implies in the course's notation: the shapes of W[l], b[l],
 * Z[l] and A[l] with the current m, the parameter count, and the memory a run of it takes (the
 * library's estimate and its check against what the page can hold).
 */
import {
  checkMemory,
  defaultBackend,
  defaultOutput,
  estimateTrainingMemory,
  formatBytes,
  outputUnits,
  type ActivationKind,
  type OptimizerKind,
} from '../src/browser.js';
import type { PageData } from './data.js';

/** What the learner chose for the network. */
export interface NetworkChoice {
  hidden: number[];
  activation: ActivationKind;
}

/** The network: n[0..L] and g[1..L]. */
export interface Layers {
  dims: number[];
  activations: ActivationKind[];
  output: 'sigmoid' | 'softmax' | 'linear';
}

export function layersOf(data: PageData, choice: NetworkChoice): Layers {
  const output = defaultOutput(data.dataset);
  const nL = outputUnits(data.dataset, output);
  const dims = [data.rows.shape[1], ...choice.hidden, nL];
  const activations = [...choice.hidden.map(() => choice.activation), output];
  return { dims, activations, output };
}

/** Σ n[l]·(n[l-1] + 1). */
export function parameterCount(dims: readonly number[]): number {
  let s = 0;
  for (let l = 1; l < dims.length; l++) s += dims[l]! * (dims[l - 1]! + 1);
  return s;
}

const shape = (r: number, c: number | string) => `(${r.toLocaleString('en-US')}, ${c.toLocaleString('en-US')})`;

/** One row of the shapes table per layer, in the course's notation; `m` is the examples of one update. */
export function shapesTable(layers: Layers, m: number): string {
  const { dims, activations } = layers;
  const head =
    '<thead><tr><th scope="col">l</th><th scope="col" class="num">n[l]</th><th scope="col">g[l]</th>' +
    '<th scope="col">W[l]</th><th scope="col">b[l]</th><th scope="col">Z[l], A[l]</th><th scope="col" class="num">parameters</th></tr></thead>';
  const rows = [
    `<tr data-layer="0"><th scope="row">0</th><td class="num">${dims[0]}</td><td class="muted">input</td>` +
      `<td></td><td></td><td data-shape="A0">A[0] = X: ${shape(dims[0]!, m)}</td><td class="num"></td></tr>`,
  ];
  for (let l = 1; l < dims.length; l++) {
    const n = dims[l]!,
      prev = dims[l - 1]!;
    rows.push(
      `<tr data-layer="${l}"><th scope="row">${l}${l === dims.length - 1 ? ' (L)' : ''}</th><td class="num">${n}</td>` +
        `<td>${activations[l - 1]}</td><td data-shape="W${l}">${shape(n, prev)}</td><td data-shape="b${l}">${shape(n, 1)}</td>` +
        `<td data-shape="Z${l}">${shape(n, m)}</td><td class="num">${(n * (prev + 1)).toLocaleString('en-US')}</td></tr>`,
    );
  }
  const total = parameterCount(dims).toLocaleString('en-US');
  const foot = `<tfoot><tr><th scope="row" colspan="6">parameters in all</th><td class="num" id="param-count">${total}</td></tr></tfoot>`;
  return `${head}<tbody>${rows.join('')}</tbody>${foot}`;
}

/** What a run needs besides the network: the sizes of its sets and its optimization. */
export interface RunSize {
  mTrain: number;
  mDev: number;
  batchSize: number;
  optimizer: OptimizerKind;
  dropout: boolean;
  /** Bytes of the features as the worker holds them (float64 rows). */
  dataBytes: number;
}

/**
 * The memory a run takes (the library's estimate for the training worker: parameters, gradients,
 * optimizer state, one batch's caches, the data), and the library's refusal when the page cannot hold
 * it (the wasm backend's addressable memory; the machine's, where the browser tells it).
 */
export function memoryOf(dims: number[], size: RunSize): { bytes: number; text: string; refusal?: string } {
  const estimate = estimateTrainingMemory({
    dims,
    dtype: 'float32',
    batchSize: size.batchSize,
    m: size.mTrain,
    devM: size.mDev,
    optimizer: size.optimizer,
    dropout: size.dropout,
    earlyStop: false,
    dataBytes: size.dataBytes,
  });
  const text = `${formatBytes(estimate.bytes)} to train (float32)`;
  const device = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  const backend = defaultBackend();
  try {
    checkMemory(estimate, {
      machineBytes: device !== undefined ? device * 2 ** 30 : undefined,
      backendBytes: backend.memoryLimit,
      backendName: backend.name,
    });
    return { bytes: estimate.bytes, text };
  } catch (e) {
    return { bytes: estimate.bytes, text, refusal: (e as Error).message };
  }
}
