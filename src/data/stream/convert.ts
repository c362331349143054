import { createReadStream } from 'node:fs';
import { CsvError, parse } from 'csv-parse';
import { DataError, fsReason } from '../../core/errors.js';
import { printable } from '../../core/text.js';
import { FLOAT32_MAX } from '../fits.js';
import { npyHeader } from '../read/npy.js';
import { cellNumber, checkColumns, isMissing, labelColumn, quoted, shownValue } from '../read/table.js';

/**
 * CSV → .npy, streaming: a CSV cannot be read by row ranges (a row's byte offset is known only by
 * reading every row before it), so a file larger than memory is converted once, row by row, into
 * X.npy (m, n_x) in a chosen dtype and Y.npy (m,), which training then reads by offset (--stream).
 * Memory stays constant: rows go out in buffers of about 1 MiB, labels as they come; only the distinct
 * label texts are kept (at most MAX_TEXT_CLASSES), to number text classes at the end. The .npy headers
 * are written last, into space reserved at the start, since m is known only then.
 *
 * The result reads back as the CSV reader would read the file: numeric labels as numbers (classes when
 * they are integers), text labels as classes sorted by name (Y as numpy's '<U k' strings); features in
 * the column order, without the label column. Feature names are not kept (.npy has none).
 */

/** Feature dtypes `lnn convert` writes: float32 (default: half the bytes of float64), float64 (exact), uint8 (pixels). */
export const CONVERT_DTYPES = ['float32', 'float64', 'uint8'] as const;
export type ConvertDType = (typeof CONVERT_DTYPES)[number];

/** The most distinct text labels kept to number text classes (constant memory, whatever m). */
const MAX_TEXT_CLASSES = 65536;

/** Bytes reserved for each .npy header (the data starts there, 64-byte aligned). */
const HEADER_BYTES = 128;

/** Where the converter writes: x.npy, y.npy and a scratch file of label codes, by byte position. */
export interface ConvertSink {
  write(file: 'x' | 'y' | 'codes', bytes: Uint8Array, position: number): void;
  read(file: 'codes', into: Uint8Array, position: number): void;
  truncate(file: 'y', length: number): void;
}

export interface ConvertOptions {
  /** The label column: a name or a 0-based index (-1 = last); default label, y, target, class, ... */
  label?: string | undefined;
  delimiter?: string | undefined;
  dtype?: ConvertDType | undefined;
  /** Called every ~100,000 rows with the rows written so far (progress on a long file). */
  onRows?: ((rows: number) => void) | undefined;
}

export interface ConvertResult {
  m: number;
  nx: number;
  dtype: ConvertDType;
  featureNames: string[];
  labelColumn: string;
  /** Numeric labels (written as float64) or text labels (written as strings, classes by name). */
  labels: 'numbers' | 'text';
  /** Text labels: how many classes. */
  classes?: number;
}

const DESCR: Record<ConvertDType, string> = { float32: '<f4', float64: '<f8', uint8: '|u1' };
const BYTES: Record<ConvertDType, number> = { float32: 4, float64: 8, uint8: 1 };

/** Records of a CSV file, one at a time, with the line each starts on (csv-parse's stream API). */
async function* csvRecords(file: string, delimiter: string): AsyncGenerator<{ cells: string[]; line: number }> {
  const parser = parse({ bom: true, delimiter, info: true, relax_column_count: true, skip_empty_lines: true });
  const input = createReadStream(file);
  // pipe() does not forward a read error: the parser would wait for data forever, or the error be uncaught.
  input.on('error', (e) => parser.destroy(e));
  input.pipe(parser);
  try {
    for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const newlines = r.record.reduce((n, f) => n + (f.match(/\n/g)?.length ?? 0), 0);
      yield { cells: r.record, line: r.info.lines - newlines };
    }
  } catch (e) {
    if (e instanceof CsvError) {
      const line = (e as CsvError & { lines?: number }).lines;
      throw new DataError(
        `${file}: ${line !== undefined ? `line ${line}: ` : ''}${printable(e.message.replace(/^Invalid Record Length: /, ''))} (CSV syntax)`,
        file,
      );
    }
    const code = (e as NodeJS.ErrnoException).code;
    if (code) throw new DataError(`${file}: cannot read (${fsReason(e)})`, file);
    throw e;
  }
}

