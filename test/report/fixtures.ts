/** Synthetic run records for the report tests: every shape `lnn report` must draw. */
import { ReferenceBackend } from '../../src/backend/reference.js';
import { diagnose } from '../../src/evaluate/diagnose.js';
import { Model } from '../../src/train/model.js';
import { modelToJSON } from '../../src/train/model-json.js';
import type { RunRecord } from '../../src/train/run-record.js';

/**
 * A model file's document as lnn train --save writes it (format 2, checksum over the whole document),
 * carrying `run` as its record; JSON.parse(JSON.stringify(...)) of it, as read back from disk.
 */
export function savedModel(run?: RunRecord): Record<string, unknown> {
  const model = Model.create({ dims: [2, 3, 1], output: 'sigmoid', backend: new ReferenceBackend(), dtype: 'float64' });
  return JSON.parse(JSON.stringify(modelToJSON(model, run)));
}

/** A classification run with a dev set: 2,500 iterations of a smoothly falling cost, evaluations every 100. */
export function classificationRun(): RunRecord {
  const costs = [];
  for (let i = 0; i <= 2500; i++)
    costs.push({ iteration: i, cost: 0.05 + 0.64 * Math.exp(-i / 400) + 0.004 * Math.sin(i / 7) });
  const evals = [];
  for (let i = 0; i <= 2500; i += 100) {
    const trainError = 0.02 + 0.4 * Math.exp(-i / 350);
    evals.push({
      iteration: i,
      epoch: i / 500,
      trainError,
      devError: trainError + 0.1 * (1 - Math.exp(-i / 800)) + 0.03,
      trainCost: costs[i]!.cost,
      devCost: costs[i]!.cost + 0.1,
    });
  }
  const last = evals[evals.length - 1]!;
  return {
    format: 'lnn-run',
    version: 1,
    createdAt: '2026-11-27T18:00:00.000Z',
    command: ['lnn', 'train', '--x', 'train x.npy', '--dims', '12288,20,7,5,1', '--lr', '0.0075'],
    hyperparameters: {
      dims: [12288, 20, 7, 5, 1],
      activation: 'relu',
      output: 'sigmoid',
      init: 'course',
      lr: 0.0075,
      iterations: 2500,
      optimizer: 'gd',
      l2: 0,
      keepProb: 1,
      seed: 1,
      dtype: 'float64',
    },
    data: {
      source: 'catvnoncat/train_catvnoncat.h5',
      nx: 12288,
      classes: ['non-cat', 'cat'],
      train: 209,
      dev: 50,
      test: 50,
      splitRule: 'dev and test each min(20% of m, 10,000)',
    },
    history: { costs, evals },
    result: {
      trainAccuracy: 1 - last.trainError,
      devAccuracy: 1 - last.devError!,
      trainError: last.trainError,
      devError: last.devError!,
      finalCost: costs[2500]!.cost,
      iterations: 2500,
      seconds: 42.7,
    },
    diagnosis: diagnose({ trainError: last.trainError, devError: last.devError!, humanError: 0.01 }),
  };
}

/** No dev set: train error only, no diagnosis. */
export function noDevRun(): RunRecord {
  const run = classificationRun();
  delete run.data.dev;
  delete run.data.test;
  delete run.result.devAccuracy;
  delete run.result.devError;
  delete run.diagnosis;
  run.history.evals = run.history.evals.map((e) => ({ iteration: e.iteration, trainError: e.trainError }));
  return run;
}

/** One cost point and one evaluation. */
export function singlePointRun(): RunRecord {
  return {
    format: 'lnn-run',
    version: 1,
    createdAt: '2026-11-27T18:00:00.000Z',
    hyperparameters: { iterations: 1 },
    data: { source: 'builtin:iris', nx: 4, classes: ['setosa', 'versicolor', 'virginica'], train: 90, dev: 30 },
    history: { costs: [{ iteration: 0, cost: 1.0986 }], evals: [{ iteration: 0, trainError: 0.66, devError: 0.7 }] },
    result: { trainAccuracy: 0.34, devAccuracy: 0.3, trainError: 0.66, devError: 0.7, iterations: 1, seconds: 0.01 },
  };
}

/** A run whose cost blew up: finite, then Infinity, then NaN. */
export function divergedRun(): RunRecord {
  const costs = [];
  for (let i = 0; i <= 300; i++)
    costs.push({ iteration: i, cost: i < 120 ? 0.7 * 1.05 ** i : i < 125 ? Infinity : NaN });
  return {
    format: 'lnn-run',
    version: 1,
    createdAt: '2026-11-27T18:00:00.000Z',
    hyperparameters: { lr: 5, iterations: 300 },
    data: {
      source: 'builtin:mnist',
      nx: 784,
      classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
      train: 8000,
      dev: 2000,
    },
    history: {
      costs,
      evals: [0, 100, 200, 300].map((i) => ({
        iteration: i,
        trainError: i < 200 ? 0.9 - i / 1000 : NaN,
        devError: i < 200 ? 0.9 : NaN,
      })),
    },
    result: {
      trainError: 0.9,
      devError: 0.9,
      finalCost: NaN,
      iterations: 300,
      seconds: 3.2,
      stopped: 'cost became NaN at iteration 125',
    },
  };
}

/** Regression: no classes, no accuracies; errors are costs. Column names carry HTML to test escaping. */
export function regressionRun(): RunRecord {
  const costs = [];
  for (let i = 0; i <= 1000; i += 10) costs.push({ iteration: i, cost: 50 * Math.exp(-i / 150) + 2 });
  return {
    format: 'lnn-run',
    version: 1,
    createdAt: '2026-11-27T18:00:00.000Z',
    command: ['lnn', 'train', '--data', 'houses.csv', '--label', '<script>alert(1)</script>'],
    hyperparameters: {
      label: '<img src=x onerror=alert(1)>',
      hidden: [16, 8],
      output: 'linear',
      lr: 0.01,
      extra: { nested: '</script><b>x</b>' },
    },
    data: { source: 'houses "<b>bold</b>".csv', nx: 13, train: 400, dev: 53, test: 53 },
    history: {
      costs,
      evals: [0, 250, 500, 750, 1000].map((i) => ({
        iteration: i,
        trainError: 50 * Math.exp(-i / 150) + 2,
        devError: 50 * Math.exp(-i / 150) + 3.5,
      })),
    },
    result: { trainError: 2.0, devError: 3.5, finalCost: 2.0, iterations: 1000, seconds: 1.5 },
  };
}
