/**
 * The report in a real browser: Debian's chromium, headless, driven by playwright-core. The pages must
 * load with no console errors, no page errors and no request but the page itself, and their charts must
 * be drawn (paths with many points and non-empty boxes). Skips when /usr/bin/chromium is missing
 * (.ci/install-browser.sh installs it). Screenshots go to the temp folder for people to look at.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { renderComparisonReport } from '../../src/report/compare.js';
import { renderReport } from '../../src/report/html.js';
import { classificationRun, divergedRun, regressionRun, singlePointRun } from './fixtures.js';
import { launchChromium, skipWithoutChromium } from '../browser/chromium.js';

const skip = skipWithoutChromium;

/** What a page did while loading: console errors, uncaught errors, every URL it asked for. */
interface Watch {
  errors: string[];
  requests: string[];
}

function watch(page: Page): Watch {
  const w: Watch = { errors: [], requests: [] };
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') w.errors.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => w.errors.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => w.errors.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => w.requests.push(r.url()));
  return w;
}

/** Box and drawn points of every visible series path in the svg with this id. */
async function drawnSeries(
  page: Page,
  id: string,
): Promise<{ points: number; width: number; height: number; length: number }[]> {
  return page.$$eval(`svg#${id} path.series`, (paths) =>
    paths
      .filter((p) => getComputedStyle(p.parentElement!).display !== 'none')
      .map((p) => {
        const box = (p as SVGPathElement).getBoundingClientRect();
        return {
          points: Number(p.getAttribute('data-points')),
          width: box.width,
          height: box.height,
          length: (p as SVGPathElement).getTotalLength(),
        };
      }),
  );
}

