/**
 * The playground (npm run build:playground, served as `lnn playground` serves it) in headless Chromium:
 * cross-origin isolated with the wasm kernels on threads; the network's shapes in the course's notation
 * as it is built; a toy set trained live in the worker (the cost falls, the boundary is redrawn, the
 * page's timer keeps firing); pause, step, a new α and stop; look inside a step; the advice applied as a
 * second run; the model, the record and the command line taken away and used by `lnn eval`, `lnn
 * report` and `lnn train`; keyboard only; axe-core; 390 pixels wide; bad input in the page's words; the
 * MNIST subset with its predictions. Nothing reaches the console as an error or a warning, and nothing is
 * requested from another origin. Screenshots are kept in build/artifacts/playground/. Skips when
 * chromium is missing.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { buildPlayground } from '../../scripts/build-playground.mjs';
import { encodeNpy } from '../../src/data/read/npy.js';
import { HIDDEN_ACTIVATIONS } from '../../src/nn/activations.js';
import { OPTIMIZERS } from '../../src/nn/update.js';
import { createPlaygroundServer } from '../../src/playground/server.js';
import { lnn, ROOT } from '../cli/run.js';
import { launchChromium, skipWithoutChromium, watchPage } from './chromium.js';

const ARTIFACTS = join(ROOT, 'build/artifacts/playground');

/** The page, its console and what it asked of other origins. */
interface Opened {
  page: Page;
  problems: string[];
  foreign: string[];
}

