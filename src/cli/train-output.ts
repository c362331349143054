/**
 * What `lnn train` prints: the announcement before the run, its progress (from the run's callbacks), the
 * summary or the --json document after it, and the advice after a divergence.
 */
import { defined } from '../core/defined.js';
import { formatPercent } from '../core/text.js';
import { errorStandardError } from '../evaluate/diagnose.js';
import type { Evaluation } from '../evaluate/metrics.js';
import type { Io } from '../workflow/parse.js';
import type { PreparedData } from '../workflow/prepare.js';
import type { RunCallbacks, TrainOutcome } from '../workflow/run.js';
import type { TrainResult } from '../train/trainer.js';
import type { TrainSettings } from '../workflow/settings.js';
import { setFigures, sizesOf, stringifyMeasured } from '../workflow/run-summary.js';
import type { ReadyRun, TrainRun } from '../workflow/train.js';
import type { FoldsRecord, RefitRecord } from '../train/run-record.js';
import { createProgress, terminalColumns } from './progress.js';
import { foldsFigures } from '../workflow/cross-validate.js';

/** The `--json` document of `lnn train`. */
export function trainJson(
  o: TrainOutcome & Pick<TrainRun, 'refit' | 'folds'>,
  prepared: PreparedData,
  seconds: number,
  saved: string | undefined,
): string {
  const { result } = o;
  return (
    stringifyMeasured(
      defined({
        costs: result.history.costs,
        evals: result.history.evals,
        // With --folds, the folds' means are the run's train and dev figures (as in its record).
        ...(o.folds ? { ...foldsFigures(o.folds), ...setFigures('test', o.test) } : figures(o)),
        diagnosis: o.diagnosis,
        sizes: sizesOf(prepared),
        splitRule: prepared.sets.rule,
        hyperparameters: o.hyperparameters,
        iterations: result.iterations,
        epochs: result.epochs,
        stopped: result.stopped,
        diverged: result.diverged,
        bestIteration: result.bestIteration,
        trainingSeconds: result.seconds,
        streamed: result.streamed,
        seconds,
        folds: o.folds,
        refit: o.refit?.record,
        model: saved,
      }),
    ) + '\n'
  );
}

/** accuracy 95.50% (1910/2000, standard error 0.46%), or the cost for regression. */
function describeSet(e: Evaluation): string {
  return e.accuracy !== undefined
    ? `accuracy ${formatPercent(e.accuracy, 2)} (${e.correct}/${e.m}, standard error ${formatPercent(errorStandardError(e.error, e.m), 2)})`
    : `cost ${e.cost.toPrecision(6)}`;
}

/** The text `lnn train` ends with: why it stopped, the figures per set, the diagnosis and its advice. */
export function trainText(
  o: TrainOutcome & Pick<TrainRun, 'refit' | 'folds'>,
  prepared: PreparedData,
  saved: string | undefined,
): string {
  const { result } = o;
  const lines = o.folds
    ? foldsText(o.folds, o.model.isClassifier)
    : [`${result.stopped} in ${result.seconds.toFixed(2)} s`];
  if (o.train) lines.push(`train: ${describeSet(o.train)}`);
  if (o.dev) lines.push(`dev:   ${describeSet(o.dev)}${o.refit ? ' (the first fit, on train alone)' : ''}`);
  if (o.refit) lines.push(refitText(o.refit.record, o.model.isClassifier));
  const test = prepared.sets.test;
  if (o.test) lines.push(`test:  ${describeSet(o.test)}`);
  else if (test && (o.train || o.folds))
    lines.push(`test:  ${test.X.cols} examples held back (--evaluate-test to use them)`);
  if (o.diagnosis) lines.push('', o.diagnosis.verdict, ...o.diagnosis.advice.map((a) => `  - ${a}`));
  if (saved !== undefined) lines.push('', `saved model to ${saved}`);
  return lines.join('\n') + '\n';
}

