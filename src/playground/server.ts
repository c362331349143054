/**
 * The playground's server: the static site of scripts/build-playground.mjs (dist/playground/site), on
 * 127.0.0.1 only, with the two headers that make the page cross-origin isolated, which WebAssembly
 * threads need (SharedArrayBuffer): Cross-Origin-Opener-Policy: same-origin and
 * Cross-Origin-Embedder-Policy: require-corp. Files from the site's folder only; GET and HEAD only.
 * `lnn playground` is this and Ctrl-C. Node only.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fsReason, UsageError } from '../core/errors.js';

/** The headers of cross-origin isolation, sent with every answer. */
export const ISOLATION_HEADERS = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
} as const;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm',
};

/** Where the built site is: dist/playground/site in the package (from the sources or from dist/). */
export const SITE = fileURLToPath(new URL('../../dist/playground/site/', import.meta.url));

/** The playground's server: its built site, with the isolation headers. */
export function createPlaygroundServer(root = SITE): Server {
  return createIsolatedServer(root, 'playground');
}

/**
 * A static file server for the folder `root` that sends the isolation headers with every answer: GET and
 * HEAD only, no file outside `root` (`what` names the folder in that refusal). The playground's, and the
 * browser example's (examples/browser/serve.mjs).
 */
export function createIsolatedServer(root: string, what: string): Server {
  const top = resolve(root);
  return createServer(async (req, res) => {
    const headers = { ...ISOLATION_HEADERS, 'cache-control': 'no-cache', 'x-content-type-options': 'nosniff' };
    if (req.method !== 'GET' && req.method !== 'HEAD') return res.writeHead(405, headers).end();
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      return res.writeHead(400, headers).end('bad path');
    }
    const file = resolve(top, `.${path.endsWith('/') ? `${path}index.html` : path}`);
    if (!file.startsWith(top + sep)) return res.writeHead(403, headers).end(`outside the ${what}`);
    try {
      const body = await readFile(file);
      const type = TYPES[extname(file)] ?? 'application/octet-stream';
      res.writeHead(200, { ...headers, 'content-type': type }).end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, headers).end('not found');
    }
  });
}

/**
 * Serves the site on 127.0.0.1:`port` (0: a free port) until `stop` resolves; `onListening` gets the URL.
 * @throws UsageError for a site that is not built, or a port that cannot be had (in use, or refused).
 */
export async function servePlayground(options: {
  port: number;
  root?: string;
  stop: Promise<void>;
  onListening: (url: string) => void;
}): Promise<void> {
  const root = options.root ?? SITE;
  if (!existsSync(resolve(root, 'index.html')))
    throw new UsageError(`the playground is not built (${root} has no index.html): run npm run build:playground`);
  const server = createPlaygroundServer(root);
  await new Promise<void>((done, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      fail(new UsageError(`--port ${options.port}: cannot listen on 127.0.0.1: ${listenReason(e)}`)),
    );
    server.listen(options.port, '127.0.0.1', () => done());
  });
  const { port } = server.address() as AddressInfo;
  options.onListening(`http://127.0.0.1:${port}/`);
  await options.stop;
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
}

/** Why a port cannot be had, and what to do. */
function listenReason(e: NodeJS.ErrnoException): string {
  if (e.code === 'EADDRINUSE') return 'the port is in use; give another with --port N, or --port 0 for a free one';
  if (e.code === 'EACCES') return 'permission denied (ports under 1024 need privileges); give --port 1024 or above';
  return fsReason(e);
}
