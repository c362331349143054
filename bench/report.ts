// npm run bench:report [-- --trials 500] [--runs 5] [--json]
//
// The sweep report of a large search in headless chromium: a random search of `trials` trials over
// four hyperparameters (a third run to the end with a 20-evaluation curve, the rest pruned at a rung),
// built in memory as `lnn sweep` records them. Measured: the page's HTML (size, time to render it in
// Node), then in chromium on a fresh page each run — the time from navigation to the load event (the
// page parsed, styled, its script run) and to the first paint after it, and the time of one brush on
// the parallel coordinates (filtering the table and dimming the marks) and of one sort of the table.
// Medians over `runs`. Target (issue 19): the page renders in under 2 s for 500 trials.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { renderSweepReport } from '../src/report/sweep-page.js';
import type { TrialResult } from '../src/sweep/trial.js';
import type { RunRecord } from '../src/train/run-record.js';
import { launchChromium, skipWithoutChromium } from '../test/browser/chromium.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: number) =>
  args.includes(name) ? Number(args[args.indexOf(name) + 1]) || fallback : fallback;
const trials = option('--trials', 500);
const runs = option('--runs', 5);
const json = args.includes('--json');
const log = (s: string) => process.stderr.write(s + '\n');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** A seeded uniform [0, 1) (mulberry32): the same sweep every run. */
function uniform(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One trial of the synthetic search: dev error best near lr 0.003, a little worse without L2. */
function trial(index: number, rand: () => number): TrialResult {
  const lr = 10 ** (-4 + 3.5 * rand());
  const hidden = ['16', '64', '128,64', '256,128'][Math.floor(rand() * 4)]!;
  const l2 = 0.1 * rand();
  const keep = 0.5 + 0.5 * rand();
  const dev = Math.min(
    0.9,
    0.02 + 0.04 * Math.abs(Math.log10(lr / 0.003)) ** 2 + 0.02 * rand() + (l2 < 0.01 ? 0.01 : 0),
  );
  const train = Math.max(0, dev - 0.01 - 0.02 * rand());
  const finished = index % 3 === 1;
  const total = 2000;
  const points = finished ? 20 : 1;
  const evals = Array.from({ length: points }, (_, i) => {
    const iteration = Math.ceil(((i + 1) * (finished ? total : total / 9)) / points);
    const late = 1 + 2 * Math.exp(-(3 * iteration) / total);
    return { iteration, epoch: iteration / 100, trainError: train * late, devError: dev * late };
  });
  const costs = Array.from({ length: finished ? 25 : 3 }, (_, i) => ({
    iteration: i * 80,
    cost: 0.1 + 2 * Math.exp(-i / 5),
  }));
  const run = {
    format: 'lnn-run',
    version: 1,
    hyperparameters: { iterations: total },
    data: { nx: 784, train: 6000, dev: 2000, classes: ['0', '1'] },
    history: { costs, evals },
    result: { iterations: finished ? total : evals[0]!.iteration, seconds: 3 },
  } as unknown as RunRecord;
  const values = { lr: lr.toPrecision(3), hidden, l2: l2.toPrecision(3), 'keep-prob': keep.toPrecision(3) };
  const d = evals[evals.length - 1]!;
  return {
    id: index.toString(16).padStart(16, '0'),
    index,
    values,
    status: finished ? 'ok' : 'pruned',
    trainError: d.trainError,
    devError: d.devError,
    diagnosis: {
      trainError: d.trainError,
      devError: d.devError,
      avoidableBias: d.trainError,
      variance: d.devError - d.trainError,
      highBias: d.trainError >= 0.02,
      highVariance: d.devError - d.trainError >= 0.02,
      trainSize: 6000,
      devSize: 2000,
    },
    ...(finished ? {} : { error: `pruned at iteration ${d.iteration} of ${total} (rung 1, at 1/9 of the budget: …)` }),
    run,
    seconds: 3,
    ranOn: 'local',
    finishedAt: '2026-12-07T00:00:00.000Z',
  };
}

if (skipWithoutChromium) {
  log(`bench:report: ${skipWithoutChromium}`);
  process.exit(1);
}
const rand = uniform(1);
const sweep = Array.from({ length: trials }, (_, i) => trial(i + 1, rand));
const t0 = performance.now();
const html = renderSweepReport(
  {
    identity: {
      id: '0123456789abcdef',
      strategy: 'random',
      space: [
        { key: 'lr', kind: 'range', min: 1e-4, max: 0.3, integer: false, log: true },
        { key: 'hidden', kind: 'values', values: ['16', '64', '128,64', '256,128'] },
        { key: 'l2', kind: 'range', min: 0, max: 0.1, integer: false, log: false },
        { key: 'keep-prob', kind: 'range', min: 0.5, max: 1, integer: false, log: false },
      ],
      data: {
        source: 'synthetic',
        m: 10000,
        nx: 784,
        classes: ['0', '1'],
        hash: 'x',
        train: 6000,
        dev: 2000,
        splitRule: 'auto',
      },
    },
    trials: sweep,
    halfDone: 0,
  },
  { generatedAt: null },
);
const renderMs = performance.now() - t0;
const dir = mkdtempSync(join(tmpdir(), 'lnn-bench-report-'));
const file = join(dir, 'sweep.html');
writeFileSync(file, html);
const { browser, close } = await launchChromium();
const rows: { loadMs: number; paintMs: number; brushMs: number; sortMs: number }[] = [];
try {
  for (let r = 0; r < runs; r++) {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    const timing = await page.evaluate(
      () =>
        new Promise<{ load: number; paint: number }>((resolve) =>
          requestAnimationFrame(() => {
            const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
            // The frame after the load event has been painted once requestAnimationFrame's next frame begins.
            requestAnimationFrame(() => resolve({ load: nav.loadEventEnd, paint: performance.now() }));
          }),
        ),
    );
    await page.locator('svg#parallel-chart').scrollIntoViewIfNeeded();
    const box = (await page.locator('svg#parallel-chart rect.pc-hit').last().boundingBox())!;
    const brushMs = await timed(page, async () => {
      await page.mouse.move(box.x + box.width / 2, box.y + box.height - 2);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
      await page.mouse.up();
    });
    const sortMs = await timed(page, () => page.click('#trials th:text-is("--lr")'));
    rows.push({ loadMs: timing.load, paintMs: timing.paint, brushMs, sortMs });
    await page.close();
  }
} finally {
  await close();
  rmSync(dir, { recursive: true, force: true });
}

/** The time an action takes in the page, to the next frame after it (input handling, script, layout). */
async function timed(page: import('playwright-core').Page, act: () => Promise<void>): Promise<number> {
  const start = await page.evaluate(() => performance.now());
  await act();
  const end = await page.evaluate(
    () => new Promise<number>((resolve) => requestAnimationFrame(() => resolve(performance.now()))),
  );
  return end - start;
}

const result = {
  trials,
  htmlKiB: Math.round(Buffer.byteLength(html) / 1024),
  renderMs: Math.round(renderMs),
  loadMs: Math.round(median(rows.map((r) => r.loadMs))),
  paintMs: Math.round(median(rows.map((r) => r.paintMs))),
  brushMs: Math.round(median(rows.map((r) => r.brushMs))),
  sortMs: Math.round(median(rows.map((r) => r.sortMs))),
  runs,
};
if (json) process.stdout.write(JSON.stringify(result) + '\n');
else
  log(
    `sweep report, ${trials} trials: ${result.htmlKiB} KiB of HTML rendered in ${result.renderMs} ms (Node); in chromium ` +
      `(median of ${runs}): load event at ${result.loadMs} ms, painted at ${result.paintMs} ms; a brush ${result.brushMs} ms, a sort ${result.sortMs} ms ` +
      `(the playwright round trips included)`,
  );
