import { DataError, ValueError } from '../../core/errors.js';
import { printable } from '../../core/text.js';
import { zeros } from '../../core/matrix.js';
import { IMPUTE_ADVICE, labelsFromStrings, labelsFromValues, type Dataset } from '../dataset.js';

/**
 * Tables (CSV, JSON arrays of objects) → data sets: named columns, one example per row; the label
 * column becomes labels (classes from strings or small integers), the others become X: (n_x, m).
 * Browser-safe: no Node imports.
 */

/** One cell as a reader found it: text (CSV), a number or null/undefined (JSON). */
export type Cell = string | number | boolean | null | undefined;

export interface TableRow {
  cells: Cell[];
  /** Where the row is, as the user finds it: 'line 5' (CSV, 1-based as an editor shows it) or 'element 3' (JSON). */
  where: string;
}

export interface Table {
  columns: string[];
  rows: TableRow[];
}

/** What a missing feature value does: 'error' (the default) or 'keep' as NaN for an imputer fitted on train. */
export type MissingPolicy = 'error' | 'keep';

export interface TableOptions {
  /** The label column: a header name, or a 0-based column index (negative counts from the end: -1 = last). */
  label?: string | undefined;
  missing?: MissingPolicy;
  /**
   * What to tell the user to do about a missing feature value that is refused (default: fill it in, or
   * pass --impute mean). `lnn eval`/`predict` say instead that the model has no means to fill it with.
   */
  missingAdvice?: string | undefined;
  /**
   * Features alone are enough (prediction): when the label column is not there (no --label, or a
   * --label name the file lacks), every column is a feature and labels are (0, m).
   */
  unlabeled?: boolean;
}

/** Column names tried, in order, when no --label is given. */
const DEFAULT_LABEL_NAMES = ['label', 'labels', 'y', 'target', 'class', 'Label', 'Y', 'Target', 'Class'];

export { IMPUTE_ADVICE };

/** Text that stands for a missing value: an empty field, NA, N/A, NaN, null, ?. */
const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);
/** A plain decimal number: 3, -0.5, .5, 1e-3 (no hex, no Infinity). */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A value read from a file, for a message: its JSON (at most `max` characters, then ...), printable, so
 * that a hostile file cannot drive the terminal through an error message.
 * @example shownValue('a\u001b[2Jb') // => '"a\\u001b[2Jb"'
 */
export function shownValue(v: unknown, max = 40): string {
  const text = JSON.stringify(v) ?? String(v);
  return printable(text.length > max ? `${text.slice(0, max)}...` : text);
}

/** A name from a file (a column, a key), quoted for a message and printable: 'petal width'. */
export function quoted(name: string): string {
  return `'${printable(name.length > 60 ? `${name.slice(0, 60)}...` : name)}'`;
}

export function isMissing(c: Cell): boolean {
  return (
    c === null ||
    c === undefined ||
    (typeof c === 'string' && MISSING.has(c.trim().toLowerCase())) ||
    (typeof c === 'number' && Number.isNaN(c))
  );
}

/** A cell as a number, or undefined when it is not one. */
export function cellNumber(c: Cell): number | undefined {
  if (typeof c === 'number') return Number.isFinite(c) ? c : undefined;
  if (typeof c === 'boolean') return c ? 1 : 0;
  if (typeof c === 'string' && NUMBER.test(c.trim())) return Number(c.trim());
  return undefined;
}

/** What `--impute` takes: 'mean' (fill from the training set's means) or 'none'. */
export type ImputeKind = 'mean' | 'none';

/** Reads the --impute option: 'mean' keeps missing values as NaN for an imputer fitted on train. */
export function missingPolicy(impute: unknown): MissingPolicy {
  if (impute === undefined || impute === 'none') return 'error';
  if (impute === 'mean') return 'keep';
  throw new ValueError(`--impute must be 'mean' or 'none' but is ${quoted(String(impute))}`);
}

/** The options a file reader of tables (`.csv`, `.json`) takes from its `DataSpec` member. */
export interface TableFileOptions {
  /** The label column or key: a header name, or for CSV a 0-based index (-1 = last); default: label, y, target, class, ... */
  label?: string | undefined;
  /** 'mean' keeps a missing feature value as NaN for an imputer fitted on train; 'none' (default) refuses it. */
  impute?: ImputeKind | undefined;
  /** What a refused missing value's message tells the user to do (default: DataSpec.missingAdvice, else fill it in, or pass --impute mean). */
  missingAdvice?: string | undefined;
}

/** A table reader's options from its spec member and the spec's own (`missingAdvice`, `unlabeled` for prediction). */
export function tableOptionsOf(
  o: TableFileOptions,
  spec: { missingAdvice?: string | undefined; unlabeled?: boolean | undefined },
): TableOptions {
  return {
    label: o.label,
    missing: missingPolicy(o.impute),
    missingAdvice: o.missingAdvice ?? spec.missingAdvice,
    unlabeled: spec.unlabeled === true,
  };
}

