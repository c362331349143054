import { defined } from '../core/defined.js';
import { checked } from '../core/schema.js';
import { splitRecordCheck } from '../data/prepare/split-record.js';
import type { Backend } from '../backend/backend.js';
import { defaultBackend } from '../backend/index.js';
import { DataError, ShapeError, ValueError } from '../core/errors.js';
import { canonicalJson } from '../core/json.js';
import type { DType } from '../core/matrix.js';
import { printable, shown } from '../core/text.js';
import { classListMismatch } from '../data/dataset.js';
import { normalizationFromJSON, type Normalization } from '../data/prepare/normalize.js';
import { ACTIVATIONS, parseActivation } from '../nn/activations.js';
import { checkArchitecture, checkLayerRoles } from '../nn/architecture.js';
import { LOSSES, parseLoss } from '../nn/losses.js';
import { parametersFromJSON, parametersToJSON, type Parameters } from '../nn/params.js';
import { Model } from './model.js';
import type { RunRecord } from './run-record.js';

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
  /** "number" when the model was trained on numeric class labels: predictions are numbers again. */
  classKind?: 'number';
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

/**
 * The model as its file's document, checksum included. A network train would not build (checkLayerRoles:
 * a hidden softmax, a relu output, a loss that does not match g[L]) is refused here, as the loader would
 * refuse the file.
 * @throws ValueError `modelToJSON: g[1] is a hidden layer's activation, which must be one of ...`
 */
export function modelToJSON(model: Model, run?: RunRecord): ModelFile {
  checkLayerRoles(model.arch.activations, model.arch.loss, 'modelToJSON');
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
    ...defined({ featureNames: model.featureNames }),
    ...(model.classKind === 'number' && model.classes ? { classKind: 'number' as const } : {}),
    ...defined({ imputer: model.imputer }),
    parameters: parametersToJSON(p),
    ...defined({ run }),
  };
  return { ...doc, checksum: documentChecksum(doc) };
}

