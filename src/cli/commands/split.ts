import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, fsReason } from '../../core/errors.js';
import { planOutputs, type InputFile, type OutputPlan } from '../../io/outputs.js';
import { commitWithSignals, inputsOf } from '../outputs.js';
import type { Dataset } from '../../data/dataset.js';
import { CONVERT_DTYPES } from '../../data/convert.js';
import { featureSource, STATS_CHUNK, toMatrix, type StoredArray, type StoredType } from '../../data/features.js';
import { FLOAT32_MAX } from '../../data/fits.js';
import { applyImputer, fitImputer, type Imputer } from '../../data/impute.js';
import { loadDataset } from '../../data/load.js';
import { allocNpy, encodeNpy } from '../../data/npy.js';
import { loadDatasetKeepingMissing } from '../../data/register.js';
import { parseSplitOption, trainDevTestSplit } from '../../data/split.js';
import { type Command } from '../command.js';
import { choiceOption, numberOption, optionValue, UsageError } from '../../workflow/parse.js';
import { dataOptions, dataSpec } from '../../workflow/inputs.js';

/** One output file: its name inside the output directory and its bytes. */
export interface OutputFile {
  name: string;
  content: Uint8Array;
}

/** Every file lnn split may write for a format: the sets' files (an empty set gets none) and split.json. */
function candidateNames(format: 'npy' | 'csv'): string[] {
  const sets = ['train', 'dev', 'test'];
  const data = format === 'npy' ? sets.flatMap((n) => [`${n}_x.npy`, `${n}_y.npy`]) : sets.map((n) => `${n}.csv`);
  return [...data, 'split.json'];
}

/**
 * Creates the output directory and checks every file that may be written before any data is read: an
 * existing file is refused unless `force`, an input inside it is never overwritten.
 */
function planSplitOutputs(dir: string, format: 'npy' | 'csv', force: boolean, inputs: InputFile[]): OutputPlan {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new DataError(`--out ${dir}: cannot create the output directory (${fsReason(e)})`, dir);
  }
  const requests = candidateNames(format).map((name) => ({ option: '--out', key: name, path: join(dir, name) }));
  const rule = force ? {} : { mustNotExist: { hint: 'pass --force to replace it, or choose another --out' } };
  return planOutputs(requests, inputs, rule);
}

/** What `--dtype` takes: the source's own dtype (the default), or one of lnn convert's. */
const SPLIT_DTYPES = ['source', ...CONVERT_DTYPES] as const;

/**
 * A value of a set that `dtype` cannot hold, as the user finds it in the source, or undefined when
 * every value fits. Only a dtype the user asked for can narrow the values: the source's own dtype holds
 * them all (a missing value is filled with a mean of that float dtype's values).
 */
function doesNotFit(d: Dataset, dtype: StoredType): string | undefined {
  if (dtype !== 'uint8' && dtype !== 'float32') return undefined;
  const X = featureSource(d.X);
  if (X.stored === dtype || (dtype === 'float32' && X.stored !== 'float64')) return undefined;
  let bad: string | undefined;
  X.chunks(STATS_CHUNK, (values, count, start) => {
    for (let t = 0; t < count * X.rows && bad === undefined; t++) {
      const v = values[t]!;
      const fits = dtype === 'uint8' ? Number.isInteger(v) && v >= 0 && v <= 255 : !(Math.abs(v) > FLOAT32_MAX);
      if (fits) continue;
      const { where } = X.entry(t % X.rows, start + Math.floor(t / X.rows));
      bad =
        dtype === 'uint8'
          ? `${where} is ${v}, which --dtype uint8 cannot hold (integers 0..255)`
          : `${where} is ${v}, beyond the range of float32 (±${FLOAT32_MAX.toPrecision(5)})`;
    }
  });
  return bad && `${bad}; leave --dtype out to keep the source's ${X.stored}`;
}

/**
 * X: (n_x, m) → the (m, n_x) .npy of a set's features in `dtype`, example j's values at j · n_x, copied a
 * chunk at a time straight into the file's bytes (no float64 copy of the set on the way).
 */
function featuresFile(set: string, d: Dataset, dtype: StoredType): OutputFile {
  const X = featureSource(d.X);
  const bad = doesNotFit(d, dtype);
  if (bad) throw new DataError(bad);
  const { bytes, values: out } = allocNpy([X.cols, X.rows], dtype);
  X.chunks(STATS_CHUNK, (values, count, start) => {
    const len = count * X.rows,
      at = start * X.rows;
    if (ArrayBuffer.isView(values)) out.set((values as StoredArray).subarray(0, len), at);
    else for (let t = 0; t < len; t++) out[at + t] = values[t]!;
  });
  return { name: `${set}_x.npy`, content: bytes };
}

