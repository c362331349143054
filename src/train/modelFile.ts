import type { Backend } from '../backend/backend.js';
import { defaultBackend } from '../backend/index.js';
import { DataError, ShapeError, ValueError } from '../core/errors.js';
import { canonicalJson } from '../core/json.js';
import type { DType } from '../core/matrix.js';
import { printable } from '../core/text.js';
import { classListMismatch } from '../data/dataset.js';
import { normalizationFromJSON } from '../data/normalize.js';
import { parseActivation } from '../nn/activations.js';
import { checkArchitecture } from '../nn/architecture.js';
import { parseLoss } from '../nn/losses.js';
import { parametersFromJSON, parametersToJSON, type Parameters } from '../nn/params.js';
import { Model } from './model.js';
import type { RunRecord } from './record.js';

const MODEL_FORMAT = 'lnn-model';
/**
 * 2: the checksum covers the whole document (the canonical JSON of everything but `checksum`).
 * 1 (read, no longer written): the checksum covers only the parameters' values.
 */
export const MODEL_VERSION = 2;
const READS = [1, 2];

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
  /**
   * FNV-1a (32-bit) over the UTF-8 bytes of the canonical JSON of every other member (keys sorted,
   * numbers as JSON writes them, no whitespace), so that an edit anywhere, or damage, is caught.
   */
  checksum: string;
  run?: RunRecord;
}

/** 32-bit FNV-1a over bytes, as `fnv1a32:xxxxxxxx`. */
function fnv1a32(bytes: Uint8Array): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  return `fnv1a32:${(h >>> 0).toString(16).padStart(8, '0')}`;
}

/**
 * The checksum of a model document (version 2): FNV-1a over the canonical JSON (canonicalJson) of the
 * document without its `checksum` member. Reformatting the file or reordering its keys keeps it;
 * changing any value, name or number changes it.
 */
export function documentChecksum(doc: Record<string, unknown>, where = 'model'): string {
  const { checksum: _ignored, ...rest } = doc;
  return fnv1a32(new TextEncoder().encode(canonicalJson(rest, where)));
}

/** Version 1's checksum: FNV-1a over the bytes of each parameter in the model's dtype, in W1, b1, W2, ... order. */
export function parameterChecksum(parameters: Parameters, dtype: DType): string {
  const names = Object.keys(parameters).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)) || a.localeCompare(b));
  const parts = names.map((name) => {
    const src = parameters[name]!.data;
    return new Uint8Array((dtype === 'float64' ? Float64Array.from(src) : Float32Array.from(src)).buffer);
  });
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  return fnv1a32(all);
}

export function modelToJSON(model: Model, run?: RunRecord): ModelFile {
  const p = model.parametersFloat64();
  const doc: Omit<ModelFile, 'checksum'> = {
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
    ...(run ? { run } : {}),
  };
  return { ...doc, checksum: documentChecksum(doc) };
}

/** A value from the file, short and printable, for a message. */
function shown(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return printable(text.length > 60 ? `${text.slice(0, 60)}...` : text);
}

/** Runs a reader step whose ValueError or ShapeError (from a shared parser) means: this file is wrong. */
function inFile<T>(where: string, step: () => T): T {
  try {
    return step();
  } catch (e) {
    if (e instanceof ValueError || e instanceof ShapeError) throw new DataError(printable(e.message), where);
    throw e;
  }
}

/**
 * Rebuilds a model from its file, checking every field: a foreign JSON file, a missing field, a shape that
 * does not chain, a class list that does not fit the output, or contents that no longer match the
 * checksum each give a DataError naming `where` and the rule. Version 1 files (checksum over the
 * parameters only) are still read; `onNote` is told so.
 */
