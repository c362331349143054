// `lnn playground` serves the built page on 127.0.0.1 with the headers of cross-origin isolation until
// SIGINT; `npm run build:playground` (scripts/build-playground.mjs) writes a static site, its data small;
// the server's refusals (a site not built, a port in use) are one line each.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildPlayground } from '../../scripts/build-playground.mjs';
import { createIsolatedServer, servePlayground, SITE } from '../../src/playground/server.js';
import { lnn, lnnArgv, ROOT } from './run.js';

describe('lnn playground and npm run build:playground', { timeout: 120_000 }, () => {
  let dir: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lnn-playground-'));
    // `lnn playground` serves dist/playground/site: npm test builds it; a focused run builds it here.
    if (!existsSync(join(SITE, 'index.html'))) await buildPlayground();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('build:playground writes a static site: the page, its worker beside it, small data, the headers file', async () => {
    const site = await buildPlayground(join(dir, 'site'));
    for (const f of ['index.html', 'style.css', 'main.js', 'train-worker.js', 'data/iris.json', 'data/mnist-2000.json'])
      assert.ok(existsSync(join(site, f)), f);
    const mnist = JSON.parse(readFileSync(join(site, 'data/mnist-2000.json'), 'utf8'));
    assert.deepEqual(mnist.shape, [2000, 196]);
    assert.equal(mnist.labels.length, 2000);
    assert.equal(Buffer.from(mnist.pixels, 'base64').length, 2000 * 196);
    assert.ok(statSync(join(site, 'data/mnist-2000.json')).size < 600_000, 'the MNIST subset stays under 0.6 MB');
    const iris = JSON.parse(readFileSync(join(site, 'data/iris.json'), 'utf8'));
    assert.equal(iris.rows.length, 150);
    assert.match(readFileSync(join(site, '_headers'), 'utf8'), /Cross-Origin-Embedder-Policy: require-corp/);
    // The page names its script and its style sheet as the site has them.
    const html = readFileSync(join(site, 'index.html'), 'utf8');
    assert.match(html, /<script type="module" src="main.js">/);
    assert.match(html, /href="style.css"/);
  });

  it('lnn playground --port N serves the page with COOP and COEP on 127.0.0.1 until SIGINT', async () => {
    const child = spawn(process.execPath, lnnArgv(['playground', '--port', '0']), {
      cwd: ROOT,
    });
    let out = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.setEncoding('utf8').on('data', (s: string) => {
        out += s;
        const m = /http:\/\/127\.0\.0\.1:\d+\//.exec(out);
        if (m) resolve(m[0]);
      });
      child.on('close', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    try {
      assert.match(out, /^lnn playground: http:\/\/127\.0\.0\.1:\d+\/ \(Ctrl-C stops it\)\n$/);
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('cross-origin-opener-policy'), 'same-origin');
      assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
      assert.match(await page.text(), /<title>lnn playground/);
      const worker = await fetch(`${url}train-worker.js`);
      assert.equal(worker.headers.get('content-type'), 'text/javascript; charset=utf-8');
      assert.equal(worker.headers.get('cross-origin-embedder-policy'), 'require-corp');
      assert.equal((await fetch(`${url}../../package.json`)).status, 404, 'nothing outside the site');
      assert.equal((await fetch(`${url}%2e%2e/%2e%2e/package.json`)).status, 404);
      assert.equal((await fetch(url, { method: 'POST' })).status, 405);
    } catch (e) {
      child.kill('SIGKILL');
      throw e;
    }
    const code = await new Promise<number | null>((resolve) => {
      child.on('close', resolve);
      child.kill('SIGINT');
    });
    assert.equal(code, 0);
  });

  it("the isolated server (the playground's and the example's): a path decoded outside its folder is a 403 naming it", async () => {
    const server = createIsolatedServer(join(ROOT, 'examples', 'browser'), 'example');
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const out = await fetch(`${url}..%2F..%2Fpackage.json`);
      assert.equal(out.status, 403);
      assert.equal(await out.text(), 'outside the example');
      assert.equal(out.headers.get('cross-origin-embedder-policy'), 'require-corp', 'every answer is isolated');
      const page = await fetch(url);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal((await fetch(`${url}%E0%A4%A`)).status, 400);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('refuses a bad port, a port in use and a site not built, in one line each', async () => {
    const bad = await lnn(['playground', '--port', '70000']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--port must be an integer in \[0, 65535\] but is '70000'/);
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as AddressInfo).port;
    try {
      await assert.rejects(servePlayground({ port, stop: Promise.resolve(), onListening: () => {} }), {
        name: 'UsageError',
        message: `--port ${port}: cannot listen on 127.0.0.1: the port is in use; give another with --port N, or --port 0 for a free one`,
      });
    } finally {
      taken.close();
    }
    await assert.rejects(servePlayground({ port: 0, root: dir, stop: Promise.resolve(), onListening: () => {} }), {
      name: 'UsageError',
      message: `the playground is not built (${dir} has no index.html): run npm run build:playground`,
    });
  });
});
