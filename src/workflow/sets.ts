import { DataError } from '../core/errors.js';
import { alignClasses, type Dataset } from '../data/dataset.js';
import { alignFeatures } from '../data/prepare/align.js';
import { fileAccess } from '../data/read/file-access.js';
import type { DataSpec } from '../data/read/load.js';
import { compareDistributions, mismatchFinding } from '../data/describe/mismatch.js';
import { parseSplitOption, trainDevTestSplit } from '../data/prepare/split.js';
import { splitRecordOf, type SplitRecord } from '../data/prepare/split-record.js';
import { UsageError, type Io, type Parsed } from './parse.js';

/** The sets of one training run: train, and dev and test when there are any, with the rule that made them. */
export interface Sets {
  train: Dataset;
  dev?: Dataset;
  test?: Dataset;
  rule: string;
  /** The seeded split of the data, as the run record keeps it (for `lnn eval` to find the test part again). */
  split?: SplitRecord;
}

/** How the sets are made: the split rule and its seed, and whether separate files are read confined (DataSpec). */
export interface SetChoice extends Pick<DataSpec, 'confined'> {
  split: ReturnType<typeof parseSplitOption>;
  seed: number;
}

/** Train / dev / test sets: from separate files when given, else split from the data by `split`. */
export async function chooseSets(data: Dataset, args: Parsed, io: Io, choice: SetChoice): Promise<Sets> {
  const { split, seed } = choice;
  const devFile = await separateSet(args, 'dev', data, { io, confined: choice.confined });
  const testFile = await separateSet(args, 'test', data, { io, confined: choice.confined });
  // The split as the record keeps it: trainDevTestSplit's own default for stratifying.
  const stratified = data.classes !== undefined && data.labels.rows === 1;
  if (devFile || testFile) {
    const sets = separateFileSets(data, { devFile, testFile, args, split, seed, stratified });
    warnMismatch(sets, io, Boolean(args['quiet']));
    return sets;
  }
  if (split === 'none')
    return {
      train: data,
      rule: 'no split: training on all examples',
      split: splitRecordOf(data, { ratios: 'none', seed, stratified }),
    };
  const s = trainDevTestSplit(data, { ratios: split, seed });
  if (s.sizes.train === 0)
    throw new DataError(`${data.source}: the split leaves no training examples (m = ${data.X.cols}); use --split none`);
  return {
    train: s.train,
    ...(s.sizes.dev > 0 ? { dev: s.dev } : {}),
    ...(s.sizes.test > 0 ? { test: s.test } : {}),
    rule: s.rule,
    split: splitRecordOf(data, { ratios: split, seed, stratified }, s),
  };
}

/**
 * The sets when --dev or --test is its own file: the data trains whole, or, with only a test file, is
 * split into train and dev, dev as the rule sizes it.
 */
function separateFileSets(
  data: Dataset,
  o: {
    devFile: Dataset | undefined;
    testFile: Dataset | undefined;
    args: Parsed;
    split: SetChoice['split'];
    seed: number;
    stratified: boolean;
  },
): Sets {
  const { devFile, testFile, args, split, seed, stratified } = o;
  if (devFile && !testFile && split !== 'none' && args['split'] !== 'auto')
    throw new UsageError('--split and --dev exclude each other: the dev set is the given file');
  const files = {
    ...(devFile ? { devFile: String(args['dev'] ?? args['dev-x']) } : {}),
    ...(testFile ? { testFile: String(args['test'] ?? args['test-x']) } : {}),
  };
  if (devFile || split === 'none')
    return {
      train: data,
      ...(devFile ? { dev: devFile } : {}),
      ...(testFile ? { test: testFile } : {}),
      rule: 'separate files',
      split: splitRecordOf(data, { ratios: 'none', seed, stratified, ...files }),
    };
  // The test set is its own file: split the data into train and dev only, dev as the rule sizes it.
  const m = data.X.cols;
  const devShare = split === 'auto' ? Math.min(Math.floor(m / 5), 10_000) / m : split[1];
  const ratios: [number, number, number] = [1 - devShare, devShare, 0];
  const s = trainDevTestSplit(data, { ratios, seed });
  const rule = split === 'auto' ? 'auto: dev takes min(20% of m, 10,000)' : `dev ${(100 * devShare).toFixed(0)}%`;
  return {
    train: s.train,
    ...(s.sizes.dev > 0 ? { dev: s.dev } : {}),
    test: testFile!,
    rule: `${rule}; test from its own file`,
    split: splitRecordOf(data, { ratios, seed, stratified, ...files }, s),
  };
}

async function separateSet(
  args: Parsed,
  which: 'dev' | 'test',
  data: Dataset,
  { io, confined }: { io: Io; confined?: boolean | undefined },
): Promise<Dataset | undefined> {
  const file = args[which],
    x = args[`${which}-x`],
    y = args[`${which}-y`];
  if (file === undefined && x === undefined && y === undefined) return undefined;
  if (file !== undefined && (x !== undefined || y !== undefined))
    throw new UsageError(`give --${which} or --${which}-x/--${which}-y, not both`);
  if (file === undefined && (x === undefined || y === undefined))
    throw new UsageError(`--${which}-x and --${which}-y go together`);
  // HDF5 files name their datasets per split (train_set_x, test_set_x): keys are guessed unless given.
  const keys = typeof args[`${which}-keys`] === 'string' ? String(args[`${which}-keys`]).split(',') : undefined;
  if (keys && (keys.length !== 2 || keys.some((k) => k.trim() === '')))
    throw new UsageError(`--${which}-keys must be two HDF5 dataset names X,Y but is '${args[`${which}-keys`]}'`);
  const spec: DataSpec =
    file !== undefined ? { data: String(file), confined } : { x: String(x), y: String(y), confined };
  if (typeof args['label'] === 'string') spec.csv = spec.json = { label: args['label'] };
  spec.hdf5 = { xKey: keys?.[0]?.trim(), yKey: keys?.[1]?.trim(), onNote: (s: string) => io.err(`note: ${s}\n`) };
  // With --impute mean, missing values stay NaN here; the training set's means fill them (prepareData).
  const files = fileAccess(file !== undefined ? `--${which} ${file}` : `--${which}-x ${x}`);
  const loaded = await files.loadDataset(spec, args['impute'] === 'mean');
  // Columns by name when both files have a header (as eval and predict do), else by position.
  const { data: d, note } = alignFeatures(loaded, data.featureNames, data.X.rows, `the training data ${data.source}`);
  if (note && !args['quiet']) io.err(`note: ${note}\n`);
  return alignClasses(d, data.classes, 'the training data');
}

/**
 * Dev and test must come from one distribution (a warning when they differ). Training data may come from
 * another source, but then part of the dev error is data mismatch rather than variance (a note).
 */
function warnMismatch(sets: Sets, io: Io, quiet: boolean): void {
  if (quiet) return;
  if (sets.dev && sets.test)
    for (const w of compareDistributions(sets.dev, sets.test, ['dev', 'test']).warnings) io.err(`warning: ${w}\n`);
  const heldOut = sets.dev ?? sets.test;
  if (heldOut && heldOut !== sets.train) {
    const name = sets.dev ? 'dev' : 'test';
    const first = compareDistributions(sets.train, heldOut, ['train', name]).warnings[0];
    if (first)
      io.err(
        `note: ${mismatchFinding(first)}. Training data may come from another source than ${name}, but then part of the ${name} error is data mismatch, not variance.\n`,
      );
  }
}
