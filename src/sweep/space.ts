/**
 * The search space of a sweep: for each hyperparameter, either the values to try (`--lr 0.1 --lr 0.01`)
 * or a range to sample (`--lr 1e-4..1e-1`). Values stay the text a user writes on `lnn train`'s command
 * line, so a trial is "the base options plus these" and every trial is checked by train's own parser.
 * Browser-safe: no Node imports.
 */
import { ValueError } from '../core/errors.js';
import type { Rng } from '../core/rng.js';
import { printable } from '../core/text.js';
import { HIDDEN_ACTIVATIONS, parseActivation } from '../nn/activations.js';
import { describeRule, HYPERPARAMETERS, satisfies, type HyperparameterName } from '../nn/hyperparameters.js';
import { parseInit } from '../nn/initializers.js';
import { OPTIMIZER_HYPERPARAMETERS, OPTIMIZERS, type OptimizerHyperparameter } from '../nn/update.js';

/** What kind of value a sweepable option takes. */
type Kind =
  | { kind: 'number'; rule: HyperparameterName }
  | { kind: 'widths' }
  | { kind: 'choice'; choices: readonly string[] }
  | { kind: 'init' };

/** Each optimizer's hyperparameters (OPTIMIZER_INFO), by their flag: `beta1: { kind: 'number', rule: 'beta1' }`. */
const OPTIMIZER_AXES = Object.fromEntries(
  OPTIMIZER_HYPERPARAMETERS.map((k) => [HYPERPARAMETERS[k].flag, { kind: 'number', rule: k }]),
) as { [K in OptimizerHyperparameter as (typeof HYPERPARAMETERS)[K]['flag']]: { kind: 'number'; rule: K } };

/**
 * The hyperparameters a sweep may vary, by their `lnn train` option: the course's (learning rate,
 * iterations or epochs, hidden layers and units, activation) and the others train takes. A range is
 * sampled log-uniformly when its rule says the values span decades (the learning rate, ε), else uniformly.
 */
export const SWEEPABLE = {
  lr: { kind: 'number', rule: 'learningRate' },
  iterations: { kind: 'number', rule: 'iterations' },
  epochs: { kind: 'number', rule: 'epochs' },
  'batch-size': { kind: 'number', rule: 'batchSize' },
  hidden: { kind: 'widths' },
  activation: { kind: 'choice', choices: HIDDEN_ACTIVATIONS },
  optimizer: { kind: 'choice', choices: OPTIMIZERS },
  init: { kind: 'init' },
  l2: { kind: 'number', rule: 'l2' },
  'keep-prob': { kind: 'number', rule: 'keepProb' },
  ...OPTIMIZER_AXES,
  alpha: { kind: 'number', rule: 'alpha' },
} as const satisfies Record<string, Kind>;

export type SweepKey = keyof typeof SWEEPABLE;
export const SWEEP_KEYS = Object.keys(SWEEPABLE) as SweepKey[];

/** One hyperparameter of the space: listed values, or a range sampled by `random`. */
export type Axis =
  | { key: SweepKey; kind: 'values'; values: string[] }
  | { key: SweepKey; kind: 'range'; min: number; max: number; integer: boolean; log: boolean };

/** A trial's own values, by option: `{ lr: '0.01', hidden: '16,8' }`. */
export type TrialValues = Partial<Record<SweepKey, string>>;

export function isSweepKey(key: string): key is SweepKey {
  return Object.hasOwn(SWEEPABLE, key);
}

/**
 * @throws ValueError `unknown hyperparameter 'lrate'; a sweep varies lr, iterations, ...`
 */