export function modelFromJSON(
  json: unknown,
  where = 'model',
  backend: Backend = defaultBackend(),
  onNote?: (text: string) => void,
): Model {
  const fail = (rule: string): never => {
    throw new DataError(`${where}: ${rule}`, where);
  };
  if (!json || typeof json !== 'object' || Array.isArray(json))
    fail(`not an lnn model (expected a JSON object with "format": "${MODEL_FORMAT}")`);
  const o = json as Partial<ModelFile> & Record<string, unknown>;
  if (o.format !== MODEL_FORMAT)
    fail(
      `not an lnn model ("format" is ${o.format === undefined ? 'undefined' : shown(o.format)}, expected "${MODEL_FORMAT}")${o['W1'] ? '; this looks like a parameters file: use it with --init' : ''}`,
    );
  if (!READS.includes(o.version as number))
    fail(`model format version ${shown(o.version)} is not supported (this lnn reads versions ${READS.join(' and ')})`);
  if (o.version === 2) {
    if (typeof o.checksum !== 'string') fail('has no "checksum"; the file was edited or damaged');
    const sum = documentChecksum(o, where);
    if (o.checksum !== sum)
      fail(`the file does not match its checksum (${shown(o.checksum)} vs ${sum}): it was edited or damaged`);
  }
  const a = o.architecture;
  if (!a || typeof a !== 'object' || !Array.isArray(a.dims) || !Array.isArray(a.activations))
    fail('"architecture" must hold dims n[0..L] and activations g[1..L]');
  if (o.dtype !== 'float32' && o.dtype !== 'float64')
    fail(`"dtype" must be float32 or float64 but is ${shown(o.dtype)}`);
  const dims = a!.dims;
  const activations = a!.activations.map((g, l) =>
    inFile(where, () => parseActivation(printable(String(g)), `${where}: architecture.activations[${l}]`)),
  );
  inFile(where, () => checkArchitecture(dims, activations, `${where}: architecture`));
  const loss = inFile(where, () => parseLoss(printable(String(a!.loss))));
  if (typeof a!.alpha !== 'number' || !(a!.alpha >= 0)) fail('architecture.alpha must be a number ≥ 0');
  const params64 = parametersFromJSON(o.parameters, o.dtype!, `${where}: parameters`, dims);
  if (o.version === 1) {
    const sum = parameterChecksum(params64, o.dtype!);
    if (o.checksum !== sum)
      fail(
        `the parameters do not match the file's checksum (${o.checksum === undefined ? 'missing' : shown(o.checksum)} vs ${sum}): the file was edited or damaged`,
      );
    onNote?.(
      `${where}: written by an older lnn (model format 1), whose checksum covers only the parameters: an edit to another field would go unnoticed; models saved by this lnn (format 2) are checked whole`,
    );
  }
  const normalization = inFile(where, () => normalizationFromJSON(o.normalization, where, dims[0]!));
  const classes = stringList(o.classes, 'classes', where);
  const badClasses = classListMismatch(classes, activations[activations.length - 1]!, dims[dims.length - 1]!);
  if (badClasses) fail(`${badClasses}; the file was edited or damaged`);
  const featureNames = stringList(o.featureNames, 'featureNames', where);
  if (featureNames && featureNames.length !== dims[0])
    fail(`"featureNames" has ${featureNames.length} names but the network has n[0] = ${dims[0]} inputs`);
  const parameters: Parameters = {};
  for (const [k, M] of Object.entries(params64)) {
    parameters[k] = backend.zeros(M.rows, M.cols, o.dtype!);
    parameters[k]!.data.set(M.data);
  }
  const model = Model.restore(
    { dims, activations, alpha: a!.alpha, loss },
    o.dtype!,
    backend,
    parameters,
    normalization,
    classes ?? undefined,
    featureNames ?? undefined,
  );
  if (o.imputer !== undefined) model.imputer = imputerOf(o.imputer, dims[0]!, where);
  return model;
}

/** An optional list of unique strings (class or feature names), or null/undefined when absent. */
function stringList(v: unknown, key: string, where: string): string[] | undefined {
  if (v === null || v === undefined) return undefined;
  if (!Array.isArray(v) || !v.every((c) => typeof c === 'string'))
    throw new DataError(`${where}: "${key}" must be an array of strings or null`, where);
  const twice = v.findIndex((c, i) => v.indexOf(c) !== i);
  if (twice >= 0) throw new DataError(`${where}: "${key}" names '${printable(v[twice] as string)}' twice`, where);
  return v as string[];
}

function imputerOf(imp: unknown, nx: number, where: string): NonNullable<Model['imputer']> {
  const o = imp as Partial<NonNullable<ModelFile['imputer']>> | null;
  const finite = (a: unknown): a is number[] =>
    Array.isArray(a) && a.length === nx && a.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (o?.kind !== 'mean' || !finite(o.means) || (o.missingInTrain !== undefined && !finite(o.missingInTrain)))
    throw new DataError(`${where}: "imputer" must be { "kind": "mean", "means": [n_x = ${nx} finite numbers] }`, where);
  return { kind: 'mean', means: o.means, missingInTrain: o.missingInTrain ?? o.means.map(() => 0) };
}
