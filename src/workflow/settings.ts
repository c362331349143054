import type { DType } from '../core/matrix.js';
import type { OutputKind } from '../data/dataset.js';
import { parseNormalize, type NormalizeKind } from '../data/prepare/normalize.js';
import { parseSplitOption } from '../data/prepare/split.js';
import { parseErrorRate } from '../evaluate/diagnose.js';
import { HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, parseActivation, type ActivationKind } from '../nn/activations.js';
import { parseInit, type InitKind } from '../nn/initializers.js';
import { DROPOUT_RNGS, type DropoutRng } from '../nn/propagation.js';
import {
  checkOptimizerValues,
  OPTIMIZER_HYPERPARAMETERS,
  OPTIMIZER_INFO,
  OPTIMIZERS,
  type OptimizerKind,
  type OptimizerValues,
} from '../nn/update.js';
import { printable } from '../core/text.js';
import { parseByteSize } from '../train/memory.js';
import { SHUFFLE_KINDS, type Shuffle, type ShuffleKind } from '../train/order.js';
import {
  UsageError,
  asUsageError,
  choiceOption,
  hyperparameterOption,
  intListOption,
  optionValue,
  type Parsed,
} from './parse.js';

/** Hidden widths when neither --dims nor --hidden is given: reaches ~95% on builtin:mnist in seconds. */
const DEFAULT_HIDDEN = [256, 128];

/**
 * Everything `lnn train` was asked to do, parsed and checked, before any data is read. Plain values, so
 * that a sweep can make one per trial by changing a field.
 */
export interface TrainSettings {
  optimizer: OptimizerKind;
  learningRate: number;
  /** The optimizer's own hyperparameters given (--beta1 0.95): only those it takes; absent ones take its defaults. */
  optimizerValues: OptimizerValues;
  iterations?: number;
  epochs?: number;
  /** Undefined: with epochs, mini-batches that suit m (epochBatchSize); else the course's rule (full batch up to 2,000 examples, else 64). */
  batchSize?: number;
  l2: number;
  keepProb: number;
  /** --dropout-rng; default 'numpy' with --init course (the course's masks), else 'philox'. */
  dropoutRng: DropoutRng;
  seed: number;
  dtype: DType;
  normalize: NormalizeKind;
  activation: ActivationKind;
  /** Undefined: from the labels (sigmoid, softmax or linear). */
  output?: OutputKind;
  alpha: number;
  /** n[0..L] in full (--dims), checked against the data; else `hidden` between the data's n[0] and n[L]. */
  dims?: number[];
  hidden: number[];
  /** A named recipe, a parameters .json file, or undefined for the activation's default. */
  init?: InitKind | { file: string };
  split: ReturnType<typeof parseSplitOption>;
  costEvery: number;
  evalEvery?: number;
  earlyStop?: { patience: number; minDelta: number };
  humanError: number;
  impute: boolean;
  evaluateTest: boolean;
  /** --refit: fit again on train + dev after the dev evaluation, and keep that model. */
  refit: boolean;
  /** --folds K: k-fold cross-validation over train + dev (K ≥ 2), then the model fit on all of them. */
  folds?: number;
  /** --stream: true (asked), or undefined (streamed only when the features exceed `memory`). */
  stream?: boolean;
  /** --memory in bytes; undefined: half of the free memory when the data is read. */
  memory?: number;
  /** --shuffle; undefined: 'examples' in memory, 'blocks' when streaming. */
  shuffle?: Shuffle;
}

/** Parses `lnn train`'s options (and any command that trains the same way); a typo fails before data is read. */
export function parseTrainSettings(args: Parsed): TrainSettings {
  const optimizer = choiceOption(args, 'optimizer', OPTIMIZERS)!;
  const iterations = hyperparameterOption(args, 'iterations');
  const epochs = hyperparameterOption(args, 'epochs');
  if (iterations !== undefined && epochs !== undefined) throw new UsageError('give --iterations or --epochs, not both');
  const patience = hyperparameterOption(args, 'patience');
  const init = parseInitOption(args);
  const s: TrainSettings = {
    optimizer,
    learningRate: hyperparameterOption(args, 'learningRate') ?? OPTIMIZER_INFO[optimizer].learningRate,
    optimizerValues: parseOptimizerValues(args, optimizer),
    l2: hyperparameterOption(args, 'l2')!,
    keepProb: hyperparameterOption(args, 'keepProb')!,
    dropoutRng: choiceOption(args, 'dropout-rng', DROPOUT_RNGS) ?? (init === 'course' ? 'numpy' : 'philox'),
    seed: hyperparameterOption(args, 'seed')!,
    dtype: choiceOption(args, 'dtype', ['float32', 'float64'] as const)!,
    normalize: optionValue('--normalize', () => parseNormalize(String(args['normalize']))),
    activation: parseHiddenActivation(args),
    alpha: hyperparameterOption(args, 'alpha')!,
    hidden: parseHidden(args),
    split: optionValue('--split', () => parseSplitOption(String(args['split']))),
    costEvery: hyperparameterOption(args, 'costEvery')!,
    humanError: optionValue('--human-error', () => parseErrorRate(String(args['human-error']), '--human-error')),
    impute: parseImpute(args),
    evaluateTest: Boolean(args['evaluate-test']),
    refit: Boolean(args['refit']),
  };
  const optional = {
    iterations,
    epochs,
    batchSize: hyperparameterOption(args, 'batchSize'),
    evalEvery: hyperparameterOption(args, 'evalEvery'),
    output: parseOutput(args),
    dims: parseDims(args),
    init,
    stream: args['stream'] === true ? true : undefined,
    memory:
      args['memory'] !== undefined ? optionValue('--memory', () => parseByteSize(String(args['memory']))) : undefined,
    shuffle: parseShuffle(args),
    folds: parseFolds(args),
  };
  for (const [k, v] of Object.entries(optional)) if (v !== undefined) Object.assign(s, { [k]: v });
  if (patience !== undefined) s.earlyStop = { patience, minDelta: hyperparameterOption(args, 'minDelta')! };
  return s;
}

