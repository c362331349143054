/** `lnn split`: parse → plan the files → `splitFiles` (the library) → write them all or none → print. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, fsReason } from '../../core/errors.js';
import { planOutputs, type InputFile, type OutputPlan } from '../../io/outputs.js';
import { commitWithSignals, inputsOf } from '../command-outputs.js';
import { loadDataset } from '../../data/read/load.js';
import { loadDatasetKeepingMissing } from '../../data/read/register-readers.js';
import { parseSplitOption } from '../../data/prepare/split.js';
import { type Command } from '../command.js';
import { choiceOption, numberOption, optionValue, UsageError, type Io, type Parsed } from '../../workflow/parse.js';
import { dataOptions, dataSpec } from '../../workflow/inputs.js';
import { SPLIT_DTYPES, splitFiles, type SplitFiles } from '../../workflow/split-files.js';

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
  run: (args, io) => runSplit(args, io),
};

async function runSplit(args: Parsed, io: Io): Promise<void> {
  const out = args['out'];
  if (typeof out !== 'string' || out === '') throw new UsageError('--out DIR is required');
  const ratios = optionValue('--split', () => parseSplitOption(String(args['split'])));
  if (ratios === 'none')
    throw new UsageError(
      "--split none keeps every example in train; lnn split needs 'auto' or train,dev,test percentages",
    );
  const seed = numberOption(args, 'seed', { integer: true, min: 0, max: 0xffffffff })!;
  const format = choiceOption(args, 'format', ['npy', 'csv'] as const)!;
  const stratify = choiceOption(args, 'stratify', ['yes', 'no'] as const)! === 'yes';
  const dtype = choiceOption(args, 'dtype', SPLIT_DTYPES)!;
  if (format === 'csv' && dtype !== 'source')
    throw new UsageError('--dtype sets the dtype of .npy files; --format csv writes the values as text');
  const impute = args['impute'];
  if (impute !== undefined && impute !== 'mean' && impute !== 'none')
    throw new UsageError(`--impute must be 'mean' or 'none' but is '${impute}'`);
  const plan = planSplitOutputs(out, format, Boolean(args['force']), inputsOf(args, ['data', 'x', 'y']));
  const spec = dataSpec(args, io);
  const d = impute === 'mean' ? await loadDatasetKeepingMissing(spec) : await loadDataset(spec);
  const labelName = typeof args['label'] === 'string' && !/^-?\d+$/.test(args['label']) ? args['label'] : 'label';
  const made = splitFiles(d, { ratios, seed, stratify, format, dtype, impute: impute === 'mean', labelName });
  await commitWithSignals(plan, Object.fromEntries(made.files.map((f) => [f.name, f.content])), io.out);
  io.out(
    args['json']
      ? splitJson(made, out, seed, format)
      : splitText(made, out, { source: d.source, m: d.X.cols, sourceDtype: dtype === 'source' }),
  );
}

function splitJson({ split: s, files, dtype, imputer }: SplitFiles, out: string, seed: number, format: string): string {
  const paths = files.map((f) => join(out, f.name));
  const imputed = imputer ? imputer.missingInTrain.reduce((a, b) => a + b, 0) : 0;
  const doc = { ...s.sizes, rule: s.rule, seed, out, files: paths, dtype: format === 'npy' ? dtype : null, imputed };
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/** The split's lines: the m examples of `source`, each set's size and files; `sourceDtype`: .npy kept the source's dtype. */
function splitText(
  made: SplitFiles,
  out: string,
  { source, m, sourceDtype }: { source: string; m: number; sourceDtype: boolean },
): string {
  const { split: s, sets, written, imputer, dtype, files } = made;
  const w = String(m).length;
  const lines = [`${source}: m = ${m} → ${s.rule}`];
  for (const [name, part] of Object.entries(sets))
    lines.push(
      `  ${name.padEnd(5)} ${String(part.X.cols).padStart(w)}  ${written[name] ? written[name].map((f) => join(out, f)).join(', ') : '(empty: no file written)'}`,
    );
  if (imputer)
    lines.push(
      `  missing values filled with the train set's feature means (${imputer.missingInTrain.reduce((a, b) => a + b, 0)} in train)`,
    );
  if (files.some((f) => f.name.endsWith('.npy')))
    lines.push(`  features as ${dtype}${sourceDtype ? " (the source's dtype)" : ''}`);
  lines.push(`  ${join(out, 'split.json')}: sizes, rule, seed and classes`);
  return lines.join('\n') + '\n';
}
