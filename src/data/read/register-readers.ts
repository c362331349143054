/**
 * Registers the file readers of the data layer with `loadDataset`: .csv, .tsv, .json, .h5/.hdf5, and
 * the worker thread that reads streamed files ahead of training; and gives the workflow its data loaders
 * (file-access.ts), which a browser build goes without.
 * Import this module once from an entry point (the CLI, the package index) before calling
 * `loadDataset`. It imports load.js itself, so it must NOT be imported from load.js: in that cycle
 * this module would run before load.js has created its registry, and registerReader would throw.
 */
import { readCsv } from './csv.js';
import { registerFileAccess } from './file-access.js';
import { readHdf5 } from './hdf5.js';
import { readJson } from './json-data.js';
import { loadDataset, loadDatasetKeepingMissing, probeFeatures, registerReader, type DataSpec } from './load.js';
import { registerRowStreamer } from '../rows.js';
import { WorkerRowStreamer } from '../stream/reader.js';

const readTsv = (file: string, spec: DataSpec) => readCsv(file, { ...spec, csv: { delimiter: '\t', ...spec.csv } });
registerReader('csv', (file, spec) => readCsv(file, spec));
registerReader('tsv', readTsv);
registerReader('json', (file, spec) => readJson(file, spec));
registerReader('h5', (file, spec) => readHdf5(file, spec));
registerReader('hdf5', (file, spec) => readHdf5(file, spec));

// Kept here for the modules that import it from this entry (it lives beside loadDataset).
export { loadDatasetKeepingMissing };

// Files streamed from disk are read ahead by a worker thread.
registerRowStreamer((spec, layout) => new WorkerRowStreamer(spec, layout));

// The workflow loads data sets only through these (a page has none).
registerFileAccess({
  loadDataset: (spec, keepMissing) => (keepMissing ? loadDatasetKeepingMissing(spec) : loadDataset(spec)),
  probeFeatures,
});
