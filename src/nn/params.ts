import { DataError, ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { Matrix, convert, fromArray, type DType } from '../core/matrix.js';
import { printable } from '../core/text.js';

/** Parameters as a plain named map: { W1, b1, W2, b2, ... }. W[l]: (n[l], n[l-1]), b[l]: (n[l], 1). */
export type Parameters = Record<string, Matrix>;

/** Gradients with the same names prefixed by d: { dW1, db1, ..., dA0, ... }. */
export type Gradients = Record<string, Matrix>;

/** L, read from the parameter names (W1..WL, each with its b). */
export function depth(parameters: Parameters): number {
  let L = 0;
  while (parameters[`W${L + 1}`] !== undefined) L++;
  if (L === 0) throw new ValueError('parameters: no W1 found; parameters are named W1, b1, W2, b2, ...');
  return L;
}

/** n[0..L] read from the shapes, after checking every W[l]: (n[l], n[l-1]) and b[l]: (n[l], 1). */
export function layerDims(parameters: Parameters, op = 'parameters'): number[] {
  const L = depth(parameters);
  const dims = [parameters['W1']!.cols];
  for (let l = 1; l <= L; l++) {
    const W = parameters[`W${l}`]!,
      b = parameters[`b${l}`];
    if (W.cols !== dims[l - 1])
      throw new ShapeError(
        `${op}: W[${l}] must be (n[${l}], n[${l - 1}]) = ${fmtShape(W.rows, dims[l - 1]!)} but is ${fmtShape(W.rows, W.cols)}`,
      );
    if (!b) throw new ShapeError(`${op}: b[${l}] is missing; every W[l] needs its b[l]: (n[l], 1)`);
    if (b.rows !== W.rows || b.cols !== 1)
      throw new ShapeError(
        `${op}: b[${l}] must be (n[${l}], 1) = ${fmtShape(W.rows, 1)} but is ${fmtShape(b.rows, b.cols)}`,
      );
    dims.push(W.rows);
  }
  return dims;
}

/** The DESIGN.md JSON form: { "W1": [[...]], "b1": [[...]], ... }, what `json.dump({k: v.tolist()})` writes. */
export function parametersToJSON(parameters: Parameters): Record<string, number[][]> {
  const out: Record<string, number[][]> = {};
  const L = depth(parameters);
  for (let l = 1; l <= L; l++) {
    out[`W${l}`] = parameters[`W${l}`]!.toArray();
    out[`b${l}`] = parameters[`b${l}`]!.toArray();
  }
  return out;
}

/** The largest finite float32, (2 − 2⁻²³)·2¹²⁷: a parameter beyond it becomes Infinity in float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

// Where parametersFromJSON read each parameter set from, so that a later check (Model.create converting
// them to float32) names the file.
const sources = new WeakMap<Parameters, string>();

/** The file (or other `where`) parametersFromJSON read these parameters from, if it did. */
export function parametersSource(parameters: Parameters): string | undefined {
  return sources.get(parameters);
}

/**
 * Checks that every value of W[l], b[l] fits `dtype` (1e300 is a float64 but Infinity in float32);
 * names `where`, the parameter and its (row, col) in the JSON layout.
 * @throws DataError `init.json: W1[0][2] is 1e+300, beyond the range of float32 (±3.4028e+38); ...`
 */
export function checkParametersFit(parameters: Parameters, dtype: DType, where: string): void {
  if (dtype === 'float64') return;
  for (const [key, M] of Object.entries(parameters)) {
    const k = M.data.findIndex((v) => Math.abs(v) > FLOAT32_MAX);
    if (k >= 0)
      throw new DataError(
        `${where}: ${key}[${Math.floor(k / M.cols)}][${k % M.cols}] is ${M.data[k]}, beyond the range of float32 (±${FLOAT32_MAX.toPrecision(5)}); use --dtype float64, or parameters of a sensible size`,
        where,
      );
  }
}

/** A value from a file as a short, printable snippet for a message. */
function snippet(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return printable(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}

/**
 * Reads parameters from their JSON form, checking each is a rectangular array of finite numbers that
 * fit `dtype`, and that the shapes chain (and match `expectedDims` when given). `where` names the file
 * in messages. Every rule broken is a DataError naming `where`, the parameter and the position.
 */
export function parametersFromJSON(
  json: unknown,
  dtype: DType = 'float64',
  where = 'parameters',
  expectedDims?: number[],
): Parameters {
  const fail = (text: string): never => {
    throw new DataError(`${where}: ${text}`, where);
  };
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    fail('parameters must be a JSON object { "W1": [[...]], "b1": [[...]], ... }');
  const params: Parameters = {};
  for (const [key, value] of Object.entries(json as Record<string, unknown>))
    params[key] = parameterMatrix(key, value, where, fail);
  checkParametersFit(params, dtype, where);
  checkChain(params, where, fail, expectedDims);
  const out =
    dtype === 'float64' ? params : Object.fromEntries(Object.entries(params).map(([k, M]) => [k, convert(M, dtype)]));
  sources.set(out, where);
  return out;
}

/** One parameter, W[l]: (n[l], n[l-1]) or b[l]: (n[l], 1), from its rows: rectangular, finite. */
function parameterMatrix(key: string, value: unknown, where: string, fail: (text: string) => never): Matrix {
  if (!/^[Wb][1-9]\d{0,5}$/.test(key))
    fail(`unexpected key '${printable(key.slice(0, 40))}'; parameters are named W1, b1, W2, b2, ...`);
  if (!Array.isArray(value) || value.length === 0 || !value.every((r) => Array.isArray(r)))
    fail(
      `${key} must be a non-empty array of rows (nested arrays) but is ${Array.isArray(value) ? 'a flat array' : value === null ? 'null' : typeof value}`,
    );
  const rows = value as unknown[][];
  const cols = rows[0]!.length;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]!.length !== cols)
      fail(`${key}[${i}] has ${rows[i]!.length} values but ${key}[0] has ${cols}; every row needs the same length`);
    for (let j = 0; j < cols; j++) {
      const v = rows[i]![j];
      if (typeof v !== 'number' || !Number.isFinite(v))
        fail(`${key}[${i}][${j}] must be a finite number but is ${snippet(v)}`);
    }
  }
  if (cols === 0) fail(`${key} has rows without values; ${key} must be (n[l], n[l-1]) with both ≥ 1`);
  return fromArray(rows as number[][], 'float64', `${where}: ${key}`);
}

/** The shapes chain W1, b1, ..., WL, bL without gaps, and match `expectedDims` n[0..L] when given. */
function checkChain(params: Parameters, where: string, fail: (text: string) => never, expectedDims?: number[]): void {
  let dims: number[] = [];
  try {
    dims = layerDims(params, where);
  } catch (e) {
    if (e instanceof ValueError || e instanceof ShapeError) fail(e.message.replace(`${where}: `, ''));
    throw e;
  }
  const L = dims.length - 1;
  for (const key of Object.keys(params))
    if (Number(key.slice(1)) > L)
      fail(`${key} has no W${key.slice(1)} chain from W1; layers must be numbered 1..L without gaps`);
  if (!expectedDims) return;
  if (expectedDims.length !== dims.length)
    fail(`the network has L = ${expectedDims.length - 1} layers but the parameters have L = ${L}`);
  for (let l = 1; l <= L; l++) {
    const W = params[`W${l}`]!;
    if (W.rows !== expectedDims[l] || W.cols !== expectedDims[l - 1])
      fail(
        `W[${l}] must be (n[${l}], n[${l - 1}]) = ${fmtShape(expectedDims[l]!, expectedDims[l - 1]!)} but is ${fmtShape(W.rows, W.cols)}`,
      );
  }
}
