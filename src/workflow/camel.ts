/**
 * The library's options are the command line's flags in camelCase (`keepProb` for `--keep-prob`), read
 * through the same table with the same defaults and the same rules: `argsFrom` writes them in the flags'
 * form (numbers as text, lists joined by commas) and parsing goes on as for a command line. Errors then
 * name the options as the caller wrote them (`keepProb must be ...`). Browser-safe.
 */
import { UsageError, ValueError } from '../core/errors.js';
import { closest, printable } from '../core/text.js';
import type { Options, Parsed } from './parse.js';

/** `keep-prob` → `keepProb`. */
export function camel(flag: string): string {
  return flag.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** One value in the flags' form: numbers as text, lists joined by commas, `true` for a flag given. */
function flagValue(key: string, v: unknown, type: 'string' | 'boolean'): string | boolean | undefined {
  if (v === undefined || v === null) return undefined;
  if (type === 'boolean') {
    if (typeof v !== 'boolean') throw new UsageError(`${key} must be true or false but is ${printable(String(v))}`);
    return v ? true : undefined;
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'number' || typeof x === 'string')) return v.join(',');
  throw new UsageError(`${key} must be a text, a number or a list of numbers but is ${JSON.stringify(v) ?? typeof v}`);
}

/**
 * The options in the flags' form, each absent one at the table's default (as on the command line).
 * `skip` lists library-only keys (callbacks, signal) the caller reads itself.
 * @throws UsageError `unknown option 'lrate' (did you mean lr?)`
 */
export function argsFrom(options: Record<string, unknown>, table: Options, skip: readonly string[] = []): Parsed {
  const byCamel = new Map(Object.keys(table).map((flag) => [camel(flag), flag]));
  const out: Parsed = {};
  for (const [flag, spec] of Object.entries(table)) out[flag] = spec.default;
  for (const [key, v] of Object.entries(options)) {
    if (skip.includes(key)) continue;
    const flag = byCamel.get(key);
    if (flag === undefined) {
      const near = closest(key, [...byCamel.keys()]);
      throw new UsageError(`unknown option '${printable(key)}'${near ? ` (did you mean ${near}?)` : ''}`);
    }
    const value = flagValue(key, v, table[flag]!.type);
    if (value !== undefined) out[flag] = value;
    else if (table[flag]!.type === 'boolean') out[flag] = undefined;
  }
  return out;
}

/**
 * A library call's option error in the caller's words: `--keep-prob` becomes `keepProb`. A usage error
 * becomes a ValueError (the library's kind for a value outside its domain); others pass unchanged.
 */
export function inCallersWords(e: unknown): unknown {
  if (!(e instanceof UsageError)) return e;
  const text = e.message.replace(/--([a-z][a-z0-9-]*)/g, (_, flag: string) => camel(flag));
  return new ValueError(text);
}
