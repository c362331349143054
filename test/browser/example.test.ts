/**
 * examples/browser in headless chromium: bundled by its own build script, served by its own server (the
 * COOP/COEP headers), with a model file written by `lnn train --save` beside it. The page must be
 * cross-origin isolated with the wasm kernels on more than one thread; a loaded model must predict the
 * classes Node predicts; training runs in a worker with threads while the page's timer keeps firing; Stop
 * aborts it; and nothing reaches the console as an error or warning. Skips when chromium is missing.
 *
 * Responsiveness: a 20 ms interval timer on the page records when it fires during training; its median
 * gap must stay near 20 ms and its longest under 200 ms (a main thread blocked by training would show a
 * gap as long as the run; training on the page's thread, which yields every 20 ms, doubles the median).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import { buildExample } from '../../examples/browser/build.mjs';
import { createExampleServer } from '../../examples/browser/serve.mjs';
import '../../src/data/read/register-readers.js';
import { loadModel } from '../../src/train/model-io.js';
import { lnn, ROOT } from '../cli/run.js';
import { launchChromium, skipWithoutChromium, watchPage } from './chromium.js';

const example = join(ROOT, 'examples/browser');

/** Iris rows and a few between the classes, where a model's decision is least sure. */
const ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.2, 2.9, 4.3, 1.3],
  [7.7, 3.0, 6.1, 2.3],
  [6.0, 2.7, 5.1, 1.6],
  [4.9, 2.5, 4.5, 1.7],
  [6.3, 2.8, 5.1, 1.5],
  [5.0, 2.3, 3.3, 1.0],
];

