import { DataError } from '../../core/errors.js';
import { printable } from '../../core/text.js';
import { STORED_TYPES, type StoredArray, type StoredType } from '../features.js';

/** Header text for a message: its JSON, at most 80 characters, printable. */
const shown = (text: string) => printable(JSON.stringify(text.length > 80 ? `${text.slice(0, 80)}...` : text));

/** A parsed NumPy .npy array: its shape and its values as float64, in C (row-major) order. */
export interface NpyArray {
  shape: number[];
  dtype: string;
  data: Float64Array;
  /** The values as stored, for int64 and uint64 (whose float64 values round beyond ±2^53). */
  int64?: BigInt64Array | BigUint64Array;
}

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** What a .npy header says: the array's shape and dtype, and where its data starts. */
export interface NpyHeader {
  shape: number[];
  /** numpy's descr: '<f4', '|u1', '>i8', ... */
  descr: string;
  /** Byte offset of the first value. */
  dataOffset: number;
  /** Bytes per value. */
  size: number;
}

/**
 * Reads a .npy header (format versions 1–3) from the first bytes of a file: `bytes` must hold at least
 * the header (10 or 12 bytes, then its length). `fileBytes` is the file's size, for the messages.
 * Every rule broken is named with the file and the byte offset.
 */
export function parseNpyHeader(bytes: Uint8Array, file = '<npy>', fileBytes = bytes.length): NpyHeader {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b))
    throw new DataError(`${file}: not a NumPy .npy file (byte 0: the magic string \\x93NUMPY is missing)`, file);
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number, headerStart: number;
  if (major === 1) ((headerLen = view.getUint16(8, true)), (headerStart = 10));
  else if (major === 2 || major === 3) {
    if (bytes.length < 12) throw new DataError(`${file}: truncated .npy header (byte 8)`, file);
    headerLen = view.getUint32(8, true);
    headerStart = 12;
  } else
    throw new DataError(
      `${file}: .npy format version ${major}.${bytes[7]} is not supported (byte 6: expected 1, 2 or 3)`,
      file,
    );
  if (headerStart + headerLen > bytes.length)
    throw new DataError(
      `${file}: truncated .npy header (byte ${headerStart}: header says ${headerLen} bytes, file has ${fileBytes - headerStart})`,
      file,
    );
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(
    bytes.subarray(headerStart, headerStart + headerLen),
  );
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined)
    throw new DataError(
      `${file}: malformed .npy header (byte ${headerStart}): expected 'descr', 'fortran_order' and 'shape' but got ${shown(header.trim())}`,
      file,
    );
  if (fortran === 'True')
    throw new DataError(
      `${file}: Fortran-ordered arrays are not supported (header byte ${headerStart}); save with np.ascontiguousarray(x)`,
      file,
    );
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map((s) => {
      const n = Number(s.replace(/L$/, ''));
      if (!Number.isInteger(n) || n < 0)
        throw new DataError(
          `${file}: malformed .npy shape (${printable(shapeText)}) at header byte ${headerStart}`,
          file,
        );
      return n;
    });
  // Unicode strings ('<U k', 4 bytes a character) for label files; numbers otherwise.
  const text = /^[<>|=]U(\d+)$/.exec(descr);
  const size = text ? 4 * Number(text[1]) : elementReader(descr, file).size;
  return { shape, descr, dataOffset: headerStart + headerLen, size };
}

/**
 * Checks that a file of `fileBytes` bytes holds exactly the data its header promises: a shorter file is
 * truncated, a longer one is not one array.
 */
export function checkNpySize(h: NpyHeader, fileBytes: number, file: string): void {
  const need = h.shape.reduce((a, b) => a * b, 1) * h.size;
  const have = fileBytes - h.dataOffset;
  if (have < need) {
    const rowBytes = (need / Math.max(1, h.shape[0] ?? 1)) | 0;
    const row = rowBytes > 0 ? Math.floor(have / rowBytes) : 0;
    throw new DataError(
      `${file}: truncated .npy data (byte ${fileBytes}): shape (${h.shape.join(', ')}) of ${h.descr} needs ${need} bytes after the header but the file has ${have}${h.shape.length > 0 && rowBytes > 0 ? `; example ${row} (byte ${h.dataOffset + row * rowBytes}) is the first one cut off` : ''}`,
      file,
    );
  }
  if (have > need)
    throw new DataError(
      `${file}: ${have - need} bytes past the end of the .npy data (byte ${h.dataOffset + need}); the file is not one array`,
      file,
    );
}

