import { closeSync, fstatSync, readSync } from 'node:fs';
import { DataError } from '../../core/errors.js';
import { checkUnchanged, openRegular, stampAt, stampOf } from '../../io/regular-file.js';
import { STORED_TYPES, type StoredArray, type StoredType } from '../features.js';
import { checkNpySize, parseNpyHeader, type NpyHeader } from './npy.js';
import { MemoryRows, RowFeatures, type FileStamp, type RowBacking, type StreamSpec } from '../rows.js';

/**
 * Features from a .npy file in the file's own dtype: read whole into memory (one typed array, the size
 * of the file's data), or left on disk and read by row ranges at their byte offsets — the format puts
 * row r at dataOffset + r · rowBytes, which is what lets a file larger than memory be trained on.
 */

/** How the values of a descr are held: the stored type, and what to do to the bytes after reading. */
export interface NpyLayout {
  stored: StoredType;
  /** Element bytes to reverse (a big-endian file on a little-endian machine). */
  swap?: number | undefined;
  /** 64-bit integers, held as float64 (the same 8 bytes, converted in place). */
  int64?: 'signed' | 'unsigned' | undefined;
}

/** The layout of a numpy dtype; every dtype parseNpy reads has one. */
function npyLayout(descr: string, file: string): NpyLayout {
  const m = /^([<>|=])([iufb])(\d+)$/.exec(descr);
  const kinds: Record<string, StoredType> = {
    u1: 'uint8',
    b1: 'uint8',
    i1: 'int8',
    u2: 'uint16',
    i2: 'int16',
    u4: 'uint32',
    i4: 'int32',
    f4: 'float32',
    f8: 'float64',
    i8: 'float64',
    u8: 'float64',
  };
  const key = m ? `${m[2]}${m[3]}` : '';
  const stored = kinds[key];
  if (!m || !stored)
    throw new DataError(
      `${file}: .npy dtype ${JSON.stringify(descr)} is not supported (numbers only: uint8, int*, float32, float64, bool)`,
      file,
    );
  const size = Number(m[3]);
  return {
    stored,
    ...(m[1] === '>' && size > 1 ? { swap: size } : {}),
    ...(key === 'i8' ? { int64: 'signed' as const } : key === 'u8' ? { int64: 'unsigned' as const } : {}),
  };
}

/**
 * After reading raw file bytes into `bytes` (whole values, 8-byte aligned): reverses big-endian values,
 * and turns 64-bit integers into the float64 values parseNpy gives them (Number(x), in place).
 */
function fixBytes(bytes: Uint8Array, layout: Pick<NpyLayout, 'swap' | 'int64'>): void {
  const w = layout.swap;
  if (w)
    for (let t = 0; t < bytes.length; t += w)
      for (let a = t, b = t + w - 1; a < b; a++, b--) {
        const x = bytes[a]!;
        bytes[a] = bytes[b]!;
        bytes[b] = x;
      }
  if (layout.int64) {
    const count = bytes.length / 8;
    const ints =
      layout.int64 === 'signed'
        ? new BigInt64Array(bytes.buffer, bytes.byteOffset, count)
        : new BigUint64Array(bytes.buffer, bytes.byteOffset, count);
    const floats = new Float64Array(bytes.buffer, bytes.byteOffset, count);
    for (let t = 0; t < count; t++) floats[t] = Number(ints[t]!);
  }
}

/** An open .npy file: its header, size, descriptor, and its stamp as opened. */
interface OpenNpy {
  fd: number;
  header: NpyHeader;
  fileBytes: number;
  stamp: FileStamp;
}

