/**
 * parseCsv for a page: the same rules and messages as Node's (src/data/read/csv-text.ts), over csv-parse's
 * browser build, which needs no Node Buffer. Browser-safe.
 */
import { parse, CsvError } from 'csv-parse/browser/esm/sync';
import { csvReader } from './csv-text.js';

/**
 * CSV text with a header row → X: (n_x, m), labels: (1, m); `label` picks the label column (a name or a
 * 0-based index; default: a column named label, y, target, class, …).
 * @example parseCsv('x1,x2,label\n1,2,cat\n3,4,dog\n', 'pets.csv').classes // => ['cat', 'dog']
 */
export const parseCsv = csvReader({ parse: parse as never, CsvError });