/**
 * Parses a .npy file (format versions 1–3): uint8/int8/16/32/64, uint16/32/64, float32/float64, bool,
 * little or big endian, C order, into float64 values. For labels and small arrays: features are read
 * in their own dtype by src/data/read/npy-file.ts.
 */
export function parseNpy(bytes: Uint8Array, file = '<npy>'): NpyArray {
  const h = parseNpyHeader(bytes, file);
  const reader = elementReader(h.descr, file);
  checkNpySize(h, bytes.length, file);
  const count = h.shape.reduce((a, b) => a * b, 1);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const data = new Float64Array(count);
  for (let i = 0; i < count; i++) data[i] = reader.read(view, h.dataOffset + i * reader.size);
  const wide = /^([<>|=])([iu])8$/.exec(h.descr);
  if (!wide) return { shape: h.shape, dtype: h.descr, data };
  const little = wide[1] !== '>';
  const int64 = wide[2] === 'i' ? new BigInt64Array(count) : new BigUint64Array(count);
  for (let i = 0; i < count; i++)
    int64[i] =
      wide[2] === 'i'
        ? view.getBigInt64(h.dataOffset + 8 * i, little)
        : view.getBigUint64(h.dataOffset + 8 * i, little);
  return { shape: h.shape, dtype: h.descr, data, int64 };
}

function elementReader(descr: string, file: string): { size: number; read: (v: DataView, at: number) => number } {
  const m = /^([<>|=])([iufb])(\d+)$/.exec(descr);
  if (!m)
    throw new DataError(
      `${file}: .npy dtype ${shown(descr)} is not supported (numbers only: uint8, int*, float32, float64, bool)`,
      file,
    );
  const little = m[1] !== '>';
  const kind = m[2]!,
    size = Number(m[3]);
  const key = `${kind}${size}`;
  const readers: Record<string, (v: DataView, at: number) => number> = {
    u1: (v, at) => v.getUint8(at),
    b1: (v, at) => v.getUint8(at),
    i1: (v, at) => v.getInt8(at),
    u2: (v, at) => v.getUint16(at, little),
    i2: (v, at) => v.getInt16(at, little),
    u4: (v, at) => v.getUint32(at, little),
    i4: (v, at) => v.getInt32(at, little),
    u8: (v, at) => Number(v.getBigUint64(at, little)),
    i8: (v, at) => Number(v.getBigInt64(at, little)),
    f4: (v, at) => v.getFloat32(at, little),
    f8: (v, at) => v.getFloat64(at, little),
  };
  const read = readers[key];
  if (!read)
    throw new DataError(
      `${file}: .npy dtype ${shown(descr)} is not supported (numbers only: uint8, int*, float32, float64, bool)`,
      file,
    );
  return { size, read };
}

/** Writes a C-order .npy (version 1.0) of float64 ('<f8'), int64 ('<i8') or uint8 ('|u1') values. */
export function encodeNpy(
  shape: number[],
  values: ArrayLike<number>,
  dtype: '<f8' | '<i8' | '|u1' = '<f8',
): Uint8Array {
  const count = shape.reduce((a, b) => a * b, 1);
  if (values.length !== count)
    throw new RangeError(`encodeNpy: shape (${shape.join(', ')}) needs ${count} values but got ${values.length}`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${dtype}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  const size = dtype === '|u1' ? 1 : 8;
  // Header padded with spaces and a newline so the data starts on a 64-byte boundary.
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + header.length + count * size);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  const view = new DataView(out.buffer);
  view.setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const start = 10 + header.length;
  for (let i = 0; i < count; i++) {
    const v = values[i]!;
    if (dtype === '<f8') view.setFloat64(start + 8 * i, v, true);
    else if (dtype === '<i8') view.setBigInt64(start + 8 * i, BigInt(v), true);
    else view.setUint8(start + i, v);
  }
  return out;
}

