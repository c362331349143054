/** `lnn playground`: parse → `servePlayground` (src/playground/server.ts) until SIGINT or SIGTERM. */
import { servePlayground } from '../../playground/server.js';
import { numberOption, type Io, type Parsed } from '../../workflow/parse.js';
import type { Command } from '../command.js';

export const playgroundCommand: Command = {
  name: 'playground',
  summary: 'a page on 127.0.0.1 to build a network shape by shape, train it live, look inside and diagnose it',
  usage: '[--port N]',
  options: {
    port: {
      type: 'string',
      value: 'N',
      description: 'the port on 127.0.0.1 (0: any free port)',
      default: '8080',
    },
  },
  details: `Serves the playground (built by npm run build:playground into dist/playground/site) with the
headers of cross-origin isolation (COOP/COEP), so that WebAssembly runs on threads in the page. Open
the address it prints; Ctrl-C stops it. docs/playground.md says what the page does.

Examples:
  lnn playground
  lnn playground --port 9000`,
  run: (args, io) => runPlayground(args, io),
};

async function runPlayground(args: Parsed, io: Io): Promise<number> {
  const port = numberOption(args, 'port', { integer: true, min: 0, max: 65535 })!;
  const stop = new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await servePlayground({
    port,
    stop,
    onListening: (url) => io.out(`lnn playground: ${url} (Ctrl-C stops it)\n`),
  });
  return 0;
}
