// A small network trained with the library's own functions, the same way in Node and in a page:
// dims [64, 128, 32, 1], ReLU/ReLU/sigmoid, binary cross-entropy, m = 256, 40 steps of gradient
// descent. The first layer's GEMMs (128·256·64 multiply-adds) are large enough to be split across threads.
import type { Backend } from '../../src/backend/backend.js';
import { Rng } from '../../src/core/rng.js';
import { computeCost } from '../../src/nn/cost.js';
import { initializeParametersDeep } from '../../src/nn/initializers.js';
import { modelBackward, modelForward } from '../../src/nn/propagation.js';
import type { Parameters } from '../../src/nn/params.js';
import { updateParameters } from '../../src/nn/update.js';

export const dims = [64, 128, 32, 1];
export const m = 256;
export const steps = 40;

/** The costs after every 5th step, in float32. */
export function trainSmall(be: Backend): number[] {
  const rng = new Rng(3);
  const X = be.zeros(dims[0]!, m, 'float32');
  const Y = be.zeros(1, m, 'float32');
  for (let i = 0; i < X.size; i++) X.data[i] = rng.randn();
  // A learnable rule: the label is whether the first two features sum above 0.
  for (let j = 0; j < m; j++) Y.data[j] = X.data[j]! + X.data[m + j]! > 0 ? 1 : 0;
  const init = initializeParametersDeep(dims, { init: 'he', seed: 1, dtype: 'float32' });
  const params: Parameters = {};
  for (const [k, v] of Object.entries(init)) {
    params[k] = be.zeros(v.rows, v.cols, 'float32');
    params[k].data.set(v.data);
  }
  const costs: number[] = [];
  for (let step = 1; step <= steps; step++) {
    const { AL, caches } = modelForward(X, params, { backend: be });
    if (step % 5 === 0) costs.push(computeCost(AL, Y, { backend: be }));
    const grads = modelBackward(AL, Y, caches, { backend: be, computeDA0: false });
    updateParameters(params, grads, 0.05, { backend: be });
  }
  return costs;
}
