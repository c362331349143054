import type { Backend } from '../backend/backend.js';
import type { DType, Mask, Matrix } from '../core/matrix.js';

/** The matrices one layer needs per iteration for a batch of m examples. */
export interface LayerWorkspace {
  /** Z, A, dZ, dA: (n[l], m) */
  Z: Matrix;
  A: Matrix;
  dZ: Matrix;
  dA: Matrix;
  /** dW: (n[l], n[l-1]), db: (n[l], 1) */
  dW: Matrix;
  db: Matrix;
  /** Dropout mask (bytes) and A·D/keepProb, hidden layers only, when dropout is on. */
  D?: Mask;
  dropped?: Matrix;
}

/**
 * Every matrix forward and backward write for batches of m examples, allocated once from the backend
 * so that a training run allocates nothing per iteration.
 */
export interface Workspace {
  m: number;
  layers: LayerWorkspace[];
}

/**
 * The workspace of a network of layer sizes `dims` = n[0..L] for batches of m examples, in `dtype` on
 * `backend`; with `dropout`, each hidden layer's mask D and A·D/keepProb too.
 * @example createWorkspace([4, 8, 3], 64, { dtype: 'float32', backend }).layers[0].Z // => a (8, 64) matrix
 */
export function createWorkspace(
  dims: number[],
  m: number,
  { dtype, backend, dropout = false }: { dtype: DType; backend: Backend; dropout?: boolean },
): Workspace {
  const L = dims.length - 1;
  const layers: LayerWorkspace[] = [];
  for (let l = 1; l <= L; l++) {
    const n = dims[l]!;
    const z = () => backend.zeros(n, m, dtype);
    const layer: LayerWorkspace = {
      Z: z(),
      A: z(),
      dZ: z(),
      dA: z(),
      dW: backend.zeros(n, dims[l - 1]!, dtype),
      db: backend.zeros(n, 1, dtype),
    };
    if (dropout && l < L) {
      layer.D = backend.zerosMask(n, m);
      layer.dropped = z();
    }
    layers.push(layer);
  }
  return { m, layers };
}

export function freeWorkspace(ws: Workspace, backend: Backend): void {
  for (const layer of ws.layers) for (const M of Object.values(layer)) if (M) backend.free(M);
}