/** Finds the label column; the error lists the columns there are. */
export function labelColumn(columns: string[], label: string | undefined, file: string): number {
  const list =
    columns.slice(0, 20).map(quoted).join(', ') + (columns.length > 20 ? `, ... (${columns.length} columns)` : '');
  if (label === undefined) {
    for (const name of DEFAULT_LABEL_NAMES) {
      const i = columns.indexOf(name);
      if (i >= 0) return i;
    }
    throw new DataError(
      `${file}: name the label column with --label COLUMN (no column is called ${DEFAULT_LABEL_NAMES.slice(0, 5).join(', ')}); columns are ${list}`,
      file,
    );
  }
  const byName = columns.indexOf(label);
  if (byName >= 0) return byName;
  if (/^-?\d+$/.test(label)) {
    const i = Number(label);
    const idx = i < 0 ? columns.length + i : i;
    if (idx >= 0 && idx < columns.length) return idx;
    throw new DataError(
      `${file}: --label ${label} is out of range: the file has ${columns.length} columns (0..${columns.length - 1}, or -1 for the last)`,
      file,
    );
  }
  throw new DataError(`${file}: no column ${quoted(label)} for --label; columns are ${list}`, file);
}

/** The label column's index, or -1 when features alone will do (opts.unlabeled) and there is none. */
function findLabel(columns: string[], opts: TableOptions, file: string): number {
  if (!opts.unlabeled) return labelColumn(columns, opts.label, file);
  if (opts.label !== undefined) return columns.indexOf(opts.label);
  return DEFAULT_LABEL_NAMES.map((n) => columns.indexOf(n)).find((i) => i >= 0) ?? -1;
}

/** Column names must be unique: a feature or the label is found by its name. */
export function checkColumns(columns: readonly string[], file: string): void {
  const seen = new Map<string, number>();
  columns.forEach((c, i) => {
    if (seen.has(c))
      throw new DataError(
        `${file}: column name ${quoted(c)} appears twice in the header (columns ${seen.get(c)! + 1} and ${i + 1}); names must be unique`,
        file,
      );
    seen.set(c, i);
  });
}

/**
 * A table → a data set. The label column's cells become labels (numbers → labelsFromValues, any text →
 * sorted classes); the other columns, in order, become the rows of X: (n_x, m), one example per column.
 * A missing or non-numeric feature is a DataError naming the file, the row and the column.
 */
export function tableToDataset(table: Table, file: string, opts: TableOptions = {}): Dataset {
  const { columns, rows } = table;
  checkColumns(columns, file);
  if (rows.length === 0) throw new DataError(`${file}: has a header but no examples (m = 0)`, file);
  const y = findLabel(columns, opts, file);
  const features = columns.map((_, i) => i).filter((i) => i !== y);
  if (features.length === 0)
    throw new DataError(
      `${file}: has only the label column ${quoted(columns[y]!)}; there must be at least one feature column`,
      file,
    );
  const m = rows.length;
  const nx = features.length;
  const X = zeros(nx, m, 'float64');
  const keep = opts.missing === 'keep';
  const labelCells: Cell[] = new Array(y < 0 ? 0 : m);
  for (let j = 0; j < m; j++) {
    const { cells, where } = rows[j]!;
    const at = (col: number) => `${file}: ${where}, column ${quoted(columns[col]!)}`;
    if (y >= 0) {
      const lc = cells[y];
      if (isMissing(lc)) throw new DataError(`${at(y)}: the label is missing; every example needs one`, file);
      labelCells[j] = lc;
    }
    for (let i = 0; i < nx; i++) {
      const col = features[i]!;
      const c = cells[col];
      let v: number;
      if (isMissing(c)) {
        if (!keep) throw new DataError(`${at(col)}: missing value; ${opts.missingAdvice ?? IMPUTE_ADVICE}`, file);
        v = NaN;
      } else {
        const n = cellNumber(c);
        if (n === undefined)
          throw new DataError(
            `${at(col)}: ${shownValue(c)} is not a number; features must be finite numbers (encode categories as numbers first)`,
            file,
          );
        v = n;
      }
      X.data[i * m + j] = v;
    }
  }
  if (y < 0) return { X, labels: zeros(0, m, 'float64'), featureNames: features.map((i) => columns[i]!), source: file };
  const numeric = labelCells.map(cellNumber);
  const labelInfo = numeric.every((v) => v !== undefined)
    ? labelsFromValues(numeric as number[], file)
    : labelsFromStrings(labelCells.map((c) => String(c).trim()));
  return { X, ...labelInfo, featureNames: features.map((i) => columns[i]!), source: file };
}
