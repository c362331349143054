// Serves the example page with the two headers that make it cross-origin isolated, which WebAssembly
// threads need (SharedArrayBuffer): Cross-Origin-Opener-Policy: same-origin and
// Cross-Origin-Embedder-Policy: require-corp. Files only from this folder; nothing else. The server is
// lnn's own (the one `lnn playground` runs), from the built package (npm ci builds dist/).
//   node examples/browser/serve.mjs [port]      then open http://127.0.0.1:8080/
import { fileURLToPath } from 'node:url';
import { createIsolatedServer } from '../../dist/playground/server.js';

export { ISOLATION_HEADERS } from '../../dist/playground/server.js';

const here = fileURLToPath(new URL('.', import.meta.url));

/** A static file server for `root` (default: this folder) that sends the isolation headers with every answer. */
export function createExampleServer(root = here) {
  return createIsolatedServer(root, 'example');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 8080);
  createExampleServer().listen(port, '127.0.0.1', () => console.log(`lnn example: http://127.0.0.1:${port}/`));
}
