import { basename } from 'node:path';
import { DataError, ValueError } from '../../core/errors.js';
import { defaultOutput, outputUnits, targets, type OutputKind } from '../../data/dataset.js';
import { fitImputer, applyImputer, type Imputer } from '../../data/impute.js';
import { fitNormalization, normalizeName, parseNormalize } from '../../data/normalize.js';
import { parseSplitOption } from '../../data/split.js';
import { diagnose, parseErrorRate, type Diagnosis } from '../../evaluate/diagnose.js';
import type { Evaluation } from '../../evaluate/metrics.js';
import { readJsonFile, writeFileAtomic } from '../../io/files.js';
import { saveModel } from '../../io/modelIO.js';
import { ACTIVATIONS, parseActivation } from '../../nn/activations.js';
import { initName, parseInit, type InitKind } from '../../nn/initializers.js';
import { parametersFromJSON, type Parameters } from '../../nn/params.js';
import { OPTIMIZERS, type OptimizerKind } from '../../nn/update.js';
import { Model } from '../../train/model.js';
import type { RunRecord } from '../../train/record.js';
import { DEFAULT_EPOCHS, DEFAULT_ITERATIONS, type TrainResult } from '../../train/trainer.js';
import {
  UsageError,
  choiceOption,
  intListOption,
  numberOption,
  type Command,
  type Io,
  type Parsed,
} from '../command.js';
import { createProgress } from '../progress.js';
import { backendOption, chooseBackend, dataOptions, loadData } from '../shared.js';
import { chooseSets } from '../sets.js';

/** The course's rule (Course 2, Week 2): up to 2,000 examples, batch gradient descent; beyond, mini-batches of 64. */
export const FULL_BATCH_LIMIT = 2000;
export const DEFAULT_MINI_BATCH = 64;
/** Hidden widths when neither --dims nor --hidden is given: reaches ~95% on builtin:mnist in seconds. */
export const DEFAULT_HIDDEN = [256, 128];

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a deep L-layer network and report train/dev error with a bias/variance diagnosis',
  usage: '(--data FILE | --x X.npy --y Y.npy) [options]',
  options: {
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
      description: `hidden activation: ${ACTIVATIONS.filter((a) => a !== 'softmax').join(', ')}`,
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
      description: 'learning rate α (default 0.0075 for gd, 0.001 for adam, 0.01 for momentum)',
    },
    iterations: { type: 'string', value: 'N', description: 'parameter updates (default 2500 with full batch)' },
    epochs: {
      type: 'string',
      value: 'N',
      description: `passes over the training set (default ${DEFAULT_EPOCHS} with mini-batches)`,
    },
    'batch-size': {
      type: 'string',
      value: 'N',
      description: `examples per update; default: all m (batch gradient descent) up to m = ${FULL_BATCH_LIMIT}, else ${DEFAULT_MINI_BATCH}`,
    },
    optimizer: { type: 'string', value: 'NAME', description: 'gd, momentum or adam', default: 'adam' },
    beta: { type: 'string', value: 'B', description: "momentum's β (0.9)" },
    beta1: { type: 'string', value: 'B1', description: "Adam's β1 (0.9)" },
    beta2: { type: 'string', value: 'B2', description: "Adam's β2 (0.999)" },
    l2: { type: 'string', value: 'LAMBDA', description: 'L2 regularization λ', default: '0' },
    'keep-prob': {
      type: 'string',
      value: 'P',
      description: 'inverted dropout keep probability for hidden layers (1 = off)',
      default: '1',
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
  },
  details: `Examples:
  lnn train --data builtin:mnist
  lnn train --x train_x.npy --y train_y.npy --dims 12288,20,7,5,1 --init course --optimizer gd \\
            --lr 0.0075 --iterations 2500 --normalize scale:255 --split none --dtype float64 --save cat.json
  lnn train --data houses.csv --label price --hidden 64,32 --output linear --epochs 50`,
  run: (args, _pos, io) => runTrain(args, io),
};

