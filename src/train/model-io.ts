import type { Backend } from '../backend/backend.js';
import type { Model } from './model.js';
import { modelFromJSON, modelToJSON } from './model-json.js';
import type { RunRecord } from './run-record.js';
import { readJsonFile, writeFileAtomic } from '../io/files.js';

/** Saves the model (and its run record) to `file` atomically. */
export function saveModel(model: Model, file: string, run?: RunRecord): void {
  writeFileAtomic(file, JSON.stringify(modelToJSON(model, run)) + '\n');
}

/**
 * Loads a model file, checking format, shapes, classes and checksum; `onNote` hears about an older
 * format (version 1, whose checksum covers only the parameters).
 */
export function loadModel(file: string, backend?: Backend, onNote?: (text: string) => void): Model {
  return modelFromJSON(readJsonFile(file), file, backend, onNote);
}