describe('the browser example in headless chromium', { skip: skipWithoutChromium, timeout: 240_000 }, () => {
  let dir: string;
  let server: Server;
  let base: string;
  let browser: BrowserContext;
  let close: () => Promise<void>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lnn-example-'));
    await buildExample(join(dir, 'dist'));
    for (const f of ['index.html', 'iris.json']) copyFileSync(join(example, f), join(dir, f));
    // A page of checks on the workflow without Node, beside the example.
    const entry = join(ROOT, 'test/browser/workflow-entry.ts');
    await build({ entryPoints: [entry], bundle: true, format: 'esm', outfile: join(dir, 'dist/checks.js') });
    writeFileSync(
      join(dir, 'checks.html'),
      '<!doctype html><link rel="icon" href="data:,"><script type="module" src="dist/checks.js"></script>',
    );
    const saved = await lnn(['train', '--data', 'builtin:iris', '--hidden', '16', '--save', join(dir, 'model.json')]);
    assert.equal(saved.code, 0, saved.stderr);
    server = createExampleServer(dir);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    ({ browser, close } = await launchChromium());
  });

  after(async () => {
    await close?.();
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems = watchPage(page);
    await page.goto(base);
    await page.waitForSelector('#env[data-ready="true"]');
    return { page, problems };
  }

  it('is cross-origin isolated, with the wasm kernels on more than one thread', async () => {
    const { page, problems } = await open();
    const env = await page.$eval('#env', (e) => ({ ...(e as HTMLElement).dataset }));
    assert.equal(env['isolated'], 'true');
    assert.equal(env['backend'], 'wasm');
    assert.ok(Number(env['threads']) > 1, `threads ${env['threads']}`);
    // The training worker, started as the page loads, has threads of its own.
    await page.waitForSelector('#env[data-worker-threads]');
    const workerThreads = await page.$eval('#env', (e) => Number((e as HTMLElement).dataset['workerThreads']));
    assert.ok(workerThreads > 1, `worker threads ${workerThreads}`);
    await page.close();
    assert.deepEqual(problems, []);
  });

  it('without Node: a path is refused in one line, the memory check takes what the browser tells', async (t) => {
    const page = await browser.newPage();
    const problems = watchPage(page);
    await page.goto(`${base}checks.html`);
    await page.waitForFunction(() => (globalThis as { lnnChecks?: unknown }).lnnChecks !== undefined);
    const r = (await page.evaluate(() => (globalThis as unknown as { lnnChecks: Promise<unknown> }).lnnChecks)) as {
      path: string;
      init: string;
      huge: string;
      memory: { total?: number; free?: number };
      deviceMemory: number | null;
      trainedOn: string;
    };
    assert.equal(r.path, 'ValueError: data flowers.csv: reading files needs Node; give { rows, labels }');
    assert.equal(r.init, 'ValueError: init params.json: reading files needs Node; give { rows, labels }');
    assert.equal(r.trainedOn, 'wasm');
    // navigator.deviceMemory (GiB) is the machine's memory where the browser has it; free memory is unknown.
    assert.deepEqual(r.memory, r.deviceMemory === null ? {} : { total: r.deviceMemory * 2 ** 30 });
    const have =
      r.deviceMemory === null
        ? 'the wasm backend can hold 4.3 GB'
        : `this machine has ${((r.deviceMemory * 2 ** 30) / 1e9).toFixed(1)} GB, the wasm backend 4.3 GB`;
    assert.match(r.huge, new RegExp(`^ValueError: the network and its batch need .*; ${have}: use fewer`));
    t.diagnostic(r.huge);
    await page.close();
    assert.deepEqual(problems, []);
  });

  it('a saved model, chosen as a file or fetched beside the page, predicts the classes Node predicts', async () => {
    const { page, problems } = await open();
    const want = loadModel(join(dir, 'model.json')).predict(ROWS);
    await page.fill('#rows', ROWS.map((r) => r.join(', ')).join('\n'));
    await page.setInputFiles('#model-file', join(dir, 'model.json'));
    await page.waitForSelector('#predict:not([disabled])');
    await page.click('#predict');
    const got = await page.$$eval('#predictions li', (lis) => lis.map((li) => (li as HTMLElement).dataset['label']));
    assert.deepEqual(got, want);
    await page.click('#load-beside');
    await page.waitForFunction(() => document.querySelector('#model-info')!.textContent!.includes('from model.json'));
    await page.click('#predict');
    assert.deepEqual(await page.$$eval('#predictions li', (lis) => lis.length), ROWS.length);
    await page.close();
    assert.deepEqual(problems, []);
  });

  it('trains in a worker with threads while the page stays responsive; the curve is drawn', async (t) => {
    const { page, problems } = await open();
    await page.fill('#epochs', '6000');
    await page.evaluate(() => {
      const w = window as unknown as { ticks: number[] };
      w.ticks = [];
      setInterval(() => w.ticks.push(performance.now()), 20);
    });
    await page.click('#train');
    await page.waitForSelector('#train-status[data-state="done"]', { timeout: 120_000 });
    const status = await page.$eval('#train-status', (e) => ({ ...(e as HTMLElement).dataset }));
    const ticks = await page.evaluate(() => (window as unknown as { ticks: number[] }).ticks);
    const wall = Number(status['wallMs']);
    const [start, end] = [Number(status['startedAt']), Number(status['finishedAt'])];
    // The gaps between ticks from the click to the end of the run (the edges count as ticks).
    const during = [start, ...ticks.filter((t) => t > start && t < end), end];
    const gaps = during
      .slice(1)
      .map((t, i) => t - during[i]!)
      .sort((a, b) => a - b);
    const [median, longest] = [gaps[Math.floor(gaps.length / 2)]!, gaps.at(-1)!];
    t.diagnostic(
      `${status['iterations']} updates in ${wall} ms; timer gaps: median ${median.toFixed(1)}, longest ${longest.toFixed(1)} ms`,
    );
    assert.equal(status['where'], 'worker');
    assert.ok(Number(status['workerThreads']) > 1, `worker threads ${status['workerThreads']}`);
    assert.ok(during.length > 10, `the run is long enough to judge (${wall} ms)`);
    // Training on the page's own thread (yielding every 20 ms) halves the timer's rate: median gaps of 40-50 ms.
    assert.ok(median < 30, `the page's timer fired every ${median.toFixed(0)} ms (median) instead of 20`);
    assert.ok(longest < 200, `the page's timer paused for ${longest.toFixed(0)} ms during a ${wall} ms run`);
    const drawn = await page.$eval('#cost-chart path.series', (p) => Number(p.getAttribute('data-points')));
    assert.ok(drawn > 100, `${drawn} points drawn`);
    await page.click('#predict');
    assert.equal(await page.$$eval('#predictions li', (lis) => lis.length), 3);
    await page.close();
    assert.deepEqual(problems, []);
  });

  it("trains on the page's main thread when asked (what the worker is measured against)", async () => {
    const { page, problems } = await open();
    await page.fill('#epochs', '100');
    await page.check('#main-thread');
    await page.click('#train');
    await page.waitForSelector('#train-status[data-state="done"]', { timeout: 60_000 });
    assert.equal(await page.$eval('#train-status', (e) => (e as HTMLElement).dataset['where']), 'main');
    await page.close();
    assert.deepEqual(problems, []);
  });

  it('Stop aborts training in the worker', async () => {
    const { page, problems } = await open();
    await page.fill('#epochs', '1000000');
    await page.click('#train');
    await page.waitForFunction(() => document.querySelector('#train-status')!.textContent!.startsWith('epoch'));
    await page.click('#stop');
    await page.waitForSelector('#train-status[data-state="stopped"]', { timeout: 10_000 });
    assert.equal(await page.$eval('#error', (e) => e.textContent), '');
    assert.equal(await page.$eval('#train', (b) => (b as HTMLButtonElement).disabled), false);
    await page.close();
    assert.deepEqual(problems, []);
  });
});
