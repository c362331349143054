import { formatPercent } from '../../core/text.js';
import type { Evaluation } from '../../evaluate/metrics.js';
import type { RunRecord } from '../../train/record.js';
import type { PreparedData } from './prepare.js';
import type { TrainOutcome } from './run.js';

/** { trainAccuracy, trainError, trainCost } for one set's evaluation (accuracy for classifiers only). */
export function setFigures(name: 'train' | 'dev' | 'test', e: Evaluation | undefined): Record<string, number> {
  if (!e) return {};
  return {
    ...(e.accuracy !== undefined ? { [`${name}Accuracy`]: e.accuracy } : {}),
    [`${name}Error`]: e.error,
    [`${name}Cost`]: e.cost,
  };
}

function figuresOf(o: TrainOutcome): Record<string, number> {
  return { ...setFigures('train', o.train), ...setFigures('dev', o.dev), ...setFigures('test', o.test) };
}

function sizesOf(prepared: PreparedData): { train: number; dev?: number; test?: number } {
  const { sets } = prepared;
  return {
    train: sets.train.X.cols,
    ...(sets.dev ? { dev: sets.dev.X.cols } : {}),
    ...(sets.test ? { test: sets.test.X.cols } : {}),
  };
}

/** The run record (`--record`, and inside a saved model): what was tried and what came of it. */
export function runRecordOf(o: TrainOutcome, prepared: PreparedData, argv: readonly string[]): RunRecord {
  const { data, sets } = prepared;
  const { result } = o;
  return {
    format: 'lnn-run',
    version: 1,
    createdAt: new Date().toISOString(),
    command: ['lnn', ...argv],
    hyperparameters: o.hyperparameters,
    data: {
      source: data.source,
      nx: data.X.rows,
      ...(data.classes ? { classes: data.classes } : {}),
      ...sizesOf(prepared),
      splitRule: sets.rule,
    },
    history: result.history,
    result: {
      ...figuresOf(o),
      finalCost: result.finalCost,
      iterations: result.iterations,
      seconds: result.seconds,
      stopped: result.stopped,
    },
    ...(o.diagnosis ? { diagnosis: o.diagnosis } : {}),
  };
}

/**
 * JSON text in which a diverged value stays what it was: NaN and ±Infinity become "NaN", "Infinity",
 * "-Infinity" (JSON has no such numbers; JSON.stringify would write null), which `lnn report` reads back.
 */
export function stringifyMeasured(value: unknown, indent?: number): string {
  return JSON.stringify(
    value,
    (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v),
    indent,
  );
}

/** The `--json` document of `lnn train`. */
export function trainJson(o: TrainOutcome, prepared: PreparedData, seconds: number, saved: string | undefined): string {
  const { result } = o;
  return (
    stringifyMeasured({
      costs: result.history.costs,
      evals: result.history.evals,
      ...figuresOf(o),
      ...(o.diagnosis ? { diagnosis: o.diagnosis } : {}),
      sizes: sizesOf(prepared),
      splitRule: prepared.sets.rule,
      hyperparameters: o.hyperparameters,
      iterations: result.iterations,
      ...(result.epochs !== undefined ? { epochs: result.epochs } : {}),
      stopped: result.stopped,
      ...(result.diverged ? { diverged: result.diverged } : {}),
      ...(result.bestIteration !== undefined ? { bestIteration: result.bestIteration } : {}),
      trainingSeconds: result.seconds,
      ...(result.streamed ? { streamed: result.streamed } : {}),
      seconds,
      ...(saved !== undefined ? { model: saved } : {}),
    }) + '\n'
  );
}

/** accuracy 95.50% (1910/2000), or the cost for regression. */
function describeSet(e: Evaluation): string {
  return e.accuracy !== undefined
    ? `accuracy ${formatPercent(e.accuracy, 2)} (${e.correct}/${e.m})`
    : `cost ${e.cost.toPrecision(6)}`;
}

/** The text `lnn train` ends with: why it stopped, the figures per set, the diagnosis and its advice. */
export function trainText(o: TrainOutcome, prepared: PreparedData, saved: string | undefined): string {
  const { result } = o;
  const lines = [`${result.stopped} in ${result.seconds.toFixed(2)} s`];
  if (o.train) lines.push(`train: ${describeSet(o.train)}`);
  if (o.dev) lines.push(`dev:   ${describeSet(o.dev)}`);
  const test = prepared.sets.test;
  if (o.test) lines.push(`test:  ${describeSet(o.test)}`);
  else if (test && o.train) lines.push(`test:  ${test.X.cols} examples held back (--evaluate-test to use them)`);
  if (o.diagnosis) lines.push('', o.diagnosis.verdict, ...o.diagnosis.advice.map((a) => `  - ${a}`));
  if (saved !== undefined) lines.push('', `saved model to ${saved}`);
  return lines.join('\n') + '\n';
}
