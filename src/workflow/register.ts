/**
 * The Node entry's side of the workflow: the model file loader `evaluate` and `predict` use for paths
 * (data files come from data/register.ts, which the entry imports too), and the fastest kernels this
 * machine has, loaded once when `lnn` is imported (so a program never runs on the plain TypeScript
 * reference without knowing it). Import it once, from the entry.
 */
import { backendInitError, defaultBackend, initBackends } from '../backend/index.js';
import '../data/register.js';
import { loadModel } from '../io/modelIO.js';
import { registerLoaders } from './evaluate.js';

registerLoaders({ model: loadModel });

await initBackends();
if (defaultBackend().name === 'ts')
  console.warn(
    `lnn: running on the plain TypeScript reference kernels, which are slow: the WebAssembly kernels could not load (${(backendInitError() as Error)?.message ?? 'unknown reason'})`,
  );