describe('the playground in headless chromium', { skip: skipWithoutChromium, timeout: 600_000 }, () => {
  let dir: string;
  let server: Server;
  let base: string;
  let browser: BrowserContext;
  let close: () => Promise<void>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lnn-playground-'));
    await buildPlayground(join(dir, 'site'));
    server = createPlaygroundServer(join(dir, 'site'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    mkdirSync(ARTIFACTS, { recursive: true });
    ({ browser, close } = await launchChromium());
  });

  after(async () => {
    await close?.();
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(width = 1280): Promise<Opened> {
    const page = await browser.newPage();
    await page.setViewportSize({ width, height: 900 });
    const problems = watchPage(page);
    const foreign: string[] = [];
    page.on('request', (r) => {
      const url = new URL(r.url());
      if (!['data:', 'blob:'].includes(url.protocol) && url.origin !== new URL(base).origin) foreign.push(r.url());
    });
    await page.goto(base);
    await page.waitForSelector('#env[data-ready="true"]');
    await page.waitForSelector('#train:not([disabled])');
    return { page, problems, foreign };
  }

  async function done({ page, problems, foreign }: Opened): Promise<void> {
    await page.close();
    assert.deepEqual(problems, []);
    assert.deepEqual(foreign, []);
  }

  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const text = (page: Page, selector: string) => page.$eval(selector, (e) => e.textContent ?? '');
  const cell = (page: Page, name: string) => text(page, `#shapes [data-shape="${name}"]`);

  /** Sets a number field as a user does: select it, type, leave it (a change event). */
  async function setNumber(page: Page, selector: string, value: number): Promise<void> {
    await page.fill(selector, String(value));
    await page.press(selector, 'Tab');
  }

  async function trainToEnd(page: Page, runs: number): Promise<void> {
    await page.click('#train');
    await page.waitForSelector('#train-status[data-state="done"]', { timeout: 120_000 });
    await page.waitForFunction((n) => document.querySelectorAll('#runs tbody tr').length === n, runs);
  }

  it('is cross-origin isolated, with the wasm kernels on threads in the page and in its worker', async () => {
    const opened = await open();
    const env = await opened.page.$eval('#env', (e) => ({ ...(e as HTMLElement).dataset }));
    assert.equal(env['isolated'], 'true');
    assert.equal(env['backend'], 'wasm');
    assert.ok(Number(env['threads']) > 1, `threads ${env['threads']}`);
    await opened.page.waitForSelector('#env[data-worker-threads]');
    const worker = await opened.page.$eval('#env', (e) => Number((e as HTMLElement).dataset['workerThreads']));
    assert.ok(worker > 1, `worker threads ${worker}`);
    await shot(opened.page, 'first-view-1280');
    await done(opened);
  });

  it('builds a network: W[l], b[l], Z[l], A[l] with the current m, the parameter count, logistic regression', async () => {
    const opened = await open();
    const { page } = opened;
    // circles, m = 400: train 240; n = [2, 8, 8, 1]
    assert.equal(await cell(page, 'W1'), '(8, 2)');
    assert.equal(await cell(page, 'b1'), '(8, 1)');
    assert.equal(await cell(page, 'Z1'), '(8, 240)');
    assert.equal(await cell(page, 'W3'), '(1, 8)');
    assert.equal(await text(page, '#param-count'), '105');
    // The menus are the library's tables, each with its default chosen.
    const menu = (id: string) =>
      page.$eval(id, (e) => ({
        values: Array.from((e as HTMLSelectElement).options, (o) => o.value),
        chosen: (e as HTMLSelectElement).value,
      }));
    assert.deepEqual(await menu('#activation'), { values: HIDDEN_ACTIVATIONS, chosen: 'relu' });
    assert.deepEqual(await menu('#optimizer'), { values: OPTIMIZERS, chosen: 'adam' });
    await page.click('#add-layer');
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'n-3', 'the new layer is focused');
    await setNumber(page, '#n-3', 16);
    assert.equal(await cell(page, 'W3'), '(16, 8)');
    assert.equal(await cell(page, 'W4'), '(1, 16)');
    assert.equal(await cell(page, 'Z3'), '(16, 240)');
    assert.equal(await text(page, '#param-count'), String(24 + 72 + 16 * 9 + 17));
    // mini-batches: m is the batch
    await page.selectOption('#batching', 'mini');
    await setNumber(page, '#batch-size', 32);
    assert.equal(await cell(page, 'Z1'), '(8, 32)');
    await page.selectOption('#batching', 'full');
    for (let i = 0; i < 3; i++) await page.click('#layers li:first-child button');
    assert.equal(await cell(page, 'W1'), '(1, 2)');
    assert.match(
      await text(page, '#net-info'),
      /^L = 1 — logistic regression; n = \[2, 1\]; .* to train \(float32\)\.$/,
    );
    await shot(page, 'network');
    await done(opened);
  });

  it('trains circles live in the worker: the cost falls, the boundary is redrawn, the page timer keeps firing', async (t) => {
    const opened = await open();
    const { page } = opened;
    // Long enough (about 1.5 s here) to span several of the page's 100 ms snapshots at any load: 6,000
    // updates could end within two of them on a quiet machine.
    await setNumber(page, '#length', 20000);
    await page.evaluate(() => {
      const w = window as unknown as { ticks: number[]; prints: string[] };
      w.ticks = [];
      w.prints = [];
      setInterval(() => w.ticks.push(performance.now()), 20);
      const canvas = document.getElementById('boundary')!;
      new MutationObserver(() => w.prints.push(canvas.dataset['fingerprint'] ?? '')).observe(canvas, {
        attributes: true,
        attributeFilter: ['data-draws'],
      });
    });
    await trainToEnd(page, 1);
    const { ticks, prints } = await page.evaluate(() => {
      const w = window as unknown as { ticks: number[]; prints: string[] };
      return { ticks: w.ticks, prints: w.prints };
    });
    const box = await page.$eval('#cost-chart-box', (e) => ({ ...(e as HTMLElement).dataset }));
    assert.ok(Number(box['last']) < 0.5 * Number(box['first']), `cost ${box['first']} → ${box['last']}`);
    assert.ok(Number(box['points']) > 100, `${box['points']} costs`);
    // Redrawn live: several different decisions, not only the last one.
    assert.ok(new Set(prints.filter(Boolean)).size >= 3, `${new Set(prints).size} decisions drawn`);
    const gaps = ticks.slice(1).map((x, i) => x - ticks[i]!);
    gaps.sort((a, b) => a - b);
    const median = gaps[Math.floor(gaps.length / 2)]!;
    t.diagnostic(
      `timer: ${ticks.length} ticks, median gap ${median.toFixed(1)} ms, longest ${gaps.at(-1)!.toFixed(1)} ms`,
    );
    assert.ok(median <= 33, `the timer fired at ${(1000 / median).toFixed(0)} Hz (median gap ${median} ms)`);
    assert.ok(gaps.at(-1)! < 250, `longest gap ${gaps.at(-1)} ms`);
    assert.match(await text(page, '#train-status'), /^Done after 20,000 updates; dev error/);
    await shot(page, 'trained-circles');
    await done(opened);
  });

  it('pause, step, a new learning rate and stop steer the run in the worker', async () => {
    const opened = await open();
    const { page } = opened;
    await setNumber(page, '#length', 1_000_000);
    await page.click('#train');
    await page.waitForSelector('#train-status[data-state="running"]').catch(async (e) => {
      throw new Error(`${(e as Error).message}; ${await text(page, '#train-status')} ${opened.problems.join('; ')}`);
    });
    await page.click('#pause');
    await page.waitForSelector('#train-status[data-state="paused"]');
    const at = Number(await page.$eval('#train-status', (e) => (e as HTMLElement).dataset['iteration']));
    assert.match(await text(page, '#pause'), /Resume/);
    await page.click('#step');
    await page.waitForFunction(
      (i) => (document.getElementById('train-status') as HTMLElement).dataset['iteration'] === String(i + 1),
      at,
    );
    assert.equal(await page.$eval('#train-status', (e) => (e as HTMLElement).dataset['state']), 'paused');
    await page.fill('#live-lr', '0.002');
    await page.click('#set-lr');
    await page.waitForFunction(() => document.getElementById('train-status')!.textContent!.includes('α = 0.002'));
    await page.click('#step');
    await page.waitForFunction(
      (i) => (document.getElementById('train-status') as HTMLElement).dataset['iteration'] === String(i + 2),
      at,
    );
    await page.click('#pause');
    await page.waitForSelector('#train-status[data-state="running"]');
    await page.click('#stop');
    await page.waitForSelector('#train-status[data-state="done"]');
    assert.match(await text(page, '#train-status'), /stopped at iteration \d+ by the caller/);
    assert.match(await text(page, '#runs tbody tr'), new RegExp(`α = 0\\.002 from update ${at + 1}`));
    assert.match(await text(page, '#command-note'), /changed its learning rate as it went \(α = 0\.002 from update/);
    await shot(page, 'paused-stepped');
    await done(opened);
  });

  it('looks inside a step: forward and backward in the notation, modelBackward agrees, the gradient check passes', async () => {
    const opened = await open();
    const { page } = opened;
    await page.click('#inside-run');
    const shapes = await page.$$eval('#inside figure.mat', (fs) =>
      Object.fromEntries(fs.map((f) => [(f as HTMLElement).dataset['name'], (f as HTMLElement).dataset['shape']])),
    );
    assert.deepEqual(shapes, {
      'A[0]': '2,1',
      'Z[1]': '8,1',
      'A[1]': '8,1',
      'Z[2]': '8,1',
      'A[2]': '8,1',
      'Z[3]': '1,1',
      'A[3]': '1,1',
      'dZ[3]': '1,1',
      'dW[3]': '1,8',
      'db[3]': '1,1',
      'dZ[2]': '8,1',
      'dW[2]': '8,8',
      'db[2]': '8,1',
      'dZ[1]': '8,1',
      'dW[1]': '8,2',
      'db[1]': '8,1',
    });
    assert.equal(await page.$eval('#inside-info', (e) => (e as HTMLElement).dataset['agreement']), '0');
    await page.selectOption('#inside-what', 'batch');
    await setNumber(page, '#inside-index', 16);
    await page.click('#inside-run');
    assert.equal(await page.$eval('figure.mat[data-name="Z[1]"]', (e) => (e as HTMLElement).dataset['shape']), '8,16');
    assert.equal(await page.$eval('figure.mat[data-name="dW[1]"]', (e) => (e as HTMLElement).dataset['shape']), '8,2');
    // The gradient check on the trained network (the initial one's zero biases put some Z[l] at ReLU's kink).
    await trainToEnd(page, 1);
    await page.click('#gradcheck');
    await page.waitForSelector('#inside-info[data-gradcheck]');
    assert.equal(await page.$eval('#inside-info', (e) => (e as HTMLElement).dataset['gradcheck']), 'pass');
    assert.match(
      await text(page, '#inside-info'),
      /^Gradient check on the first 16 training examples: relative difference \S+ over 105 of 105 parameters: PASS \(threshold 1e-7\)/,
    );
    await page.click('#inside-run');
    await shot(page, 'look-inside');
    await done(opened);
  });

  it('applies the advice: logistic regression underfits circles, one click trains the next run beside it', async () => {
    const opened = await open();
    const { page } = opened;
    for (let i = 0; i < 2; i++) await page.click('#layers li:first-child button');
    await trainToEnd(page, 1);
    assert.equal(await page.$eval('#verdict', (e) => (e as HTMLElement).dataset['verdict']), 'high bias');
    const moves = await page.$$eval('#recipe button', (bs) => bs.map((b) => (b as HTMLElement).dataset['move']));
    assert.ok(moves.includes('layer'), `moves ${moves.join(', ')}`);
    await page.click('#recipe button[data-move="layer"]');
    await page.waitForFunction(() => document.querySelectorAll('#runs tbody tr').length === 2, undefined, {
      timeout: 120_000,
    });
    await page.waitForSelector('#train-status[data-state="done"]');
    assert.match(await text(page, '#runs tbody tr:nth-child(2)'), /--hidden 32/);
    assert.ok(await page.$('#runs-chart path.series.s1'), 'the second run overlaid on the first');
    const errors = await page.$$eval('#runs tbody tr', (rs) =>
      rs.map((r) => Number((r as HTMLElement).dataset['devError'])),
    );
    assert.ok(errors[1]! < errors[0]!, `dev error ${errors.join(' → ')}`);
    await shot(page, 'advice-applied');
    await done(opened);
  });

  it('takes it away: lnn eval scores the model as the page did, lnn report draws the record, the command line trains it', async () => {
    const opened = await open();
    const { page } = opened;
    await trainToEnd(page, 1);
    const work = mkdtempSync(join(tmpdir(), 'lnn-playground-take-'));
    try {
      for (const [id, name] of [
        ['download-model', 'model.json'],
        ['download-record', 'run.json'],
        ['download-data', 'circles.csv'],
      ] as const) {
        const [download] = await Promise.all([page.waitForEvent('download'), page.click(`#${id}`)]);
        assert.equal(download.suggestedFilename(), name);
        await download.saveAs(join(work, name));
      }
      const pageAccuracy = Number(await page.$eval('#runs tbody tr', (r) => (r as HTMLElement).dataset['devAccuracy']));
      const evaluated = await lnn(
        ['eval', '--model', 'model.json', '--data', 'circles.csv', '--subset', 'dev', '--json'],
        { cwd: work },
      );
      assert.equal(evaluated.code, 0, evaluated.stderr);
      assert.equal(JSON.parse(evaluated.stdout).accuracy, pageAccuracy);
      const report = await lnn(['report', 'run.json', '--output', 'report.html'], { cwd: work });
      assert.equal(report.code, 0, report.stderr);
      // The command line as the page shows it, run here: the same split and the same network, trained again.
      const command = await page.$eval('#command', (e) => (e as HTMLTextAreaElement).value);
      assert.match(
        command,
        /^npx lnn train --data circles\.csv --hidden 8,8 --activation relu --optimizer adam --lr 0\.01 --iterations 1000 /,
      );
      const record = JSON.parse(readFileSync(join(work, 'run.json'), 'utf8'));
      const args = command
        .replace(/^npx lnn /, '')
        .split(' ')
        .concat(['--json', '--quiet']);
      const again = await lnn(args, { cwd: work });
      assert.equal(again.code, 0, again.stderr);
      const cli = JSON.parse(readFileSync(join(work, 'run.json'), 'utf8'));
      assert.equal(cli.data.split.order, record.data.split.order, 'the same split');
      assert.ok(Math.abs(JSON.parse(again.stdout).devAccuracy - pageAccuracy) <= 2 / 80 + 1e-9);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
    await done(opened);
  });

  it('works from the keyboard alone: every control reachable and labelled; axe finds nothing serious', async () => {
    const opened = await open();
    const { page } = opened;
    const unlabelled = await page.$$eval('input, select, button, textarea', (es) =>
      es
        .filter((e) => {
          const f = e as HTMLInputElement;
          const named =
            (f.labels?.length ?? 0) > 0 ||
            f.getAttribute('aria-label') ||
            (e.tagName === 'BUTTON' && e.textContent!.trim());
          return !named;
        })
        .map((e) => e.id || e.outerHTML.slice(0, 60)),
    );
    assert.deepEqual(unlabelled, []);
    const reached = new Set<string>();
    for (let i = 0; i < 60; i++) {
      await page.keyboard.press('Tab');
      reached.add(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    for (const id of [
      'source',
      'toy-m',
      'toy-noise',
      'file',
      'n-1',
      'n-2',
      'add-layer',
      'activation',
      'optimizer',
      'lr',
      'batching',
      'length',
      'l2',
      'keep-prob',
      'seed',
      'train',
      'inside-what',
      'inside-index',
      'inside-run',
      'gradcheck',
    ])
      assert.ok(reached.has(id), `Tab reaches #${id}`);
    // Train from the keyboard: Tab to the button, Enter.
    await page.focus('#seed');
    while ((await page.evaluate(() => document.activeElement?.id)) !== 'train') await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#train-status[data-state="done"]', { timeout: 120_000 });
    await page.addScriptTag({ path: join(ROOT, 'node_modules/axe-core/axe.min.js') });
    const violations = await page.evaluate(async () => {
      const axe = (
        window as unknown as {
          axe: {
            run: (
              c: Document,
            ) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }>;
          };
        }
      ).axe;
      const r = await axe.run(document);
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.map((n) => n.target.join(' ')) }));
    });
    const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(serious, [], JSON.stringify(violations));
    await done(opened);
  });

  it('fits 390 pixels wide', async () => {
    const opened = await open(390);
    const { page } = opened;
    await trainToEnd(page, 1);
    await page.click('#inside-run');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the window`);
    await shot(page, 'narrow-390');
    await done(opened);
  });

  it('bad input: a file that is not data, a CSV with a text column, a network too large; earlier runs stay', async () => {
    const opened = await open();
    const { page } = opened;
    await trainToEnd(page, 1);
    const error = () => text(page, '#error');
    await page.setInputFiles('#file', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('hello\n') });
    await page.waitForFunction(() => document.getElementById('error')!.textContent !== '');
    assert.equal(
      await error(),
      'DataError: notes.txt: not a data file the page reads; it reads a .csv or .tsv with a header row, or a pair of .npy files (features X.npy and labels y.npy)',
    );
    await page.setInputFiles('#file', {
      name: 'colours.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from('colour,size,label\nred,2,0\nblue,4,1\n'),
    });
    await page.waitForFunction(() => document.getElementById('error')!.textContent!.includes('colours.csv'));
    assert.equal(
      await error(),
      `DataError: colours.csv: line 2, column 'colour': "red" is not a number; features must be finite numbers (encode categories as numbers first)`,
    );
    assert.match(await text(page, '#data-info'), /^circles: /, 'the data stays');
    await setNumber(page, '#n-1', 50_000);
    await setNumber(page, '#n-2', 50_000);
    assert.match(
      await error(),
      /^ValueError: this network: the network and its batch need [\d.]+ GB \(W\[2\] alone 10\.0 GB\); .*the wasm backend (can hold )?[\d.]+ GB: use fewer or smaller layers, a smaller batch$/,
    );
    assert.equal(await page.$eval('#train', (b) => (b as HTMLButtonElement).disabled), true);
    assert.equal(await page.$$eval('#runs tbody tr', (rs) => rs.length), 1, 'the earlier run stays');
    await shot(page, 'bad-input');
    // A CSV that is data: read by the library's parser in the page, the last column taken as the label.
    await page.setInputFiles('#file', join(ROOT, 'examples/data/flowers.csv'));
    await page.waitForFunction(() => document.getElementById('data-info')!.textContent!.startsWith('flowers.csv'));
    assert.match(
      await text(page, '#data-info'),
      /^flowers\.csv: m = 150 examples of n\[0\] = 4 features, 3 classes \(the last column is the label\)$/,
    );
    assert.equal(await cell(page, 'W1'), '(16, 4)');
    assert.equal(await error(), '');
    // X.npy with y.npy, dropped together: three examples of 2×2 pictures, read by npyPair in the page.
    const x = encodeNpy(
      [6, 2, 2],
      Array.from({ length: 24 }, (_, i) => i % 7),
    );
    const y = encodeNpy([6], [0, 1, 0, 1, 0, 1], '<i8');
    await page.setInputFiles('#file', [
      { name: 'x.npy', mimeType: 'application/octet-stream', buffer: Buffer.from(x) },
      { name: 'y.npy', mimeType: 'application/octet-stream', buffer: Buffer.from(y) },
    ]);
    await page.waitForFunction(() => document.getElementById('data-info')!.textContent!.startsWith('x.npy'));
    assert.match(await text(page, '#data-info'), /^x\.npy: m = 6 examples of n\[0\] = 4 features, 2 classes/);
    await page.setInputFiles('#file', { name: 'x.npy', mimeType: 'application/octet-stream', buffer: Buffer.from(x) });
    await page.waitForFunction(() => document.getElementById('error')!.textContent !== '');
    assert.equal(
      await error(),
      'DataError: x.npy: a .npy holds only features or only labels; drop X.npy and y.npy together',
    );
    await done(opened);
  });

  it('the MNIST subset: dev digits with their predictions, the wrong ones marked', async () => {
    const opened = await open();
    const { page } = opened;
    await page.selectOption('#source', 'builtin:mnist');
    await page.waitForFunction(() => document.getElementById('data-info')!.textContent!.startsWith('MNIST subset'));
    assert.match(
      await text(page, '#data-info'),
      /^MNIST subset: m = 2,000 examples of n\[0\] = 196 features, 10 classes/,
    );
    assert.equal(await cell(page, 'W1'), '(64, 196)');
    assert.equal(await cell(page, 'W2'), '(10, 64)');
    await setNumber(page, '#length', 5);
    await trainToEnd(page, 1);
    const digits = await page.$$eval('#digits .digit', (ds) =>
      ds.map((d) => {
        const { predicted, truth } = (d as HTMLElement).dataset;
        return { predicted, truth, wrong: d.classList.contains('wrong') };
      }),
    );
    assert.equal(digits.length, 48);
    for (const d of digits) assert.equal(d.wrong, d.predicted !== d.truth);
    assert.ok(digits.filter((d) => !d.wrong).length > 24, 'most are right after 5 epochs');
    await shot(page, 'mnist');
    await done(opened);
  });
});
