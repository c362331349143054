/**
 * CSV → .npy by streaming (convertCsv) into a sink in memory: the arrays as the CSV reader would read
 * the file, the buffers' edges, and every refusal with its line and column.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DataError } from '../../../src/core/errors.js';
import { convertCsv, type ConvertOptions, type ConvertSink } from '../../../src/data/stream/convert.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-convert-unit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Files of bytes in memory, written and read at positions as the converter asks. */
class MemorySink implements ConvertSink {
  readonly files = { x: new Uint8Array(0), y: new Uint8Array(0), codes: new Uint8Array(0) };
  writes = { x: 0, y: 0, codes: 0 };

  write(file: 'x' | 'y' | 'codes', bytes: Uint8Array, position: number): void {
    this.writes[file]++;
    const old = this.files[file];
    const end = Math.max(old.length, position + bytes.length);
    const grown = new Uint8Array(end);
    grown.set(old);
    grown.set(bytes, position);
    this.files[file] = grown;
  }

  read(file: 'codes', into: Uint8Array, position: number): void {
    into.set(this.files[file].subarray(position, position + into.length));
  }

  truncate(file: 'y', length: number): void {
    this.files[file] = this.files[file].slice(0, length);
  }
}

/** A .npy file's header (descr and shape) and its data bytes, read here rather than through the readers. */
function npy(bytes: Uint8Array): { descr: string; shape: number[]; data: Uint8Array } {
  assert.deepEqual(Array.from(bytes.subarray(0, 6)), [0x93, ...Buffer.from('NUMPY')]);
  const length = bytes[8]! | (bytes[9]! << 8);
  const header = Buffer.from(bytes.subarray(10, 10 + length)).toString('latin1');
  const descr = /'descr': '([^']+)'/.exec(header)![1]!;
  const shape = /'shape': \(([^)]*)\)/
    .exec(header)![1]!
    .split(',')
    .filter((s) => s.trim() !== '')
    .map(Number);
  assert.equal(10 + length, 128, 'the data starts at the reserved 128 bytes');
  return { descr, shape, data: bytes.subarray(128) };
}

function floats(d: Uint8Array, kind: 'f4' | 'f8'): number[] {
  const copy = d.slice();
  return Array.from(kind === 'f4' ? new Float32Array(copy.buffer) : new Float64Array(copy.buffer));
}

/** The '<U k' strings of y.npy. */
function strings(d: Uint8Array, k: number): string[] {
  const cps = new Uint32Array(d.slice().buffer);
  const out: string[] = [];
  for (let i = 0; i < cps.length; i += k)
    out.push(String.fromCodePoint(...Array.from(cps.subarray(i, i + k)).filter((c) => c !== 0)));
  return out;
}

let n = 0;
/** Converts this CSV text; returns the result and the sink. */
async function convert(text: string, opts: ConvertOptions = {}) {
  const file = join(dir, `f${n++}.csv`);
  writeFileSync(file, text);
  const sink = new MemorySink();
  const result = await convertCsv(file, sink, opts);
  return { result, sink, file };
}

/** Asserts the conversion of `text` fails with exactly `message` (FILE stands for the file's path). */
async function refuses(text: string, message: string, opts: ConvertOptions = {}): Promise<void> {
  const file = join(dir, `f${n++}.csv`);
  writeFileSync(file, text);
  await assert.rejects(convertCsv(file, new MemorySink(), opts), (e: unknown) => {
    assert.ok(e instanceof DataError, String(e));
    assert.equal((e as Error).message, message.replaceAll('FILE', file));
    return true;
  });
}

