import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  closeSync,
  mkdtempSync,
  openSync,
  readFileSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { STORED_TYPES, toMatrix, type StoredType } from '../../src/data/features.js';
import { loadNpyPair } from '../../src/data/read/load.js';
import { allocNpy, encodeNpy, npyHeader, parseNpy, parseNpyStrings } from '../../src/data/read/npy.js';
import { loadNpyRows, openNpyRows, probeNpy } from '../../src/data/read/npy-file.js';
import { repoRoot } from '../helpers/util.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-npy-file-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A .npy of `descr` holding `values` (written by hand, so that every dtype and byte order is covered). */
function npy(name: string, shape: number[], descr: string, values: number[]): string {
  const size = Number(/\d+$/.exec(descr)![0]);
  const little = !descr.startsWith('>');
  const data = new DataView(new ArrayBuffer(values.length * size));
  values.forEach((v, t) => {
    const at = t * size;
    const kind = descr[1];
    if (kind === 'f') size === 4 ? data.setFloat32(at, v, little) : data.setFloat64(at, v, little);
    else if (kind === 'u')
      size === 1
        ? data.setUint8(at, v)
        : size === 2
          ? data.setUint16(at, v, little)
          : size === 4
            ? data.setUint32(at, v, little)
            : data.setBigUint64(at, BigInt(v), little);
    else if (kind === 'b') data.setUint8(at, v);
    else
      size === 1
        ? data.setInt8(at, v)
        : size === 2
          ? data.setInt16(at, v, little)
          : size === 4
            ? data.setInt32(at, v, little)
            : data.setBigInt64(at, BigInt(v), little);
  });
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat([npyHeader(shape, descr), new Uint8Array(data.buffer)]));
  return file;
}

describe('.npy features in the file dtype', () => {
  const values = [0, 1, 2, 100, 7, 5];
  for (const descr of ['|u1', '|i1', '<i2', '>i2', '<u4', '>f4', '<f8', '>f8', '<i8', '>u8', '|b1'])
    it(`${descr}: in memory and on disk, the values parseNpy reads`, () => {
      const v =
        descr === '|b1' ? [0, 1, 1, 0, 1, 0] : descr.includes('i') ? values.map((x, i) => (i % 2 ? -x : x)) : values;
      const file = npy(
        `x${descr.replace(/[<>|]/g, (c) => ({ '<': 'l', '>': 'b', '|': 'n' })[c]!)}.npy`,
        [3, 2],
        descr,
        v,
      );
      const expected = parseNpy(new Uint8Array(readFileSync(file))).data;
      const mem = loadNpyRows(file),
        disk = openNpyRows(file);
      assert.equal(disk.onDisk, true);
      assert.equal(mem.onDisk, false);
      for (const X of [mem, disk]) {
        const M = toMatrix(X);
        assert.deepEqual([M.rows, M.cols], [2, 3]);
        for (let e = 0; e < 3; e++) for (let i = 0; i < 2; i++) assert.equal(M.data[i * 3 + e], expected[e * 2 + i]);
      }
      assert.deepEqual(probeNpy(file).m, 3);
    });

  it('a (m, 64, 64, 3) array is m examples of n_x = 12288 values', () => {
    const file = join(dir, 'img.npy');
    writeFileSync(file, encodeNpy([2, 64, 64, 3], new Uint8Array(2 * 12288).fill(9), '|u1'));
    assert.deepEqual(probeNpy(file), { m: 2, n: 12288, stored: 'uint8', bytes: 24576 });
    assert.equal(loadNpyRows(file).memoryBytes, 24576);
  });
});

