/**
 * The files of `lnn split`: a data set split into seeded, stratified train / dev / test sets, each written
 * as .npy (features in the source's dtype, or the one asked) or CSV, and split.json describing them.
 * Built in memory as bytes; the caller writes them (atomically, all or none).
 */
import { DataError } from '../core/errors.js';
import type { Dataset } from '../data/dataset.js';
import { CONVERT_DTYPES } from '../data/stream/convert.js';
import { featureSource, STATS_CHUNK, toMatrix, type StoredArray, type StoredType } from '../data/features.js';
import { FLOAT32_MAX } from '../data/fits.js';
import { applyImputer, fitImputer, type Imputer } from '../data/prepare/impute.js';
import { allocNpy, encodeNpy } from '../data/read/npy.js';
import { trainDevTestSplit, type SplitResult } from '../data/prepare/split.js';

/** One output file: its name inside the output directory and its bytes. */
export interface OutputFile {
  name: string;
  content: Uint8Array;
}

/** What `--dtype` takes: the source's own dtype (the default), or one of lnn convert's. */
export const SPLIT_DTYPES = ['source', ...CONVERT_DTYPES] as const;

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

/** How to split and write. */
export interface SplitFileOptions {
  ratios: [number, number, number] | 'auto';
  seed: number;
  stratify: boolean;
  format: 'npy' | 'csv';
  /** The features' dtype in .npy files: the source's own, or one of lnn convert's. */
  dtype: (typeof SPLIT_DTYPES)[number];
  /** Fill missing values with the train set's means (in all three sets). */
  impute: boolean;
  /** The label column's name in CSV files. */
  labelName: string;
}

/** The split's files (split.json last), the sets' sizes and rule, and what was filled in. */
export interface SplitFiles {
  files: OutputFile[];
  split: SplitResult;
  sets: { train: Dataset; dev: Dataset; test: Dataset };
  /** The files of each non-empty set, by set. */
  written: Record<string, string[]>;
  imputer: Imputer | undefined;
  dtype: StoredType;
}

/** Splits `d` and makes every file; an empty set (e.g. 80,20,0) gets none (m = 0 could not be loaded). */
export function splitFiles(d: Dataset, o: SplitFileOptions): SplitFiles {
  const classification = d.classes !== undefined && d.labels.rows === 1;
  const ratios = o.ratios;
  const seed = o.seed;
  const format = o.format;
  const labelName = o.labelName;
  const s = trainDevTestSplit(d, { ratios, seed, stratify: o.stratify && classification });
  let sets = { train: s.train, dev: s.dev, test: s.test };
  let imputer: Imputer | undefined;
  if (o.impute) {
    imputer = fitImputer(s.train);
    sets = {
      train: applyImputer(s.train, imputer),
      dev: applyImputer(s.dev, imputer),
      test: applyImputer(s.test, imputer),
    };
  }
  // The features' dtype: the source's own (the split copies values, it does not convert them), or the one asked.
  const dtype: StoredType = o.dtype === 'source' ? featureSource(d.X).stored : o.dtype;
  const files: OutputFile[] = [];
  const written: Record<string, string[]> = {};
  for (const [name, part] of Object.entries(sets)) {
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
  return { files, split: s, sets, written, imputer, dtype };
}
