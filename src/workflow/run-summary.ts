import { defined } from '../core/defined.js';
import type { Evaluation } from '../evaluate/metrics.js';
import type { RunRecord } from '../train/run-record.js';
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

export function sizesOf(prepared: PreparedData): { train: number; dev?: number; test?: number } {
  const { sets } = prepared;
  return {
    train: sets.train.X.cols,
    ...defined({ dev: sets.dev?.X.cols, test: sets.test?.X.cols }),
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
    data: defined({
      source: data.source,
      nx: data.X.rows,
      classes: data.classes,
      ...sizesOf(prepared),
      splitRule: sets.rule,
      split: sets.split,
    }),
    history: result.history,
    result: {
      ...figuresOf(o),
      finalCost: result.finalCost,
      iterations: result.iterations,
      ...defined({ bestIteration: result.bestIteration }),
      seconds: result.seconds,
      stopped: result.stopped,
    },
    ...defined({ diagnosis: o.diagnosis }),
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
