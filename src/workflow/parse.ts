/**
 * Options as the command line and the library both give them: the flags' table (`Options`), the values
 * parsed from it (`Parsed`: flag name → text, or true), and the readers that check each value by its
 * rule, with the rule in the message (`--lr must be a number > 0 but is 'x'`). The library's camelCase
 * options are turned into the same `Parsed` form (camel.ts), so both read one table with one set of rules.
 */
import { UsageError, ValueError } from '../core/errors.js';
import { closest, printable } from '../core/text.js';
import {
  describeRule,
  HYPERPARAMETERS,
  satisfies,
  type HyperparameterName,
  type NumberRule,
} from '../nn/hyperparameters.js';

export { UsageError };

/** One option of a command, as `--help` lists it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** The placeholder shown in help: `--lr RATE`. */
  value?: string;
  default?: string | boolean;
  short?: string;
  /** The option may be given more than once; its value is then the list (a sweep's alternatives). */
  repeatable?: boolean;
}

export type Options = Record<string, OptionSpec>;
export type Parsed = Record<string, string | boolean | undefined>;
/** Every value of each repeatable option, in the order given (a single value is a list of one). */
export type Repeated = Record<string, string[]>;

/** Where a command writes: results to `out` (stdout), progress and logs to `err` (stderr). */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is a terminal (progress bars only then). */
  errIsTTY: boolean;
  /**
   * Resolves once stdout has taken what `out` was given: a command that writes a large output in pieces
   * (lnn predict) waits on it between pieces, so that a slow reader holds back the writer instead of
   * the pieces piling up in memory. Absent: nothing to wait for.
   */
  drain?: () => Promise<void>;
}

/** What a command is run with besides its options. */
export interface Invocation {
  /** Positional arguments (only for commands that declare `positionals`). */
  positionals: string[];
  /** The whole command line after `lnn`, as given (for run records). */
  argv: readonly string[];
  /** Every value of each repeatable option. */
  repeated: Repeated;
}

/** Decimal numbers as people write them: 12, -0.5, .5, 1e-3, 2.5E+4 (not 0x10, Infinity, or an empty string). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const INTEGER = /^[+-]?\d+$/;

/**
 * Reads a string option as a number, with the rule in the error: `--lr must be a number > 0 but is 'x'`.
 * Integers are written in digits (`1e9` and `0x10` are refused as integers).
 */
export function numberOption(
  args: Parsed,
  name: string,
  rule: Omit<NumberRule, 'name' | 'flag'> = {},
): number | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  const text = typeof raw === 'string' ? raw.trim() : '';
  const v = Number(text);
  const syntax = rule.integer ? INTEGER : DECIMAL;
  if (!syntax.test(text) || !satisfies({ name, flag: name, ...rule }, v))
    throw new UsageError(
      `--${name} must be ${describeRule({ name, flag: name, ...rule })} but is '${printable(String(raw))}'`,
    );
  return v;
}

/** Reads a hyperparameter option by its rule in the library's table (`--lr`, `--keep-prob`, ...). */
export function hyperparameterOption(args: Parsed, key: HyperparameterName): number | undefined {
  const rule = HYPERPARAMETERS[key];
  return numberOption(args, rule.flag, rule);
}

/** Reads a comma-separated list of positive integers (`--dims 12288,20,7,5,1`). */
export function intListOption(args: Parsed, name: string): number[] | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  const parts = String(raw)
    .split(',')
    .map((s) => s.trim());
  const values = parts.map(Number);
  const bad = parts.findIndex((s, i) => !INTEGER.test(s) || values[i]! < 1);
  if (bad >= 0)
    throw new UsageError(
      `--${name} must be positive integers separated by commas but item ${bad + 1} is '${printable(parts[bad]!)}' (in '${printable(String(raw))}')`,
    );
  return values;
}

export function choiceOption<T extends string>(args: Parsed, name: string, choices: readonly T[]): T | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  if (!choices.includes(raw as T)) {
    const near = closest(String(raw), choices);
    throw new UsageError(
      `--${name} must be one of ${choices.join(', ')} but is '${printable(String(raw))}'${near ? ` (did you mean ${near}?)` : ''}`,
    );
  }
  return raw as T;
}

/**
 * Runs a library call on an option's value and turns its ValueError into a usage error that names the
 * option once (the one way the CLI does this): 'normalize must be ...' → '--normalize must be ...',
 * 'ratios must sum to 1' → '--split: ratios must sum to 1'.
 */
export function optionValue<T>(option: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    const bare = option.replace(/^--/, '');
    const msg = e.message;
    if (msg.startsWith(option)) throw new UsageError(msg);
    if (msg.startsWith(`${bare} `) || msg.startsWith(`${bare}:`)) throw new UsageError(`--${msg}`);
    throw new UsageError(`${option}: ${msg}`);
  }
}

/** Runs `f`; its ValueError becomes a usage error with the same message (the value came from the command line). */
export function asUsageError<T>(f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof ValueError) throw new UsageError(e.message);
    throw e;
  }
}