/** A feature value as the dtype holds it, or the rule it breaks. */
function checkValue(v: number, dtype: ConvertDType): string | undefined {
  if (dtype === 'uint8') return Number.isInteger(v) && v >= 0 && v <= 255 ? undefined : 'uint8 holds integers 0..255';
  if (dtype === 'float32' && Math.abs(v) > FLOAT32_MAX)
    return `beyond the range of float32 (±${FLOAT32_MAX.toPrecision(5)}); convert with --dtype float64`;
  return undefined;
}

/**
 * Converts `file` (a CSV with a header row) into x.npy and y.npy through `sink`.
 * @throws DataError naming the file, the line and the column of the first value that breaks a rule.
 */
export async function convertCsv(file: string, sink: ConvertSink, opts: ConvertOptions = {}): Promise<ConvertResult> {
  const dtype = opts.dtype ?? 'float32';
  const records = csvRecords(file, opts.delimiter ?? ',');
  const head = await records.next();
  if (head.done) throw new DataError(`${file}: is empty; a CSV needs a header row and at least one example row`, file);
  const columns = head.value.cells.map((c) => c.trim());
  checkColumns(columns, file);
  const y = labelColumn(columns, opts.label, file);
  const features = columns.map((_, i) => i).filter((i) => i !== y);
  if (features.length === 0)
    throw new DataError(
      `${file}: has only the label column ${quoted(columns[y]!)}; there must be at least one feature column`,
      file,
    );
  const w = new RowWriter(sink, features.length, dtype);
  const labels = new LabelWriter(sink);
  for await (const { cells, line } of records) {
    const at = (col: number) => `${file}: line ${line}, column ${quoted(columns[col]!)}`;
    if (cells.length !== columns.length)
      throw new DataError(
        `${file}: line ${line} has ${cells.length} field${cells.length === 1 ? '' : 's'} but the header (line ${head.value.line}) has ${columns.length}; every row needs one value per column`,
        file,
      );
    const lc = cells[y]!;
    if (isMissing(lc)) throw new DataError(`${at(y)}: the label is missing; every example needs one`, file);
    for (let i = 0; i < features.length; i++) {
      const c = cells[features[i]!]!;
      if (isMissing(c))
        throw new DataError(
          `${at(features[i]!)}: missing value; fill it in (lnn convert writes no missing values; lnn train --impute mean reads the CSV itself)`,
          file,
        );
      const v = cellNumber(c);
      if (v === undefined)
        throw new DataError(
          `${at(features[i]!)}: ${shownValue(c)} is not a number; features must be finite numbers (encode categories as numbers first)`,
          file,
        );
      const bad = checkValue(v, dtype);
      if (bad) throw new DataError(`${at(features[i]!)}: ${shownValue(c)} does not fit: ${bad}`, file);
      w.set(i, v);
    }
    w.next();
    labels.add(lc);
    if (opts.onRows && w.m % 100_000 === 0) opts.onRows(w.m);
  }
  const m = w.finish();
  if (m === 0) throw new DataError(`${file}: has a header but no examples (m = 0)`, file);
  sink.write('x', npyHeader([m, features.length], DESCR[dtype], HEADER_BYTES), 0);
  const text = labels.finish(m, file);
  return {
    m,
    nx: features.length,
    dtype,
    featureNames: features.map((i) => columns[i]!),
    labelColumn: columns[y]!,
    labels: text === undefined ? 'numbers' : 'text',
    ...(text !== undefined ? { classes: text } : {}),
  };
}

/** X rows into x.npy, a buffer of about 1 MiB at a time. */
class RowWriter {
  m = 0;
  private readonly rows: number;
  private readonly buf: Uint8Array;
  private readonly values: Float32Array | Float64Array | Uint8Array;
  private filled = 0;
  private position = HEADER_BYTES;

