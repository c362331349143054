import { assertNever } from '../core/assert.js';
import { ValueError } from '../core/errors.js';
import { zeros, type DType } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import type { Parameters } from './params.js';

/**
 * How W[l] is drawn (b[l] always starts at 0):
 * - `he`:        randn · sqrt(2 / n[l-1])   (ReLU networks)
 * - `xavier`:    randn · sqrt(1 / n[l-1])   (tanh / sigmoid networks)
 * - `course`:    randn / sqrt(n[l-1])       (the course's L-layer `initialize_parameters_deep`)
 * - `scaled:k`:  randn · k                  (the course's 2-layer init with k = 0.01)
 * Draws go layer by layer, row by row, from one generator, as numpy's `np.random.randn(n[l], n[l-1])` does.
 */
export type InitKind = NamedInit | { scaled: number };
export type NamedInit = 'he' | 'xavier' | 'course';
const NAMED_INITS = ['he', 'xavier', 'course'] as const satisfies readonly NamedInit[];

export function parseInit(text: string): InitKind {
  const t = text.trim().toLowerCase();
  const named = NAMED_INITS.find((k) => k === t);
  if (named) return named;
  const m = /^scaled:(.+)$/.exec(t);
  if (m) {
    const k = Number(m[1]);
    if (!Number.isFinite(k) || k <= 0)
      throw new ValueError(`--init scaled:<k> needs a positive number k but got '${m[1]}'`);
    return { scaled: k };
  }
  throw new ValueError(`init must be he, xavier, course, scaled:<k> or a parameters .json file but is '${text}'`);
}

export function initName(init: InitKind): string {
  return typeof init === 'string' ? init : `scaled:${init.scaled}`;
}

/**
 * W[l]: (n[l], n[l-1]) drawn as `init` says, b[l]: (n[l], 1) zeros, for l = 1..L.
 * With init 'course' and seed 1 this reproduces the course's initial parameters exactly.
 * @example initializeParametersDeep([5, 4, 3], { seed: 3 }) // => { W1: (4, 5), b1: (4, 1), W2: (3, 4), b2: (3, 1) }
 */
export function initializeParametersDeep(
  layerDims: number[],
  options: { init?: InitKind; seed?: number; dtype?: DType } = {},
): Parameters {
  const { init = 'course', seed = 1, dtype = 'float64' } = options;
  if (layerDims.length < 2)
    throw new ValueError(
      `initializeParametersDeep: layer dims must list n[0..L] with L ≥ 1 but has ${layerDims.length} entr${layerDims.length === 1 ? 'y' : 'ies'}`,
    );
  layerDims.forEach((n, l) => {
    if (!Number.isInteger(n) || n < 1)
      throw new ValueError(`initializeParametersDeep: n[${l}] must be a positive integer but is ${n}`);
  });
  const rng = new Rng(seed);
  const params: Parameters = {};
  for (let l = 1; l < layerDims.length; l++) {
    const rows = layerDims[l]!,
      cols = layerDims[l - 1]!;
    const W = zeros(rows, cols, dtype);
    drawWeights(init, rng, W.data, cols);
    params[`W${l}`] = W;
    params[`b${l}`] = zeros(rows, 1, dtype);
  }
  return params;
}

/** Fills W[l] (n[l]·n[l-1] entries, row by row) from `rng` as `init` says; cols = n[l-1]. */
function drawWeights(init: InitKind, rng: Rng, W: Float32Array | Float64Array, cols: number): void {
  if (typeof init === 'object') {
    for (let x = 0; x < W.length; x++) W[x] = rng.randn() * init.scaled;
    return;
  }
  switch (init) {
    case 'course':
      // The course divides by sqrt(n[l-1]); dividing (not multiplying by the reciprocal) keeps its last bit.
      for (let x = 0; x < W.length; x++) W[x] = rng.randn() / Math.sqrt(cols);
      return;
    case 'he':
    case 'xavier': {
      const scale = Math.sqrt((init === 'he' ? 2 : 1) / cols);
      for (let x = 0; x < W.length; x++) W[x] = rng.randn() * scale;
      return;
    }
    default:
      assertNever(init, 'initialization');
  }
}
