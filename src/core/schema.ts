/**
 * Checks for JSON that crossed a boundary (a queue peer's result, a record another program can edit):
 * each check returns the value in the shape the code expects, or throws a `SchemaError` naming the path
 * inside the document and the rule, e.g. `run.history.costs must be an array but is 5`. `checked` turns
 * that into the one-line DataError of the file or source. Browser-safe.
 */
import { DataError } from './errors.js';
import { printable } from './text.js';

/** A check: the value as T, or a SchemaError naming `path` and the rule it broke. */
export type Check<T> = (value: unknown, path: string) => T;

/** A value broke a rule; `message` is `PATH must be RULE but is VALUE`. */
export class SchemaError extends Error {
  override name = 'SchemaError';
}

/** A value for a message: its JSON, cut short and printable; objects and arrays by their kind. */
export function shownValue(v: unknown): string {
  if (v === undefined) return 'missing';
  if (Array.isArray(v)) return `an array of ${v.length}`;
  if (v !== null && typeof v === 'object') return 'an object';
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  // JSON.stringify throws on a bigint (a value from a program, not a parsed file) and skips functions.
  if (typeof v === 'bigint') return `${v}n`;
  const text = JSON.stringify(v) ?? String(v);
  return printable(text.length > 40 ? `${text.slice(0, 40)}...` : text);
}

function fail(path: string, rule: string, v: unknown): never {
  throw new SchemaError(`${path || 'the document'} must be ${rule} but is ${shownValue(v)}`);
}

/** Runs `check` on a document; a broken rule becomes `WHERE: PATH must be ...` as a DataError. */
export function checked<T>(check: Check<T>, value: unknown, where: string, file?: string): T {
  try {
    return check(value, '');
  } catch (e) {
    if (e instanceof SchemaError) throw new DataError(`${where}: ${e.message}`, file);
    throw e;
  }
}

const at = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

export interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

/** A finite number (an integer, within [min, max] when asked). */
export function num(rule: NumberRule = {}): Check<number> {
  const parts = [rule.integer ? 'an integer' : 'a finite number'];
  if (rule.min !== undefined) parts.push(`≥ ${rule.min}`);
  if (rule.max !== undefined) parts.push(`≤ ${rule.max}`);
  const text = parts.join(' ');
  return (v, path) => {
    const ok =
      typeof v === 'number' &&
      Number.isFinite(v) &&
      (!rule.integer || Number.isInteger(v)) &&
      (rule.min === undefined || v >= rule.min) &&
      (rule.max === undefined || v <= rule.max);
    return ok ? v : fail(path, text, v);
  };
}

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/**
 * A measured number: finite, or a diverged value written as the text "NaN", "Infinity" or "-Infinity"
 * (JSON has no such numbers; records write them so), returned as the number.
 */
export const measured: Check<number> = (v, path) => {
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && Object.hasOwn(NON_FINITE, v)) return NON_FINITE[v]!;
  return fail(path, 'a number (or "NaN", "Infinity")', v);
};

export interface StringRule {
  /** Longest accepted length. */
  max?: number;
  pattern?: RegExp;
  /** How the pattern reads in a message: 'a 16-digit hex id'. */
  describe?: string;
}

/** A string (at most `max` long, matching `pattern` when given). */
export function str(rule: StringRule = {}): Check<string> {
  const text = rule.describe ?? (rule.max !== undefined ? `a string of at most ${rule.max} characters` : 'a string');
  return (v, path) => {
    const ok =
      typeof v === 'string' &&
      (rule.max === undefined || v.length <= rule.max) &&
      (rule.pattern === undefined || rule.pattern.test(v));
    return ok ? v : fail(path, text, v);
  };
}

export const bool: Check<boolean> = (v, path) => (typeof v === 'boolean' ? v : fail(path, 'true or false', v));

/** One of the listed values. */
export function oneOf<const T extends string | number | boolean>(values: readonly T[]): Check<T> {
  const text = `one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;
  return (v, path) => (values.includes(v as T) ? (v as T) : fail(path, text, v));
}

/** Marks an object member that may be absent (undefined); null is not absent. */
export interface Optional<T> extends Check<T | undefined> {
  optional: true;
}

export function optional<T>(check: Check<T>): Optional<T> {
  const c = ((v: unknown, path: string) => (v === undefined ? undefined : check(v, path))) as Optional<T>;
  c.optional = true;
  return c;
}

/** An array of at most `max` items, each checked. */
export function arrayOf<T>(check: Check<T>, max = Infinity): Check<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) return fail(path, 'an array', v);
    if (v.length > max) return fail(path, `an array of at most ${max}`, v);
    return v.map((x, i) => check(x, at(path, i)));
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

type Shape = Record<string, Check<unknown>>;
type Value<C> = C extends Check<infer T> ? Exclude<T, undefined> : never;
/** The checked object's type: members marked `optional` may be absent. */
type Out<S extends Shape> = { [K in keyof S as S[K] extends Optional<unknown> ? never : K]: Value<S[K]> } & {
  [K in keyof S as S[K] extends Optional<unknown> ? K : never]?: Value<S[K]>;
};

/**
 * An object with these members, each checked; a member marked `optional` may be absent. Members the
 * shape does not name are dropped: what is kept is only what was checked.
 */
export function object<S extends Shape>(shape: S): Check<Out<S>> {
  return (v, path) => {
    if (!isPlainObject(v)) return fail(path, 'an object', v);
    const out: Record<string, unknown> = {};
    for (const [key, check] of Object.entries(shape)) {
      const value = Object.hasOwn(v, key) ? v[key] : undefined;
      if (value === undefined && !(check as Partial<Optional<unknown>>).optional) fail(at(path, key), 'present', value);
      const got = check(value, at(path, key));
      if (got !== undefined) out[key] = got;
    }
    return out as Out<S>;
  };
}

/** An object whose keys are free (at most `max` of them) and whose values are checked. */
export function recordOf<T>(check: Check<T>, max = 1000): Check<Record<string, T>> {
  return (v, path) => {
    if (!isPlainObject(v)) return fail(path, 'an object', v);
    const keys = Object.keys(v);
    if (keys.length > max) return fail(path, `an object of at most ${max} members`, v);
    return Object.fromEntries(keys.map((k) => [k, check(v[k], at(path, printable(k)))]));
  };
}

/** The first check that accepts the value; `rule` names them all for the message. */
export function either<A, B>(a: Check<A>, b: Check<B>, rule: string): Check<A | B> {
  return (v, path) => {
    for (const c of [a, b]) {
      try {
        return c(v, path);
      } catch (e) {
        if (!(e instanceof SchemaError)) throw e;
      }
    }
    return fail(path, rule, v);
  };
}

/** Any JSON value nested at most `depth` levels (for free-form members such as hyperparameters). */
export function jsonValue(depth = 8): Check<unknown> {
  const walk = (v: unknown, path: string, d: number): unknown => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean') return v;
    if (typeof v === 'number') return Number.isFinite(v) ? v : fail(path, 'a JSON value', v);
    if (d >= depth) return fail(path, `nested at most ${depth} levels`, v);
    if (Array.isArray(v)) return v.map((x, i) => walk(x, at(path, i), d + 1));
    if (isPlainObject(v))
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x, at(path, k), d + 1)]));
    return fail(path, 'a JSON value', v);
  };
  return (v, path) => walk(v, path, 0);
}
