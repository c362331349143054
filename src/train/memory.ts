import { ValueError } from '../core/errors.js';
import type { DType } from '../core/matrix.js';
import { OPTIMIZER_INFO, type OptimizerKind } from '../nn/update.js';

/** What a training run will allocate, computed from the sizes alone, before anything is allocated. */
export interface MemoryEstimate {
  /** Bytes in all: parameters with their gradients and optimizer state, workspaces, data copies. */
  bytes: number;
  /** The largest single matrix, which must fit by itself: 'W[1]' and its bytes. */
  largest: { name: string; bytes: number };
  dtype: DType;
}

export interface MemoryPlan {
  /** n[0..L] */
  dims: readonly number[];
  dtype: DType;
  /** Examples per update (m for full batch). */
  batchSize: number;
  /** Training examples (held once more in the backend's memory for full batch). */
  m: number;
  /** Dev examples (evaluated in chunks of at most `evalChunk`). */
  devM?: number;
  optimizer: OptimizerKind;
  dropout: boolean;
  earlyStop: boolean;
  evalChunk?: number;
  /**
   * Bytes of features held in memory in their stored dtype (one store shared by train, dev and test;
   * 0 when streamed from disk). When absent, the estimate counts what training on normalized matrices
   * holds instead: a copy of the train and dev X in the training dtype.
   */
  dataBytes?: number;
  /** Bytes of the read-ahead ring when the training set is streamed from disk. */
  streamBytes?: number;
  /** Bytes of labels and targets held for every example (class indices, regression targets). */
  labelBytes?: number;
}

/**
 * Bytes a run needs: W[l], b[l] with dW, db (workspace), optimizer state (one copy of the parameters per
 * matrix its OPTIMIZER_INFO row keeps: momentum's v, Adam's v and s), a best copy for early stopping, the
 * float64 draw of the initial parameters, the activations of one batch
 * (Z, A, dZ, dA, and with dropout A·D/keepProb and the mask D, a byte an entry) and of one evaluation chunk, the batch X, Y, and the data:
 * the features as held (`dataBytes`: the store in its own dtype, nothing for a streamed file) with the
 * read-ahead ring and the labels — or, without `dataBytes`, normalized copies of the train and dev X.
 * @example estimateTrainingMemory({ dims: [784, 1e9, 10], dtype: 'float32', ... }).largest // => { name: 'W[1]', bytes: 3.1e12 }
 */
export function estimateTrainingMemory(p: MemoryPlan): MemoryEstimate {
  const size = p.dtype === 'float64' ? 8 : 4;
  const L = p.dims.length - 1;
  let params = 0;
  let units = 0;
  let largest = { name: 'X', bytes: p.dims[0]! * p.batchSize * size };
  for (let l = 1; l <= L; l++) {
    const w = p.dims[l]! * p.dims[l - 1]!;
    params += w + p.dims[l]!;
    units += p.dims[l]!;
    if (w * size > largest.bytes) largest = { name: `W[${l}]`, bytes: w * size };
  }
  const copies = 2 + OPTIMIZER_INFO[p.optimizer].state.length + (p.earlyStop ? 1 : 0);
  const perExample = units * (4 + (p.dropout ? 1 : 0)) + p.dims[0]! + p.dims[L]!;
  const masks = p.dropout ? units * p.batchSize : 0;
  const chunk = Math.min(p.devM ?? 0, p.evalChunk ?? 1024);
  const data =
    p.dataBytes !== undefined
      ? p.dataBytes + (p.streamBytes ?? 0) + (p.labelBytes ?? 0)
      : (p.m + (p.devM ?? 0)) * p.dims[0]! * size;
  const bytes =
    params * copies * size +
    params * 8 +
    perExample * p.batchSize * size +
    masks +
    (units + p.dims[0]!) * chunk * size +
    data;
  return { bytes, largest, dtype: p.dtype };
}

/**
 * Refuses a run that cannot fit, before it allocates: more than the backend can address, or more than the
 * machine has (where the runtime tells it: a page may not). The message gives the figures.
 * @throws ValueError `the network needs 14.9 GB (W[1] alone 14.9 GB); this machine has 23.0 GB, the wasm backend 4.0 GB`
 */
export function checkMemory(
  estimate: MemoryEstimate,
  limits: { machineBytes?: number | undefined; backendBytes?: number | undefined; backendName?: string },
): void {
  const { bytes, largest } = estimate;
  const { machineBytes: machine, backendBytes: backend } = limits;
  const over = (machine !== undefined && bytes > machine) || (backend !== undefined && bytes > backend);
  if (!over) return;
  const name = `the ${limits.backendName ?? 'backend'} backend`;
  const have =
    machine === undefined
      ? `${name} can hold ${gb(backend!)}`
      : `this machine has ${gb(machine)}${backend !== undefined ? `, ${name} ${gb(backend)}` : ''}`;
  const alone = ` (${largest.name} alone ${gb(largest.bytes)})`;
  const smaller = `use fewer or smaller layers, a smaller batch${estimate.dtype === 'float64' ? ', or float32' : ''}`;
  throw new ValueError(`the network and its batch need ${gb(bytes)}${alone}; ${have}: ${smaller}`);
}

/** Bytes in GB with one decimal: 14.9 GB. */
function gb(bytes: number): string {
  const g = bytes / 1e9;
  return g >= 1000 ? `${g.toExponential(1)} GB` : `${g.toFixed(1)} GB`;
}

/**
 * Reads a size in bytes: a number with an optional unit k, m, g or t (powers of 1024; `b`, `ib`
 * accepted after it) — `1g`, `512M`, `1.5GiB`, `2000000000`.
 * @example parseByteSize('1g') // => 1073741824
 */
export function parseByteSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([kmgt])?(?:i?b)?\s*$/i.exec(text);
  const units: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };
  const bytes = m ? Number(m[1]) * (m[2] ? units[m[2].toLowerCase()]! : 1) : NaN;
  if (!Number.isFinite(bytes) || bytes < 1)
    throw new ValueError(
      `a memory size must be a positive number of bytes with an optional unit k, m, g or t (512m, 1g, 1.5GiB) but is '${text}'`,
    );
  return Math.floor(bytes);
}

/**
 * A byte count for messages in the units `--memory` takes (powers of 1024), so that `--memory 1g` reads
 * back as 1.0 GiB: 2.9 GiB, 312 MiB, 40.0 KiB.
 */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(1)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${bytes} B`;
}
