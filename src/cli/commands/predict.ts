import { planOutputs } from '../../io/outputs.js';
import { inputsOf, outputsOf, usesStdout } from '../command-outputs.js';
import { type Command } from '../command.js';
import { choiceOption, numberOption, type Io, type Parsed } from '../../workflow/parse.js';
import { PREDICT_FORMATS, predictionText } from '../predict/file-format.js';
import { PREDICT_BATCH, writePredictions } from '../predict/write.js';
import { backendOption, dataOptions } from '../../workflow/inputs.js';
import { modelAndData, streamOption } from './evaluate.js';

export const predictCommand: Command = {
  name: 'predict',
  summary: 'one prediction per example from a saved model, as CSV or JSON',
  usage:
    '--model MODEL (--data FILE | --x X.npy [--y Y.npy]) [--format csv|json] [-o FILE] [--stream] [--batch-size N]',
  options: {
    model: { type: 'string', value: 'MODEL', description: 'a model file written by lnn train --save' },
    ...dataOptions,
    ...backendOption,
    format: { type: 'string', value: 'FMT', description: 'csv or json', default: 'csv' },
    output: {
      type: 'string',
      short: 'o',
      value: 'FILE',
      description: "write to FILE (atomically) instead of stdout; '-' is stdout",
    },
    json: { type: 'boolean', description: 'same as --format json' },
    ...streamOption,
    'batch-size': {
      type: 'string',
      value: 'N',
      description: 'examples read, predicted and written at a time (rounded up to a multiple of 1024)',
      default: String(PREDICT_BATCH),
    },
  },
  details: [
    'Predictions are written a batch of examples at a time, as they are made, so memory holds one batch',
    'whatever the number of examples. -o FILE is written to a temporary file beside FILE and renamed into',
    'place at the end: bad input halfway (a non-finite value, a file cut short) leaves FILE as it was.',
    'On stdout (no -o, or -o -) the batches before the bad one have been printed when the error comes.',
  ].join('\n'),
  run: async (args, io) => runPredict(args, io),
};

async function runPredict(args: Parsed, io: Io): Promise<number> {
  const format = args['json'] ? 'json' : choiceOption(args, 'format', PREDICT_FORMATS)!;
  const batch = numberOption(args, 'batch-size', { integer: true, min: 1 })!;
  const plan = planOutputs(outputsOf(args, ['output']), inputsOf(args, ['model', 'data', 'x', 'y']));
  const { model, data } = await modelAndData(args, io, true);
  let m: number;
  try {
    const text = predictionText(format, {
      units: model.arch.dims[model.depth]!,
      classifier: model.isClassifier,
      classes: model.classes,
    });
    m = await writePredictions(model, data.X, text, {
      batch,
      target: plan.targets[0],
      stdout: io.out,
      drain: io.drain,
    });
  } finally {
    model.dispose();
  }
  if (plan.targets.length > 0 && !usesStdout(plan)) io.err(`wrote ${m} predictions to ${String(args['output'])}\n`);
  return 0;
}
