/**
 * The shapes of what a sweep reads back: a queue worker's result, the lines of trials.jsonl, sweep.json.
 * All of it crossed a boundary (another machine, a file another program can change), so each is checked
 * member by member before the sweep, `lnn runs` or `lnn report` use it, and a broken rule is one line
 * naming the source and the member. Browser-safe.
 */
import {
  arrayOf,
  bool,
  either,
  jsonValue,
  measured,
  num,
  object,
  oneOf,
  optional,
  recordOf,
  str,
  type Check,
} from '../core/schema.js';
import { splitRecordCheck } from '../data/prepare/split-record.js';
import type { FoldsRecord, RefitRecord, RunRecord } from '../train/run-record.js';
import type { SweepData } from './record.js';
import { isSweepKey, SWEEPABLE, type Axis, type TrialValues } from './space.js';
import type { TrialResult } from './trial.js';

/** Sweep and trial ids: 16 hex digits (hash.ts). */
export const ID = str({ pattern: /^[0-9a-f]{16}$/, describe: 'an id of 16 hex digits' });
const TEXT = str({ max: 4000 });
const NAME = str({ max: 256 });
const COUNT = num({ integer: true, min: 0 });
const INDEX = num({ integer: true, min: 1 });
const STRINGS = arrayOf(TEXT, 100_000);

/** What a diagnosis says of its noise when the set sizes were known (diagnose.ts); absent in older records. */
const noiseMembers = {
  trainSize: optional(INDEX),
  devSize: optional(INDEX),
  trainSE: optional(measured),
  devSE: optional(measured),
  biasSE: optional(measured),
  varianceSE: optional(measured),
  biasWithinNoise: optional(bool),
  varianceWithinNoise: optional(bool),
};

const diagnosis = object({
  trainError: measured,
  devError: measured,
  humanError: measured,
  avoidableBias: measured,
  variance: measured,
  highBias: bool,
  highVariance: bool,
  biasThreshold: measured,
  varianceThreshold: measured,
  verdict: TEXT,
  advice: arrayOf(TEXT, 100),
  ...noiseMembers,
});

const costPoint = object({ iteration: COUNT, cost: measured, epoch: optional(num({ min: 0 })) });
const evalPoint = object({
  iteration: COUNT,
  epoch: optional(num({ min: 0 })),
  trainError: measured,
  devError: optional(measured),
  trainCost: optional(measured),
  devCost: optional(measured),
});

const figures = ['train', 'dev', 'test'].flatMap((s) => ['Accuracy', 'Error', 'Cost'].map((f) => `${s}${f}`));

const refitMembers = {
  train: COUNT,
  sets: TEXT,
  iterations: COUNT,
  epochs: optional(num({ min: 0 })),
  batchSize: INDEX,
  length: TEXT,
  trainAccuracy: optional(measured),
  trainError: optional(measured),
  trainCost: optional(measured),
  finalCost: measured,
  seconds: num({ min: 0 }),
  stopped: TEXT,
};

/** A run record's `refit`: the fit on train + dev that the model is (RefitRecord). */
export const refitRecordCheck: Check<RefitRecord> = object(refitMembers) as Check<RefitRecord>;

const foldRecord = object({
  fold: INDEX,
  train: COUNT,
  dev: COUNT,
  trainAccuracy: optional(measured),
  trainError: measured,
  trainCost: measured,
  devAccuracy: optional(measured),
  devError: measured,
  devCost: measured,
  iterations: COUNT,
  bestIteration: optional(COUNT),
  seconds: num({ min: 0 }),
  stopped: TEXT,
});

/** A run record's `folds`: each fold's figures and their means (FoldsRecord). */
export const foldsRecordCheck: Check<FoldsRecord> = object({
  k: num({ integer: true, min: 2 }),
  examples: COUNT,
  seed: num({ integer: true, min: 0 }),
  stratified: bool,
  trainError: measured,
  devError: measured,
  devSE: measured,
  devAccuracy: optional(measured),
  devCost: measured,
  each: arrayOf(foldRecord, 1000),
}) as Check<FoldsRecord>;

/** A run record (`lnn train --record`, a model's `run`, a trial's `run`). */
export const runRecord: Check<RunRecord> = object({
  format: oneOf(['lnn-run'] as const),
  version: oneOf([1] as const),
  createdAt: TEXT,
  command: optional(arrayOf(TEXT, 1000)),
  hyperparameters: recordOf(jsonValue()),
  data: object({
    source: TEXT,
    nx: COUNT,
    classes: optional(STRINGS),
    train: COUNT,
    dev: optional(COUNT),
    test: optional(COUNT),
    splitRule: optional(TEXT),
    split: optional(splitRecordCheck),
  }),
  history: object({ costs: arrayOf(costPoint), evals: arrayOf(evalPoint) }),
  result: object({
    ...Object.fromEntries(figures.map((k) => [k, optional(measured)])),
    finalCost: optional(measured),
    iterations: COUNT,
    bestIteration: optional(COUNT),
    seconds: num({ min: 0 }),
    stopped: optional(TEXT),
  }),
  diagnosis: optional(diagnosis),
  refit: optional(refitRecordCheck),
  folds: optional(foldsRecordCheck),
}) as Check<RunRecord>;

