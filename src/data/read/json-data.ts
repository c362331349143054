import { DataError } from '../../core/errors.js';
import { jsonErrorReason, jsonErrorWhere } from '../../core/json.js';
import { zeros, type Matrix } from '../../core/matrix.js';
import { labelsFromStrings, labelsFromValues, type Dataset } from '../dataset.js';
import type { DataSpec } from './load.js';
import { readRegularFile } from '../../io/regular-file.js';
import {
  IMPUTE_ADVICE,
  cellNumber,
  quoted,
  shownValue,
  isMissing,
  tableOptionsOf,
  tableToDataset,
  type Cell,
  type MissingPolicy,
  type TableFileOptions,
  type TableOptions,
} from './table.js';

/**
 * JSON data sets, one example per array entry, in either of two shapes:
 * - `{"X": [[x1, x2, ...], ...], "y": [y, ...]}`: X holds m examples of n_x numbers (or nested arrays,
 *   flattened row-major), y holds m labels (numbers or class names; `Y`/`labels` also accepted).
 * - `[{"f1": 0.5, "f2": 1, "label": "cat"}, ...]`: an array of objects with the label under `--label`;
 *   the feature columns are the keys of the first object, in order.
 * → X: (n_x, m), labels: (1, m).
 */
export function parseJsonDataset(text: string, file: string, opts: TableOptions = {}): Dataset {
  if (text.trim() === '')
    throw new DataError(`${file}: is empty; expected {"X": [...], "y": [...]} or an array of objects`, file);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    throw new DataError(`${file}: is not valid JSON${jsonErrorWhere(text, e)} (${jsonErrorReason(e)})`, file);
  }
  if (Array.isArray(doc)) return objectsToDataset(doc, file, opts);
  if (doc !== null && typeof doc === 'object') return xyToDataset(doc as Record<string, unknown>, file, opts);
  throw new DataError(
    `${file}: holds a ${doc === null ? 'null' : typeof doc}; expected {"X": [...], "y": [...]} or an array of objects`,
    file,
  );
}

function objectsToDataset(doc: unknown[], file: string, opts: TableOptions): Dataset {
  if (doc.length === 0) throw new DataError(`${file}: is an empty array (m = 0)`, file);
  const isObject = (v: unknown): v is Record<string, Cell> => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(doc[0]))
    throw new DataError(
      `${file}: element 0 is ${Array.isArray(doc[0]) ? 'an array' : shownValue(doc[0])}; a top-level array must hold one object per example ({"f1": ..., "label": ...})`,
      file,
    );
  const columns = Object.keys(doc[0]);
  const rows = doc.map((e, j) => {
    if (!isObject(e))
      throw new DataError(
        `${file}: element ${j} is ${shownValue(e)}; every element must be an object like element 0`,
        file,
      );
    const extra = Object.keys(e).find((k) => !columns.includes(k));
    if (extra !== undefined)
      throw new DataError(
        `${file}: element ${j} has key ${quoted(extra)} that element 0 does not; every example needs the same keys`,
        file,
      );
    return { cells: columns.map((c) => e[c]), where: `element ${j}` };
  });
  return tableToDataset({ columns, rows }, file, opts);
}

