import { parse, CsvError } from 'csv-parse/sync';
import { DataError } from '../core/errors.js';
import { printable } from '../core/text.js';
import type { Dataset } from './dataset.js';
import type { DataSpec } from './load.js';
import { readRegularFile } from './file.js';
import { missingPolicy, tableToDataset, type ImputeKind, type Table, type TableOptions } from './table.js';

/**
 * CSV with a header row, one example per row (`--data FILE.csv --label COLUMN`), parsed by csv-parse:
 * quoted fields (with commas and newlines inside), a byte-order mark, CRLF line ends, blank lines
 * skipped. Every row must have as many fields as the header.
 */
function parseCsvTable(text: string, file: string, delimiter = ','): Table {
  if (text.trim() === '')
    throw new DataError(`${file}: is empty; a CSV needs a header row and at least one example row`, file);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (e) {
    if (e instanceof CsvError) {
      const line = (e as CsvError & { lines?: number }).lines;
      throw new DataError(
        `${file}: ${line !== undefined ? `line ${line}: ` : ''}${printable(e.message.replace(/^Invalid Record Length: /, ''))} (CSV syntax)`,
        file,
      );
    }
    throw e;
  }
  // csv-parse reports the line a record ENDS on; a quoted field with newlines starts it earlier.
  const startLine = (r: { record: string[]; info: { lines: number } }) =>
    r.info.lines - r.record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
  const [head, ...body] = records;
  const columns = head!.record.map((c) => c.trim());
  const rows = body.map((r) => {
    const where = `line ${startLine(r)}`;
    if (r.record.length !== columns.length)
      throw new DataError(
        `${file}: ${where} has ${r.record.length} field${r.record.length === 1 ? '' : 's'} but the header (line ${startLine(head!)}) has ${columns.length}; every row needs one value per column`,
        file,
      );
    return { cells: r.record, where };
  });
  return { columns, rows };
}

/**
 * Reads a CSV data set: header names the columns, `label` picks the label column (name or 0-based
 * index), the others are numeric features. → X: (n_x, m), labels: (1, m).
 * @example parseCsv('x1,x2,label\n1,2,cat\n3,4,dog\n', 'pets.csv', { label: 'label' }).classes // => ['cat', 'dog']
 */
export function parseCsv(text: string, file: string, opts: TableOptions & { delimiter?: string } = {}): Dataset {
  return tableToDataset(parseCsvTable(text, file, opts.delimiter), file, opts);
}

/** Options of the .csv/.tsv reader (`DataSpec.csv`). */
export interface CsvOptions {
  /** The label column: a header name, or a 0-based index (-1 = last); default: label, y, target, class, ... */
  label?: string | undefined;
  /** 'mean' keeps a missing feature value as NaN for an imputer fitted on train; 'none' (default) refuses it. */
  impute?: ImputeKind | undefined;
  /** The field separator: ',' (default; a tab for .tsv). */
  delimiter?: string | undefined;
  /** What a refused missing value's message tells the user to do (default: DataSpec.missingAdvice, else fill it in, or pass --impute mean). */
  missingAdvice?: string | undefined;
}

/** The `--data FILE.csv` reader: spec.csv's label, impute and delimiter; spec.unlabeled for prediction. */
export function readCsv(file: string, spec: DataSpec = {}): Dataset {
  const text = new TextDecoder('utf-8').decode(readRegularFile(file));
  const o = spec.csv ?? {};
  return parseCsv(text, file, {
    label: o.label,
    missing: missingPolicy(o.impute),
    missingAdvice: o.missingAdvice ?? spec.missingAdvice,
    unlabeled: spec.unlabeled === true,
    delimiter: o.delimiter ?? ',',
  });
}