/** Labels as files hold them: the class's own value when class names are numbers, else the class index. */
function labelValue(d: Dataset, j: number): number | string {
  const k = d.labels.data[j]!;
  if (!d.classes) return k;
  const name = d.classes[k]!;
  return /^-?\d+$/.test(name) ? Number(name) : name;
}

function npyFiles(set: string, d: Dataset, dtype: StoredType): OutputFile[] {
  const m = d.X.cols;
  const x = featuresFile(set, d, dtype);
  let y: OutputFile;
  if (d.classes) {
    const numeric = d.classes.every((c) => /^-?\d+$/.test(c));
    const values = Array.from({ length: m }, (_, j) => (numeric ? (labelValue(d, j) as number) : d.labels.data[j]!));
    y = { name: `${set}_y.npy`, content: encodeNpy([m], values, '<i8') };
  } else {
    const ny = d.labels.rows;
    const rows = new Float64Array(ny * m);
    for (let j = 0; j < m; j++) for (let i = 0; i < ny; i++) rows[j * ny + i] = d.labels.data[i * m + j]!;
    y = { name: `${set}_y.npy`, content: encodeNpy(ny === 1 ? [m] : [m, ny], rows, '<f8') };
  }
  return [x, y];
}

const quote = (s: string) => (/[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s);

function csvFile(set: string, d: Dataset, labelName: string): OutputFile {
  const { labels } = d;
  const X = toMatrix(d.X);
  const m = X.cols;
  const names = Array.from({ length: X.rows }, (_, i) => d.featureNames?.[i] ?? `x${i}`);
  const labelNames =
    d.classes || labels.rows === 1 ? [labelName] : Array.from({ length: labels.rows }, (_, i) => `${labelName}${i}`);
  const lines = [[...names, ...labelNames].map(quote).join(',')];
  for (let j = 0; j < m; j++) {
    const row: string[] = [];
    for (let i = 0; i < X.rows; i++) row.push(String(X.data[i * m + j]));
    if (d.classes) row.push(quote(String(labelValue(d, j))));
    else for (let i = 0; i < labels.rows; i++) row.push(String(labels.data[i * m + j]));
    lines.push(row.join(','));
  }
  return { name: `${set}.csv`, content: new TextEncoder().encode(lines.join('\n') + '\n') };
}

export const splitCommand: Command = {
  name: 'split',
  summary: 'split a data set into train / dev / test files (seeded, stratified by class)',
  usage: '--data FILE --out DIR [--split auto|70,15,15] [--seed N] [--format npy|csv] [--dtype TYPE] [--json]',
  options: {
    ...dataOptions,
    out: {
      type: 'string',
      value: 'DIR',
      description: 'directory for the train, dev and test files (created if needed)',
    },
    split: {
      type: 'string',
      value: 'RULE',
      description: "'auto' (dev and test each min(20% of m, 10,000)) or train,dev,test percentages like 70,15,15",
      default: 'auto',
    },
    seed: {
      type: 'string',
      value: 'N',
      description: 'seed of the shuffle; the same seed gives the same split (as lnn train --seed)',
      default: '1',
    },
    stratify: {
      type: 'string',
      value: 'yes|no',
      description: 'split each class in the same proportions (classification only)',
      default: 'yes',
    },
    format: {
      type: 'string',
      value: 'npy|csv',
      description: 'npy: train_x.npy/train_y.npy, ...; csv: train.csv, ... with the header',
      default: 'npy',
    },
    dtype: {
      type: 'string',
      value: 'TYPE',
      description:
        "dtype of the *_x.npy files: source (the source's own: float32 stays float32, uint8 stays uint8; float64 for CSV and JSON), float32, float64 or uint8",
      default: 'source',
    },
    impute: {
      type: 'string',
      value: 'mean',
      description: "fill missing values with the TRAIN set's feature means (in all three sets)",
    },
    force: { type: 'boolean', description: 'replace files that already exist in --out' },
    json: {
      type: 'boolean',
      description: 'print one JSON document: {"train": m1, "dev": m2, "test": m3, "rule": ..., "files": [...]}',
    },
  },
  details: [
    'Also writes split.json: sizes, rule, seed, source, classes and feature names (and imputation means).',
    'Label files hold class values when class names are integers, else class indices (names in split.json).',
    '',
    'Examples:',
    '  lnn split --data builtin:mnist --out mnist-split',
    '  lnn split --x images.npy --y labels.npy --out images-split          # x files keep the dtype of images.npy',
    '  lnn split --data flowers.csv --label species --split 70,15,15 --format csv --out flowers --seed 1',
  ].join('\n'),
  async run(args, io) {
    const out = args['out'];
    if (typeof out !== 'string' || out === '') throw new UsageError('--out DIR is required');
    const ratios = optionValue('--split', () => parseSplitOption(String(args['split'])));
    if (ratios === 'none')
      throw new UsageError(
        "--split none keeps every example in train; lnn split needs 'auto' or train,dev,test percentages",
      );
    const seed = numberOption(args, 'seed', { integer: true, min: 0, max: 0xffffffff })!;
    const format = choiceOption(args, 'format', ['npy', 'csv'] as const)!;
    const stratifyText = choiceOption(args, 'stratify', ['yes', 'no'] as const)!;
    const dtypeOption = choiceOption(args, 'dtype', SPLIT_DTYPES)!;
    if (format === 'csv' && dtypeOption !== 'source')
      throw new UsageError('--dtype sets the dtype of .npy files; --format csv writes the values as text');
    const impute = args['impute'];
    if (impute !== undefined && impute !== 'mean' && impute !== 'none')
      throw new UsageError(`--impute must be 'mean' or 'none' but is '${impute}'`);
    const plan = planSplitOutputs(out, format, Boolean(args['force']), inputsOf(args, ['data', 'x', 'y']));
    const spec = dataSpec(args, io);
    const d = impute === 'mean' ? await loadDatasetKeepingMissing(spec) : await loadDataset(spec);
    const classification = d.classes !== undefined && d.labels.rows === 1;
    const s = trainDevTestSplit(d, { ratios, seed, stratify: stratifyText === 'yes' && classification });
    let sets = { train: s.train, dev: s.dev, test: s.test };
    let imputer: Imputer | undefined;
    if (impute === 'mean') {
      imputer = fitImputer(s.train);
      sets = {
        train: applyImputer(s.train, imputer),
        dev: applyImputer(s.dev, imputer),
        test: applyImputer(s.test, imputer),
      };
    }
    // The features' dtype: the source's own (the split copies values, it does not convert them), or --dtype.
    const dtype: StoredType = dtypeOption === 'source' ? featureSource(d.X).stored : dtypeOption;
    const labelName = typeof args['label'] === 'string' && !/^-?\d+$/.test(args['label']) ? args['label'] : 'label';
    const files: OutputFile[] = [];
    const written: Record<string, string[]> = {};
    for (const [name, part] of Object.entries(sets)) {
      // An empty set (e.g. --split 80,20,0) gets no file: a data file with m = 0 could not be loaded.
      if (part.X.cols === 0) continue;
      const fs = format === 'npy' ? npyFiles(name, part, dtype) : [csvFile(name, part, labelName)];
      files.push(...fs);
      written[name] = fs.map((f) => f.name);
    }
    const meta = {
      format: 'lnn-split',
      source: d.source,
      sizes: s.sizes,
      rule: s.rule,
      seed,
      stratified: / stratified by class$/.test(s.rule),
      classes: d.classes ?? null,
      featureNames: d.featureNames ?? null,
      imputer: imputer ?? null,
      dtype: format === 'npy' ? dtype : null,
      files: written,
    };
    files.push({ name: 'split.json', content: new TextEncoder().encode(JSON.stringify(meta, null, 2) + '\n') });
    await commitWithSignals(plan, Object.fromEntries(files.map((f) => [f.name, f.content])), io.out);
    const paths = files.map((f) => join(out, f.name));
    if (args['json']) {
      io.out(
        `${JSON.stringify({ ...s.sizes, rule: s.rule, seed, out, files: paths, dtype: format === 'npy' ? dtype : null, imputed: imputer ? imputer.missingInTrain.reduce((a, b) => a + b, 0) : 0 }, null, 2)}\n`,
      );
      return;
    }
    const w = String(d.X.cols).length;
    const lines = [`${d.source}: m = ${d.X.cols} → ${s.rule}`];
    for (const [name, part] of Object.entries(sets))
      lines.push(
        `  ${name.padEnd(5)} ${String(part.X.cols).padStart(w)}  ${written[name] ? written[name].map((f) => join(out, f)).join(', ') : '(empty: no file written)'}`,
      );
    if (imputer)
      lines.push(
        `  missing values filled with the train set's feature means (${imputer.missingInTrain.reduce((a, b) => a + b, 0)} in train)`,
      );
    if (format === 'npy')
      lines.push(`  features as ${dtype}${dtypeOption === 'source' ? " (the source's dtype)" : ''}`);
    lines.push(`  ${join(out, 'split.json')}: sizes, rule, seed and classes`);
    io.out(lines.join('\n') + '\n');
  },
};