/** The folds of --folds K: their mean with its standard error, then each fold. */
function foldsText(f: FoldsRecord, classifier: boolean): string[] {
  const fmt = (e: number) => (classifier ? formatPercent(e, 2) : e.toPrecision(4));
  const how = `${f.stratified ? 'stratified, ' : ''}seed ${f.seed}`;
  return [
    `${f.k}-fold cross-validation of ${f.examples} train + dev examples (${how}): dev error ${fmt(f.devError)} ± ${fmt(f.devSE)} (mean ± standard error over the folds), train error ${fmt(f.trainError)}`,
    ...f.each.map(
      (e) =>
        `  fold ${e.fold}: trained on ${e.train}, judged on ${e.dev}: dev error ${fmt(e.devError)}, train error ${fmt(e.trainError)}; ${e.stopped}`,
    ),
  ];
}

/** 'refit on train + dev of the split (90 + 30): 120 examples, 50 epochs (the first fit's 50 epochs): ...'. */
function refitText(r: RefitRecord, classifier: boolean): string {
  const steps =
    r.epochs !== undefined
      ? `${+r.epochs.toFixed(2)} epochs in batches of ${r.batchSize}`
      : `${r.iterations} full-batch iterations`;
  const fit =
    r.trainError === undefined
      ? ''
      : classifier && r.trainAccuracy !== undefined
        ? `: train + dev accuracy ${formatPercent(r.trainAccuracy, 2)}`
        : `: train + dev cost ${r.trainCost!.toPrecision(6)}`;
  return `refit: the model kept is fit on ${r.sets}, ${r.train} examples, ${steps} (${r.length}) in ${r.seconds.toFixed(2)} s${fit}`;
}

function figures(o: TrainOutcome): Record<string, number> {
  return { ...setFigures('train', o.train), ...setFigures('dev', o.dev), ...setFigures('test', o.test) };
}

/** The first line on stderr: the sets, the network, the optimizer, the schedule and where it runs. */
export function announcement(run: ReadyRun): string {
  const { settings, prepared, network, schedule, model, stage } = run;
  const { data, sets, output } = prepared;
  const sizes = `train ${schedule.m}${sets.dev ? `, dev ${sets.dev.X.cols}` : ''}${sets.test ? `, test ${sets.test.X.cols}` : ''}`;
  const steps = schedule.full
    ? `full batch, ${schedule.iterations} iterations`
    : `batch ${schedule.batchSize}, ${schedule.epochs} epochs`;
  const be = model.backend;
  return (
    `lnn train${stage ? `, ${stage}` : ''}: ${data.source}: ${sizes} (${sets.rule}); network [${network.dims.join(', ')}] ${settings.activation}/${output}, ` +
    `${model.parameterCount.toLocaleString('en-US')} parameters; ${settings.optimizer} α=${settings.learningRate}, ${steps}; ` +
    `${settings.dtype} on ${be.name}${be.threads > 1 ? ` (${be.threads} threads)` : ''}\n`
  );
}

/** After a divergence: what was (not) written, and what to try. */
export function divergenceAdvice(
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

/**
 * The run's progress on stderr: one lasting line per evaluation (with the cost, train and dev error), the
 * course's "Cost after iteration i" lines between evaluations, and on a terminal a bar under them that
 * fits its width; `done` ends the display.
 */
export function progressOf(run: ReadyRun, io: Io, quiet: boolean): RunCallbacks & { done(): void } {
  const { schedule, model } = run;
  const { full, perEpoch, iterations } = schedule;
  const progress = createProgress({
    total: full ? iterations : iterations / perEpoch,
    unit: full ? 'iteration' : 'epoch',
    io,
    quiet,
    errorFormat: model.isClassifier ? 'percent' : 'value',
    columns: () => terminalColumns(io),
    ...(full ? {} : { throughput: { examplesPerIteration: schedule.batchSize } }),
  });
  return {
    onCost: (p, { evaluated }) => {
      // An evaluation line at the same iteration already carries the cost.
      if (full && !evaluated) progress.log(`Cost after iteration ${p.iteration}: ${p.cost}`);
    },
    onEval: (p) =>
      progress.evaluation(
        defined({
          iteration: p.iteration,
          epoch: p.epoch,
          cost: p.trainCost,
          trainError: p.trainError,
          devError: p.devError,
        }),
      ),
    onIteration: (s) => progress.update(defined({ iteration: s.iteration, epoch: s.epoch, cost: s.cost })),
    done: () => progress.done(),
  };
}