  constructor(
    private readonly sink: ConvertSink,
    private readonly n: number,
    dtype: ConvertDType,
  ) {
    const rowBytes = n * BYTES[dtype];
    this.rows = Math.max(1, Math.floor(2 ** 20 / rowBytes));
    this.buf = new Uint8Array(this.rows * rowBytes);
    this.values =
      dtype === 'float32'
        ? new Float32Array(this.buf.buffer)
        : dtype === 'float64'
          ? new Float64Array(this.buf.buffer)
          : this.buf;
  }

  set(i: number, v: number): void {
    this.values[this.filled * this.n + i] = v;
  }

  next(): void {
    this.m++;
    if (++this.filled === this.rows) this.flush();
  }

  private flush(): void {
    const bytes = this.buf.subarray(0, (this.filled * this.buf.length) / this.rows);
    this.sink.write('x', bytes, this.position);
    this.position += bytes.length;
    this.filled = 0;
  }

  finish(): number {
    if (this.filled > 0) this.flush();
    return this.m;
  }
}

/**
 * Labels into y.npy as float64 as they come (NaN for text), and the code of each label's text into a
 * scratch file while there are at most MAX_TEXT_CLASSES distinct texts; at the end, numeric labels keep
 * the float64 file, text labels rewrite it as strings from the codes.
 */
class LabelWriter {
  private readonly texts = new Map<string, number>();
  private overflow = false;
  private anyText = false;
  private readonly values = new Float64Array(8192);
  private readonly codes = new Int32Array(8192);
  private filled = 0;
  private m = 0;

  constructor(private readonly sink: ConvertSink) {}

  add(cell: string): void {
    const v = cellNumber(cell);
    if (v === undefined) this.anyText = true;
    const t = cell.trim();
    let code = this.texts.get(t);
    if (code === undefined && !this.overflow) {
      if (this.texts.size >= MAX_TEXT_CLASSES) this.overflow = true;
      else this.texts.set(t, (code = this.texts.size));
    }
    this.values[this.filled] = v ?? NaN;
    this.codes[this.filled] = code ?? -1;
    if (++this.filled === this.values.length) this.flush();
  }

  private flush(): void {
    const k = this.filled;
    this.sink.write('y', new Uint8Array(this.values.buffer, 0, 8 * k), HEADER_BYTES + 8 * this.m);
    this.sink.write('codes', new Uint8Array(this.codes.buffer, 0, 4 * k), 4 * this.m);
    this.m += k;
    this.filled = 0;
  }

  /** Writes y.npy's header (and, for text labels, its strings); returns the number of text classes. */
  finish(m: number, file: string): number | undefined {
    if (this.filled > 0) this.flush();
    if (!this.anyText) {
      this.sink.write('y', npyHeader([m], '<f8', HEADER_BYTES), 0);
      return undefined;
    }
    if (this.overflow)
      throw new DataError(
        `${file}: the labels have text and more than ${MAX_TEXT_CLASSES} distinct values; text labels are classes, and so many classes are more likely a wrong --label column`,
        file,
      );
    this.writeText(m);
    return this.texts.size;
  }

  /** Rewrites y.npy as '<U k' strings (k the longest label), reading the codes back a buffer at a time. */
  private writeText(m: number): void {
    const names = [...this.texts.keys()];
    const k = Math.max(1, ...names.map((s) => [...s].length));
    const encoded = names.map((s) => {
      const out = new Uint32Array(k);
      [...s].forEach((ch, i) => (out[i] = ch.codePointAt(0)!));
      return new Uint8Array(out.buffer);
    });
    this.sink.truncate('y', 0);
    this.sink.write('y', npyHeader([m], `<U${k}`, HEADER_BYTES), 0);
    const chunk = 8192;
    const codes = new Int32Array(chunk);
    const out = new Uint8Array(chunk * 4 * k);
    for (let r = 0; r < m; r += chunk) {
      const count = Math.min(chunk, m - r);
      this.sink.read('codes', new Uint8Array(codes.buffer, 0, 4 * count), 4 * r);
      for (let e = 0; e < count; e++) out.set(encoded[codes[e]!]!, e * 4 * k);
      this.sink.write('y', out.subarray(0, count * 4 * k), HEADER_BYTES + r * 4 * k);
    }
  }
}
