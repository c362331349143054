/**
 * k-fold cross-validation of one configuration (--folds K): train + dev dealt into K stratified, seeded
 * folds (the test set stays held back), each fold judged by a model trained on the other K − 1, with
 * normalization and imputation fitted on those; the dev error is the mean over the folds with its
 * standard error. On small data this judges on every one of the train + dev examples instead of the 30
 * a dev set of iris holds. `lnn train` runs the folds one after another; a sweep runs fold × configuration
 * on its threads or its queue, each fold rebuilt from its index (same examples, K and seed: same folds).
 * Browser-safe.
 */
import { defined } from '../core/defined.js';
import type { Dataset } from '../data/dataset.js';
import { foldSets, kFolds, type Folds } from '../data/prepare/folds.js';
import { diagnose, type Diagnosis } from '../evaluate/diagnose.js';
import type { Evaluation } from '../evaluate/metrics.js';
import type { FoldRecord, FoldsRecord, RunRecord } from '../train/run-record.js';
import type { TrainResult } from '../train/trainer.js';
import { optionValue } from './parse.js';
import type { PreparedData } from './prepare.js';
import { preparedOn, trainDevUnion, unionWords } from './refit.js';
import type { TrainSettings } from './settings.js';

/** The examples the folds deal (train + dev, before imputation) and where each goes. */
export interface FoldPlan {
  union: Dataset;
  folds: Folds;
  /** 'train + dev of the split (90 + 30)'. */
  words: string;
}

/**
 * The folds of train + dev for --folds K and --seed.
 * @throws UsageError `--folds: 10 is more than the 6 examples of class 'setosa' in train + dev (...)`
 */
export function foldPlan(prepared: PreparedData, settings: Pick<TrainSettings, 'folds' | 'seed'>): FoldPlan {
  const union = trainDevUnion(prepared);
  const folds = optionValue('--folds', () => kFolds(union, settings.folds!, settings.seed));
  return { union, folds, words: unionWords(prepared) };
}

/** PreparedData of fold `f` (1..K): trained on the other folds, judged on this one. */
export function foldPrepared(
  prepared: PreparedData,
  plan: FoldPlan,
  f: number,
  settings: Pick<TrainSettings, 'impute'>,
): PreparedData {
  const { train, dev } = foldSets(plan.union, plan.folds, f - 1);
  const how = plan.folds.stratified ? ' stratified' : '';
  return preparedOn(prepared, { train, dev, rule: `${plan.folds.k}${how} folds of ${plan.words}` }, settings);
}

/** One fold's figures, from its run on its sets. */
export function foldRecord(
  fold: number,
  run: { train?: Evaluation | undefined; dev?: Evaluation | undefined; result: TrainResult },
): FoldRecord {
  const { train, dev, result } = run;
  return {
    fold,
    train: train!.m,
    dev: dev!.m,
    ...defined({ trainAccuracy: train!.accuracy }),
    trainError: train!.error,
    trainCost: train!.cost,
    ...defined({ devAccuracy: dev!.accuracy }),
    devError: dev!.error,
    devCost: dev!.cost,
    iterations: result.iterations,
    ...defined({ bestIteration: result.bestIteration }),
    seconds: result.seconds,
    stopped: result.stopped,
  };
}

const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * The folds as a record: the mean of each figure, and the standard error of the mean dev error, the
 * folds' sample standard deviation over √K (scikit-learn's cv_results_ give the deviation itself).
 * @example dev errors 0, 0.0417, 0.0833, 0, 0.0417 → devError 0.0333, devSE 0.0156
 */
export function foldsSummary(
  each: FoldRecord[],
  o: { k: number; seed: number; stratified: boolean; examples: number },
): FoldsRecord {
  const dev = each.map((f) => f.devError);
  const devError = mean(dev);
  const sd = each.length > 1 ? Math.sqrt(dev.reduce((s, e) => s + (e - devError) ** 2, 0) / (each.length - 1)) : 0;
  const accuracy = each.every((f) => f.devAccuracy !== undefined)
    ? { devAccuracy: mean(each.map((f) => f.devAccuracy!)) }
    : {};
  return {
    k: o.k,
    examples: o.examples,
    seed: o.seed,
    stratified: o.stratified,
    trainError: mean(each.map((f) => f.trainError)),
    devError,
    devSE: sd / Math.sqrt(each.length),
    ...accuracy,
    devCost: mean(each.map((f) => f.devCost)),
    each,
  };
}

/**
 * The bias/variance reading of the folds' means: every example of train + dev was a dev example once, so
 * the dev error is measured on all of them (its noise from that m), the train error on a fold's share.
 */
export function foldsDiagnosis(
  s: FoldsRecord,
  settings: Pick<TrainSettings, 'humanError' | 'optimizer' | 'l2' | 'keepProb'>,
): Diagnosis {
  return diagnose({
    trainError: s.trainError,
    devError: s.devError,
    humanError: settings.humanError,
    trainSize: Math.round(mean(s.each.map((f) => f.train))),
    devSize: s.examples,
    tried: { optimizer: settings.optimizer, l2: settings.l2, keepProb: settings.keepProb, folds: s.k },
  });
}

/** The means as a run record's result figures (train and dev; a classifier's accuracies too). */
export function foldsFigures(s: FoldsRecord): Record<string, number> {
  const trainAccuracy = s.each.every((f) => f.trainAccuracy !== undefined)
    ? { trainAccuracy: mean(s.each.map((f) => f.trainAccuracy!)) }
    : {};
  return {
    ...trainAccuracy,
    trainError: s.trainError,
    trainCost: mean(s.each.map((f) => f.trainCost)),
    ...defined({ devAccuracy: s.devAccuracy }),
    devError: s.devError,
    devCost: s.devCost,
  };
}

/**
 * A cross-validated run's record from fold 1's outcome measured against the whole sets: the folds' means
 * as its train and dev figures, the folds themselves in `folds`; its history and the run's own figures
 * (iterations, time, why it stopped) stay fold 1's.
 */
export function foldsRunRecord(fold1: RunRecord, folds: FoldsRecord): RunRecord {
  return { ...fold1, result: { ...fold1.result, ...foldsFigures(folds) }, folds };
}