export function checkSweepKey(key: string, where: string): SweepKey {
  if (!isSweepKey(key))
    throw new ValueError(`${where}unknown hyperparameter '${printable(key)}'; a sweep varies ${SWEEP_KEYS.join(', ')}`);
  return key;
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INTEGER = /^[+-]?\d+$/;
const RANGE = /^(.+?)\.\.(.+)$/;

/**
 * Reads the texts given for one hyperparameter: several values, or one range `MIN..MAX`. Each value is
 * checked by the option's rule and written in a canonical form (`0.10` → `0.1`, `16, 8` → `16,8`).
 * @throws ValueError `--lr 1e-1..1e-4: the range's min 0.1 is above its max 0.0001`
 */
export function parseAxis(key: SweepKey, texts: readonly string[]): Axis {
  const flag = `--${key}`;
  if (texts.length === 0) throw new ValueError(`${flag}: the space lists no value for it (an empty space)`);
  const ranges = texts.filter((t) => RANGE.test(t.trim()) && !/^scaled:/i.test(t.trim()));
  if (ranges.length > 0) {
    if (texts.length > 1)
      throw new ValueError(
        `${flag}: give either values or one range MIN..MAX, not both ('${printable(ranges[0]!)}' among ${texts.length} values)`,
      );
    return parseRange(key, texts[0]!.trim());
  }
  const values = texts.map((t) => canonicalValue(key, t));
  const twice = values.find((v, i) => values.indexOf(v) !== i);
  if (twice !== undefined) throw new ValueError(`${flag} ${twice} is listed twice; list each value once`);
  return { key, kind: 'values', values };
}

function parseRange(key: SweepKey, text: string): Axis {
  const flag = `--${key}`;
  const spec: Kind = SWEEPABLE[key];
  if (spec.kind !== 'number')
    throw new ValueError(`${flag} ${printable(text)}: only numeric hyperparameters take a range; list the values`);
  const [, a, b] = RANGE.exec(text)!;
  const rule = HYPERPARAMETERS[spec.rule];
  const integer = 'integer' in rule && rule.integer === true;
  const read = (s: string, end: string): number => {
    const t = s.trim();
    const v = Number(t);
    if (!(integer ? INTEGER : DECIMAL).test(t) || !satisfies(rule, v))
      throw new ValueError(
        `${flag} ${printable(text)}: the range's ${end} must be ${describeRule(rule)} but is '${printable(t)}'`,
      );
    return v;
  };
  const min = read(a!, 'min'),
    max = read(b!, 'max');
  if (min > max) throw new ValueError(`${flag} ${printable(text)}: the range's min ${min} is above its max ${max}`);
  const log = 'log' in rule && rule.log === true;
  if (log && min <= 0)
    throw new ValueError(`${flag} ${printable(text)}: this range is sampled on a log scale, so its min must be > 0`);
  return { key, kind: 'range', min, max, integer, log };
}

/**
 * One value of a hyperparameter, checked by its rule, in canonical form.
 * @throws ValueError `--keep-prob must be a number in (0, 1] but is '1.5'`
 */
export function canonicalValue(key: SweepKey, text: string): string {
  const flag = `--${key}`;
  const t = text.trim();
  const spec: Kind = SWEEPABLE[key];
  switch (spec.kind) {
    case 'number': {
      const rule = HYPERPARAMETERS[spec.rule];
      const integer = 'integer' in rule && rule.integer === true;
      const v = Number(t);
      if (!(integer ? INTEGER : DECIMAL).test(t) || !satisfies(rule, v))
        throw new ValueError(`${flag} must be ${describeRule(rule)} but is '${printable(text)}'`);
      return String(v);
    }
    case 'widths':
      return canonicalWidths(flag, t, text);
    case 'choice': {
      const v = key === 'activation' ? parseActivation(t, flag) : t.toLowerCase();
      if (!spec.choices.includes(v))
        throw new ValueError(`${flag} must be one of ${spec.choices.join(', ')} but is '${printable(text)}'`);
      return v;
    }
    case 'init':
      if (/\.json$/i.test(t)) return t;
      try {
        parseInit(t);
      } catch (e) {
        throw new ValueError(`${flag}: ${(e as Error).message.replace(/^--init /, '')}`);
      }
      return t.toLowerCase();
  }
}

function canonicalWidths(flag: string, t: string, text: string): string {
  if (t === 'none') return 'none';
  const parts = t.split(',').map((s) => s.trim());
  const bad = parts.findIndex((s) => !/^\d+$/.test(s) || Number(s) < 1);
  if (t === '' || bad >= 0)
    throw new ValueError(
      `${flag} must be positive integers separated by commas (one list of widths per value), or 'none', but is '${printable(text)}'`,
    );
  return parts.map(Number).join(',');
}

/** Hidden widths of a `--hidden` value: [] for 'none'. */
export function widthsOf(value: string): number[] {
  return value === 'none' ? [] : value.split(',').map(Number);
}

/** A `--hidden` value for widths: 'none' for []. */
export function widthsValue(widths: readonly number[]): string {
  return widths.length === 0 ? 'none' : widths.join(',');
}

/**
 * A space made of axes from several places (command line, `--space` file): each hyperparameter at most
 * once, and iterations and epochs not both (a trial trains for one or the other).
 * @throws ValueError `--lr is given on the command line and in space.json; give it in one place`
 */
export function mergeAxes(groups: readonly { where: string; axes: readonly Axis[] }[]): Axis[] {
  const out: Axis[] = [];
  const from = new Map<SweepKey, string>();
  for (const { where, axes } of groups)
    for (const a of axes) {
      const before = from.get(a.key);
      if (before !== undefined)
        throw new ValueError(
          `--${a.key} is given ${before === where ? `twice in ${where}` : `in ${before} and in ${where}`}; give it in one place`,
        );
      from.set(a.key, where);
      out.push(a);
    }
  if (from.has('iterations') && from.has('epochs'))
    throw new ValueError('the space varies both --iterations and --epochs; a trial trains for one or the other');
  return out;
}

/**
 * Reads a `--space` JSON document: `{ "lr": [0.1, 0.01], "hidden": ["16,8", "32"], "l2": "0..0.1",
 * "epochs": { "min": 2, "max": 10 } }`. Keys are `lnn train` options; values a list, a range text, or
 * `{ min, max, log? }`.
 * @throws ValueError naming the file and the key
 */
export function axesFromJson(json: unknown, file: string): Axis[] {
  if (!json || typeof json !== 'object' || Array.isArray(json))
    throw new ValueError(`${file}: a space must be a JSON object like {"lr": [0.1, 0.01], "hidden": ["16", "32,16"]}`);
  const out: Axis[] = [];
  for (const [rawKey, v] of Object.entries(json as Record<string, unknown>)) {
    const key = checkSweepKey(rawKey.replace(/^--/, ''), `${file}: `);
    const at = (e: unknown): never => {
      throw new ValueError(`${file}: ${(e as Error).message}`);
    };
    try {
      if (Array.isArray(v))
        out.push(
          parseAxis(
            key,
            v.map((x) => jsonScalar(key, x)),
          ),
        );
      else if (typeof v === 'string' || typeof v === 'number') out.push(parseAxis(key, [String(v)]));
      else if (v && typeof v === 'object') out.push(rangeFromObject(key, v as Record<string, unknown>));
      else throw new ValueError(`--${key} must be a list of values, a range "MIN..MAX" or {"min": ..., "max": ...}`);
    } catch (e) {
      if (e instanceof ValueError) at(e);
      throw e;
    }
  }
  return out;
}

function jsonScalar(key: SweepKey, x: unknown): string {
  if (typeof x === 'string' || typeof x === 'number') return String(x);
  if (key === 'hidden' && Array.isArray(x)) return x.length === 0 ? 'none' : x.map(String).join(',');
  throw new ValueError(`--${key}: each value must be a number or a text but one is ${JSON.stringify(x)}`);
}

function rangeFromObject(key: SweepKey, o: Record<string, unknown>): Axis {
  const extra = Object.keys(o).find((k) => !['min', 'max', 'log'].includes(k));
  if (extra !== undefined || typeof o['min'] !== 'number' || typeof o['max'] !== 'number')
    throw new ValueError(`--${key}: a range object is {"min": NUMBER, "max": NUMBER, "log": true|false}`);
  const axis = parseRange(key, `${o['min']}..${o['max']}`);
  if (axis.kind !== 'range' || o['log'] === undefined) return axis;
  if (typeof o['log'] !== 'boolean') throw new ValueError(`--${key}: "log" must be true or false`);
  if (o['log'] && axis.min <= 0) throw new ValueError(`--${key}: a log-scale range needs min > 0`);
  return { ...axis, log: o['log'] };
}

/** How an axis reads in messages and records: `0.1 | 0.01` or `1e-4..0.1 (log)`. */
export function describeAxis(a: Axis): string {
  return a.kind === 'values' ? a.values.join(' | ') : `${a.min}..${a.max}${a.log ? ' (log)' : ''}`;
}

/**
 * One draw from a range: log-uniform for rates, uniform otherwise; integers stay integers (uniform over
 * min..max inclusive). Drawn values keep 3 significant digits, so a trial reads as a person would set it.
 */
export function sampleRange(a: Extract<Axis, { kind: 'range' }>, rng: Rng): string {
  const u = rng.random();
  if (a.integer) {
    const lo = Math.ceil(a.min),
      hi = Math.floor(a.max);
    return String(lo + Math.floor(u * (hi - lo + 1)));
  }
  const v = a.log ? Math.exp(Math.log(a.min) + u * (Math.log(a.max) - Math.log(a.min))) : a.min + u * (a.max - a.min);
  const rounded = Number(v.toPrecision(3));
  return String(Math.min(a.max, Math.max(a.min, rounded)));
}