describe('a truncated .npy names the file, the example and its byte offset', () => {
  it('when it is opened', () => {
    const file = npy('short.npy', [4, 2], '<f4', [1, 2, 3, 4, 5, 6, 7, 8]);
    truncateSync(file, 128 + 4 * 5); // 2.5 examples of 8 bytes
    for (const open of [loadNpyRows, openNpyRows])
      assert.throws(() => open(file), {
        name: 'DataError',
        message: `${file}: truncated .npy data (byte 148): shape (4, 2) of <f4 needs 32 bytes after the header but the file has 20; example 2 (byte 144) is the first one cut off`,
      });
  });

  it('when it is cut while its rows are being read (disk)', () => {
    const file = npy('cut.npy', [4, 2], '<f4', [1, 2, 3, 4, 5, 6, 7, 8]);
    const X = openNpyRows(file);
    assert.equal(toMatrix(X).data[1], 3);
    truncateSync(file, 128 + 8 * 3 + 2);
    assert.throws(() => toMatrix(X), {
      name: 'DataError',
      message: `${file}: truncated .npy data: example 3 (byte 152) is cut off; the file now ends at byte 154, shorter than its header says (was it changed while lnn read it?)`,
    });
  });
});

describe('a .npy changed while its rows are read from disk stops the reads, naming what changed', () => {
  it('written over in place: the same size, new contents', () => {
    const file = npy('rewritten.npy', [4, 2], '<f4', [1, 2, 3, 4, 5, 6, 7, 8]);
    // A modification time far in the past: the write cannot fall within the same clock tick.
    utimesSync(file, 1_000_000_000, 1_000_000_000);
    const X = openNpyRows(file);
    assert.equal(toMatrix(X).data[1], 3);
    const fd = openSync(file, 'r+');
    writeSync(fd, new Uint8Array(8), 0, 8, 128 + 8);
    closeSync(fd);
    assert.throws(() => toMatrix(X), {
      name: 'DataError',
      message: new RegExp(
        `^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: changed while lnn read it: it was written to: its modification time went from 2001-09-09T01:46:40\\.000000000Z to \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{9}Z; a file cut or changed mid-run stops the run, since the examples read before and after would not be one data set$`,
      ),
    });
  });

  it('appended to', () => {
    const file = npy('grown.npy', [4, 2], '<f4', [1, 2, 3, 4, 5, 6, 7, 8]);
    const X = openNpyRows(file);
    appendFileSync(file, new Uint8Array(8));
    assert.throws(() => toMatrix(X), {
      name: 'DataError',
      message: `${file}: changed while lnn read it: its size went from 160 to 168 bytes; a file cut or changed mid-run stops the run, since the examples read before and after would not be one data set`,
    });
  });
});

/** A .npy of 64-bit integers given as bigints (beyond what a number holds), in `descr`'s byte order. */
function npy64(name: string, shape: number[], descr: '<i8' | '>i8' | '<u8', values: bigint[]): string {
  const data = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((v, t) =>
    descr === '<u8' ? data.setBigUint64(8 * t, v, true) : data.setBigInt64(8 * t, v, descr === '<i8'),
  );
  const file = join(dir, name);
  writeFileSync(file, Buffer.concat([npyHeader(shape, descr), new Uint8Array(data.buffer)]));
  return file;
}

describe('64-bit integer labels beyond ±2^53, which float64 cannot tell apart, are refused', () => {
  const two53 = 2n ** 53n;
  const x = () => npy('x4.npy', [4, 1], '<f8', [1, 2, 3, 4]);
  const rule =
    'is beyond ±2^53 (9007199254740992); 64-bit integer labels must lie within it, where every integer is a distinct float64 (2^53 and 2^53 + 1 would merge into one class)';

  it('int64 2^53 and 2^53 + 1 are two labels: refused at the first beyond, naming the example', () => {
    for (const descr of ['<i8', '>i8'] as const) {
      const y = npy64(`y53${descr[0] === '<' ? 'le' : 'be'}.npy`, [4], descr, [0n, two53, two53 + 1n, 1n]);
      assert.throws(() => loadNpyPair(x(), y), {
        name: 'DataError',
        message: `${y}: label 9007199254740993 of example 2 ${rule}`,
      });
    }
    const negative = npy64('yneg.npy', [4], '<i8', [0n, -two53 - 2n, 1n, 1n]);
    assert.throws(() => loadNpyPair(x(), negative), {
      message: `${negative}: label -9007199254740994 of example 1 ${rule}`,
    });
  });

  it('uint64, one row of K values an example: the example is the row', () => {
    const y = npy64('yu64.npy', [4, 2], '<u8', [1n, 0n, 0n, 1n, 1n, 0n, 0n, 2n ** 64n - 1n]);
    assert.throws(() => loadNpyPair(x(), y), { message: `${y}: label 18446744073709551615 of example 3 ${rule}` });
  });

  it('up to ±2^53 they are exact: three classes', () => {
    const y = npy64('yok.npy', [4], '<i8', [-two53, 0n, two53, 0n]);
    assert.deepEqual(loadNpyPair(x(), y).classes, ['-9007199254740992', '0', '9007199254740992']);
  });
});