async function runTrain(args: Parsed, io: Io): Promise<number> {
  const t0 = performance.now();
  // Options first: a typo fails before any data is read.
  const optimizer = choiceOption(args, 'optimizer', OPTIMIZERS)! as OptimizerKind;
  const dtype = choiceOption(args, 'dtype', ['float32', 'float64'] as const)!;
  const normalize = wrap('--normalize', () => parseNormalize(String(args['normalize'])));
  const activation = wrap('--activation', () => parseActivation(String(args['activation']), '--activation'));
  const outputArg =
    args['output'] === undefined
      ? undefined
      : wrap('--output', () => parseActivation(String(args['output']), '--output'));
  if (outputArg && !['sigmoid', 'softmax', 'linear'].includes(outputArg))
    throw new UsageError(`--output must be sigmoid, softmax or linear but is '${outputArg}'`);
  const alpha = numberOption(args, 'alpha', { min: 0 })!;
  const lrDefault = optimizer === 'gd' ? 0.0075 : optimizer === 'adam' ? 0.001 : 0.01;
  const lr = numberOption(args, 'lr', { min: 0, exclusiveMin: true }) ?? lrDefault;
  const iterations = numberOption(args, 'iterations', { min: 1, integer: true });
  const epochs = numberOption(args, 'epochs', { min: 1, integer: true });
  if (iterations !== undefined && epochs !== undefined) throw new UsageError('give --iterations or --epochs, not both');
  const batchArg = numberOption(args, 'batch-size', { min: 1, integer: true });
  const l2 = numberOption(args, 'l2', { min: 0 })!;
  const keepProb = numberOption(args, 'keep-prob', { min: 0, max: 1, exclusiveMin: true })!;
  const seed = numberOption(args, 'seed', { min: 0, max: 0xffffffff, integer: true })!;
  const costEvery = numberOption(args, 'print-cost-every', { min: 1, integer: true })!;
  const evalEvery = numberOption(args, 'eval-every', { min: 1, integer: true });
  const patience = numberOption(args, 'early-stop', { min: 1, integer: true });
  const minDelta = numberOption(args, 'min-delta', { min: 0 })!;
  const humanError = wrap('--human-error', () => parseErrorRate(String(args['human-error']), '--human-error'));
  const dimsArg = intListOption(args, 'dims');
  if (dimsArg && args['hidden'] !== undefined)
    throw new UsageError('give --dims (all of n[0..L]) or --hidden (n[1..L-1]), not both');
  const hidden =
    args['hidden'] === '' || args['hidden'] === 'none' ? [] : (intListOption(args, 'hidden') ?? DEFAULT_HIDDEN);
  const split = wrap('--split', () => parseSplitOption(String(args['split'])));
  const betas = {
    beta: numberOption(args, 'beta', { min: 0, max: 1 }),
    beta1: numberOption(args, 'beta1', { min: 0, max: 1 }),
    beta2: numberOption(args, 'beta2', { min: 0, max: 1 }),
  };
  for (const [k, v] of Object.entries(betas)) if (v === 1) throw new UsageError(`--${k} must be below 1 but is 1`);
  const backend = await chooseBackend(args);

  // Data: load, then split (or take the separate dev/test files), impute and normalize from train alone.
  const data = await loadData(args, io);
  const sets = await chooseSets(data, args, split, seed, io);
  let imputer: Imputer | undefined;
  if (args['impute'] === 'mean') {
    const imp = (imputer = fitImputer(sets.train));
    sets.train = applyImputer(sets.train, imp);
    if (sets.dev) sets.dev = applyImputer(sets.dev, imp);
    if (sets.test) sets.test = applyImputer(sets.test, imp);
  }
  const output: OutputKind = (outputArg as OutputKind | undefined) ?? defaultOutput(data);
  const nL = outputUnits(data, output);
  const nx = data.X.rows;
  let dims: number[];
  if (dimsArg) {
    if (dimsArg.length < 2)
      throw new UsageError(`--dims must list n[0..L] (at least 2 sizes) but has ${dimsArg.length}`);
    if (dimsArg[0] !== nx)
      throw new DataError(
        `--dims: n[0] must be n_x = ${nx}, the number of features per example in ${data.source}, but is ${dimsArg[0]}`,
      );
    if (dimsArg[dimsArg.length - 1] !== nL)
      throw new DataError(
        `--dims: n[L] must be ${nL} for a ${output} output on these labels${data.classes ? ` (${data.classes.length} classes)` : ''} but is ${dimsArg[dimsArg.length - 1]}`,
      );
    dims = dimsArg;
  } else dims = [nx, ...hidden, nL];

  // Initialization: a named recipe or a parameters file in the DESIGN.md JSON layout.
  let init: InitKind | Parameters | undefined;
  let initLabel: string;
  if (typeof args['init'] === 'string' && /\.json$/i.test(args['init'])) {
    init = parametersFromJSON(readJsonFile(args['init']), 'float64', args['init'], dims);
    initLabel = basename(args['init']);
  } else if (typeof args['init'] === 'string') {
    init = wrap('--init', () => parseInit(String(args['init'])));
    initLabel = initName(init);
  } else initLabel = activation === 'relu' || activation === 'leaky-relu' ? 'he' : 'xavier';

  const L = dims.length - 1;
  const activations = [...Array(L - 1).fill(activation), output];
  const model = Model.create({
    dims,
    activations,
    alpha,
    ...(init !== undefined ? { init } : {}),
    seed,
    dtype,
    backend,
    ...(data.classes ? { classes: data.classes } : {}),
    ...(data.featureNames ? { featureNames: data.featureNames } : {}),
    normalize: fitNormalization(sets.train.X, normalize),
  });
  model.imputer = imputer;
  const m = sets.train.X.cols;
  const batchSize = batchArg ?? (m <= FULL_BATCH_LIMIT ? undefined : DEFAULT_MINI_BATCH);
  const full = batchSize === undefined || batchSize >= m;
  const perEpoch = full ? 1 : Math.ceil(m / batchSize!);
  const total =
    iterations ?? (epochs !== undefined ? epochs * perEpoch : full ? DEFAULT_ITERATIONS : DEFAULT_EPOCHS * perEpoch);
  const Y = targets(sets.train, output);
  const dev = sets.dev ? { X: sets.dev.X, Y: targets(sets.dev, output) } : undefined;
  if (patience !== undefined && !dev)
    throw new UsageError('--early-stop needs a dev set: keep the default --split or give --dev');

  const hyperparameters: Record<string, unknown> = {
    dims,
    activations,
    alpha,
    init: initLabel,
    seed,
    dtype,
    backend: backend.name,
    threads: backend.threads,
    optimizer,
    learningRate: lr,
    ...Object.fromEntries(Object.entries(betas).filter(([, v]) => v !== undefined)),
    batchSize: full ? m : batchSize,
    iterations: total,
    ...(full ? {} : { epochs: total / perEpoch }),
    l2,
    keepProb,
    normalize: normalizeName(model.normalization!),
    loss: model.arch.loss,
    ...(patience !== undefined ? { earlyStop: { patience, minDelta } } : {}),
  };
  if (!args['quiet'])
    io.err(
      `lnn train: ${data.source}: train ${m}${sets.dev ? `, dev ${sets.dev.X.cols}` : ''}${sets.test ? `, test ${sets.test.X.cols}` : ''} (${sets.rule}); ` +
        `network [${dims.join(', ')}] ${activation}/${output}, ${model.parameterCount.toLocaleString('en-US')} parameters; ${optimizer} α=${lr}, ` +
        `${full ? `full batch, ${total} iterations` : `batch ${batchSize}, ${total / perEpoch} epochs`}; ${dtype} on ${backend.name}${backend.threads > 1 ? ` (${backend.threads} threads)` : ''}\n`,
    );

  const progress = createProgress({
    total: full ? total : total / perEpoch,
    unit: full ? 'iteration' : 'epoch',
    io,
    quiet: Boolean(args['quiet']),
    errorFormat: model.isClassifier ? 'percent' : 'value',
  });
  let result: TrainResult;
  try {
    result = model.fit(sets.train.X, Y, {
      learningRate: lr,
      iterations: total,
      ...(batchSize !== undefined ? { batchSize } : {}),
      optimizer,
      ...Object.fromEntries(Object.entries(betas).filter(([, v]) => v !== undefined)),
      l2,
      keepProb,
      seed,
      costEvery,
      ...(evalEvery !== undefined ? { evalEvery } : {}),
      ...(dev ? { dev } : {}),
      ...(patience !== undefined ? { earlyStop: { patience, minDelta } } : {}),
      onCost: (p, { evaluated }) => {
        // Off a terminal, an evaluation line at the same iteration already carries the cost.
        if (full && (io.errIsTTY || !evaluated)) progress.log(`Cost after iteration ${p.iteration}: ${p.cost}`);
      },
      onEval: (p) =>
        progress.evaluation({
          iteration: p.iteration,
          ...(p.epoch !== undefined ? { epoch: p.epoch } : {}),
          ...(p.trainCost !== undefined ? { cost: p.trainCost } : {}),
          trainError: p.trainError,
          ...(p.devError !== undefined ? { devError: p.devError } : {}),
        }),
      onIteration: (s) =>
        progress.update({
          iteration: s.iteration,
          ...(s.epoch !== undefined ? { epoch: s.epoch } : {}),
          ...(s.cost !== undefined ? { cost: s.cost } : {}),
        }),
    });
  } finally {
    progress.done();
  }

  // Final figures on whole sets with the final (or best, with early stopping) parameters.
  const trainEval = model.evaluate(sets.train.X, Y);
  const devEval = dev ? model.evaluate(dev.X, dev.Y) : undefined;
  const testEval =
    sets.test && args['evaluate-test'] ? model.evaluate(sets.test.X, targets(sets.test, output)) : undefined;
  let diagnosis: Diagnosis | undefined;
  if (devEval && model.isClassifier)
    diagnosis = diagnose({
      trainError: trainEval.error,
      devError: devEval.error,
      humanError,
      tried: { optimizer, l2, keepProb },
    });
  const seconds = (performance.now() - t0) / 1000;
  const figures = { ...setFigures('train', trainEval), ...setFigures('dev', devEval), ...setFigures('test', testEval) };

  const run: RunRecord = {
    format: 'lnn-run',
    version: 1,
    createdAt: new Date().toISOString(),
    command: ['lnn', 'train', ...process.argv.slice(3)],
    hyperparameters,
    data: {
      source: data.source,
      nx,
      ...(data.classes ? { classes: data.classes } : {}),
      train: m,
      ...(sets.dev ? { dev: sets.dev.X.cols } : {}),
      ...(sets.test ? { test: sets.test.X.cols } : {}),
      splitRule: sets.rule,
    },
    history: result.history,
    result: {
      ...figures,
      finalCost: result.finalCost,
      iterations: result.iterations,
      seconds: result.seconds,
      stopped: result.stopped,
    },
    ...(diagnosis ? { diagnosis } : {}),
  };
  if (typeof args['save'] === 'string') saveModel(model, args['save'], run);
  if (typeof args['record'] === 'string') writeFileAtomic(args['record'], JSON.stringify(run, null, 1) + '\n');

  if (args['json']) {
    io.out(
      JSON.stringify({
        costs: result.history.costs,
        evals: result.history.evals,
        ...figures,
        ...(diagnosis ? { diagnosis } : {}),
        sizes: {
          train: m,
          ...(sets.dev ? { dev: sets.dev.X.cols } : {}),
          ...(sets.test ? { test: sets.test.X.cols } : {}),
        },
        splitRule: sets.rule,
        hyperparameters,
        iterations: result.iterations,
        ...(result.epochs !== undefined ? { epochs: result.epochs } : {}),
        stopped: result.stopped,
        ...(result.bestIteration !== undefined ? { bestIteration: result.bestIteration } : {}),
        trainingSeconds: result.seconds,
        seconds,
        ...(typeof args['save'] === 'string' ? { model: args['save'] } : {}),
      }) + '\n',
    );
  } else {
    const pct = (e: { accuracy?: number; correct?: number; m: number; cost: number }) =>
      e.accuracy !== undefined
        ? `accuracy ${(100 * e.accuracy).toFixed(2)}% (${e.correct}/${e.m})`
        : `cost ${e.cost.toPrecision(6)}`;
    const lines = [`${result.stopped} in ${result.seconds.toFixed(2)} s`, `train: ${pct(trainEval)}`];
    if (devEval) lines.push(`dev:   ${pct(devEval)}`);
    if (testEval) lines.push(`test:  ${pct(testEval)}`);
    else if (sets.test) lines.push(`test:  ${sets.test.X.cols} examples held back (--evaluate-test to use them)`);
    if (diagnosis) lines.push('', diagnosis.verdict, ...diagnosis.advice.map((a) => `  - ${a}`));
    if (typeof args['save'] === 'string') lines.push('', `saved model to ${args['save']}`);
    io.out(lines.join('\n') + '\n');
  }
  model.dispose();
  return 0;
}

/** { trainAccuracy, trainError, trainCost } for one set's evaluation (accuracy for classifiers only). */
function setFigures(name: 'train' | 'dev' | 'test', e: Evaluation | undefined): Record<string, number> {
  if (!e) return {};
  return {
    ...(e.accuracy !== undefined ? { [`${name}Accuracy`]: e.accuracy } : {}),
    [`${name}Error`]: e.error,
    [`${name}Cost`]: e.cost,
  };
}

function wrap<T>(option: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ValueError)
      throw new UsageError(e.message.startsWith(option) ? e.message : `${option}: ${e.message}`);
    throw e;
  }
}