/** Opens a .npy file (a regular file only) and reads its header, checking the file size against the shape. */
function openNpy(file: string): OpenNpy {
  const { fd, stat } = openRegular(file);
  try {
    const size = Number(stat.size);
    const head = new Uint8Array(Math.min(size, 12));
    readAll(fd, head, 0);
    let len = head.length;
    if (head.length >= 10) {
      const view = new DataView(head.buffer);
      len = head[6] === 1 ? 10 + view.getUint16(8, true) : head.length >= 12 ? 12 + view.getUint32(8, true) : 12;
    }
    const bytes = new Uint8Array(Math.min(size, len));
    readAll(fd, bytes, 0);
    const header = parseNpyHeader(bytes, file, size);
    checkNpySize(header, size, file);
    return { fd, header, fileBytes: size, stamp: stampOf(stat) };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Fills `into` from the file's byte `position` on; returns how many bytes it got before the end of the file. */
function readAll(fd: number, into: Uint8Array, position: number): number {
  const length = into.length;
  let got = 0;
  while (got < length) {
    // readSync takes at most 2 GB at a time.
    const n = readSync(fd, into, got, Math.min(length - got, 2 ** 30), position + got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

/** (m, n_x) of a .npy features file: m = the first axis, n_x = the product of the others. */
function exampleShape(h: NpyHeader, file: string): { m: number; n: number } {
  if (h.shape.length === 0)
    throw new DataError(`${file}: X is a scalar; it must hold one example per first-axis entry`, file);
  return { m: h.shape[0]!, n: h.shape.slice(1).reduce((a, b) => a * b, 1) };
}

/** The sizes of a .npy features file without reading its data: for the choice between memory and disk. */
export function probeNpy(file: string): { m: number; n: number; stored: StoredType; bytes: number } {
  const o = openNpy(file);
  closeSync(o.fd);
  const { m, n } = exampleShape(o.header, file);
  const stored = npyLayout(o.header.descr, file).stored;
  return { m, n, stored, bytes: m * n * STORED_TYPES[stored].bytes };
}

/** Features of X.npy held in memory in the file's dtype: exactly the data's bytes (int64 as float64). */
export function loadNpyRows(file: string): RowFeatures {
  const o = openNpy(file);
  try {
    const { m, n } = exampleShape(o.header, file);
    const layout = npyLayout(o.header.descr, file);
    const { bytes, view } = STORED_TYPES[layout.stored];
    const buffer = new ArrayBuffer(m * n * bytes);
    const raw = new Uint8Array(buffer);
    const { dataOffset } = o.header;
    const got = readAll(o.fd, raw, dataOffset);
    if (got < raw.length)
      throw truncated({ file, dataOffset, rowBytes: n * bytes }, { firstRow: 0, got, fileEnd: dataOffset + got });
    fixBytes(raw, layout);
    return new RowFeatures(new MemoryRows(file, n, layout.stored, view(buffer, 0, m * n)));
  } finally {
    closeSync(o.fd);
  }
}

/** Features of X.npy left on disk: rows are read when a batch, a chunk or an evaluation asks for them. */
export function openNpyRows(file: string): RowFeatures {
  return new RowFeatures(new NpyFileRows(file));
}

/** Where a .npy file's rows lie: row r at byte `dataOffset + r · rowBytes`. */
export interface NpyRowLayout {
  file: string;
  dataOffset: number;
  rowBytes: number;
}

/**
 * The message for a file that ends before the rows asked for: the file, the first example cut off and
 * its byte offset, and where the file ends now. `firstRow` was asked for at
 * `dataOffset + firstRow · rowBytes`; `got` bytes came.
 */
export function truncated(
  { file, dataOffset, rowBytes }: NpyRowLayout,
  { firstRow, got, fileEnd }: { firstRow: number; got: number; fileEnd: number },
): DataError {
  const row = firstRow + Math.floor(got / rowBytes);
  return new DataError(
    `${file}: truncated .npy data: example ${row} (byte ${dataOffset + row * rowBytes}) is cut off; the file now ends at byte ${fileEnd}, shorter than its header says (was it changed while lnn read it?)`,
    file,
  );
}

/**
 * Closes the file of an NpyFileRows that is no longer reachable: a command ends with its process, but a
 * program that opens data sets over and over (a server, a notebook) would otherwise run out of descriptors.
 */
const closeWhenCollected = new FinalizationRegistry<number>((fd) => {
  try {
    closeSync(fd);
  } catch {
    // Already closed: nothing to release.
  }
});

/** Rows of a .npy file on disk, read with pread at their byte offsets; the file closes when the rows are collected. */
class NpyFileRows implements RowBacking {
  readonly m: number;
  readonly n: number;
  readonly stored: StoredType;
  readonly stream: StreamSpec;
  private readonly layout: NpyLayout;
  private readonly rowBytes: number;
  private readonly fd: number;
  private readonly dataOffset: number;
  private readonly stamp: FileStamp;
  private readonly rowLayout: NpyRowLayout;

  constructor(readonly source: string) {
    const o = openNpy(source);
    this.fd = o.fd;
    try {
      ({ m: this.m, n: this.n } = exampleShape(o.header, source));
      this.layout = npyLayout(o.header.descr, source);
    } catch (e) {
      closeSync(o.fd);
      throw e;
    }
    closeWhenCollected.register(this, o.fd);
    this.stored = this.layout.stored;
    this.rowBytes = this.n * STORED_TYPES[this.stored].bytes;
    this.dataOffset = o.header.dataOffset;
    this.rowLayout = { file: source, dataOffset: this.dataOffset, rowBytes: this.rowBytes };
    this.stamp = o.stamp;
    this.stream = {
      kind: 'npy',
      file: source,
      stamp: o.stamp,
      dataOffset: this.dataOffset,
      swap: this.layout.swap,
      int64: this.layout.int64,
    };
  }

  /** Reads runs of consecutive rows with one pread each (rows that arrive in file order read as one run). */
  readRows(rows: ArrayLike<number>, count: number, into: StoredArray): void {
    const rb = this.rowBytes;
    const bytes = new Uint8Array(into.buffer, into.byteOffset, count * rb);
    for (let k = 0; k < count;) {
      let end = k + 1;
      while (end < count && rows[end] === rows[end - 1]! + 1) end++;
      const first = rows[k]!;
      const want = (end - k) * rb;
      const at = this.dataOffset + first * rb;
      const got = readAll(this.fd, bytes.subarray(k * rb, end * rb), at);
      if (got < want) throw truncated(this.rowLayout, { firstRow: first, got, fileEnd: fstatSync(this.fd).size });
      fixBytes(bytes.subarray(k * rb, end * rb), this.layout);
      k = end;
    }
    // After the reads, so that what was just read is known to be the file as it was opened.
    const now = stampOf(fstatSync(this.fd, { bigint: true }));
    checkUnchanged(this.source, this.stamp, { now, onPath: stampAt(this.source) }, (size) =>
      truncated(this.rowLayout, { firstRow: 0, got: Math.max(0, size - this.dataOffset), fileEnd: size }),
    );
  }
}
