/** `lnn train`: parse → `runTraining` (the library's train) → write the model and record → print. */
import { modelToJSON } from '../../train/model-json.js';
import { TRAIN_INPUTS, trainOptions } from '../../workflow/options.js';
import { type Invocation, type Io, type Parsed } from '../../workflow/parse.js';
import { stringifyMeasured } from '../../workflow/run-summary.js';
import { runTraining } from '../../workflow/train.js';
import type { Command } from '../command.js';
import { commitWithSignals, planCommandOutputs, usesStdout } from '../command-outputs.js';
import { announcement, divergenceAdvice, progressOf, trainJson, trainText } from '../train-output.js';

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a deep L-layer network and report train/dev error with a bias/variance diagnosis',
  usage: '(--data FILE | --x X.npy --y Y.npy) [options]',
  options: trainOptions,
  details: `Examples:
  lnn train --data builtin:mnist
  lnn train --x train_x.npy --y train_y.npy --dims 12288,20,7,5,1 --init course --optimizer gd \\
            --lr 0.0075 --iterations 2500 --normalize scale:255 --split none --dtype float64 --save cat.json
  lnn train --data houses.csv --label price --hidden 64,32 --output linear --epochs 50
  lnn train --data flowers.csv --label species --hidden 16 --epochs 50 --refit --save flowers.json
  lnn train --data flowers.csv --label species --hidden 16 --epochs 50 --folds 5 --evaluate-test

--refit: after the dev evaluation, the same configuration is fit again on train + dev (the split's
train and dev examples together, or the training data and the --dev file; test stays held back) for
as long as the first fit trained (its early-stopping epoch when it had one), normalization and
imputation fitted again; that is the model saved. The record keeps the first fit's dev figures, labelled.
--folds K: train + dev dealt into K stratified, seeded folds; each is judged by a model trained on the
other K - 1; the dev error is their mean with its standard error; then the model is fit on all of train
+ dev (as --refit) for the folds' mean length. For small data: every example is judged once.`,
  run: (args, io, invocation) => runTrain(args, io, invocation),
};

async function runTrain(args: Parsed, io: Io, invocation: Invocation): Promise<number> {
  const t0 = performance.now();
  const quiet = Boolean(args['quiet']);
  // Output locations first: a missing directory fails before any data is read.
  const plan = planCommandOutputs(args, ['save', 'record'], TRAIN_INPUTS);
  let progress: ReturnType<typeof progressOf> | undefined;
  const run = await runTraining(args, {
    io,
    argv: invocation.argv,
    onReady: (ready) => {
      // --refit and --folds fit more than once: each fit gets its line and its own progress.
      progress?.done();
      if (!quiet) io.err(announcement(ready));
      return (progress = progressOf(ready, io, quiet));
    },
  }).finally(() => progress?.done());
  try {
    const { diverged, bestIteration } = run.result;
    const keepModel = !diverged || bestIteration !== undefined;
    const save = typeof args['save'] === 'string' && keepModel ? args['save'] : undefined;
    const model = save !== undefined ? JSON.stringify(modelToJSON(run.model, run.record)) + '\n' : undefined;
    await commitWithSignals(plan, { '--save': model, '--record': stringifyMeasured(run.record, 1) + '\n' }, io.out);
    const results = usesStdout(plan) ? io.err : io.out;
    const seconds = (performance.now() - t0) / 1000;
    results(args['json'] ? trainJson(run, run.prepared, seconds, save) : trainText(run, run.prepared, save));
    if (!diverged) return 0;
    io.err(divergenceAdvice(run.settings, run.result, typeof args['save'] === 'string', save !== undefined));
    return 1;
  } finally {
    run.model.dispose();
  }
}