describe('report in headless chromium', { skip, timeout: 120_000 }, () => {
  let browser: BrowserContext;
  let chrome: Awaited<ReturnType<typeof launchChromium>> | undefined;
  let server: Server;
  let base: string;
  let dir: string;
  const served: string[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'lnn-report-browser-'));
    writeFileSync(join(dir, 'run.html'), renderReport(classificationRun(), { title: 'cat vs non-cat <L=4>' }));
    writeFileSync(join(dir, 'single.html'), renderReport(singlePointRun()));
    writeFileSync(join(dir, 'diverged.html'), renderReport(divergedRun()));
    writeFileSync(join(dir, 'regression.html'), renderReport(regressionRun()));
    const b = classificationRun();
    b.hyperparameters['lr'] = 0.02;
    b.history.costs = b.history.costs.map((p) => ({ ...p, cost: 0.9 * p.cost }));
    writeFileSync(
      join(dir, 'compare.html'),
      renderComparisonReport([
        { label: 'lr 0.0075', run: classificationRun() },
        { label: 'lr 0.02', run: b },
        { label: 'diverged', run: divergedRun() },
      ]),
    );
    server = createServer((req, res) => {
      served.push(req.url ?? '');
      const name = (req.url ?? '/').slice(1);
      if (/^[\w-]+\.html$/.test(name) && existsSync(join(dir, name))) {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(readFileSync(join(dir, name)));
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    chrome = await launchChromium();
    browser = chrome.browser;
  });

  after(async () => {
    await chrome?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a report over http; checks that it loaded cleanly and asked for nothing but itself. */
  async function open(name: string, viewport = { width: 1280, height: 900 }): Promise<{ page: Page; w: Watch }> {
    const page = await browser.newPage();
    await page.setViewportSize(viewport);
    const w = watch(page);
    const url = `${base}/${name}`;
    const resp = await page.goto(url, { waitUntil: 'load' });
    assert.equal(resp?.status(), 200);
    await page.waitForTimeout(100); // let late console messages arrive
    assert.deepEqual(w.errors, [], `${name}: console or page errors`);
    assert.deepEqual(w.requests, [url], `${name}: requests other than the page`);
    return { page, w };
  }

  it('a classification run: no errors, no other requests, every chart drawn', async () => {
    const { page, w } = await open('run.html');
    assert.equal(await page.title(), 'cat vs non-cat <L=4>');
    const cost = await drawnSeries(page, 'cost-chart');
    assert.equal(cost.length, 2, 'train cost and dev cost on the linear layer');
    assert.ok(cost[0]!.points > 1000, `${cost[0]!.points} points`);
    for (const s of cost) assert.ok(s.width > 300 && s.height > 50 && s.length > 300, JSON.stringify(s));
    const err = await drawnSeries(page, 'error-chart');
    assert.equal(err.length, 2);
    for (const s of err) assert.ok(s.points === 26 && s.width > 300 && s.height > 30, JSON.stringify(s));
    const bars = await page.$$eval('svg#bias-variance-chart rect.bar, svg#bias-variance-chart rect.span', (rs) =>
      rs.map((r) => r.getBoundingClientRect().width),
    );
    assert.equal(bars.length, 5);
    assert.ok(bars.filter((x) => x > 5).length >= 4, `bar widths ${bars}`);
    assert.match((await page.textContent('#diagnosis .verdict')) ?? '', /High variance/);

    // The log-scale toggle swaps the cost layers, with CSS alone.
    await page.click('label[for="cost-chart-log"]');
    const shown = await page.$$eval('svg#cost-chart g', (gs) =>
      gs.map((g) => `${g.getAttribute('class')}:${getComputedStyle(g).display}`),
    );
    assert.ok(shown.includes('scale-log:inline') && shown.includes('scale-linear:none'), shown.join(' '));
    const logSeries = await drawnSeries(page, 'cost-chart');
    assert.ok(logSeries.length === 2 && logSeries[0]!.height > 50);
    await page.click('label[for="cost-chart-log"]');

    // Hovering shows the values under the pointer.
    const box = (await page.locator('svg#cost-chart').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.4);
    const tip = page.locator('#cost-chart-figure .tooltip');
    assert.ok(await tip.isVisible(), 'tooltip visible');
    assert.match((await tip.textContent()) ?? '', /^iteration \d+cost J \(train\): 0\.\d+cost J \(dev\): 0\.\d+/);
    assert.equal(await page.getAttribute('svg#cost-chart .crosshair', 'visibility'), 'visible');
    await page.mouse.move(1, 1);
    assert.ok(!(await tip.isVisible()), 'tooltip hidden again');

    await page.screenshot({ path: join(tmpdir(), 'lnn-report-run.png'), fullPage: true });
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.requests, [`${base}/run.html`]);
    await page.close();
  });

  it('one cost point and a diverged run draw without errors', async () => {
    const single = await open('single.html');
    const dots = await single.page.$$eval('svg#cost-chart .scale-linear circle.dot', (cs) =>
      cs.map((c) => c.getBoundingClientRect().width),
    );
    assert.equal(dots.length, 1);
    assert.ok(dots[0]! > 2);
    await single.page.close();

    const { page } = await open('diverged.html');
    const cost = await drawnSeries(page, 'cost-chart');
    assert.equal(cost[0]!.points, 120);
    assert.ok(cost[0]!.height > 50);
    const marks = await page.$$eval('svg#cost-chart rect.nonfinite', (rs) =>
      rs.map((r) => r.getBoundingClientRect().width),
    );
    assert.ok(marks.length >= 1 && marks[0]! > 50, `marks ${marks}`);
    assert.ok(await page.isVisible('#diverged'));
    // hovering where the cost is NaN says so
    const box = (await page.locator('svg#cost-chart').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.85, box.y + box.height * 0.5);
    assert.match((await page.textContent('#cost-chart-figure .tooltip')) ?? '', /not finite \(diverged\)/);
    await page.screenshot({ path: join(tmpdir(), 'lnn-report-diverged.png'), fullPage: true });
    await page.close();
  });

  it('a regression run and a comparison of three runs', async () => {
    const reg = await open('regression.html', { width: 700, height: 900 });
    assert.equal((await drawnSeries(reg.page, 'error-chart')).length, 2);
    // the injected markup stayed text
    assert.equal(await reg.page.$$eval('img', (i) => i.length), 0);
    assert.match((await reg.page.textContent('#hyperparameters')) ?? '', /<img src=x onerror=alert\(1\)>/);
    await reg.page.screenshot({ path: join(tmpdir(), 'lnn-report-regression-narrow.png'), fullPage: true });
    await reg.page.close();

    const { page } = await open('compare.html');
    const cost = await drawnSeries(page, 'cost-chart');
    assert.equal(cost.length, 3);
    for (const s of cost) assert.ok(s.points > 100 && s.width > 10 && s.height > 10, JSON.stringify(s));
    assert.equal((await drawnSeries(page, 'error-chart')).length, 3);
    await page.screenshot({ path: join(tmpdir(), 'lnn-report-compare.png'), fullPage: true });
    await page.close();
  });

  it('opens from a file:// URL with no network at all', async () => {
    const page = await browser.newPage();
    const w = watch(page);
    const url = pathToFileURL(join(dir, 'run.html')).href;
    await page.goto(url);
    await page.waitForTimeout(100);
    assert.deepEqual(w.errors, []);
    assert.deepEqual(w.requests, [url]);
    assert.equal((await drawnSeries(page, 'cost-chart')).length, 2);
    await page.close();
  });

  it('the server saw only the pages it served', () => {
    assert.ok(
      served.every((u) => /^\/[\w-]+\.html$/.test(u)),
      served.join(' '),
    );
  });
});