/** A trial's values: `lnn train` options a sweep varies, each a text. */
const values: Check<TrialValues> = (v, path) => {
  const out = recordOf(TEXT, 50)(v, path);
  for (const k of Object.keys(out))
    if (!isSweepKey(k)) oneOf(Object.keys(SWEEPABLE))(k, `${path ? `${path}.` : ''}keys`);
  return out as TrialValues;
};

/** What a trial's result says of its run: everything but its identity (id, index, values, reasons). */
const outcomeMembers = {
  status: oneOf(['ok', 'failed', 'pruned'] as const),
  trainError: optional(measured),
  devError: optional(measured),
  diagnosis: optional(
    object({
      trainError: measured,
      devError: measured,
      avoidableBias: measured,
      variance: measured,
      highBias: bool,
      highVariance: bool,
      trainSize: noiseMembers.trainSize,
      devSize: noiseMembers.devSize,
      biasSE: noiseMembers.biasSE,
      varianceSE: noiseMembers.varianceSE,
      biasWithinNoise: noiseMembers.biasWithinNoise,
      varianceWithinNoise: noiseMembers.varianceWithinNoise,
    }),
  ),
  error: optional(TEXT),
  infrastructure: optional(oneOf([true] as const)),
  run: optional(runRecord),
  seconds: num({ min: 0 }),
  ranOn: NAME,
  finishedAt: TEXT,
};

const identityMembers = {
  id: ID,
  index: INDEX,
  values,
  reason: optional(TEXT),
  parent: optional(INDEX),
  move: optional(NAME),
};

/** A finished trial as trials.jsonl keeps it. */
export const trialResult: Check<TrialResult> = object({ ...identityMembers, ...outcomeMembers }) as Check<TrialResult>;

/** A start line of trials.jsonl. */
export const startEvent = object({ event: oneOf(['start'] as const), ...identityMembers, at: TEXT });

/** A queue worker's result: the outcome of the trial and, when it trained to the end, its model file's text. */
export const workerResult = object({
  result: object(outcomeMembers),
  model: optional(str()),
});

const axis: Check<Axis> = either(
  object({
    key: (v, p) => oneOf(Object.keys(SWEEPABLE))(v, p),
    kind: oneOf(['values'] as const),
    values: arrayOf(TEXT, 10_000),
  }),
  object({
    key: (v, p) => oneOf(Object.keys(SWEEPABLE))(v, p),
    kind: oneOf(['range'] as const),
    min: num(),
    max: num(),
    integer: bool,
    log: bool,
  }),
  `a hyperparameter's values ({ "key", "kind": "values", "values" }) or range ({ "key", "kind": "range", "min", "max", "integer", "log" })`,
) as Check<Axis>;

const sweepData: Check<SweepData> = object({
  source: TEXT,
  m: COUNT,
  nx: COUNT,
  classes: optional(STRINGS),
  hash: ID,
  train: COUNT,
  dev: COUNT,
  test: optional(COUNT),
  splitRule: TEXT,
});

const optionValue = either(TEXT, oneOf([true] as const), 'an option value (a text, or true for a flag)');

/** A queue job as a worker receives it (queue.ts TrialJob): every member checked before any is used. */
export const trialJob = object({
  sweep: ID,
  data: sweepData,
  spec: object({ ...identityMembers, args: recordOf(optionValue, 200), fold: optional(INDEX) }),
  sig: optional(str({ max: 128 })),
});

/** sweep.json, less its format and version (checked first, for their own messages). */
export const sweepIdentity = object({
  id: ID,
  createdAt: TEXT,
  command: arrayOf(TEXT, 1000),
  strategy: NAME,
  strategyOptions: recordOf(either(either(TEXT, num(), 'a text or number'), bool, 'a text, number or boolean'), 50),
  space: arrayOf(axis, 50),
  base: recordOf(optionValue, 200),
  data: sweepData,
  test: optional(
    object({
      trial: ID,
      index: INDEX,
      m: COUNT,
      error: measured,
      accuracy: optional(measured),
      cost: measured,
      at: TEXT,
      refit: optional(oneOf([true] as const)),
    }),
  ),
  refit: optional(object({ trial: ID, index: INDEX, ...refitMembers, at: TEXT })),
});
