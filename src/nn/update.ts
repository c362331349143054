import type { Backend } from '../backend/backend.js';
import { defaultBackend } from '../backend/index.js';
import { ValueError } from '../core/errors.js';
import type { DType, Matrix } from '../core/matrix.js';
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
  if (!(lr > 0) || !Number.isFinite(lr)) throw new ValueError(`learning rate must be a positive number but is ${lr}`);
}

export type OptimizerKind = 'gd' | 'momentum' | 'adam';
export const OPTIMIZERS: readonly OptimizerKind[] = ['gd', 'momentum', 'adam'];

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
    for (const k of ['beta', 'beta1', 'beta2'] as const) {
      const b = this.config[k];
      if (!(b >= 0 && b < 1)) throw new ValueError(`optimizer: ${k} must be in [0, 1) but is ${b}`);
    }
    if (!(this.config.epsilon > 0))
      throw new ValueError(`optimizer: epsilon must be > 0 but is ${this.config.epsilon}`);
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
        if (kind === 'gd') be.axpby(-lr, G, 1, P);
        else if (kind === 'momentum') be.momentumStep(P, G, this.state(this.v, name, P), lr, beta);
        else
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
