import type { Schedule } from '../../train/schedule.js';
import type { Model } from '../../train/model.js';
import { modelToJSON } from '../../train/modelFile.js';
import type { RunRecord } from '../../train/record.js';
import type { TrainResult } from '../../train/trainer.js';
import { UsageError, type Command, type Invocation, type Io, type Parsed } from '../command.js';
import { commitWithSignals, planCommandOutputs, usesStdout } from '../outputs.js';
import { chooseBackend } from '../shared.js';
import { prepareData, resolveNetwork, type Network, type PreparedData } from '../train/prepare.js';
import { buildModel, checkRunFits, hyperparametersOf, scheduleFor, trainModel } from '../train/run.js';
import { TRAIN_INPUTS, trainOptions } from '../train/options.js';
import { parseTrainSettings, type TrainSettings } from '../train/settings.js';
import { runRecordOf, stringifyMeasured, trainJson, trainText } from '../train/summary.js';

/** A saved model: the architecture, normalization, classes, parameters and the run record, as one JSON line. */
function modelJson(model: Model, run: RunRecord): string {
  return JSON.stringify(modelToJSON(model, run)) + '\n';
}

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a deep L-layer network and report train/dev error with a bias/variance diagnosis',
  usage: '(--data FILE | --x X.npy --y Y.npy) [options]',
  options: trainOptions,
  details: `Examples:
  lnn train --data builtin:mnist
  lnn train --x train_x.npy --y train_y.npy --dims 12288,20,7,5,1 --init course --optimizer gd \\
            --lr 0.0075 --iterations 2500 --normalize scale:255 --split none --dtype float64 --save cat.json
  lnn train --data houses.csv --label price --hidden 64,32 --output linear --epochs 50`,
  run: (args, io, invocation) => runTrain(args, io, invocation),
};

async function runTrain(args: Parsed, io: Io, invocation: Invocation): Promise<number> {
  const t0 = performance.now();
  // Options and output locations first: a typo or a missing directory fails before any data is read.
  const settings = parseTrainSettings(args);
  const plan = planCommandOutputs(args, ['save', 'record'], TRAIN_INPUTS);
  const backend = await chooseBackend(args);
  const prepared = await prepareData(args, settings, io);
  if (settings.earlyStop && !prepared.dev)
    throw new UsageError('--early-stop needs a dev set: keep the default --split or give --dev');
  const network = resolveNetwork(settings, prepared);
  const schedule = scheduleFor(settings, prepared);
  checkRunFits(settings, prepared, network, schedule, backend);
  const model = buildModel(settings, prepared, network, backend);
  try {
    const hyperparameters = hyperparametersOf(settings, network, schedule, model);
    if (!args['quiet']) io.err(announcement(settings, prepared, network, schedule, model));
    const outcome = {
      model,
      schedule,
      hyperparameters,
      ...trainModel(settings, prepared, model, schedule, { io, quiet: Boolean(args['quiet']) }),
    };
    const record = runRecordOf(outcome, prepared, invocation.argv);
    const { diverged, bestIteration } = outcome.result;
    const keepModel = !diverged || bestIteration !== undefined;
    const save = typeof args['save'] === 'string' && keepModel ? args['save'] : undefined;
    await commitWithSignals(
      plan,
      {
        '--save': save !== undefined ? modelJson(model, record) : undefined,
        '--record': stringifyMeasured(record, 1) + '\n',
      },
      io.out,
    );
    const results = usesStdout(plan) ? io.err : io.out;
    const seconds = (performance.now() - t0) / 1000;
    results(args['json'] ? trainJson(outcome, prepared, seconds, save) : trainText(outcome, prepared, save));
    if (!diverged) return 0;
    io.err(divergenceAdvice(settings, outcome.result, typeof args['save'] === 'string', save !== undefined));
    return 1;
  } finally {
    model.dispose();
  }
}

/** The first line on stderr: the sets, the network, the optimizer, the schedule and where it runs. */
function announcement(
  settings: TrainSettings,
  prepared: PreparedData,
  network: Network,
  schedule: Schedule,
  model: Model,
): string {
  const { data, sets, output } = prepared;
  const sizes = `train ${schedule.m}${sets.dev ? `, dev ${sets.dev.X.cols}` : ''}${sets.test ? `, test ${sets.test.X.cols}` : ''}`;
  const steps = schedule.full
    ? `full batch, ${schedule.iterations} iterations`
    : `batch ${schedule.batchSize}, ${schedule.epochs} epochs`;
  const be = model.backend;
  return (
    `lnn train: ${data.source}: ${sizes} (${sets.rule}); network [${network.dims.join(', ')}] ${settings.activation}/${output}, ` +
    `${model.parameterCount.toLocaleString('en-US')} parameters; ${settings.optimizer} α=${settings.learningRate}, ${steps}; ` +
    `${settings.dtype} on ${be.name}${be.threads > 1 ? ` (${be.threads} threads)` : ''}\n`
  );
}

/** After a divergence: what was (not) written, and what to try. */
function divergenceAdvice(
  settings: TrainSettings,
  { diverged, bestIteration }: Pick<TrainResult, 'diverged' | 'bestIteration'>,
  asked: boolean,
  saved: boolean,
): string {
  const lr = settings.learningRate;
  const cost = diverged?.kind === 'exploding cost' || diverged?.kind === 'final cost';
  const wrote = !asked
    ? ''
    : saved
      ? ` wrote the last finite best model (iteration ${bestIteration}) to --save;`
      : ` no model was written (${cost ? 'its cost rose above 10x its start' : 'the parameters are not finite numbers'});`;
  const normalize = settings.normalize === 'none' ? '; or normalize the inputs (--normalize standard)' : '';
  return `lnn train: the run diverged;${wrote} try --lr ${+(lr / 10).toPrecision(6)} (a tenth of ${lr})${normalize}\n`;
}
