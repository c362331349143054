/**
 * A trained model as it crosses from the training worker to the page: W[l]: (n[l], n[l-1]) and
 * b[l]: (n[l], 1) as typed arrays, moved rather than copied (transferable), and the rest as plain data.
 * The model file would do (modelToJSON, modelFromJSON), but its number lists and checksum cost the page
 * 0.1–0.3 s for a network of 67,000 parameters; this costs about a millisecond. Browser-safe.
 */
import type { Backend } from '../backend/backend.js';
import { defaultBackend } from '../backend/index.js';
import { DataError, fmtShape } from '../core/errors.js';
import type { DType } from '../core/matrix.js';
import type { Imputer } from '../data/prepare/impute.js';
import type { Normalization } from '../data/prepare/normalize.js';
import type { Architecture } from '../evaluate/metrics.js';
import { checkArchitecture } from '../nn/architecture.js';
import type { Parameters } from '../nn/params.js';
import { Model } from '../train/model.js';

/** Everything a Model is, as structured cloning carries it. */
export interface ModelState {
  arch: Architecture;
  dtype: DType;
  /** W1, b1, … W[L], b[L], each in the (rows, cols) layout of DESIGN.md, row after row. */
  parameters: Record<string, { rows: number; cols: number; data: Float32Array | Float64Array }>;
  normalization?: Normalization;
  classes?: string[];
  classKind?: 'string' | 'number';
  featureNames?: string[];
  imputer?: Imputer;
}

/** The model's state, with the buffers to transfer (copies of the backend's memory, so the model may be freed). */
export function modelState(model: Model): { state: ModelState; transfer: ArrayBuffer[] } {
  const parameters: ModelState['parameters'] = {};
  const transfer: ArrayBuffer[] = [];
  for (const [key, M] of Object.entries(model.parameters)) {
    const data = M.data.slice();
    parameters[key] = { rows: M.rows, cols: M.cols, data };
    transfer.push(data.buffer as ArrayBuffer);
  }
  const state: ModelState = { arch: model.arch, dtype: model.dtype, parameters };
  if (model.normalization) state.normalization = model.normalization;
  if (model.classes) state.classes = model.classes;
  if (model.classKind) state.classKind = model.classKind;
  if (model.featureNames) state.featureNames = model.featureNames;
  if (model.imputer) state.imputer = model.imputer;
  return { state, transfer };
}

/**
 * The model again, on `backend` (the page's own by default). Each parameter is checked against the
 * architecture's shapes, so a state from another version of lnn fails here rather than in a kernel.
 * @throws DataError `the trained model: W2 must be (n[2], n[1]) = (3, 16) but is (3, 8)`
 */
export function modelFromState(
  state: ModelState,
  backend: Backend = defaultBackend(),
  where = 'the trained model',
): Model {
  const { arch, dtype } = state;
  checkArchitecture(arch.dims, arch.activations, where);
  const parameters: Parameters = {};
  for (const [name, rows, cols] of parameterShapes(arch.dims)) parameters[name] = backend.zeros(rows, cols, dtype);
  try {
    setParameters(parameters, arch.dims, state.parameters, where);
  } catch (e) {
    for (const M of Object.values(parameters)) backend.free(M);
    throw e;
  }
  const model = Model.restore({
    arch,
    dtype,
    backend,
    parameters,
    normalization: state.normalization,
    classes: state.classes,
    featureNames: state.featureNames,
  });
  model.imputer = state.imputer;
  model.classKind = state.classKind;
  return model;
}

/** [name, rows, cols, rule] of W[l]: (n[l], n[l-1]) and b[l]: (n[l], 1), l = 1..L. */
function parameterShapes(dims: readonly number[]): [string, number, number, string][] {
  const out: [string, number, number, string][] = [];
  for (let l = 1; l < dims.length; l++)
    out.push([`W${l}`, dims[l]!, dims[l - 1]!, `(n[${l}], n[${l - 1}])`], [`b${l}`, dims[l]!, 1, `(n[${l}], 1)`]);
  return out;
}

/** Copies `given` into `parameters` (the backend's memory), each checked against its shape first. */
function setParameters(
  parameters: Parameters,
  dims: readonly number[],
  given: ModelState['parameters'],
  where: string,
): void {
  const shapes = parameterShapes(dims);
  for (const [name, rows, cols, rule] of shapes) {
    const p = given[name];
    if (!p || p.rows !== rows || p.cols !== cols || p.data.length !== rows * cols)
      throw new DataError(
        `${where}: ${name} must be ${rule} = ${fmtShape(rows, cols)} but is ${p ? fmtShape(p.rows, p.cols) : 'missing'}`,
      );
  }
  for (const [name] of shapes) parameters[name]!.data.set(given[name]!.data);
}

/**
 * Gives `model` the parameters of a snapshot (TrainingControl's onSnapshot) or a state, in place: a page
 * keeps one model with the run's architecture and normalization and shows each snapshot through it.
 * @throws DataError `a snapshot: W2 must be (n[2], n[1]) = (3, 16) but is (3, 8)` (nothing is changed then)
 */
export function loadParameters(model: Model, parameters: ModelState['parameters'], where = 'a snapshot'): void {
  setParameters(model.parameters, model.arch.dims, parameters, where);
}
