/**
 * The seeded split a model was trained on, as its run record keeps it: enough to make the same split of
 * the same source again, and to know that it is the same (the source's m and labels, and the order of
 * the examples each part got). `lnn eval` uses it to score the test part, and only it, by default.
 * Browser-safe.
 */
import { hashArrays } from '../../core/hash.js';
import { arrayOf, bool, either, num, object, oneOf, optional, str, type Check } from '../../core/schema.js';
import type { Dataset } from '../dataset.js';
import { trainDevTestSplit } from './split.js';

export interface SplitRecord {
  /** The data the sets were split from, as the run named it (a path, builtin:iris, rows). */
  source: string;
  /** --split: 'auto', 'none' (everything trains), or the [train, dev, test] fractions used. */
  ratios: 'auto' | 'none' | [number, number, number];
  /** --seed, the split's seed. */
  seed: number;
  /** Split class by class (the default for classification). */
  stratified: boolean;
  /** m of the source, and 16 hex digits of its labels in file order: the same source holds the same examples. */
  m: number;
  labels: string;
  /** 16 hex digits of the example numbers of train, dev and test in the split's order. */
  order: string;
  /** The examples in each part. */
  train: number;
  dev: number;
  test: number;
  /** The dev or test set came from its own file (--dev, --test), not from this source. */
  devFile?: string;
  testFile?: string;
  /** The model was fit again on train and dev together (--refit, --folds): only test is held back from it. */
  refit?: true;
}

/** The examples of each part of a split, by position in the source (file order). */
export interface SplitParts {
  train: Int32Array;
  dev: Int32Array;
  test: Int32Array;
}

/** 16 hex digits of a data set's labels (n_y, m) in file order, as float64 whatever their matrix's dtype. */
export function labelsHash(d: Dataset): string {
  const labels = d.labels.data;
  return hashArrays([labels instanceof Float64Array ? labels : Float64Array.from(labels)]);
}

/** The parts of a split with its order's hash; 'none' puts every example in train, in file order. */
export function splitParts(
  d: Dataset,
  r: Pick<SplitRecord, 'ratios' | 'seed' | 'stratified'>,
): SplitParts & { order: string } {
  if (r.ratios === 'none') {
    const train = Int32Array.from({ length: d.X.cols }, (_, j) => j);
    const empty = new Int32Array(0);
    return { train, dev: empty, test: empty, order: hashArrays([train, empty, empty]) };
  }
  const s = trainDevTestSplit(d, { ratios: r.ratios, seed: r.seed, stratify: r.stratified });
  return { ...s.indices, order: s.order };
}

/**
 * What a run record says of the split of `d` with these choices: `made` is the split already made (its
 * order and sizes), else it is made here.
 */
export function splitRecordOf(
  d: Dataset,
  r: Pick<SplitRecord, 'ratios' | 'seed' | 'stratified' | 'devFile' | 'testFile'>,
  made?: { order: string; sizes: { train: number; dev: number; test: number } },
): SplitRecord {
  const parts = made ?? sizesOf(splitParts(d, r));
  return {
    source: d.source,
    ratios: r.ratios,
    seed: r.seed,
    stratified: r.stratified,
    m: d.X.cols,
    labels: labelsHash(d),
    order: parts.order,
    ...parts.sizes,
    ...(r.devFile !== undefined ? { devFile: r.devFile } : {}),
    ...(r.testFile !== undefined ? { testFile: r.testFile } : {}),
  };
}

/** A split's order and the sizes of its parts. */
function sizesOf(p: SplitParts & { order: string }): {
  order: string;
  sizes: Pick<SplitRecord, 'train' | 'dev' | 'test'>;
} {
  return { order: p.order, sizes: { train: p.train.length, dev: p.dev.length, test: p.test.length } };
}

const HASH = str({ pattern: /^[0-9a-f]{16}$/, describe: '16 hex digits' });
const COUNT = num({ integer: true, min: 0 });
const FRACTION = num({ min: 0, max: 1 });

/** A split record as a run record or a model file holds it, checked member by member. */
export const splitRecordCheck: Check<SplitRecord> = object({
  source: str({ max: 4000 }),
  ratios: either(
    oneOf(['auto', 'none'] as const),
    (v, path) => {
      const r = arrayOf(FRACTION, 3)(v, path);
      if (r.length !== 3) oneOf(['[train, dev, test]'])(v, path);
      return r as [number, number, number];
    },
    '"auto", "none" or [train, dev, test] fractions',
  ),
  seed: num({ integer: true, min: 0 }),
  stratified: bool,
  m: COUNT,
  labels: HASH,
  order: HASH,
  train: COUNT,
  dev: COUNT,
  test: COUNT,
  devFile: optional(str({ max: 4000 })),
  testFile: optional(str({ max: 4000 })),
  refit: optional(oneOf([true] as const)),
}) as Check<SplitRecord>;
