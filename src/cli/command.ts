import { parseArgs } from 'node:util';
import { closest } from '../core/text.js';
import { UsageError, type Io, type Invocation, type Options, type Parsed, type Repeated } from '../workflow/parse.js';

export interface Command {
  name: string;
  summary: string;
  /** Usage lines after `lnn <name>`, e.g. '--data FILE [options]'. */
  usage: string;
  options: Options;
  /** What positional arguments mean, e.g. 'RUN_OR_MODEL'; commands without it refuse them. */
  positionals?: string;
  /** Extra help text (examples). */
  details?: string;
  run(args: Parsed, io: Io, invocation: Invocation): Promise<number | void>;
}

/**
 * Parses a command's arguments strictly: unknown options, a value missing, extra positional arguments
 * (unless the command takes them), and an option given twice (unless it is repeatable) are usage errors.
 * A value that starts with '-' and reads as a number (`--label -1`, `--seed -1`) is a value, not an option.
 */
export function parseCommandArgs(
  cmd: Command,
  argv: readonly string[],
): { values: Parsed; positionals: string[]; repeated: Repeated } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }> = {};
  for (const [name, spec] of Object.entries(cmd.options))
    options[name] = { type: spec.type, ...(spec.short ? { short: spec.short } : {}), multiple: true };
  let parsed;
  try {
    parsed = parseArgs({ args: attachNegativeValues(cmd, argv), options, strict: true, allowPositionals: true });
  } catch (e) {
    // node's messages ("Unknown option '--foo'...") are good; keep their first sentence, and name the
    // option a typo most likely meant.
    const msg = (e as Error).message.split('. ')[0]!.replace(/\.$/, '');
    throw new UsageError(msg + suggestion(cmd, msg));
  }
  const values: Parsed = {};
  const repeated: Repeated = {};
  for (const [name, spec] of Object.entries(cmd.options)) {
    const given = (parsed.values as Record<string, (string | boolean)[] | undefined>)[name];
    if (given && given.length > 1 && !spec.repeatable)
      throw new UsageError(`--${name} is given ${given.length} times; give it once`);
    if (spec.repeatable && given) repeated[name] = given.map(String);
    values[name] = given?.[0] ?? spec.default;
  }
  if (parsed.positionals.length > 0 && !cmd.positionals)
    throw new UsageError(`unexpected argument '${parsed.positionals[0]}'; lnn ${cmd.name} takes only options`);
  return { values, positionals: parsed.positionals, repeated };
}

/** What other libraries call lnn's options (Keras, scikit-learn, tfjs). */
const ALIASES: Record<string, string> = {
  'learning-rate': 'lr',
  learning_rate: 'lr',
  learningrate: 'lr',
  alpha_l2: 'l2',
  lambda: 'l2',
  'weight-decay': 'l2',
  dropout: 'keep-prob',
  batch: 'batch-size',
  'max-iter': 'iterations',
  layers: 'hidden',
  units: 'hidden',
  'hidden-layer-sizes': 'hidden',
};

/** Habits from other libraries that no one lnn option replaces: a pointer to how lnn does it, by option. */
const POINTERS: Record<string, { needs: string; text: string }> = {
  'validation-split': {
    needs: 'split',
    text: 'lnn keeps a dev set by --split, e.g. --split 80,20,0, or takes one with --dev FILE',
  },
  'test-size': { needs: 'split', text: 'lnn splits train/dev/test by --split, e.g. --split 70,15,15' },
  'validation-data': { needs: 'dev', text: 'give a dev set with --dev FILE (or --dev-x and --dev-y)' },
  verbose: { needs: 'quiet', text: 'progress goes to stderr; --quiet turns it off' },
};

/** ' (did you mean --epochs?)' for an unknown option close to one the command has, or a pointer; else ''. */
function suggestion(cmd: Command, message: string): string {
  const given = /^Unknown option '-{1,2}([^'=]+)'/.exec(message)?.[1]?.toLowerCase().replace(/_/g, '-');
  if (!given) return '';
  const pointer = POINTERS[given] ?? POINTERS[given.replace(/^val-/, 'validation-')];
  if (pointer && pointer.needs in cmd.options) return ` (${pointer.text})`;
  const alias = ALIASES[given] ?? ALIASES[given.replace(/-/g, '_')];
  const near = alias && alias in cmd.options ? alias : closest(given, Object.keys(cmd.options));
  return near ? ` (did you mean --${near}?)` : '';
}

/** `--seed -1` → `--seed=-1` for string options, so a negative number is read as the value it is. */
function attachNegativeValues(cmd: Command, argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = argv[i + 1];
    const spec = a.startsWith('--') && !a.includes('=') ? cmd.options[a.slice(2)] : undefined;
    if (spec?.type === 'string' && next !== undefined && /^-(\d|\.\d)/.test(next)) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
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
