import { main } from './main.js';

const io = {
  out: (s: string) => void process.stdout.write(s),
  err: (s: string) => void process.stderr.write(s),
  errIsTTY: Boolean(process.stderr.isTTY),
};
const code = await main(process.argv.slice(2), io);
// Let stdout drain before exiting (a large --json document piped to another program).
process.exitCode = code;
