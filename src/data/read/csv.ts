import { parse, CsvError } from 'csv-parse/sync';
import type { Dataset } from '../dataset.js';
import type { DataSpec } from './load.js';
import { readRegularFile } from '../../io/regular-file.js';
import { csvReader } from './csv-text.js';
import { tableOptionsOf, type TableFileOptions } from './table.js';

/**
 * Reads a CSV data set: header names the columns, `label` picks the label column (name or 0-based
 * index), the others are numeric features. → X: (n_x, m), labels: (1, m). Node's csv-parse; a page
 * has the same function from lnn/browser (src/data/read/csv-browser.ts).
 * @example parseCsv('x1,x2,label\n1,2,cat\n3,4,dog\n', 'pets.csv', { label: 'label' }).classes // => ['cat', 'dog']
 */
export const parseCsv = csvReader({ parse, CsvError });

/** Options of the .csv/.tsv reader (`DataSpec.csv`): a table's, and the field separator. */
export interface CsvOptions extends TableFileOptions {
  /** The field separator: ',' (default; a tab for .tsv). */
  delimiter?: string | undefined;
}

/** The `--data FILE.csv` reader: spec.csv's label, impute and delimiter; spec.unlabeled for prediction. */
export function readCsv(file: string, spec: DataSpec = {}): Dataset {
  const text = new TextDecoder('utf-8').decode(readRegularFile(file));
  const o = spec.csv ?? {};
  return parseCsv(text, file, { ...tableOptionsOf(o, spec), delimiter: o.delimiter ?? ',' });
}