describe('convertCsv', () => {
  test('numeric labels: X (m, n_x) float32 row by row without the label column, Y (m,) float64', async () => {
    const { result, sink } = await convert('a,y,b\n1,0,2\n3,1,4.5\n-5,2,6\n');
    assert.deepEqual(result, {
      m: 3,
      nx: 2,
      dtype: 'float32',
      featureNames: ['a', 'b'],
      labelColumn: 'y',
      labels: 'numbers',
    });
    const x = npy(sink.files.x);
    assert.equal(x.descr, '<f4');
    assert.deepEqual(x.shape, [3, 2]);
    assert.deepEqual(floats(x.data, 'f4'), [1, 2, 3, 4.5, -5, 6]);
    const y = npy(sink.files.y);
    assert.equal(y.descr, '<f8');
    assert.deepEqual(y.shape, [3]);
    assert.deepEqual(floats(y.data, 'f8'), [0, 1, 2]);
  });

  test('one example, float64 and uint8; a BOM, padded header names and --label by index', async () => {
    const f64 = await convert('\ufeff x , t \n0.1,9\n', { dtype: 'float64', label: '-1' });
    assert.equal(f64.result.m, 1);
    assert.deepEqual(f64.result.featureNames, ['x']);
    assert.equal(f64.result.labelColumn, 't');
    const x = npy(f64.sink.files.x);
    assert.equal(x.descr, '<f8');
    assert.deepEqual(x.shape, [1, 1]);
    assert.deepEqual(floats(x.data, 'f8'), [0.1]);
    const u8 = await convert('label,p,q\n1,0,255\n0,7,8\n', { dtype: 'uint8' });
    const ux = npy(u8.sink.files.x);
    assert.equal(ux.descr, '|u1');
    assert.deepEqual(Array.from(ux.data), [0, 255, 7, 8]);
  });

  test('text labels: Y as <U k strings (k the longest, in code points), classes counted', async () => {
    const { result, sink } = await convert('x,label\n1,cat\n2,dög\n3, cat \n4,ox\n');
    assert.equal(result.labels, 'text');
    assert.equal(result.classes, 3);
    const y = npy(sink.files.y);
    assert.equal(y.descr, '<U3');
    assert.deepEqual(y.shape, [4]);
    assert.equal(y.data.length, 4 * 4 * 3, 'the float64 labels written first are cut away');
    assert.deepEqual(strings(y.data, 3), ['cat', 'dög', 'cat', 'ox']);
  });

  test('labels one number and one text are text: every label is a class', async () => {
    const { result, sink } = await convert('x,y\n1,1\n2,b\n');
    assert.equal(result.labels, 'text');
    assert.deepEqual(strings(npy(sink.files.y).data, 1), ['1', 'b']);
  });

  test('rows go out in buffers of about 1 MiB: an odd count of rows over several buffers, in order', async () => {
    // 50,000 float64 features: 400,000 bytes a row, 2 rows a buffer; 5 rows = 2 + 2 + 1.
    const nx = 50_000;
    const row = (r: number) => Array.from({ length: nx }, (_, i) => (i === 0 || i === nx - 1 ? r : 0)).join(',');
    const text = `y,${Array.from({ length: nx }, (_, i) => `f${i}`).join(',')}\n${[0, 1, 2, 3, 4].map((r) => `${r % 2},${row(r + 1)}`).join('\n')}\n`;
    const { result, sink } = await convert(text, { dtype: 'float64' });
    assert.equal(result.m, 5);
    assert.equal(result.nx, nx);
    assert.equal(sink.writes.x, 3 + 1, 'three buffers of rows, then the header');
    const x = npy(sink.files.x);
    assert.deepEqual(x.shape, [5, nx]);
    const values = floats(x.data, 'f8');
    assert.equal(values.length, 5 * nx);
    for (let r = 0; r < 5; r++) {
      assert.equal(values[r * nx], r + 1, `row ${r} first`);
      assert.equal(values[r * nx + nx - 1], r + 1, `row ${r} last`);
    }
  });

  test('labels past one buffer (8,192) and text rewritten from the codes a buffer at a time', async () => {
    const m = 8193;
    const rows = Array.from({ length: m }, (_, j) => `${j},${j % 3 === 0 ? 'a' : 'bb'}`).join('\n');
    const { result, sink } = await convert(`x,label\n${rows}\n`);
    assert.equal(result.m, m);
    assert.equal(result.classes, 2);
    const y = npy(sink.files.y);
    assert.deepEqual(y.shape, [m]);
    const got = strings(y.data, 2);
    assert.equal(got.length, m);
    assert.equal(got[0], 'a');
    assert.equal(got[8191], 'bb');
    assert.equal(got[8192], 'bb');
    assert.equal(got[8190], 'a');
    const x = floats(npy(sink.files.x).data, 'f4');
    assert.equal(x[8192], 8192);
  });

  test('onRows is told every 100,000 rows; 65,537 distinct text labels are refused at the end', async () => {
    // Labels c0 ... c65536: one more distinct text than a conversion keeps (65,536); the rest repeat c65536.
    const rows = Array.from({ length: 100_001 }, (_, j) => `c${Math.min(j, 65_536)},${j & 7}`).join('\n');
    const seen: number[] = [];
    await refuses(
      `y,x\n${rows}\n`,
      'FILE: the labels have text and more than 65536 distinct values; text labels are classes, and so many classes are more likely a wrong --label column',
      { onRows: (r) => seen.push(r) },
    );
    assert.deepEqual(seen, [100_000]);
  });

  test('a file that cannot be read is a DataError naming it and why, never an uncaught error', async () => {
    for (const file of [join(dir, 'absent.csv'), dir]) {
      await assert.rejects(convertCsv(file, new MemorySink()), (e: unknown) => {
        assert.ok(e instanceof DataError, String(e));
        assert.match(
          (e as Error).message,
          new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: cannot read \\(`),
        );
        return true;
      });
    }
  });

  test('every refusal names the file, the line and the column', async () => {
    await refuses('', 'FILE: is empty; a CSV needs a header row and at least one example row');
    await refuses('x,y\n', 'FILE: has a header but no examples (m = 0)');
    await refuses('y\n1\n', "FILE: has only the label column 'y'; there must be at least one feature column");
    await refuses(
      'x,x,y\n1,2,3\n',
      "FILE: column name 'x' appears twice in the header (columns 1 and 2); names must be unique",
    );
    await refuses(
      'p,q\n1,2\n',
      "FILE: name the label column with --label COLUMN (no column is called label, labels, y, target, class); columns are 'p', 'q'",
    );
    await refuses(
      'x,y\n1,0\n2\n',
      'FILE: line 3 has 1 field but the header (line 1) has 2; every row needs one value per column',
    );
    await refuses(
      'x,y\n1,0\n2,1,3\n',
      'FILE: line 3 has 3 fields but the header (line 1) has 2; every row needs one value per column',
    );
    await refuses('x,y\n1,NA\n', "FILE: line 2, column 'y': the label is missing; every example needs one");
    await refuses(
      'x,y\n?,1\n',
      "FILE: line 2, column 'x': missing value; fill it in (lnn convert writes no missing values; lnn train --impute mean reads the CSV itself)",
    );
    await refuses(
      'x,y\n1,0\nred,1\n',
      `FILE: line 3, column 'x': "red" is not a number; features must be finite numbers (encode categories as numbers first)`,
    );
    await refuses(
      'x,y\n1e39,0\n',
      `FILE: line 2, column 'x': "1e39" does not fit: beyond the range of float32 (±3.4028e+38); convert with --dtype float64`,
    );
    await refuses('x,y\n256,0\n', `FILE: line 2, column 'x': "256" does not fit: uint8 holds integers 0..255`, {
      dtype: 'uint8',
    });
    await refuses('x,y\n0.5,0\n', `FILE: line 2, column 'x': "0.5" does not fit: uint8 holds integers 0..255`, {
      dtype: 'uint8',
    });
    await refuses('x,y\n-1,0\n', `FILE: line 2, column 'x': "-1" does not fit: uint8 holds integers 0..255`, {
      dtype: 'uint8',
    });
  });

  test('a field continued over lines counts from the line it starts on; a quote left open is CSV syntax', async () => {
    await refuses(
      'x,y\n1,"a\nb"\nred,1\n',
      `FILE: line 4, column 'x': "red" is not a number; features must be finite numbers (encode categories as numbers first)`,
    );
    await refuses(
      'x,y\n"1,0\n',
      'FILE: line 2: Quote Not Closed: the parsing is finished with an opening quote at line 2 (CSV syntax)',
    );
  });
});
