/**
 * The library in a real browser: bundled with esbuild, served on 127.0.0.1, run in Debian's headless
 * chromium (playwright-core). The page trains a small network on the wasm backend and must get the
 * costs Node gets, twice: cross-origin isolated (COOP/COEP headers, so shared memory and 2 threads)
 * and not (1 thread). Skips when /usr/bin/chromium is missing (.ci/install-browser.sh installs it).
 *
 * Tolerance: the same WebAssembly kernels run in both places, and splitting a GEMM across threads
 * does not change any entry's order of summation, so costs may differ only where the runtimes differ
 * on relaxed-SIMD multiply-add (fused or not: one float32 rounding, u = 2^-24, per product). Over 40
 * steps such differences stay near 1e-6 relative; we allow 1e-4.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import type { BrowserContext } from 'playwright-core';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { trainSmall } from './train-small.js';
import { launchChromium, skipWithoutChromium } from './chromium.js';

const skip = skipWithoutChromium;
const here = fileURLToPath(new URL('.', import.meta.url));

interface PageResult {
  costs: number[];
  threads: number;
  relaxedSimd: boolean;
  isolated: boolean;
}

describe('wasm backend in headless chromium', { skip, timeout: 180_000 }, () => {
  let browser: BrowserContext;
  let server: Server;
  let base: string;
  let nodeCosts: number[];
  let chrome: Awaited<ReturnType<typeof launchChromium>> | undefined;

  before(async () => {
    const bundle = await build({
      entryPoints: [join(here, 'page-entry.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      // Minified, as an application would ship it: the worker's source text is the library's own
      // functions (Function.prototype.toString), which must survive renaming.
      minify: true,
      write: false,
      // Reached only under Node (behind isNode checks), through dynamic imports.
      external: ['node:*'],
      logLevel: 'silent',
    });
    const js = bundle.outputFiles[0]!.text;
    const html =
      '<!doctype html><meta charset="utf-8"><title>lnn wasm</title><script type="module" src="/bundle.js"></script>';
    server = createServer((req, res) => {
      const isolated = (req.url ?? '').startsWith('/isolated/');
      const headers: Record<string, string> = isolated
        ? { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' }
        : {};
      const path = (req.url ?? '/').replace(/^\/isolated/, '');
      if (path === '/' || path === '/index.html')
        res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8' }).end(html);
      else if (path === '/bundle.js') res.writeHead(200, { ...headers, 'content-type': 'text/javascript' }).end(js);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    chrome = await launchChromium();
    browser = chrome.browser;
    const be = await createWasmBackend({ threads: 1 });
    nodeCosts = trainSmall(be);
  });

  after(async () => {
    await chrome?.close();
    server?.close();
  });

  async function runPage(path: string): Promise<PageResult> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base + path);
    await page.waitForFunction(() => (globalThis as { lnnResult?: unknown }).lnnResult !== undefined);
    const result = (await page.evaluate(
      () => (globalThis as unknown as { lnnResult: Promise<unknown> }).lnnResult,
    )) as PageResult;
    await page.close();
    assert.deepEqual(errors, [], 'no page errors');
    return result;
  }

  function sameCosts(got: number[], want: number[]): void {
    assert.equal(got.length, want.length);
    for (let i = 0; i < want.length; i++) {
      assert.ok(
        Math.abs(got[i]! - want[i]!) <= 1e-4 * Math.abs(want[i]!),
        `cost ${i}: browser ${got[i]}, node ${want[i]}`,
      );
    }
    assert.ok(want[want.length - 1]! < want[0]!, 'the cost goes down');
  }

  it('cross-origin isolated: shared memory, 2 threads, the costs Node gets', async () => {
    const r = await runPage('/isolated/');
    assert.equal(r.isolated, true);
    assert.equal(r.threads, 2);
    sameCosts(r.costs, nodeCosts);
  });

  it('not isolated: one thread, the same costs', async () => {
    const r = await runPage('/');
    assert.equal(r.isolated, false);
    assert.equal(r.threads, 1);
    sameCosts(r.costs, nodeCosts);
  });
});