function xyToDataset(doc: Record<string, unknown>, file: string, opts: TableOptions): Dataset {
  const unlabeled = opts.unlabeled === true;
  const xKey = ['X', 'x'].find((k) => k in doc);
  const yKey = ['y', 'Y', 'labels', 'label'].find((k) => k in doc);
  if (xKey === undefined || (yKey === undefined && !unlabeled))
    throw new DataError(
      `${file}: an object must have keys "X" and "y" but has ${
        Object.keys(doc)
          .slice(0, 20)
          .map((k) => shownValue(k))
          .join(', ') || 'none'
      }`,
      file,
    );
  const xs = doc[xKey];
  let ys = yKey === undefined ? undefined : doc[yKey];
  // The course's (1, m) row of labels, and (m, 1) columns of one-label arrays, read as m labels.
  if (
    Array.isArray(ys) &&
    Array.isArray(xs) &&
    ys.length === 1 &&
    Array.isArray(ys[0]) &&
    ys[0].length === xs.length &&
    xs.length !== 1
  )
    ys = ys[0];
  if (Array.isArray(ys)) ys = ys.map((v) => (Array.isArray(v) && v.length === 1 ? v[0] : v));
  if (!Array.isArray(xs)) throw new DataError(`${file}: "${xKey}" must be an array with one entry per example`, file);
  if (yKey !== undefined && !Array.isArray(ys))
    throw new DataError(`${file}: "${yKey}" must be an array with one label per example`, file);
  const m = xs.length;
  if (m === 0) throw new DataError(`${file}: "${xKey}" is empty (m = 0)`, file);
  if (Array.isArray(ys) && ys.length !== m)
    throw new DataError(
      `${file}: "${xKey}" has m = ${m} examples but "${yKey}" has ${ys.length} labels; they must match one to one`,
      file,
    );
  const X = xyFeatures(xs, xKey, file, opts);
  if (!Array.isArray(ys)) return { X, labels: zeros(0, m, 'float64'), source: file };
  const labels = ys.map((v, j) => {
    if (isMissing(v as Cell) || (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean'))
      throw new DataError(
        `${file}: ${yKey}[${j}] is ${shownValue(v ?? null)}; every label must be a number or a class name`,
        file,
      );
    return v as number | string | boolean;
  });
  const numeric = labels.map((v) => cellNumber(v));
  const info = numeric.every((v) => v !== undefined)
    ? labelsFromValues(numeric as number[], file)
    : labelsFromStrings(labels.map(String));
  return { X, ...info, source: file };
}

/** X: (n_x, m) from "X": one entry per example, each flattened row-major; missing values NaN when kept. */
function xyFeatures(xs: unknown[], xKey: string, file: string, opts: TableOptions): Matrix {
  const missing: MissingPolicy = opts.missing ?? 'error';
  const m = xs.length;
  const flat = (v: unknown): Cell[] => (Array.isArray(v) ? v.flatMap(flat) : [v as Cell]);
  const first = flat(xs[0]);
  const nx = first.length;
  if (nx === 0) throw new DataError(`${file}: ${xKey}[0] has no values; each example needs n_x ≥ 1 features`, file);
  const X = zeros(nx, m, 'float64');
  for (let j = 0; j < m; j++) {
    const row = j === 0 ? first : flat(xs[j]);
    if (row.length !== nx)
      throw new DataError(
        `${file}: ${xKey}[${j}] has ${row.length} values but ${xKey}[0] has ${nx}; every example needs n_x = ${nx}`,
        file,
      );
    for (let i = 0; i < nx; i++) {
      const c = row[i];
      let v: number;
      if (isMissing(c)) {
        if (missing !== 'keep')
          throw new DataError(
            `${file}: ${xKey}[${j}][${i}] is missing (${shownValue(c ?? null)}); ${opts.missingAdvice ?? IMPUTE_ADVICE}`,
            file,
          );
        v = NaN;
      } else {
        const n = typeof c === 'number' ? (Number.isFinite(c) ? c : undefined) : undefined;
        if (n === undefined)
          throw new DataError(
            `${file}: ${xKey}[${j}][${i}] is ${shownValue(c)}; features must be finite numbers`,
            file,
          );
        v = n;
      }
      X.data[i * m + j] = v;
    }
  }
  return X;
}

/** Options of the .json reader (`DataSpec.json`): a table's (`label` keys an array of objects). */
export type JsonOptions = TableFileOptions;

/** The `--data FILE.json` reader: spec.json's label (arrays of objects) and impute; spec.unlabeled for prediction. */
export function readJson(file: string, spec: DataSpec = {}): Dataset {
  const text = new TextDecoder('utf-8').decode(readRegularFile(file));
  return parseJsonDataset(text, file, tableOptionsOf(spec.json ?? {}, spec));
}
