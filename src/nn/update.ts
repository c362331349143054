import type { Backend } from '../backend/backend.js';
import { defaultBackend } from '../backend/index.js';
import { ValueError } from '../core/errors.js';
import type { DType, Matrix } from '../core/matrix.js';
import { checkHyperparameter, type HyperparameterName } from './hyperparameters.js';
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
 * What one step of an optimizer reads and updates, for one parameter P (W[l] or b[l]) with its gradient
 * G (dP, the same shape): `state` holds the matrices the optimizer keeps for P (its row's `state`, each
 * shaped like P, zeros before the first step), `h` its hyperparameters (defaults filled in), `t` the step
 * number from 1 (Adam's bias correction).
 */
export interface StepInput<H extends string, S extends string> {
  backend: Backend;
  P: Matrix;
  G: Matrix;
  state: { readonly [K in S]: Matrix };
  h: { readonly [K in H]: number };
  learningRate: number;
  t: number;
}

/**
 * One optimizer: what `--help` says of it, its default learning rate, its own hyperparameters with their
 * defaults (each name's rule, the range, is in HYPERPARAMETERS: a flag two optimizers share has one
 * rule), the matrices it keeps per parameter (the memory estimate counts them), and its step.
 */
export interface OptimizerRow<H extends HyperparameterName, S extends string> {
  description: string;
  learningRate: number;
  hyperparameters: { readonly [K in H]: number };
  state: readonly S[];
  step(input: StepInput<H, S>): void;
}

/** A row with its hyperparameters' and state's names inferred, so its step reads `h.beta`, `state.v` typed. */
function optimizer<H extends HyperparameterName = never, const S extends string = never>(
  row: OptimizerRow<H, S>,
): OptimizerRow<H, S> {
  return row;
}

/**
 * Every optimizer, one row each: the command line's flags and --help, the sweep space, the memory
 * estimate and `Optimizer.step` all read it. A new member of OptimizerKind must be added here (the
 * `satisfies` makes a missing one a compile error).
 */
export const OPTIMIZER_INFO = {
  gd: optimizer({
    description: "gradient descent, the course's update_parameters: W -= α·dW",
    learningRate: 0.0075,
    hyperparameters: {},
    state: [],
    step: ({ backend, P, G, learningRate }) => backend.axpby(-learningRate, G, 1, P),
  }),
  momentum: optimizer({
    description: 'gradient descent with momentum: v = β·v + (1-β)·dW, W -= α·v',
    learningRate: 0.01,
    hyperparameters: { beta: 0.9 },
    state: ['v'],
    step: ({ backend, P, G, state, h, learningRate }) => backend.momentumStep(P, G, state.v, learningRate, h.beta),
  }),
  adam: optimizer({
    description: 'Adam: momentum (β1) and RMSprop (β2, ε), bias-corrected',
    learningRate: 0.001,
    hyperparameters: { beta1: 0.9, beta2: 0.999, epsilon: 1e-8 },
    state: ['v', 's'],
    step: ({ backend, P, G, state, h, learningRate, t }) =>
      backend.adamStep(P, G, state.v, state.s, learningRate, h.beta1, h.beta2, h.epsilon, t),
  }),
} satisfies Record<OptimizerKind, OptimizerRow<never, string>>;

export const OPTIMIZERS = Object.keys(OPTIMIZER_INFO) as readonly OptimizerKind[];

/** The hyperparameters optimizers take besides α: beta, beta1, beta2, epsilon. */
export type OptimizerHyperparameter = {
  [K in OptimizerKind]: keyof (typeof OPTIMIZER_INFO)[K]['hyperparameters'];
}[OptimizerKind];

/** Each of them once, in the table's order (a name two optimizers share is one flag). */
export const OPTIMIZER_HYPERPARAMETERS = [
  ...new Set(OPTIMIZERS.flatMap((k) => Object.keys(OPTIMIZER_INFO[k].hyperparameters))),
] as readonly OptimizerHyperparameter[];

/** Values given for them (the flags' and the library's flat options); an absent one takes its optimizer's default. */
export type OptimizerValues = { [K in OptimizerHyperparameter]?: number };

/** An optimizer and its values: `{ kind: 'adam', learningRate: 0.001, beta1: 0.95 }`. */
export interface OptimizerConfig extends OptimizerValues {
  kind: OptimizerKind;
  learningRate: number;
}

/** The optimizers that take a hyperparameter, with their defaults: [['adam', 0.999]]. */
export function defaultsOf(name: OptimizerHyperparameter): [OptimizerKind, number][] {
  return OPTIMIZERS.flatMap((k) => {
    const d = (OPTIMIZER_INFO[k].hyperparameters as OptimizerValues)[name];
    return d === undefined ? [] : [[k, d] as [OptimizerKind, number]];
  });
}

/** The values among `o`'s fields that are given (defined), by the table's names. */
export function optimizerValues(o: OptimizerValues): OptimizerValues {
  const out: OptimizerValues = {};
  for (const k of OPTIMIZER_HYPERPARAMETERS) if (o[k] !== undefined) out[k] = o[k];
  return out;
}

/**
 * Checks the values given for `kind`: each by its rule, and each one that `kind` takes. `word` names a
 * hyperparameter as the caller knows it (`--beta1` on the command line).
 * @throws ValueError `beta does not apply to optimizer adam; adam takes beta1, beta2, epsilon`
 */
export function checkOptimizerValues(
  kind: OptimizerKind,
  values: OptimizerValues,
  word: (name: string) => string = (name) => name,
): void {
  const takes = Object.keys(OPTIMIZER_INFO[kind].hyperparameters);
  for (const k of OPTIMIZER_HYPERPARAMETERS) {
    if (values[k] === undefined) continue;
    if (!takes.includes(k))
      throw new ValueError(
        `${word(k)} does not apply to ${word('optimizer')} ${kind}; ${kind} takes ${takes.length > 0 ? takes.map(word).join(', ') : 'none besides the learning rate'}`,
      );
    checkHyperparameter(k, values[k]);
  }
}

/**
 * An optimizer keeps its state (its row's `state`: momentum's v, Adam's v and s) per parameter and applies
 * its row's step to every W[l] and b[l] in place.
 */
export class Optimizer {
  /** The kind, α, and the kind's hyperparameters with their defaults filled in. */
  readonly config: OptimizerConfig;
  private t = 0;
  private readonly state = new Map<string, Record<string, Matrix>>();

  /** @throws ValueError for an unknown kind, α ≤ 0, a value outside its rule or one the kind does not take. */
  constructor(
    config: OptimizerConfig,
    private readonly backend: Backend = defaultBackend(),
  ) {
    if (!OPTIMIZERS.includes(config.kind))
      throw new ValueError(`optimizer must be one of ${OPTIMIZERS.join(', ')} but is '${config.kind}'`);
    checkRate(config.learningRate);
    const given = optimizerValues(config);
    checkOptimizerValues(config.kind, given);
    this.config = {
      ...OPTIMIZER_INFO[config.kind].hyperparameters,
      ...given,
      kind: config.kind,
      learningRate: config.learningRate,
    };
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
    const row: OptimizerRow<never, string> = OPTIMIZER_INFO[this.config.kind];
    const h = this.config as Record<never, number>;
    this.t++;
    const L = depth(parameters);
    for (let l = 1; l <= L; l++)
      for (const p of ['W', 'b']) {
        const name = `${p}${l}`;
        const P = parameters[name]!,
          G = grads[`d${name}`];
        if (!G) throw new ValueError(`optimizer: grads has no d${name}`);
        const state = this.stateOf(name, P, row.state);
        row.step({ backend: this.backend, P, G, state, h, learningRate: this.config.learningRate, t: this.t });
      }
  }

  /** P's state matrices by name, zeros at the first step. */
  private stateOf(name: string, like: Matrix, names: readonly string[]): Record<string, Matrix> {
    let S = this.state.get(name);
    if (!S) {
      S = Object.fromEntries(names.map((s) => [s, this.backend.zeros(like.rows, like.cols, like.dtype as DType)]));
      this.state.set(name, S);
    }
    return S;
  }

  dispose(): void {
    for (const S of this.state.values()) for (const M of Object.values(S)) this.backend.free(M);
    this.state.clear();
  }
}
