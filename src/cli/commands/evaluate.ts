import { formatPercent } from '../../core/text.js';
import type { Dataset } from '../../data/dataset.js';
import { streamWhenLarge } from '../../workflow/prepare.js';
import { loadModel } from '../../train/model-io.js';
import type { Model } from '../../train/model.js';
import { type Command } from '../command.js';
import { choiceOption, UsageError, type Io, type Options, type Parsed } from '../../workflow/parse.js';
import { evaluateFitted, fitToModel } from '../../workflow/evaluate.js';
import { chooseSubset, subsetOption, SUBSETS } from '../../workflow/held-back.js';
import { loadDataset, probeFeatures } from '../../data/read/load.js';
import { loadDatasetKeepingMissing } from '../../data/read/register-readers.js';
import { backendOption, chooseBackend, dataOptions, dataSpec } from '../../workflow/inputs.js';

/** --stream, for the commands that read a saved model's data once, a chunk at a time (eval, predict). */
export const streamOption: Options = {
  stream: {
    type: 'boolean',
    description:
      'leave the .npy or HDF5 features on disk and read them a batch at a time (automatic when they exceed half of the free memory)',
  },
};

export const evalCommand: Command = {
  name: 'eval',
  summary: 'accuracy, error and cost of a saved model on a data set',
  usage: '--model MODEL (--data FILE | --x X.npy --y Y.npy) [--subset train|dev|test|all] [--stream] [--json]',
  options: {
    model: { type: 'string', value: 'MODEL', description: 'a model file written by lnn train --save' },
    ...dataOptions,
    ...subsetOption,
    ...streamOption,
    ...backendOption,
    json: { type: 'boolean', description: 'print one JSON document on stdout' },
  },
  run: async (args, io) => runEval(args, io),
};

/** --stream needs a source read by row ranges: a .npy (--x) or an HDF5 file. */
async function checkStreamable(args: Parsed, unlabeled: boolean): Promise<void> {
  const spec = dataSpec(args, undefined, unlabeled);
  if ((await probeFeatures(spec)) !== undefined) return;
  const source = spec.x ?? spec.data ?? 'the data';
  const convert = /\.(csv|tsv)$/i.test(source)
    ? `; convert it once (lnn convert --data ${source} --out DIR) and ${unlabeled ? 'predict on --x DIR/x.npy' : 'evaluate on --x DIR/x.npy --y DIR/y.npy'}`
    : '';
  throw new UsageError(
    `--stream reads .npy (--x) and HDF5 files by row ranges, and ${source} can only be read whole${convert}`,
  );
}

/**
 * Loads the model the options name and the data, fitted to the model: columns matched by name when
 * both have names (extra ones ignored with a note), missing values filled from the model's training
 * means when it has them, classes indexed as the model indexes them. A .npy or HDF5 source's features are
 * left on disk with --stream, or when they exceed half of the free memory.
 */
export async function modelAndData(args: Parsed, io: Io, unlabeled = false): Promise<{ model: Model; data: Dataset }> {
  if (typeof args['model'] !== 'string') throw new UsageError('--model MODEL is required');
  if (args['stream']) await checkStreamable(args, unlabeled);
  const backend = await chooseBackend(args);
  const owner = `the model ${args['model']}`;
  const model = loadModel(args['model'], backend, (s) => io.err(`note: ${s}\n`));
  const given = dataSpec(args, io, unlabeled);
  // Evaluation reads the examples once, a chunk at a time: features larger than memory stay on disk.
  const spec = { ...given, stream: args['stream'] ? true : await streamWhenLarge(given) };
  // Only a model trained with --impute mean can fill a missing value (from its training means).
  const missingAdvice = `fill it in; only a model trained with --impute mean fills missing values (with its training means), and ${owner} was trained without it`;
  const loaded = model.imputer ? await loadDatasetKeepingMissing(spec) : await loadDataset({ ...spec, missingAdvice });
  return { model, data: fitToModel(model, loaded, owner, (note) => io.err(`note: ${note}\n`)) };
}

async function runEval(args: Parsed, io: Io): Promise<number> {
  const asked = choiceOption(args, 'subset', SUBSETS);
  const loaded = await modelAndData(args, io);
  const { model } = loaded;
  try {
    const { data, subset } = chooseSubset(model, loaded.data, { asked, owner: `the model ${args['model']}` }, io);
    const e = evaluateFitted(model, data);
    if (args['json'])
      io.out(
        JSON.stringify({
          m: e.m,
          cost: e.cost,
          error: e.error,
          ...(e.accuracy !== undefined ? { accuracy: e.accuracy, correct: e.correct } : {}),
          model: args['model'],
          data: data.source,
          subset,
        }) + '\n',
      );
    else if (e.accuracy !== undefined)
      io.out(
        `accuracy ${formatPercent(e.accuracy, 2)} (${e.correct}/${e.m}), error ${formatPercent(e.error, 2)}, cost ${e.cost.toPrecision(6)}\n`,
      );
    else io.out(`cost (mean squared error / 2) ${e.cost.toPrecision(6)} on ${e.m} examples\n`);
    return 0;
  } finally {
    model.dispose();
  }
}
