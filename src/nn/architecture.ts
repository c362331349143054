import type { ActivationKind, LossKind } from '../backend/backend.js';
import { ValueError } from '../core/errors.js';
import { HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS } from './activations.js';
import { isMatchedPair, lossFor } from './losses.js';

/**
 * The rules every network obeys, checked in one place for `train` (Model.create), `gradcheck`,
 * `inspect` and model files: n[0..L] with L ≥ 1 positive integers, one activation g[l] per layer, and
 * no softmax over a single unit. A softmax of one value is always 1: the layer passes nothing on, every
 * gradient through it is 0, and a gradient check of it passes vacuously.
 * @example checkArchitecture([4, 3, 1], ['relu', 'softmax'], '--dims') // throws: a softmax over n[2] = 1 unit ...
 * @throws ValueError naming `where`, the layer and the rule.
 */
export function checkArchitecture(
  dims: readonly number[],
  activations: readonly ActivationKind[],
  where: string,
): void {
  if (!Array.isArray(dims) || dims.length < 2)
    throw new ValueError(`${where}: dims must list n[0..L] with L ≥ 1 but is ${JSON.stringify(dims)}`);
  dims.forEach((n, l) => {
    if (!Number.isInteger(n) || n < 1)
      throw new ValueError(`${where}: n[${l}] must be a positive integer but is ${JSON.stringify(n) ?? String(n)}`);
  });
  const L = dims.length - 1;
  if (activations.length !== L)
    throw new ValueError(`${where}: need one activation per layer, g[1..${L}], but got ${activations.length}`);
  for (let l = 1; l <= L; l++)
    if (activations[l - 1] === 'softmax' && dims[l] === 1)
      throw new ValueError(
        `${where}: a softmax over n[${l}] = 1 unit is always 1, so layer ${l} passes nothing on and its gradients are 0; ${
          l === L ? 'use a sigmoid output for two classes, or' : 'give the layer'
        } n[${l}] ≥ 2${l === L ? ' units for a softmax' : ''}`,
      );
}

/**
 * The roles train gives g[1..L] and the loss, which a model file must keep: each hidden g[l] (l < L) one of
 * HIDDEN_ACTIVATIONS, g[L] one of OUTPUT_ACTIVATIONS, and the loss the one that matches g[L] (lossFor), the
 * pair for which dZ[L] = A[L] - Y. The blocks and gradient checks take any activations and loss; a model
 * file with other roles was not written by train, so the loader refuses it (its cost and errors would mean
 * something train never measured).
 * @example checkLayerRoles(['softmax', 'sigmoid'], 'binary-cross-entropy', 'm.json: architecture') // throws: g[1] must be ...
 * @throws ValueError naming `where`, the layer and the rule.
 */
export function checkLayerRoles(activations: readonly ActivationKind[], loss: LossKind, where: string): void {
  const L = activations.length;
  activations.slice(0, -1).forEach((g, i) => {
    if (!HIDDEN_ACTIVATIONS.includes(g))
      throw new ValueError(
        `${where}: g[${i + 1}] is a hidden layer's activation, which must be one of ${HIDDEN_ACTIVATIONS.join(', ')} but is ${g}`,
      );
  });
  const output = activations[L - 1]!;
  if (!OUTPUT_ACTIVATIONS.includes(output))
    throw new ValueError(
      `${where}: g[L] = g[${L}] is the output activation, which must be one of ${OUTPUT_ACTIVATIONS.join(', ')} but is ${output}`,
    );
  if (!isMatchedPair(output, loss))
    throw new ValueError(`${where}: the loss of a ${output} output must be ${lossFor(output)} but is ${loss}`);
}
