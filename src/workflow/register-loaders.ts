/**
 * The Node entry's side of the workflow: the model file loader `evaluate` and `predict` use for paths
 * (data files come from data/read/register-readers.ts, which the entry imports too). Import it once, from the entry.
 * The fastest kernels are loaded by browser.ts, which the entry re-exports, with the same warning.
 */
import '../data/read/register-readers.js';
import { loadModel } from '../train/model-io.js';
import { registerLoaders } from './evaluate.js';

registerLoaders({ model: loadModel });
