import type { Backend } from '../backend/backend.js';
import { defaultBackend } from '../backend/index.js';
import { assertNever } from '../core/assert.js';
import { ValueError } from '../core/errors.js';
import type { DType, Matrix } from '../core/matrix.js';
import { checkHyperparameter } from './hyperparameters.js';
import { depth, type Gradients, type Parameters } from './params.js';

/**
 * Gradient descent, the course's `update_parameters`: W[l] -= α·dW[l], b[l] -= α·db[l], in place.
 * Returns the same parameters object.
 */
export function updateParameters(
  parameters: Parameters,
  grads: Gradients,
  learningRate: number,
  options: { backend?: Backend } = {},
): Parameters {
  const be = options.backend ?? defaultBackend();
  checkRate(learningRate);
  const L = depth(parameters);
  for (let l = 1; l <= L; l++)
    for (const p of ['W', 'b']) {
      const g = grads[`d${p}${l}`];
      if (!g) throw new ValueError(`updateParameters: grads has no d${p}${l}`);
      be.axpby(-learningRate, g, 1, parameters[`${p}${l}`]!);
    }
  return parameters;
}

function checkRate(lr: number): void {
  if (typeof lr !== 'number') throw new ValueError(`learning rate must be a number > 0 but is ${String(lr)}`);
  checkHyperparameter('learningRate', lr);
}

export type OptimizerKind = 'gd' | 'momentum' | 'adam';

/**
 * Every optimizer, with what the command line and the docs say of it. A new member of OptimizerKind
 * must be added here (the `satisfies` makes a missing one a compile error) and to `Optimizer.step`'s
 * switch (its `assertNever` default makes a missing case a compile error).
 */
export const OPTIMIZER_INFO = {
  gd: { description: "gradient descent, the course's update_parameters", learningRate: 0.0075 },
  momentum: { description: 'gradient descent with momentum (β)', learningRate: 0.01 },
  adam: { description: 'Adam (β1, β2, ε), bias-corrected', learningRate: 0.001 },
} as const satisfies Record<OptimizerKind, { description: string; learningRate: number }>;

export const OPTIMIZERS = Object.keys(OPTIMIZER_INFO) as readonly OptimizerKind[];

export interface OptimizerConfig {
  kind: OptimizerKind;
  learningRate: number;
  /** Momentum's β (default 0.9). */
  beta?: number;
  /** Adam's β1, β2, ε (defaults 0.9, 0.999, 1e-8). */
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/**
 * An optimizer keeps its state (velocities v, squared averages s) per parameter and applies one step:
 * gd: W -= α·dW; momentum: v = β·v + (1-β)·dW, W -= α·v; Adam: bias-corrected v and s, W -= α·v̂/(√ŝ + ε).
 */
export class Optimizer {
  readonly config: Required<OptimizerConfig>;
  private t = 0;
  private readonly v = new Map<string, Matrix>();
  private readonly s = new Map<string, Matrix>();

  constructor(
    config: OptimizerConfig,
    private readonly backend: Backend = defaultBackend(),
  ) {
    if (!OPTIMIZERS.includes(config.kind))
      throw new ValueError(`optimizer must be one of ${OPTIMIZERS.join(', ')} but is '${config.kind}'`);
    checkRate(config.learningRate);
    this.config = { beta: 0.9, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, ...config };
    for (const k of ['beta', 'beta1', 'beta2', 'epsilon'] as const) checkHyperparameter(k, this.config[k]);
  }

  /** α of the next step; set between steps (a run's control changes it), checked by the learning rate's rule. */
  get learningRate(): number {
    return this.config.learningRate;
  }

  set learningRate(lr: number) {
    checkRate(lr);
    this.config.learningRate = lr;
  }

  /** Steps taken so far (Adam's t). */
  get steps(): number {
    return this.t;
  }

  step(parameters: Parameters, grads: Gradients): void {
    const { kind, learningRate: lr, beta, beta1, beta2, epsilon } = this.config;
    const be = this.backend;
    this.t++;
    const L = depth(parameters);
    for (let l = 1; l <= L; l++)
      for (const p of ['W', 'b']) {
        const name = `${p}${l}`;
        const P = parameters[name]!,
          G = grads[`d${name}`];
        if (!G) throw new ValueError(`optimizer: grads has no d${name}`);
        switch (kind) {
          case 'gd':
            be.axpby(-lr, G, 1, P);
            break;
          case 'momentum':
            be.momentumStep(P, G, this.state(this.v, name, P), lr, beta);
            break;
          case 'adam':
            be.adamStep(
              P,
              G,
              this.state(this.v, name, P),
              this.state(this.s, name, P),
              lr,
              beta1,
              beta2,
              epsilon,
              this.t,
            );
            break;
          default:
            assertNever(kind, 'optimizer');
        }
      }
  }

  private state(map: Map<string, Matrix>, name: string, like: Matrix): Matrix {
    let M = map.get(name);
    if (!M) map.set(name, (M = this.backend.zeros(like.rows, like.cols, like.dtype as DType)));
    return M;
  }

  dispose(): void {
    for (const M of [...this.v.values(), ...this.s.values()]) this.backend.free(M);
    this.v.clear();
    this.s.clear();
  }
}
