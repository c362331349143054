// Serves the example page with the two headers that make it cross-origin isolated, which WebAssembly
// threads need (SharedArrayBuffer): Cross-Origin-Opener-Policy: same-origin and
// Cross-Origin-Embedder-Policy: require-corp. Files only from this folder; nothing else.
//   node examples/browser/serve.mjs [port]      then open http://127.0.0.1:8080/
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
};

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** A static file server for `root` (default: this folder) that sends the isolation headers with every answer. */
export function createExampleServer(root = here) {
  const top = resolve(root);
  return createServer(async (req, res) => {
    const headers = { ...ISOLATION_HEADERS, 'cache-control': 'no-store' };
    if (req.method !== 'GET' && req.method !== 'HEAD') return res.writeHead(405, headers).end();
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      return res.writeHead(400, headers).end('bad path');
    }
    const file = resolve(top, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    if (!file.startsWith(top + sep)) return res.writeHead(403, headers).end('outside the example');
    try {
      const body = await readFile(file);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, { ...headers, 'content-type': type }).end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, headers).end('not found');
    }
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? 8080);
  createExampleServer().listen(port, '127.0.0.1', () => console.log(`lnn example: http://127.0.0.1:${port}/`));
}