/**
 * A .npy version 1.0 header of exactly `length` bytes (a multiple of 64, so the data that follows is
 * aligned): for files written piece by piece, whose shape is known only at the end — the space is
 * reserved first and the header written last.
 * @example npyHeader([3, 2], '<f4').length // => 128
 */
export function npyHeader(shape: number[], descr: string, length = 128): Uint8Array {
  const dict = headerDict(shape, descr);
  const pad = length - 10 - dict.length - 1;
  if (pad < 0 || length % 64 !== 0 || length > 65535)
    throw new RangeError(`npyHeader: the header of shape (${shape.join(', ')}) does not fit in ${length} bytes`);
  const text = dict + ' '.repeat(pad) + '\n';
  const out = new Uint8Array(length);
  out.set(MAGIC);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, text.length, true);
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

/** The header's text: numpy's dictionary of descr, order and shape. */
function headerDict(shape: number[], descr: string): string {
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  return `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
}

/** numpy's type codes of the stored types, without the byte order. */
const STORED_CODES: Record<StoredType, string> = {
  uint8: 'u1',
  int8: 'i1',
  uint16: 'u2',
  int16: 'i2',
  uint32: 'u4',
  int32: 'i4',
  float32: 'f4',
  float64: 'f8',
};

/** This machine's byte order as a numpy descr prefix: what a typed array's bytes are in. */
const NATIVE_ORDER = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? '<' : '>';

/**
 * A .npy file (version 1.0) of `shape` in a stored type, whole: its bytes, and `values`, a typed array
 * over its data for the caller to fill (the data starts on a 64-byte boundary, and the header names
 * this machine's byte order, so the typed array's values are the file's). Every value starts at 0.
 * @example const { bytes, values } = allocNpy([m, n], 'float32'); values.set(rows); // bytes: the file
 */
export function allocNpy(shape: number[], type: StoredType): { bytes: Uint8Array; values: StoredArray } {
  const code = STORED_CODES[type];
  const descr = `${code.endsWith('1') ? '|' : NATIVE_ORDER}${code}`;
  const headerBytes = Math.ceil((10 + headerDict(shape, descr).length + 1) / 64) * 64;
  const count = shape.reduce((a, b) => a * b, 1);
  const { bytes: size, view } = STORED_TYPES[type];
  const bytes = new Uint8Array(headerBytes + count * size);
  bytes.set(npyHeader(shape, descr, headerBytes));
  return { bytes, values: view(bytes.buffer, headerBytes, count) };
}

/**
 * Parses a .npy array of fixed-width unicode strings (numpy's '<U k': k UTF-32 code units each, padded
 * with NUL), as `np.save('y.npy', np.array(['cat', 'dog']))` and `lnn convert` write text labels.
 * @returns undefined when the file holds numbers (read those with parseNpy).
 */
export function parseNpyStrings(bytes: Uint8Array, file = '<npy>'): { shape: number[]; strings: string[] } | undefined {
  const h = parseNpyHeader(bytes, file);
  const u = /^([<>|=])U(\d+)$/.exec(h.descr);
  if (!u) return undefined;
  const k = Number(u[2]);
  const count = h.shape.reduce((a, b) => a * b, 1);
  const need = count * 4 * k;
  if (bytes.length - h.dataOffset !== need)
    throw new DataError(
      `${file}: .npy data of shape (${h.shape.join(', ')}) of ${h.descr} needs ${need} bytes after the header but the file has ${bytes.length - h.dataOffset}`,
      file,
    );
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = u[1] !== '>';
  const strings: string[] = [];
  for (let e = 0; e < count; e++) {
    let s = '';
    for (let c = 0; c < k; c++) {
      const code = view.getUint32(h.dataOffset + 4 * (e * k + c), little);
      if (code === 0) break;
      if (code > 0x10ffff)
        throw new DataError(
          `${file}: string ${e} holds ${code}, not a unicode code point (byte ${h.dataOffset + 4 * (e * k + c)})`,
          file,
        );
      s += String.fromCodePoint(code);
    }
    strings.push(s);
  }
  return { shape: h.shape, strings };
}
