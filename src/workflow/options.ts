import { HIDDEN_ACTIVATIONS } from '../nn/activations.js';
import { DROPOUT_RNGS } from '../nn/propagation.js';
import { describeRule, HYPERPARAMETERS } from '../nn/hyperparameters.js';
import { defaultsOf, OPTIMIZER_HYPERPARAMETERS, OPTIMIZER_INFO, OPTIMIZERS } from '../nn/update.js';
import {
  DEFAULT_EPOCHS,
  DEFAULT_ITERATIONS,
  DEFAULT_MINI_BATCH,
  FULL_BATCH_LIMIT,
  MIN_EPOCH_BATCH,
  SMALL_MINI_BATCH,
  UPDATES_PER_EPOCH,
} from '../train/schedule.js';
import type { Options, OptionSpec } from './parse.js';
import { backendOption, dataOptions } from './inputs.js';

/** `lnn train`'s options that write files or print: the library returns the model and record instead. */
export const LIBRARY_SKIPS = ['save', 'record', 'json', 'quiet'] as const;

/**
 * The options of `lnn train`: the data, the sets, the network, the optimization, the outputs. Other
 * commands that train (sweep) take the same ones, so they mean the same everywhere.
 */
export const trainOptions: Options = {
  ...dataOptions,
  impute: {
    type: 'string',
    value: 'mean',
    description: 'fill missing CSV/JSON values with the training-set mean of their column',
  },
  dev: {
    type: 'string',
    value: 'FILE',
    description: 'a separate dev set (same format as --data); turns off the split of the training data',
  },
  test: { type: 'string', value: 'FILE', description: 'a separate test set (evaluated only with --evaluate-test)' },
  'dev-x': { type: 'string', value: 'X.npy', description: 'a separate dev set as .npy (with --dev-y)' },
  'dev-y': { type: 'string', value: 'Y.npy', description: 'labels of --dev-x' },
  'test-x': { type: 'string', value: 'X.npy', description: 'a separate test set as .npy (with --test-y)' },
  'test-y': { type: 'string', value: 'Y.npy', description: 'labels of --test-x' },
  'dev-keys': {
    type: 'string',
    value: 'X,Y',
    description: 'HDF5 datasets of --dev (default: guessed, e.g. test_set_x,test_set_y)',
  },
  'test-keys': { type: 'string', value: 'X,Y', description: 'HDF5 datasets of --test (default: guessed)' },
  split: {
    type: 'string',
    value: 'RULE',
    description:
      "auto (dev and test each min(20% of m, 10,000)), 'none' (train on everything) or train,dev,test percentages like 70,15,15",
    default: 'auto',
  },
  'evaluate-test': {
    type: 'boolean',
    description: 'also evaluate the test set at the end (keep it for the final, unbiased estimate)',
  },
  refit: {
    type: 'boolean',
    description:
      "after the dev evaluation, fit the configuration again on train + dev (the split's train and dev examples together; test stays held back) for as long as the first fit trained (its early-stopping epoch when it had one), normalization and imputation fitted again, and keep that model; the record keeps the first fit's dev figures, labelled",
  },
  folds: {
    type: 'string',
    value: 'K',
    description:
      'k-fold cross-validation for small data: K stratified, seeded folds of train + dev (test stays held back), each judged by a model trained on the others; the dev error is their mean with its standard error, and the model kept is fit on all of train + dev (as --refit)',
  },
  stream: {
    type: 'boolean',
    description:
      'leave the .npy or HDF5 features on disk and read them by row ranges in the background (data larger than memory; automatic, with a note, when the features exceed --memory)',
  },
  memory: {
    type: 'string',
    value: 'SIZE',
    description:
      'how much memory the features may take, e.g. 1g or 512m; a .npy or HDF5 source larger than this is streamed from disk (default: half of the free memory)',
  },
  shuffle: {
    type: 'string',
    value: 'HOW',
    description:
      "order of the examples each epoch: 'examples' (a new permutation; default in memory), 'blocks' (blocks of rows shuffled, then rows within buffers of 16 blocks; default when streaming; 'blocks:ROWS' sets the rows per block) or 'none' (file order)",
  },
  dims: { type: 'string', value: 'N0,...,NL', description: 'all layer sizes n[0..L], e.g. 12288,20,7,5,1' },
  hidden: {
    type: 'string',
    value: 'N1,...',
    description:
      "hidden layer sizes n[1..L-1]; n[0] and n[L] come from the data ('none' for logistic regression) (default: 256,128)",
  },
  activation: {
    type: 'string',
    value: 'G',
    description: `hidden activation: ${HIDDEN_ACTIVATIONS.join(', ')}`,
    default: 'relu',
  },
  output: {
    type: 'string',
    value: 'G',
    description:
      'output activation: sigmoid (2 classes), softmax (K classes), linear (regression); default from the labels',
  },
  alpha: { type: 'string', value: 'SLOPE', description: "leaky-relu's slope for z < 0", default: '0.01' },
  init: {
    type: 'string',
    value: 'KIND',
    description:
      'he, xavier, course (randn/sqrt(n[l-1])), scaled:<k> (randn*k), or a parameters .json file; default he for ReLU, xavier otherwise',
  },
  lr: {
    type: 'string',
    value: 'RATE',
    description: `learning rate α (default ${OPTIMIZERS.map((o) => `${OPTIMIZER_INFO[o].learningRate} for ${o}`).join(', ')})`,
  },
  iterations: {
    type: 'string',
    value: 'N',
    description: `parameter updates: full-batch gradient descent up to m = ${FULL_BATCH_LIMIT} (the course's form), else mini-batches of ${DEFAULT_MINI_BATCH} (default ${DEFAULT_ITERATIONS} with full batch)`,
  },
  epochs: {
    type: 'string',
    value: 'N',
    description: `passes over the training set, always in mini-batches (default ${DEFAULT_EPOCHS} above m = ${FULL_BATCH_LIMIT})`,
  },
  'batch-size': {
    type: 'string',
    value: 'N',
    description: `examples per update; default with --epochs: ${DEFAULT_MINI_BATCH} above m = ${FULL_BATCH_LIMIT}, else m/${UPDATES_PER_EPOCH} rounded down to a power of two between ${MIN_EPOCH_BATCH} and ${SMALL_MINI_BATCH} (about ${UPDATES_PER_EPOCH} updates an epoch: ${MIN_EPOCH_BATCH} for 90 examples, ${SMALL_MINI_BATCH} from 512); otherwise all m (batch gradient descent) up to m = ${FULL_BATCH_LIMIT}, else ${DEFAULT_MINI_BATCH}`,
  },
  optimizer: {
    type: 'string',
    value: 'NAME',
    description: OPTIMIZERS.map((o) => `${o} (${OPTIMIZER_INFO[o].description})`).join('; '),
    default: 'adam',
  },
  ...optimizerOptions(),
  l2: { type: 'string', value: 'LAMBDA', description: 'L2 regularization λ', default: '0' },
  'keep-prob': {
    type: 'string',
    value: 'P',
    description: 'inverted dropout keep probability for hidden layers (1 = off)',
    default: '1',
  },
  'dropout-rng': {
    type: 'string',
    value: 'RNG',
    description: `dropout masks: ${DROPOUT_RNGS[0]} (drawn in the kernels; default) or ${DROPOUT_RNGS[1]} (the course's np.random.rand masks, exact and slow; default with --init course)`,
  },
  seed: {
    type: 'string',
    value: 'N',
    description: 'seeds initialization, the split, shuffling and dropout',
    default: '1',
  },
  dtype: { type: 'string', value: 'TYPE', description: 'float32 (fast) or float64 (exact)', default: 'float32' },
  normalize: {
    type: 'string',
    value: 'KIND',
    description: 'none, standard, minmax or scale:<k> (scale:255 gives X/255); fitted on train only',
    default: 'minmax',
  },
  'print-cost-every': {
    type: 'string',
    value: 'N',
    description: 'full batch: record (and print) the cost every N iterations',
    default: '100',
  },
  'eval-every': {
    type: 'string',
    value: 'N',
    description: 'full batch: evaluate train/dev error every N iterations (mini-batch: every epoch)',
  },
  'early-stop': {
    type: 'string',
    value: 'PATIENCE',
    description: 'stop when dev error has not improved for PATIENCE evaluations; keeps the best parameters',
  },
  'min-delta': {
    type: 'string',
    value: 'D',
    description: 'smallest dev-error drop that counts as an improvement',
    default: '0',
  },
  'human-error': {
    type: 'string',
    value: 'E',
    description: 'human-level error for the diagnosis, as 0.01 or 1%',
    default: '0',
  },
  save: { type: 'string', value: 'MODEL', description: 'write the trained model (with its run record) to this file' },
  record: {
    type: 'string',
    value: 'RUN.json',
    description: 'write the run record (hyperparameters, curves, result) to this file',
  },
  ...backendOption,
  json: { type: 'boolean', description: 'print one JSON document with the results on stdout' },
  quiet: { type: 'boolean', description: 'no progress output on stderr' },
};

/**
 * A flag for each optimizer hyperparameter in OPTIMIZER_INFO, in its words with its rule and the default of
 * each optimizer that takes it: `--beta1 BETA1  Adam's beta1, a number in [0, 1) (default 0.9 for adam)`. No default
 * here: an absent flag leaves its optimizer's own, and a given one must apply to the chosen optimizer.
 */
function optimizerOptions(): Options {
  const entries = OPTIMIZER_HYPERPARAMETERS.map((k) => {
    const rule = HYPERPARAMETERS[k];
    const defaults = defaultsOf(k)
      .map(([o, d]) => `${d} for ${o}`)
      .join(', ');
    const spec: OptionSpec = {
      type: 'string',
      value: rule.flag.toUpperCase(),
      description: `${rule.name}, ${describeRule(rule)} (default ${defaults})`,
    };
    return [rule.flag, spec];
  });
  return Object.fromEntries(entries);
}

/** The options of trainOptions that name files a run reads: an output equal to one of them is refused. */
export const TRAIN_INPUTS = ['data', 'x', 'y', 'dev', 'test', 'dev-x', 'dev-y', 'test-x', 'test-y', 'init'] as const;
