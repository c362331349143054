// npm run bench:playground [-- --runs 5] [--json]
//
// The playground's speed, in headless chromium, from its static build (npm run build:playground,
// served as `lnn playground` serves it): (1) the first view: from navigation to the kernels loaded
// (the page drawn and usable) and to the training worker ready; (2) a 2-D toy run (circles, m = 400,
// n = [2, 8, 8, 1], 1,000 full-batch iterations, Adam), from the click on Train to the page showing its
// end; (3) the MNIST subset (1,200 training digits of 14×14, n = [196, 64, 10], 20 epochs of 32, Adam)
// in the page against `lnn train --backend wasm` on the same run from the CSV the page downloads.
// `fit` is the trainer's own time for the loop (TrainResult.seconds) in both places; `wall` is the
// page's time around trainInWorker, or the process's for the command line (start, reading the CSV).
// Each is measured `runs` times on a fresh page; medians are reported.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { buildPlayground } from '../scripts/build-playground.mjs';
import { createPlaygroundServer } from '../src/playground/server.js';
import { launchChromium, skipWithoutChromium } from '../test/browser/chromium.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 5) || 5;
const json = args.includes('--json');
const log = (s: string) => process.stderr.write(s + '\n');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (skipWithoutChromium) {
  log(`bench:playground: ${skipWithoutChromium}`);
  process.exit(1);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lnn-bench-playground-'));
const site = await buildPlayground(join(dir, 'site'));
const server = createPlaygroundServer(site);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
const { browser, close } = await launchChromium();

async function fresh(): Promise<{ page: Page; readyMs: number; workerMs: number; drawnMs: number }> {
  const page = await browser.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto(base);
  await page.waitForSelector('#train:not([disabled])');
  const env = await page.$eval('#env', (e) => ({ ...(e as HTMLElement).dataset }));
  return {
    page,
    readyMs: Number(env['readyMs']),
    drawnMs: Number(env['drawnMs']),
    workerMs: Number(env['workerReadyMs']),
  };
}

async function trainOnce(page: Page, runs: number): Promise<{ wallMs: number; fitSeconds: number }> {
  await page.click('#train');
  await page.waitForSelector('#train-status[data-state="done"]', { timeout: 600_000 });
  await page.waitForFunction((n) => document.querySelectorAll('#runs tbody tr').length === n, runs);
  const d = await page.$eval('#train-status', (e) => ({ ...(e as HTMLElement).dataset }));
  return { wallMs: Number(d['wallMs']), fitSeconds: Number(d['fitSeconds']) };
}

const results: Record<string, unknown> = {};
try {
  const drawn: number[] = [],
    first: number[] = [],
    worker: number[] = [],
    toyWall: number[] = [],
    toyFit: number[] = [],
    pageWall: number[] = [],
    pageFit: number[] = [],
    cliWall: number[] = [],
    cliFit: number[] = [];
  let csv = '';
  for (let r = 0; r < runs; r++) {
    const { page, readyMs, workerMs, drawnMs } = await fresh();
    first.push(readyMs);
    drawn.push(drawnMs);
    worker.push(workerMs);
    const toy = await trainOnce(page, 1);
    toyWall.push(toy.wallMs);
    toyFit.push(toy.fitSeconds);
    await page.selectOption('#source', 'builtin:mnist');
    await page.waitForFunction(() => document.getElementById('data-info')!.textContent!.startsWith('MNIST'));
    const mnist = await trainOnce(page, 2);
    pageWall.push(mnist.wallMs);
    pageFit.push(mnist.fitSeconds);
    if (!csv) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-data')]);
      csv = join(dir, 'mnist-2000.csv');
      await download.saveAs(csv);
    }
    const command = await page.$eval('#command', (e) => (e as HTMLTextAreaElement).value);
    await page.close();
    const argv = command
      .replace(/^npx lnn /, '')
      .replace(/ --save model\.json --record run\.json$/, '')
      .split(' ')
      .concat(['--backend', 'wasm', '--json', '--quiet']);
    const t0 = performance.now();
    const cli = spawnSync(process.execPath, [join(root, 'bin/lnn.js'), ...argv], { cwd: dir, encoding: 'utf8' });
    cliWall.push(performance.now() - t0);
    if (cli.status !== 0) throw new Error(`lnn ${argv.join(' ')}: ${cli.stderr}`);
    cliFit.push(JSON.parse(cli.stdout).trainingSeconds);
    log(
      `run ${r + 1}: first view ${readyMs} ms, toy ${toy.wallMs} ms, MNIST page ${mnist.fitSeconds.toFixed(2)} s, cli ${cliFit.at(-1)!.toFixed(2)} s`,
    );
  }
  Object.assign(results, {
    firstViewMs: median(first),
    drawnMs: median(drawn),
    workerReadyMs: median(worker),
    toy: { wallMs: median(toyWall), fitSeconds: median(toyFit) },
    mnist: {
      page: { wallMs: median(pageWall), fitSeconds: median(pageFit) },
      cli: { wallMs: median(cliWall), fitSeconds: median(cliFit) },
      ratio: median(pageFit) / median(cliFit),
    },
  });
} finally {
  await close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}

if (json) process.stdout.write(JSON.stringify(results, null, 1) + '\n');
else {
  const r = results as {
    firstViewMs: number;
    drawnMs: number;
    workerReadyMs: number;
    toy: { wallMs: number; fitSeconds: number };
    mnist: { page: { wallMs: number; fitSeconds: number }; cli: { wallMs: number; fitSeconds: number }; ratio: number };
  };
  process.stdout.write(
    [
      `medians of ${runs}`,
      `first view: kernels loaded ${r.firstViewMs} ms, the data drawn ${r.drawnMs} ms, training worker ready ${r.workerReadyMs} ms (from navigation)`,
      `circles, [2, 8, 8, 1], 1,000 iterations: ${r.toy.wallMs.toFixed(0)} ms wall (fit ${(1000 * r.toy.fitSeconds).toFixed(0)} ms)`,
      `MNIST subset, [196, 64, 10], 20 epochs: page fit ${r.mnist.page.fitSeconds.toFixed(2)} s (wall ${(r.mnist.page.wallMs / 1000).toFixed(2)} s), lnn train --backend wasm fit ${r.mnist.cli.fitSeconds.toFixed(2)} s (wall ${(r.mnist.cli.wallMs / 1000).toFixed(2)} s): ${r.mnist.ratio.toFixed(2)}x`,
    ].join('\n') + '\n',
  );
}
