/** The problem `lnn gradcheck` checks backprop on: parameters, inputs and targets drawn from a seed. */
import { zeros } from '../core/matrix.js';
import { Rng } from '../core/rng.js';
import type { ActivationKind } from '../nn/activations.js';
import { initializeParametersDeep, type InitKind } from '../nn/initializers.js';

/**
 * The parameters, X: (n[0], m) and Y: (n[L], m) of a check, drawn from `seed`: biases non-zero, so that
 * their gradients are checked away from the symmetric start; Y one-hot (softmax), 0/1 (sigmoid) or normal
 * for the `output` activation g[L].
 */
export function checkProblem(
  dims: number[],
  { output, m, init, seed }: { output: ActivationKind; m: number; init: InitKind; seed: number },
) {
  const L = dims.length - 1;
  const nL = dims[L]!;
  const params = initializeParametersDeep(dims, { init, seed, dtype: 'float64' });
  const rng = new Rng(seed + 1);
  for (let l = 1; l <= L; l++)
    for (let i = 0; i < params[`b${l}`]!.size; i++) params[`b${l}`]!.data[i] = 0.1 * rng.randn();
  const X = zeros(dims[0]!, m, 'float64');
  for (let i = 0; i < X.size; i++) X.data[i] = rng.randn();
  const Y = zeros(nL, m, 'float64');
  for (let j = 0; j < m; j++) {
    if (output === 'softmax') Y.data[rng.int(nL) * m + j] = 1;
    else
      for (let i = 0; i < nL; i++)
        Y.data[i * m + j] = output === 'sigmoid' ? (rng.random() < 0.5 ? 1 : 0) : rng.randn();
  }
  return { params, X, Y };
}
