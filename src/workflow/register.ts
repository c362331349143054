/**
 * The Node entry's side of the workflow: the file loaders `evaluate` and `predict` use for paths, and
 * the fastest kernels this machine has, loaded once when `lnn` is imported (so a program never runs on
 * the plain TypeScript reference without knowing it). Import it once, from the entry.
 */
import { backendInitError, defaultBackend, initBackends } from '../backend/index.js';
import { loadDataset } from '../data/load.js';
import { loadDatasetKeepingMissing } from '../data/register.js';
import { loadModel } from '../io/modelIO.js';
import { registerLoaders } from './evaluate.js';

registerLoaders({
  model: loadModel,
  data: (data, unlabeled, keepMissing) =>
    keepMissing ? loadDatasetKeepingMissing({ data, unlabeled }) : loadDataset({ data, unlabeled }),
});

await initBackends();
if (defaultBackend().name === 'ts')
  console.warn(
    `lnn: running on the plain TypeScript reference kernels, which are slow: the WebAssembly kernels could not load (${(backendInitError() as Error)?.message ?? 'unknown reason'})`,
  );
