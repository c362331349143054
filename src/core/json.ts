import { DataError } from './errors.js';
import { printable } from './text.js';

/**
 * JSON.parse with an error that names the file, the line and column, and says when the text simply
 * stops (a truncated file). Browser-safe: it takes the text, not the file. The message is one line and
 * never echoes the file's bytes raw (V8 quotes the text around a bad token; that part is dropped).
 */
export function parseJsonText(text: string, file: string): unknown {
  // A byte-order mark (editors on Windows write one) is not part of the document, as in the data readers.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new DataError(`${file}: the file is empty`, file);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new DataError(
      `${file}: not valid JSON${jsonErrorWhere(text, e)} (truncated or corrupted?): ${jsonErrorReason(e)}`,
      file,
    );
  }
}

/** ' at line L, column C' from a JSON.parse error (when V8 gives a position), or ' at the end' for a cut-off text. */
export function jsonErrorWhere(text: string, e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  const pos = /position (\d+)/.exec(msg)?.[1];
  if (pos !== undefined) {
    const before = text.slice(0, Number(pos));
    return ` at line ${before.split('\n').length}, column ${Number(pos) - before.lastIndexOf('\n')}`;
  }
  return /Unexpected end/.test(msg) ? ' at the end (the file is truncated)' : '';
}

/** V8's reason for a JSON.parse error without the position and without the quoted input, printable. */
export function jsonErrorReason(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return printable(msg.replace(/ in JSON at position \d+.*$/s, '').replace(/, (\.\.\.)?".*$/s, ''));
}

/** How deep canonicalJson follows nested arrays and objects before refusing (far beyond any lnn file). */
const MAX_DEPTH = 256;

/**
 * The canonical text of a JSON value: what JSON.stringify writes (numbers as JSON writes them, undefined
 * members left out, non-finite numbers as null), with every object's keys in ascending UTF-16 code-unit
 * order and no whitespace, so that the same value always gives the same text however its file was
 * formatted or its keys were ordered. Used for checksums over whole documents.
 * @example canonicalJson({ b: [1.5, null], a: 'x' }) // => '{"a":"x","b":[1.5,null]}'
 * @throws DataError when the value nests deeper than 256 levels (no lnn document does).
 */
export function canonicalJson(value: unknown, where = 'value'): string {
  const out: string[] = [];
  const walk = (v: unknown, depth: number): void => {
    if (depth > MAX_DEPTH)
      throw new DataError(`${where}: nests more than ${MAX_DEPTH} levels of arrays and objects`, where);
    if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function')
      v = (v as { toJSON: () => unknown }).toJSON();
    if (v === null || typeof v === 'boolean') out.push(String(v));
    else if (typeof v === 'number') out.push(Number.isFinite(v) ? JSON.stringify(v) : 'null');
    else if (typeof v === 'string') out.push(JSON.stringify(v));
    else if (Array.isArray(v)) {
      out.push('[');
      v.forEach((x, i) => {
        if (i > 0) out.push(',');
        if (x === undefined || typeof x === 'function' || typeof x === 'symbol') out.push('null');
        else walk(x, depth + 1);
      });
      out.push(']');
    } else if (typeof v === 'object') {
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o)
        .filter((k) => o[k] !== undefined && typeof o[k] !== 'function' && typeof o[k] !== 'symbol')
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      out.push('{');
      keys.forEach((k, i) => {
        out.push(`${i > 0 ? ',' : ''}${JSON.stringify(k)}:`);
        walk(o[k], depth + 1);
      });
      out.push('}');
    } else throw new DataError(`${where}: a ${typeof v} has no JSON form`, where);
  };
  walk(value, 0);
  return out.join('');
}