/**
 * --beta, --beta1, ... (OPTIMIZER_HYPERPARAMETERS): each by its rule, and only those the optimizer takes.
 * @throws UsageError `--beta does not apply to --optimizer adam; adam takes --beta1, --beta2, --epsilon`
 */
function parseOptimizerValues(args: Parsed, optimizer: OptimizerKind): OptimizerValues {
  const values: OptimizerValues = {};
  for (const k of OPTIMIZER_HYPERPARAMETERS) {
    const v = hyperparameterOption(args, k);
    if (v !== undefined) values[k] = v;
  }
  asUsageError(() => checkOptimizerValues(optimizer, values, (name) => `--${name}`));
  return values;
}

function parseHiddenActivation(args: Parsed): ActivationKind {
  const g = optionValue('--activation', () => parseActivation(String(args['activation']), '--activation'));
  if (!HIDDEN_ACTIVATIONS.includes(g))
    throw new UsageError(`--activation (g[1..L-1]) must be ${HIDDEN_ACTIVATIONS.join(', ')} but is '${g}'`);
  return g;
}

function parseOutput(args: Parsed): OutputKind | undefined {
  if (args['output'] === undefined) return undefined;
  const g = optionValue('--output', () => parseActivation(String(args['output']), '--output'));
  if (!OUTPUT_ACTIVATIONS.includes(g))
    throw new UsageError(`--output must be ${OUTPUT_ACTIVATIONS.join(', ')} but is '${g}'`);
  return g as OutputKind;
}

/** --hidden 16,8; 'none' for logistic regression (no hidden layer); an empty value is refused, not guessed. */
function parseHidden(args: Parsed): number[] {
  const raw = args['hidden'];
  if (raw === undefined) return DEFAULT_HIDDEN;
  if (typeof raw === 'string' && raw.trim() === '')
    throw new UsageError(
      "--hidden is empty; give widths like 16,8, or 'none' for no hidden layer (logistic regression)",
    );
  if (raw === 'none') return [];
  return intListOption(args, 'hidden')!;
}

function parseDims(args: Parsed): number[] | undefined {
  const dims = intListOption(args, 'dims');
  if (!dims) return undefined;
  if (args['hidden'] !== undefined)
    throw new UsageError('give --dims (all of n[0..L]) or --hidden (n[1..L-1]), not both');
  if (dims.length < 2) throw new UsageError(`--dims must list n[0..L] (at least 2 sizes) but has ${dims.length}`);
  return dims;
}

function parseInitOption(args: Parsed): TrainSettings['init'] {
  const raw = args['init'];
  if (typeof raw !== 'string') return undefined;
  if (/\.json$/i.test(raw)) return { file: raw };
  return optionValue('--init', () => parseInit(raw));
}

/** --shuffle examples | blocks | blocks:ROWS | none. */
function parseShuffle(args: Parsed): Shuffle | undefined {
  const raw = args['shuffle'];
  if (raw === undefined) return undefined;
  const text = String(raw).trim().toLowerCase();
  const m = /^blocks:(.*)$/.exec(text);
  if (m) {
    const rows = Number(m[1]);
    if (!Number.isInteger(rows) || rows < 1)
      throw new UsageError(
        `--shuffle blocks:ROWS needs a whole number of rows per block ≥ 1 but got '${printable(m[1]!)}'`,
      );
    return { kind: 'blocks', blockRows: rows };
  }
  if ((SHUFFLE_KINDS as readonly string[]).includes(text)) return { kind: text as ShuffleKind };
  throw new UsageError(
    `--shuffle must be ${SHUFFLE_KINDS.join(', ')} or blocks:ROWS but is '${printable(String(raw))}'`,
  );
}

/** --folds K: a whole number ≥ 2 (whether the classes allow K is checked once the data is read). */
function parseFolds(args: Parsed): number | undefined {
  const raw = args['folds'];
  if (raw === undefined) return undefined;
  const text = String(raw).trim();
  const k = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(k >= 2))
    throw new UsageError(
      `--folds must be an integer ≥ 2 (K folds: each is judged by a model trained on the other K − 1) but is '${printable(String(raw))}'`,
    );
  return k;
}

function parseImpute(args: Parsed): boolean {
  const raw = args['impute'];
  if (raw === undefined || raw === 'none') return false;
  if (raw === 'mean') return true;
  throw new UsageError(`--impute must be 'mean' or 'none' but is '${String(raw)}'`);
}
