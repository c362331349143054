/**
 * lnn: deep L-layer neural networks, correct to the course's formulas.
 * The Node entry: everything in `lnn/browser`, plus the file loaders, model files, and the workflow on
 * files (`train({ data: 'flowers.csv' })`), sweeps on threads or a queue, and the queue's worker.
 * Importing it loads the fastest kernels this machine has (native, else WebAssembly on every core;
 * LNN_THREADS sets the threads): `model.backend.name` says which.
 *
 * @example
 * import { train } from 'lnn';
 * const { model, dev, diagnosis } = await train({ data: { rows, labels }, hidden: [16], epochs: 50 });
 * model.predict([[5.1, 3.5, 1.4, 0.2]]) // => ['setosa']
 */
import './data/read/register-readers.js';
import './workflow/register-loaders.js';

export * from './browser.js';
export { loadDataset, loadNpyPair, registerReader, type DataSpec } from './data/read/load.js';
export { loadBuiltin } from './data/read/builtin.js';
// Node's csv-parse (lnn/browser's parseCsv is the same over its browser build)
export { parseCsv } from './data/read/csv.js';
export { loadNpyRows, openNpyRows } from './data/read/npy-file.js';
export { saveModel, loadModel } from './train/model-io.js';
export { writeFileAtomic, readJsonFile } from './io/files.js';
// the workflow (train, evaluate, predict) comes with lnn/browser; here it also reads files
export { sweep, type SweepOptions, type SweepOutput, type SpaceValues } from './sweep/sweep.js';
export type { TrialProgress } from './sweep/run-trial.js';
export { runWorker, type WorkerOptions } from './sweep/worker.js';
export { readSweep, type SweepContents } from './sweep/record.js';
export { rankTrials, bestTrial, type TrialResult, type TrialSummary } from './sweep/trial.js';
