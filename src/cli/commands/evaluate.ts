import { DataError } from '../../core/errors.js';
import { formatPercent } from '../../core/text.js';
import { alignClasses, outputUnits, targets, type Dataset, type OutputKind } from '../../data/dataset.js';
import { loadModel } from '../../io/modelIO.js';
import { applyImputer } from '../../data/impute.js';
import type { Model } from '../../train/model.js';
import { UsageError, type Command, type Io, type Parsed } from '../command.js';
import { backendOption, chooseBackend, dataOptions, loadData } from '../shared.js';

export const evalCommand: Command = {
  name: 'eval',
  summary: 'accuracy, error and cost of a saved model on a data set',
  usage: '--model MODEL (--data FILE | --x X.npy --y Y.npy) [--json]',
  options: {
    model: { type: 'string', value: 'MODEL', description: 'a model file written by lnn train --save' },
    ...dataOptions,
    ...backendOption,
    json: { type: 'boolean', description: 'print one JSON document on stdout' },
  },
  run: async (args, io) => runEval(args, io),
};

/** Loads the model the options name and the data, checking that the data fits the model. */
export async function modelAndData(args: Parsed, io: Io, unlabeled = false): Promise<{ model: Model; data: Dataset }> {
  if (typeof args['model'] !== 'string') throw new UsageError('--model MODEL is required');
  const backend = await chooseBackend(args);
  const model = loadModel(args['model'], backend);
  // A model trained with --impute mean fills missing values of new data with its training means.
  let data = await loadData(model.imputer ? { ...args, impute: 'mean' } : args, io, unlabeled);
  if (model.imputer && data.X.rows === model.arch.dims[0]) data = applyImputer(data, model.imputer);
  if (data.X.rows !== model.arch.dims[0])
    throw new DataError(
      `${data.source}: has n_x = ${data.X.rows} features per example but the model ${args['model']} expects n[0] = ${model.arch.dims[0]}`,
    );
  return { model, data: alignClasses(data, model.classes, `the model ${args['model']}`) };
}

async function runEval(args: Parsed, io: Io): Promise<number> {
  const { model, data } = await modelAndData(args, io);
  const output = model.output as OutputKind;
  if (model.isClassifier && !data.classes)
    throw new DataError(`${data.source}: the model classifies but the labels are continuous values`);
  const n = outputUnits({ ...data, classes: model.classes ?? data.classes }, output);
  if (n !== model.arch.dims[model.depth])
    throw new DataError(
      `${data.source}: the labels need ${n} output units but the model has n[L] = ${model.arch.dims[model.depth]}`,
    );
  const Y = targets({ ...data, classes: model.classes ?? data.classes }, output);
  const e = model.evaluate(data.X, Y);
  if (args['json']) {
    io.out(
      JSON.stringify({
        m: e.m,
        cost: e.cost,
        error: e.error,
        ...(e.accuracy !== undefined ? { accuracy: e.accuracy, correct: e.correct } : {}),
        model: args['model'],
        data: data.source,
      }) + '\n',
    );
  } else if (e.accuracy !== undefined) {
    io.out(
      `accuracy ${formatPercent(e.accuracy, 2)} (${e.correct}/${e.m}), error ${formatPercent(e.error, 2)}, cost ${e.cost.toPrecision(6)}\n`,
    );
  } else io.out(`cost (mean squared error / 2) ${e.cost.toPrecision(6)} on ${e.m} examples\n`);
  model.dispose();
  return 0;
}
