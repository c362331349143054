import type { Backend } from '../backend/backend.js';
import { defaultBackend } from '../backend/index.js';
import { DataError } from '../core/errors.js';
import type { DType } from '../core/matrix.js';
import { normalizationFromJSON } from '../data/normalize.js';
import { parseActivation } from '../nn/activations.js';
import { parseLoss } from '../nn/losses.js';
import { parametersFromJSON, parametersToJSON, type Parameters } from '../nn/params.js';
import { Model } from './model.js';
import type { RunRecord } from './record.js';

export const MODEL_FORMAT = 'lnn-model';
export const MODEL_VERSION = 1;

/** A model file: architecture, normalization, classes and parameters in one JSON document. */
export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: number;
  architecture: { dims: number[]; activations: string[]; alpha: number; loss: string };
  dtype: DType;
  normalization: unknown;
  classes: string[] | null;
  featureNames?: string[];
  /** { "W1": [[...]], "b1": [[...]], ... } in the (n[l], n[l-1]) layout of DESIGN.md. */
  parameters: Record<string, number[][]>;
  /** Training-set means for missing values, when the model was trained with --impute mean. */
  imputer?: { kind: 'mean'; means: number[]; missingInTrain?: number[] };
  /** FNV-1a over the parameters' values as stored, so an edited or damaged file is caught. */
  checksum: string;
  run?: RunRecord;
}

/** 32-bit FNV-1a over the bytes of each parameter in the model's dtype, in W1, b1, W2, ... order. */
export function parameterChecksum(parameters: Parameters, dtype: DType): string {
  let h = 0x811c9dc5;
  const names = Object.keys(parameters).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)) || a.localeCompare(b));
  for (const name of names) {
    const src = parameters[name]!.data;
    const arr = dtype === 'float64' ? Float64Array.from(src) : Float32Array.from(src);
    const bytes = new Uint8Array(arr.buffer);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  }
  return `fnv1a32:${(h >>> 0).toString(16).padStart(8, '0')}`;
}

export function modelToJSON(model: Model, run?: RunRecord): ModelFile {
  const p = model.parametersFloat64();
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    architecture: {
      dims: model.arch.dims,
      activations: model.arch.activations,
      alpha: model.arch.alpha,
      loss: model.arch.loss,
    },
    dtype: model.dtype,
    normalization: model.normalization ?? { kind: 'none' },
    classes: model.classes ?? null,
    ...(model.featureNames ? { featureNames: model.featureNames } : {}),
    ...(model.imputer ? { imputer: model.imputer } : {}),
    parameters: parametersToJSON(p),
    checksum: parameterChecksum(p, model.dtype),
    ...(run ? { run } : {}),
  };
}

/**
 * Rebuilds a model from its file, checking every field: a foreign JSON file, a missing field, a shape that
 * does not chain or values that no longer match the checksum each give an error naming `where` and the rule.
 */
export function modelFromJSON(json: unknown, where = 'model', backend: Backend = defaultBackend()): Model {
  const o = json as Partial<ModelFile>;
  if (!o || typeof o !== 'object' || Array.isArray(o))
    throw new DataError(`${where}: not an lnn model (expected a JSON object with "format": "${MODEL_FORMAT}")`, where);
  if (o.format !== MODEL_FORMAT)
    throw new DataError(
      `${where}: not an lnn model ("format" is ${JSON.stringify(o.format)}, expected "${MODEL_FORMAT}")${(o as { W1?: unknown }).W1 ? '; this looks like a parameters file: use it with --init' : ''}`,
      where,
    );
  if (o.version !== MODEL_VERSION)
    throw new DataError(
      `${where}: model format version ${o.version} is not supported (this lnn reads version ${MODEL_VERSION})`,
      where,
    );
  const a = o.architecture;
  if (!a || !Array.isArray(a.dims) || !Array.isArray(a.activations) || a.activations.length !== a.dims.length - 1)
    throw new DataError(`${where}: "architecture" must hold dims n[0..L] and activations g[1..L]`, where);
  if (o.dtype !== 'float32' && o.dtype !== 'float64')
    throw new DataError(`${where}: "dtype" must be float32 or float64 but is ${JSON.stringify(o.dtype)}`, where);
  const activations = a.activations.map((g, l) =>
    parseActivation(String(g), `${where}: architecture.activations[${l}]`),
  );
  const loss = parseLoss(String(a.loss));
  if (typeof a.alpha !== 'number') throw new DataError(`${where}: architecture.alpha must be a number`, where);
  const params64 = parametersFromJSON(o.parameters, 'float64', `${where}: parameters`, a.dims);
  const sum = parameterChecksum(params64, o.dtype);
  if (o.checksum !== sum)
    throw new DataError(
      `${where}: the parameters do not match the file's checksum (${o.checksum ?? 'missing'} vs ${sum}): the file was edited or damaged`,
      where,
    );
  const normalization = normalizationFromJSON(o.normalization, where, a.dims[0]!);
  if (
    o.classes !== null &&
    o.classes !== undefined &&
    (!Array.isArray(o.classes) || !o.classes.every((c) => typeof c === 'string'))
  )
    throw new DataError(`${where}: "classes" must be an array of strings or null`, where);
  const parameters: Parameters = {};
  for (const [k, M] of Object.entries(params64)) {
    parameters[k] = backend.zeros(M.rows, M.cols, o.dtype);
    parameters[k]!.data.set(M.data);
  }
  const model = Model.restore(
    { dims: a.dims, activations, alpha: a.alpha, loss },
    o.dtype,
    backend,
    parameters,
    normalization,
    o.classes ?? undefined,
    o.featureNames,
  );
  if (o.imputer !== undefined) {
    const imp = o.imputer;
    if (
      imp?.kind !== 'mean' ||
      !Array.isArray(imp.means) ||
      imp.means.length !== a.dims[0] ||
      !imp.means.every((v) => typeof v === 'number' && Number.isFinite(v))
    )
      throw new DataError(
        `${where}: "imputer" must be { "kind": "mean", "means": [n_x = ${a.dims[0]} finite numbers] }`,
        where,
      );
    model.imputer = { kind: 'mean', means: imp.means, missingInTrain: imp.missingInTrain ?? imp.means.map(() => 0) };
  }
  return model;
}