describe('text labels as numpy strings', () => {
  it("'<U k' labels become classes sorted by name, as a CSV's text labels do", () => {
    const y = join(dir, 'ytext.npy');
    const names = ['dog', 'cat', 'dog', 'bird'];
    const k = 4;
    const data = new Uint32Array(names.length * k);
    names.forEach((s, e) => [...s].forEach((ch, c) => (data[e * k + c] = ch.codePointAt(0)!)));
    writeFileSync(y, Buffer.concat([npyHeader([4], `<U${k}`), new Uint8Array(data.buffer)]));
    assert.deepEqual(parseNpyStrings(new Uint8Array(readFileSync(y)))!.strings, names);
    const x = npy('xt.npy', [4, 1], '<f8', [1, 2, 3, 4]);
    const d = loadNpyPair(x, y);
    assert.deepEqual(d.classes, ['bird', 'cat', 'dog']);
    assert.deepEqual(Array.from(d.labels.data), [2, 1, 2, 0]);
  });

  it('refuses features as text, naming the dtype', () => {
    const x = join(dir, 'xs.npy');
    writeFileSync(x, Buffer.concat([npyHeader([1], '<U1'), new Uint8Array(4)]));
    assert.throws(() => loadNpyRows(x), { name: 'DataError', message: /dtype "<U1" is not supported/ });
  });
});

describe('allocNpy: a .npy of any stored type, filled through a typed array', () => {
  it('reads back in its own dtype with the values written, the data on a 64-byte boundary', () => {
    const values = [0, 1, 2, 3, 4, 5, 100, 127];
    for (const type of Object.keys(STORED_TYPES) as StoredType[]) {
      const { bytes, values: out } = allocNpy([4, 2], type);
      out.set(values);
      const file = join(dir, `alloc-${type}.npy`);
      writeFileSync(file, bytes);
      const rows = loadNpyRows(file);
      assert.equal(rows.stored, type);
      assert.equal(bytes.length - out.length * STORED_TYPES[type].bytes, 128, type);
      assert.deepEqual(Array.from(toMatrix(rows).data), [0, 2, 4, 100, 1, 3, 5, 127], type);
    }
  });
});

describe('a .npy left on disk holds its file only while it is used', () => {
  it('opening the same file 500 times and dropping it does not keep 500 descriptors', () => {
    const file = npy('fds.npy', [4, 2], '<f4', [1, 2, 3, 4, 5, 6, 7, 8]);
    const code = `
      import { readdirSync } from 'node:fs';
      import { openNpyRows } from './src/data/read/npy-file.ts';
      const open = () => readdirSync('/proc/self/fd').length;
      const before = open();
      for (let i = 0; i < 500; i++) if (openNpyRows(${JSON.stringify(file)}).cols !== 4) throw new Error('shape');
      const held = open() - before;
      // A FinalizationRegistry's callbacks run in a later turn of the event loop than the collection:
      // collect and turn the loop until the files are closed, a few rounds at most.
      let after = held;
      for (let round = 0; round < 20 && after >= 50; round++) {
        globalThis.gc();
        await new Promise((resolve) => setImmediate(resolve));
        after = open() - before;
      }
      console.log(JSON.stringify({ held, after }));`;
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', code], {
      cwd: repoRoot,
      encoding: 'utf8',
    });
    const { held, after: left } = JSON.parse(out) as { held: number; after: number };
    assert.ok(held >= 400, `the rows hold their files while reachable (${held})`);
    assert.ok(left < 50, `${left} descriptors still open after the rows were collected`);
  });
});