/** A value of the wrong kind, for `... but is X`: missing, null, an object, an array, 'relu', -1, true. */
function described(v: unknown): string {
  if (v === undefined) return 'missing';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object' && v !== null) return 'an object';
  if (typeof v === 'string') return `'${printable(v.length > 60 ? `${v.slice(0, 60)}...` : v)}'`;
  return String(v);
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

/** A failure in the file: `where: rule`, one line. */
function failIn(where: string, rule: string): never {
  throw new DataError(`${where}: ${rule}`, where);
}

/**
 * Checks a model document against its checksum, the one check `lnn eval`, `predict` and `report` apply:
 * version 2 over the whole document (documentChecksum), version 1 over its parameters (parameterChecksum,
 * in the file's dtype), with a note to `onNote` that the rest of a version 1 file is not covered.
 * @throws DataError `where: the file does not match its checksum ...`
 */
export function verifyModelChecksum(
  doc: Record<string, unknown>,
  where: string,
  onNote?: (text: string) => void,
): void {
  const version = doc['version'];
  if (!READS.includes(version as number))
    failIn(
      where,
      `model format version ${version === undefined ? 'undefined' : shown(version)} is not supported (this lnn reads versions ${READS.join(' and ')})`,
    );
  const checksum = doc['checksum'];
  if (version === 2) {
    if (typeof checksum !== 'string') failIn(where, 'has no "checksum"; the file was edited or damaged');
    const sum = documentChecksum(doc, where);
    if (checksum !== sum)
      failIn(where, `the file does not match its checksum (${shown(checksum)} vs ${sum}): it was edited or damaged`);
    return;
  }
  const dtype = dtypeOf(doc['dtype'], where);
  const sum = parameterChecksum(parametersFromJSON(doc['parameters'], dtype, `${where}: parameters`), dtype);
  if (checksum !== sum)
    failIn(
      where,
      `the parameters do not match the file's checksum (${shown(checksum)} vs ${sum}): the file was edited or damaged`,
    );
  onNote?.(
    `${where}: written by an older lnn (model format 1), whose checksum covers only the parameters: an edit to another field would go unnoticed; models saved by this lnn (format 2) are checked whole`,
  );
}

function dtypeOf(v: unknown, where: string): DType {
  if (v !== 'float32' && v !== 'float64') failIn(where, `dtype must be float32 or float64 but is ${described(v)}`);
  return v;
}

/**
 * Rebuilds a model from its file, checking every field: a foreign JSON file, a missing field, a shape that
 * does not chain, a network train would not build (checkLayerRoles), a class list that does not fit the
 * output, or contents that no longer match the checksum each give a DataError naming `where`, the field
 * and the rule. Version 1 files (checksum over the parameters only) are still read; `onNote` is told so.
 */
export function modelFromJSON(
  json: unknown,
  where = 'model',
  backend: Backend = defaultBackend(),
  onNote?: (text: string) => void,
): Model {
  if (!json || typeof json !== 'object' || Array.isArray(json))
    failIn(where, `not an lnn model (expected a JSON object with "format": "${MODEL_FORMAT}")`);
  const o = json as Partial<ModelFile> & Record<string, unknown>;
  if (o.format !== MODEL_FORMAT)
    failIn(
      where,
      `not an lnn model ("format" is ${o.format === undefined ? 'undefined' : shown(o.format)}, expected "${MODEL_FORMAT}")${o['W1'] ? '; this looks like a parameters file: use it with --init' : ''}`,
    );
  verifyModelChecksum(o, where, onNote);
  const arch = architectureOf(o.architecture, where);
  const dims = arch.dims;
  const dtype = dtypeOf(o.dtype, where);
  const params64 = parametersFromJSON(o.parameters, dtype, `${where}: parameters`, dims);
  const normalization = normalizationOf(o.normalization, where, dims[0]!);
  const classes = stringList(o.classes, 'classes', where);
  const badClasses = classListMismatch(classes, arch.activations.at(-1)!, dims.at(-1)!);
  if (badClasses) failIn(where, `${badClasses}; the file was edited or damaged`);
  const featureNames = stringList(o.featureNames, 'featureNames', where);
  if (featureNames && featureNames.length !== dims[0])
    failIn(
      where,
      `featureNames has ${featureNames.length} name${featureNames.length === 1 ? '' : 's'} but the network has n[0] = ${dims[0]} inputs`,
    );
  const parameters: Parameters = {};
  for (const [k, M] of Object.entries(params64)) {
    parameters[k] = backend.zeros(M.rows, M.cols, dtype);
    parameters[k]!.data.set(M.data);
  }
  const model = Model.restore({
    arch,
    dtype,
    backend,
    parameters,
    normalization,
    classes: classes ?? undefined,
    featureNames: featureNames ?? undefined,
  });
  if (o.imputer !== undefined) model.imputer = imputerOf(o.imputer, dims[0]!, where);
  if (o.classKind !== undefined) model.classKind = classKindOf(o.classKind, classes, where);
  const split = splitOf(o.run);
  if (split) model.split = checked((v) => splitRecordCheck(v, 'run.data.split'), split, where);
  return model;
}

/** `run.data.split` of a model file, when its run record has one (models saved before splits were recorded have none). */
function splitOf(run: unknown): unknown {
  const data = run && typeof run === 'object' ? (run as { data?: unknown }).data : undefined;
  return data && typeof data === 'object' ? (data as { split?: unknown }).split : undefined;
}

/** `classKind`: "number", for classes that are all numbers (the labels they were trained on). */
function classKindOf(v: unknown, classes: string[] | undefined, where: string): 'number' {
  if (v !== 'number') failIn(where, `classKind must be "number" or absent but is ${described(v)}`);
  if (!classes || classes.some((c) => !Number.isFinite(Number(c))))
    failIn(where, 'classKind is "number" but the classes are not all numbers');
  return 'number';
}

/**
 * `architecture`: dims n[0..L], activations g[1..L], alpha and loss, each checked where it sits
 * (`m.json: architecture.activations[1] must be ... but is an object`), then by train's rules.
 */
function architectureOf(v: unknown, where: string): Model['arch'] {
  const at = (path: string, rule: string, value: unknown): never =>
    failIn(where, `architecture${path} must be ${rule} but is ${described(value)}`);
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    at('', 'an object { dims, activations, alpha, loss }', v);
  const a = v as Record<string, unknown>;
  if (!Array.isArray(a['dims'])) at('.dims', 'an array n[0..L]', a['dims']);
  if (!Array.isArray(a['activations'])) at('.activations', 'an array g[1..L]', a['activations']);
  const dims = a['dims'] as number[];
  const activations = (a['activations'] as unknown[]).map((g, l) => {
    const path = `${where}: architecture.activations[${l}]`;
    if (typeof g !== 'string') at(`.activations[${l}]`, `one of ${ACTIVATIONS.join(', ')}`, g);
    return inFile(where, () => parseActivation(printable(g as string), path));
  });
  inFile(where, () => checkArchitecture(dims, activations, `${where}: architecture`));
  const name = a['loss'];
  if (typeof name !== 'string') at('.loss', `one of ${LOSSES.join(', ')}`, name);
  const loss = inFile(where, () => parseLoss(printable(name as string), `${where}: architecture.loss`));
  inFile(where, () => checkLayerRoles(activations, loss, `${where}: architecture`));
  const alpha = a['alpha'];
  if (typeof alpha !== 'number' || !(alpha >= 0)) at('.alpha', 'a number ≥ 0', alpha);
  return { dims, activations, alpha: alpha as number, loss };
}

/**
 * The stored normalization, with the rule fitting follows: a standard or minmax scale is a standard
 * deviation or a range, so positive (fitNormalization gives 1 for a constant feature, never 0 or less).
 */
function normalizationOf(v: unknown, where: string, nx: number): Normalization {
  const normalization = inFile(where, () => normalizationFromJSON(v, where, nx));
  const scale = normalization.scale ?? [];
  const i = scale.findIndex((k) => !(k > 0));
  if (i >= 0)
    failIn(
      where,
      `normalization.scale[${i}] must be > 0 (a ${normalization.kind === 'standard' ? 'standard deviation' : 'range'}; 1 for a constant feature) but is ${scale[i]}`,
    );
  return normalization;
}

/** An optional list of unique strings (class or feature names), or null/undefined when absent. */
function stringList(v: unknown, key: string, where: string): string[] | undefined {
  if (v === null || v === undefined) return undefined;
  if (!Array.isArray(v)) failIn(where, `${key} must be an array of strings or null but is ${described(v)}`);
  const bad = v.findIndex((c) => typeof c !== 'string');
  if (bad >= 0) failIn(where, `${key}[${bad}] must be a string but is ${described(v[bad])}`);
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
