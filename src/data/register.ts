/**
 * Registers the file readers of the data layer with `loadDataset`: .csv, .tsv, .json, .h5/.hdf5, and
 * the worker thread that reads streamed files ahead of training.
 * Import this module once from an entry point (the CLI, the package index) before calling
 * `loadDataset`. It imports load.js itself, so it must NOT be imported from load.js: in that cycle
 * this module would run before load.js has created its registry, and registerReader would throw.
 */
import { readCsv } from './csv.js';
import type { Dataset } from './dataset.js';
import { readHdf5 } from './hdf5.js';
import { validateAllowingMissing } from './impute.js';
import { readJson } from './json.js';
import { loadDataset, registerReader, type DataSpec } from './load.js';
import { recordLoaded } from './origin.js';
import { registerRowStreamer } from './rows.js';
import { WorkerRowStreamer } from './stream-reader.js';

const readTsv = (file: string, spec: DataSpec) => readCsv(file, { ...spec, csv: { delimiter: '\t', ...spec.csv } });
registerReader('csv', (file, spec) => readCsv(file, spec));
registerReader('tsv', readTsv);
registerReader('json', (file, spec) => readJson(file, spec));
registerReader('h5', (file, spec) => readHdf5(file, spec));
registerReader('hdf5', (file, spec) => readHdf5(file, spec));

/** The readers that can keep a missing feature value (as NaN). */
const KEEPS_MISSING: Record<string, (file: string, spec: DataSpec) => Dataset> = {
  csv: readCsv,
  tsv: readTsv,
  json: readJson,
};

/**
 * loadDataset, except that CSV, TSV and JSON sources keep missing feature values as NaN instead of
 * failing on them: for `--impute mean` (split first, then fitImputer(train) and applyImputer to each
 * set) and for `lnn data`, which counts them. Every other rule of validateDataset still holds.
 */
export async function loadDatasetKeepingMissing(spec: DataSpec): Promise<Dataset> {
  const file =
    spec.x === undefined && spec.y === undefined && !spec.data?.startsWith('builtin:') ? spec.data : undefined;
  const ext = file !== undefined ? /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase() : undefined;
  const reader = ext !== undefined ? KEEPS_MISSING[ext] : undefined;
  if (file === undefined || reader === undefined) return loadDataset(spec);
  const d = reader(file, { ...spec, csv: { ...spec.csv, impute: 'mean' }, json: { ...spec.json, impute: 'mean' } });
  validateAllowingMissing(d);
  return recordLoaded(d);
}

// Files streamed from disk are read ahead by a worker thread.
registerRowStreamer((spec, l) => new WorkerRowStreamer(spec, l.stored, l.rowBytes, l.slotBytes, l.slots));
