import { backendSummary } from '../backend/index.js';
import { DataError, ShapeError, ValueError } from '../core/errors.js';
import { closest, printable } from '../core/text.js';
import { commands } from './commands/index.js';
import { helpText, parseCommandArgs } from './command.js';
import { UsageError, type Io } from '../workflow/parse.js';

const VERSION = '0.1.0';

function mainHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 2;
  return [
    "lnn — deep L-layer neural networks, correct to the course's formulas",
    '',
    'Usage: lnn <command> [options]     (lnn <command> --help for its options)',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Examples:',
    '  lnn train --data builtin:mnist',
    '  lnn train --x train_x.npy --y train_y.npy --dims 12288,20,7,5,1 --lr 0.0075 --iterations 2500 --save cat.json',
    '  lnn eval --model cat.json --x test_x.npy --y test_y.npy',
    '',
  ].join('\n');
}

/** What other tools call lnn's commands (Keras's fit and evaluate, hyperparameter tuners' search). */
const COMMAND_HABITS: Record<string, string> = {
  fit: 'train',
  evaluate: 'eval',
  test: 'eval',
  tune: 'sweep',
  search: 'sweep',
  hparams: 'sweep',
  ls: 'runs',
  list: 'runs',
};

/** Runs `lnn <argv>`; returns the exit code. Errors become one line on stderr. */
export async function main(argv: string[], io: Io): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.err : io.out)(mainHelp());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    io.out(`${VERSION}\n${await backendSummary()}\n`);
    return 0;
  }
  const cmd = commands.find((c) => c.name === name);
  if (!cmd) {
    const near =
      COMMAND_HABITS[name.toLowerCase()] ??
      closest(
        name,
        commands.map((c) => c.name),
      );
    io.err(
      `lnn: unknown command '${printable(name)}'${near ? ` (did you mean lnn ${near}?)` : ''}; commands: ${commands.map((c) => c.name).join(', ')} (lnn --help)\n`,
    );
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.out(helpText(cmd));
    return 0;
  }
  try {
    const { values, positionals, repeated } = parseCommandArgs(cmd, rest);
    const code = await cmd.run(values, io, { positionals, argv, repeated });
    return code ?? 0;
  } catch (e) {
    return reportError(cmd.name, e, io);
  }
}

function reportError(cmd: string, e: unknown, io: Io): number {
  const err = e as Error;
  // One line, and no control character from a file can reach the terminal (a title, a colour, a cursor move).
  const oneLine = (s: string) => printable(s.replace(/\s*\n\s*/g, ' '));
  if (err instanceof UsageError) {
    io.err(`lnn ${cmd}: ${oneLine(err.message)} (lnn ${cmd} --help)\n`);
    return 2;
  }
  if (err instanceof DataError || err instanceof ShapeError || err instanceof ValueError) {
    io.err(`lnn ${cmd}: ${oneLine(err.message)}\n`);
    return 1;
  }
  io.err(`lnn ${cmd}: ${oneLine(err?.message ?? String(e))}\n`);
  if (process.env['LNN_DEBUG']) io.err(`${err?.stack ?? ''}\n`);
  return 1;
}
