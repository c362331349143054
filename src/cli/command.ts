import { parseArgs } from 'node:util';

/** One option of a command, as `--help` lists it. */
export interface OptionSpec {
  type: 'string' | 'boolean';
  description: string;
  /** The placeholder shown in help: `--lr RATE`. */
  value?: string;
  default?: string | boolean;
  short?: string;
}

export type Options = Record<string, OptionSpec>;
export type Parsed = Record<string, string | boolean | undefined>;

/** Where a command writes: results to `out` (stdout), progress and logs to `err` (stderr). */
export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Whether stderr is a terminal (progress bars only then). */
  errIsTTY: boolean;
}

export interface Command {
  name: string;
  summary: string;
  /** Usage lines after `lnn <name>`, e.g. '--data FILE [options]'. */
  usage: string;
  options: Options;
  /** Extra help text (examples). */
  details?: string;
  run(args: Parsed, positionals: string[], io: Io): Promise<number | void>;
}

/** A command-line mistake: printed as one line with a pointer to --help, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export function parseCommandArgs(cmd: Command, argv: string[]): { values: Parsed; positionals: string[] } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {};
  for (const [name, spec] of Object.entries(cmd.options))
    options[name] = spec.short ? { type: spec.type, short: spec.short } : { type: spec.type };
  try {
    const { values, positionals } = parseArgs({ args: argv, options, strict: true, allowPositionals: true });
    const out: Parsed = {};
    for (const [name, spec] of Object.entries(cmd.options)) out[name] = (values as Parsed)[name] ?? spec.default;
    return { values: out, positionals };
  } catch (e) {
    // node's messages ("Unknown option '--foo'...") are good; keep their first sentence.
    const msg = (e as Error).message.split('. ')[0]!.replace(/\.$/, '');
    throw new UsageError(msg);
  }
}

export function helpText(cmd: Command): string {
  const lines = [`lnn ${cmd.name} — ${cmd.summary}`, '', `Usage: lnn ${cmd.name} ${cmd.usage}`, '', 'Options:'];
  const rows = Object.entries(cmd.options).map(([name, s]) => {
    const flag = `${s.short ? `-${s.short}, ` : ''}--${name}${s.type === 'string' ? ` ${s.value ?? 'VALUE'}` : ''}`;
    const def = s.default !== undefined && s.default !== false ? ` (default: ${s.default})` : '';
    return [flag, s.description + def] as const;
  });
  rows.push(['-h, --help', 'show this help']);
  const width = Math.min(34, Math.max(...rows.map((r) => r[0].length)) + 2);
  for (const [flag, desc] of rows)
    lines.push(`  ${flag.padEnd(width)}${flag.length >= width ? `\n  ${' '.repeat(width)}` : ''}${desc}`);
  if (cmd.details) lines.push('', cmd.details.trimEnd());
  return lines.join('\n') + '\n';
}

/** Reads a string option as a number, with the rule in the error. */
export function numberOption(
  args: Parsed,
  name: string,
  rule: { min?: number; max?: number; integer?: boolean; exclusiveMin?: boolean } = {},
): number | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  const v = Number(raw);
  const what = rule.integer ? 'an integer' : 'a number';
  const range =
    rule.min !== undefined && rule.max !== undefined
      ? ` in ${rule.exclusiveMin ? '(' : '['}${rule.min}, ${rule.max}]`
      : rule.min !== undefined
        ? ` ${rule.exclusiveMin ? '>' : '≥'} ${rule.min}`
        : '';
  const ok =
    typeof raw === 'string' &&
    raw.trim() !== '' &&
    Number.isFinite(v) &&
    (!rule.integer || Number.isInteger(v)) &&
    (rule.min === undefined || (rule.exclusiveMin ? v > rule.min : v >= rule.min)) &&
    (rule.max === undefined || v <= rule.max);
  if (!ok) throw new UsageError(`--${name} must be ${what}${range} but is '${raw}'`);
  return v;
}

/** Reads a comma-separated list of positive integers (`--dims 12288,20,7,5,1`). */
export function intListOption(args: Parsed, name: string): number[] | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  const parts = String(raw)
    .split(',')
    .map((s) => s.trim());
  const values = parts.map(Number);
  const bad = parts.findIndex((s, i) => s === '' || !Number.isInteger(values[i]) || values[i]! < 1);
  if (bad >= 0)
    throw new UsageError(
      `--${name} must be positive integers separated by commas but item ${bad + 1} is '${parts[bad]}' (in '${raw}')`,
    );
  return values;
}

export function choiceOption<T extends string>(args: Parsed, name: string, choices: readonly T[]): T | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  if (!choices.includes(raw as T))
    throw new UsageError(`--${name} must be one of ${choices.join(', ')} but is '${raw}'`);
  return raw as T;
}
