// npm run bench:browser [-- --runs 5] [--no-curve] [--json]
//
// Fit in a Web Worker (trainInWorker) against fit on the page's main thread (train), in headless
// chromium, on the example page (examples/browser, built and served as its README says, cross-origin
// isolated): the same run, the same page, its live cost curve drawn in both. Each configuration runs
// `runs` times in each place, alternating, on a fresh page each time; medians are reported. The page
// starts its training worker as it loads (startTrainWorker); the run starts once it is ready, in both
// places. `wall` is the page's time around the call; `fit` is the trainer's own time for the loop
// (TrainResult.seconds), in the worker or on the page; `start` is the worker's start-up (module load,
// kernel compilation, its threads), which trainInWorker without a started worker adds to a run.
import { mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildExample } from '../examples/browser/build.mjs';
import { createExampleServer } from '../examples/browser/serve.mjs';
import { launchChromium, skipWithoutChromium } from '../test/browser/chromium.js';

const args = process.argv.slice(2);
const runs = Number(args[args.indexOf('--runs') + 1] ?? 5) || 5;
const json = args.includes('--json');
// --no-curve: the page draws nothing while training (requestAnimationFrame stubbed), in both places.
const noCurve = args.includes('--no-curve');
const log = (s: string) => process.stderr.write(s + '\n');

/** Iris (90 training examples) with a small and a wider network. */
const CONFIGS = [
  { name: 'iris, n = [4, 32, 16, 3], batch 16, 2,000 epochs', hidden: '32,16', batchSize: 16, epochs: 2000 },
  { name: 'iris, n = [4, 256, 256, 3], full batch, 1,000 epochs', hidden: '256,256', batchSize: 90, epochs: 1000 },
];

interface Run {
  wallMs: number;
  fitSeconds: number;
  iterations: number;
  threads: number;
  startMs: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

if (skipWithoutChromium) {
  log(`bench:browser: ${skipWithoutChromium}`);
  process.exit(1);
}
const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'lnn-bench-browser-'));
await buildExample(join(dir, 'dist'));
for (const f of ['index.html', 'iris.json']) copyFileSync(join(root, 'examples/browser', f), join(dir, f));
const server = createExampleServer(dir);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
const { browser, close } = await launchChromium();

async function once(config: (typeof CONFIGS)[number], onMain: boolean): Promise<Run> {
  const page = await browser.newPage();
  await page.goto(base);
  await page.waitForSelector('#env[data-worker-threads]');
  const startMs = Number(await page.$eval('#env', (e) => (e as HTMLElement).dataset['workerStartMs']));
  await page.fill('#hidden', config.hidden);
  await page.fill('#batch-size', String(config.batchSize));
  await page.fill('#epochs', String(config.epochs));
  if (onMain) await page.check('#main-thread');
  if (noCurve) await page.evaluate(() => void (window.requestAnimationFrame = () => 0));
  await page.click('#train');
  await page.waitForSelector('#train-status[data-state="done"]', { timeout: 600_000 });
  const s = await page.$eval('#train-status', (e) => ({ ...(e as HTMLElement).dataset }));
  const threads = Number(
    onMain ? await page.$eval('#env', (e) => (e as HTMLElement).dataset['threads']) : s['workerThreads'],
  );
  await page.close();
  return {
    wallMs: Number(s['wallMs']),
    fitSeconds: Number(s['fitSeconds']),
    iterations: Number(s['iterations']),
    threads,
    startMs,
  };
}

const results = [];
try {
  for (const config of CONFIGS) {
    const main: Run[] = [];
    const worker: Run[] = [];
    for (let i = 0; i < runs; i++) {
      main.push(await once(config, true));
      worker.push(await once(config, false));
      log(`${config.name}: run ${i + 1}: main ${main.at(-1)!.wallMs} ms, worker ${worker.at(-1)!.wallMs} ms`);
    }
    const m = { wallMs: median(main.map((r) => r.wallMs)), fitSeconds: median(main.map((r) => r.fitSeconds)) };
    const w = { wallMs: median(worker.map((r) => r.wallMs)), fitSeconds: median(worker.map((r) => r.fitSeconds)) };
    results.push({
      config: config.name,
      iterations: main[0]!.iterations,
      threads: { main: main[0]!.threads, worker: worker[0]!.threads },
      workerStartMs: median([...main, ...worker].map((r) => r.startMs)),
      main: m,
      worker: w,
      workerOverMain: { wall: w.wallMs / m.wallMs, fit: w.fitSeconds / m.fitSeconds },
    });
  }
} finally {
  await close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}

if (json) console.log(JSON.stringify({ runs, results }, null, 2));
else
  for (const r of results)
    console.log(
      `${r.config} (${r.iterations} updates; threads main ${r.threads.main}, worker ${r.threads.worker}; ` +
        `the worker's start-up ${r.workerStartMs.toFixed(0)} ms): ` +
        `wall main ${r.main.wallMs.toFixed(0)} ms, worker ${r.worker.wallMs.toFixed(0)} ms (×${r.workerOverMain.wall.toFixed(2)}); ` +
        `fit main ${r.main.fitSeconds.toFixed(3)} s, worker ${r.worker.fitSeconds.toFixed(3)} s (×${r.workerOverMain.fit.toFixed(2)})`,
    );
