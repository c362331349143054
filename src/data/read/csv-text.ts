/**
 * CSV text → a data set, with csv-parse's synchronous parser handed in: Node's build (`csv-parse/sync`,
 * src/data/read/csv.ts) or its browser build (`csv-parse/browser/esm/sync`, src/data/read/csv-browser.ts), which
 * carries its own Buffer. The rules and messages are the same for both. Browser-safe.
 */
import { DataError } from '../../core/errors.js';
import { printable } from '../../core/text.js';
import type { Dataset } from '../dataset.js';
import { tableToDataset, type Table, type TableOptions } from './table.js';

/** What this module needs of a csv-parse build: its `parse` and its error class. */
export interface CsvSyntax {
  parse: (text: string, options: Record<string, unknown>) => unknown;
  CsvError: abstract new (...args: never[]) => Error;
}

/** The options of parseCsv: the table's (label column, missing values) and the field separator. */
export type CsvTextOptions = TableOptions & { delimiter?: string };

/**
 * CSV with a header row, one example per row (`--data FILE.csv --label COLUMN`), parsed by csv-parse:
 * quoted fields (with commas and newlines inside), a byte-order mark, CRLF line ends, blank lines
 * skipped. Every row must have as many fields as the header.
 */
function parseCsvTable(syntax: CsvSyntax, text: string, file: string, delimiter = ','): Table {
  if (text.trim() === '')
    throw new DataError(`${file}: is empty; a CSV needs a header row and at least one example row`, file);
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = syntax.parse(text, {
      bom: true,
      delimiter,
      info: true,
      relax_column_count: true,
      skip_empty_lines: true,
    }) as unknown as typeof records;
  } catch (e) {
    if (e instanceof syntax.CsvError) {
      const line = (e as Error & { lines?: number }).lines;
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
 * parseCsv over one build of csv-parse: CSV text → X: (n_x, m), labels: (1, m), the header naming the
 * columns, `label` the label column (name or 0-based index), the others numeric features.
 */
export function csvReader(syntax: CsvSyntax): (text: string, file: string, opts?: CsvTextOptions) => Dataset {
  return (text, file, opts = {}) => tableToDataset(parseCsvTable(syntax, text, file, opts.delimiter), file, opts);
}
