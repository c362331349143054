import { main } from './main.js';

/**
 * A closed stdout (`lnn predict ... | head`) ends the command quietly, as it does for cat or grep: exit 141
 * (128 + SIGPIPE), no stack trace. A closed stderr is ignored: there is no one left to tell.
 */
function quietOnClosedPipe(stream: NodeJS.WriteStream, exit: boolean): void {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
    if (exit) process.exit(141);
  });
}
quietOnClosedPipe(process.stdout, true);
quietOnClosedPipe(process.stderr, false);

const io = {
  out: (s: string) => void process.stdout.write(s),
  err: (s: string) => void process.stderr.write(s),
  errIsTTY: Boolean(process.stderr.isTTY),
  // Read at each draw: the progress bar follows a resized terminal (src/cli/progress.ts, terminalColumns).
  errColumns: () => process.stderr.columns,
  // A closed pipe never drains; its 'error' event exits above.
  drain: () =>
    process.stdout.writableNeedDrain
      ? new Promise<void>((resolve) => process.stdout.once('drain', resolve))
      : Promise.resolve(),
};
const code = await main(process.argv.slice(2), io);
// Let stdout drain before exiting (a large --json document piped to another program).
process.exitCode = code;
