import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import { Matrix, fromArray, type DType } from '../core/matrix.js';

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

/**
 * Reads parameters from their JSON form, checking each is a rectangular array of finite numbers and that
 * the shapes chain (and match `expectedDims` when given). `where` names the file in messages.
 */
export function parametersFromJSON(
  json: unknown,
  dtype: DType = 'float64',
  where = 'parameters',
  expectedDims?: number[],
): Parameters {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw new ValueError(`${where}: parameters must be a JSON object { "W1": [[...]], "b1": [[...]], ... }`);
  const obj = json as Record<string, unknown>;
  const params: Parameters = {};
  for (const [key, value] of Object.entries(obj)) {
    if (!/^[Wb][1-9]\d*$/.test(key))
      throw new ValueError(`${where}: unexpected key '${key}'; parameters are named W1, b1, W2, b2, ...`);
    if (!Array.isArray(value) || value.length === 0 || !value.every((r) => Array.isArray(r)))
      throw new ValueError(
        `${where}: ${key} must be a non-empty array of rows (nested arrays) but is ${Array.isArray(value) ? 'a flat array' : typeof value}`,
      );
    for (let i = 0; i < value.length; i++)
      for (let j = 0; j < (value[i] as unknown[]).length; j++) {
        const v = (value[i] as unknown[])[j];
        if (typeof v !== 'number' || !Number.isFinite(v))
          throw new ValueError(`${where}: ${key}[${i}][${j}] must be a finite number but is ${JSON.stringify(v)}`);
      }
    params[key] = fromArray(value as number[][], dtype, `${where}: ${key}`);
  }
  const dims = layerDims(params, where);
  const L = dims.length - 1;
  for (const key of Object.keys(params))
    if (Number(key.slice(1)) > L)
      throw new ValueError(
        `${where}: ${key} has no W${key.slice(1)} chain from W1; layers must be numbered 1..L without gaps`,
      );
  if (expectedDims) {
    if (expectedDims.length !== dims.length)
      throw new ShapeError(
        `${where}: the network has L = ${expectedDims.length - 1} layers but the parameters have L = ${L}`,
      );
    for (let l = 1; l <= L; l++) {
      const W = params[`W${l}`]!;
      if (W.rows !== expectedDims[l] || W.cols !== expectedDims[l - 1])
        throw new ShapeError(
          `${where}: W[${l}] must be (n[${l}], n[${l - 1}]) = ${fmtShape(expectedDims[l]!, expectedDims[l - 1]!)} but is ${fmtShape(W.rows, W.cols)}`,
        );
    }
  }
  return params;
}
