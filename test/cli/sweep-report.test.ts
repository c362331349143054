/**
 * `lnn report DIR` on real sweep records — a grid, a random search with --prune and the basic recipe,
 * made by `lnn sweep` on iris — checked as HTML against the records, then in headless chromium (skipped,
 * saying why, without it: .ci/install-browser.sh installs it): no console error, no request but the
 * page, every chart drawn; brushing an axis of the parallel coordinates filters the table, a heading
 * sorts it, the text box filters it, hovering a mark names the trial, the colour menu recolours. A
 * screenshot of each page is kept in the temporary folder (LNN_TEST_ARTIFACTS, when set) for people.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import { readSweep, type SweepContents } from '../../src/sweep/record.js';
import { launchChromium, skipWithoutChromium, watchPage } from '../browser/chromium.js';
import { lnnInProcess } from './run.js';

const SWEEPS = {
  grid: ['--lr', '0.05', '--lr', '0.01', '--lr', '0.001', '--hidden', '4', '--hidden', '8,4', '--iterations', '200'],
  random: [
    ...['--strategy', 'random', '--trials', '12', '--lr', '0.0003..0.3'],
    ...['--hidden', '4', '--hidden', '8', '--hidden', '8,4', '--iterations', '300', '--prune', '--parallel', '1'],
  ],
  recipe: ['--strategy', 'recipe', '--hidden', '1', '--iterations', '100', '--trials', '6'],
  one: ['--lr', '0.05', '--lr', '0.01', '--lr', '0.1', '--iterations', '200'],
} as const;
type Kind = keyof typeof SWEEPS;
const KINDS = Object.keys(SWEEPS) as Kind[];
const TITLES = ['Optimization history', 'Hyperparameter importance', 'Parallel coordinates', 'Train vs dev error'];

let dir = '';
const html = {} as Record<Kind, string>;
const record = {} as Record<Kind, SweepContents>;
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lnn-sweep-report-'));
  for (const kind of KINDS) {
    const s = join(dir, kind);
    const r = await lnnInProcess(['sweep', '--data', 'builtin:iris', ...SWEEPS[kind], '--quiet', '--dir', s]);
    assert.equal(r.code, 0, r.stderr);
    const title = kind === 'grid' ? ['--title', 'lr <and> widths'] : [];
    const rep = await lnnInProcess(['report', s, '-o', join(dir, `${kind}.html`), ...title]);
    assert.equal(rep.code, 0, rep.stderr);
    assert.match(rep.stdout, /^Wrote .*\.html \([\d.]+ KiB\): report of the sweep in .* \(\d+ trials\)\n$/);
    html[kind] = readFileSync(join(dir, `${kind}.html`), 'utf8');
    record[kind] = readSweep(s);
  }
});
after(() => rmSync(dir, { recursive: true, force: true }));

const count = (page: string, re: RegExp) => (page.match(re) ?? []).length;
/** The svg element with this id, as text. */
const svg = (page: string, id: string) =>
  /<svg [^>]*id="([^"]+)"[\s\S]*?<\/svg>/g.exec(page.slice(page.indexOf(`id="${id}"`) - 60))![0];

describe('lnn report DIR: the pictures, against the records', () => {
  test('the four charts and the table on every page, self-contained', () => {
    for (const kind of KINDS) {
      for (const t of TITLES) assert.ok(html[kind].includes(`<h3>${t}</h3>`), `${kind}: ${t}`);
      assert.equal(count(html[kind], /<tr[^>]* data-t="\d+" data-id="[0-9a-f]{16}"/g), record[kind].trials.length);
      assert.ok(!/<script src|<link rel="stylesheet"|https?:\/\/(?!www\.w3\.org)/.test(html[kind]), kind);
    }
    assert.match(html.grid, /<title>lr &lt;and&gt; widths<\/title>/);
    assert.match(html.grid, /<tr class="best" data-t="0"/);
  });

  test('optimization history: a dot per trial at its dev error, pruned ones hollow, the best so far', () => {
    for (const kind of KINDS) {
      const chart = svg(html[kind], 'history-chart');
      const trials = record[kind].trials;
      assert.equal(count(chart, /<circle class="dot /g), trials.filter((t) => t.devError !== undefined).length);
      const pruned = trials.filter((t) => t.status === 'pruned').length;
      assert.equal(count(chart, /<circle class="dot [^"]*hollow/g), pruned, kind);
      assert.match(chart, /<path class="best-line" d="M[\d.]+ [\d.]+(H[\d.]+V[\d.]+)*H[\d.]+"\/>/);
      if (kind === 'random') assert.ok(pruned >= 2, `${pruned} pruned`);
    }
    // The best-so-far line steps down once per new best, in the order the trials ran.
    const byIndex = [...record.grid.trials].sort((a, b) => a.index - b.index);
    let best = Infinity,
      news = 0;
    for (const t of byIndex) if (t.status === 'ok' && t.devError! < best) [best, news] = [t.devError!, news + 1];
    assert.equal(count(svg(html.grid, 'history-chart'), /V/g), news - 1);
  });

  test('a pruned trial shows the rung its pruning note names, in the table', () => {
    for (const t of record.random.trials.filter((x) => x.status === 'pruned')) {
      const rung = /\(rung (\d),/.exec(t.error!)![1];
      assert.match(
        html.random,
        new RegExp(
          `data-id="${t.id}"><td class="num" data-v="\\d+">\\d+</td><td class="num" data-v="${t.index}">${t.index}</td><td>pruned \\(rung ${rung}\\)</td>`,
        ),
      );
    }
  });

  test('parallel coordinates: an axis per varied hyperparameter and dev error, a line per trial', () => {
    const axes = { grid: 3, random: 3, recipe: 4, one: 2 };
    for (const kind of KINDS) {
      const chart = svg(html[kind], 'parallel-chart');
      assert.equal(count(chart, /<g class="pc-axis"/g), axes[kind], kind);
      assert.equal(count(chart, /<rect class="pc-hit"/g), axes[kind]);
      const lines = [...chart.matchAll(/<polyline class="pc-line[^"]*" data-t="\d+" points="([^"]+)"/g)];
      assert.equal(lines.length, record[kind].trials.filter((t) => t.devError !== undefined).length);
      for (const l of lines) assert.equal(l[1]!.split(' ').length, axes[kind]);
    }
  });

  test('importance: a bar per varied hyperparameter, with how it was computed', () => {
    const grid = svg(html.grid, 'importance-chart');
    assert.deepEqual([...grid.matchAll(/data-key="([^"]+)"/g)].map((m) => m[1]).sort(), ['hidden', 'lr']);
    assert.match(html.grid, /How it is computed: for each hyperparameter, the share of the variance of dev error .*η²/);
    assert.match(html.grid, /over the dev error of the 6 finished trials/);
    assert.match(html.grid, /main effect of a functional ANOVA \(fANOVA\)/);
    // Few trials ran to the end of the random search: every trial is compared at its first rung.
    assert.match(html.random, /over the dev error of 12 trials at their first pruning rung/);
    assert.match(html.random, /Values drawn from a range are grouped into up to 5 bins of equal counts/);
  });

  test('train vs dev error: a point per trial, the diagonal, the human-level line, coloured by the diagnosis', () => {
    for (const kind of KINDS) {
      const chart = svg(html[kind], 'train-dev-chart');
      const trials = record[kind].trials.filter((t) => t.devError !== undefined && t.trainError !== undefined);
      const dots = [...chart.matchAll(/<circle class="dot (k-[\w-]+)/g)].map((m) => m[1]);
      assert.equal(dots.length, trials.length);
      assert.match(chart, /<line class="guide diagonal"/);
      assert.match(chart, /human-level 0.0% → avoidable bias/);
      for (const d of dots) assert.match(d!, /^k-(both|bias|variance|noise|neither)$/);
    }
  });

  test('the best trials’ curves: train (dashed) beside dev, a pair per trial', () => {
    const chart = svg(html.grid, 'error-chart');
    const series = [...chart.matchAll(/<path class="series (s\d)( dashed)?" data-series/g)];
    assert.equal(series.length, 10, '5 trials, dev and train each');
    assert.equal(series.filter((s) => s[2]).length, 5);
    assert.match(chart, /<text class="legend"[^>]*>trial \d+<\/text>/);
  });

  test('the recipe says why each trial ran; one hyperparameter gets one chart in one column', () => {
    assert.match(html.recipe, /<th [^>]*>why<\/th>/);
    assert.match(html.recipe, /<td class="why">high bias in trial 1 \(train [\d.]+%, dev [\d.]+%\)/);
    assert.equal(count(html.one, /<svg class="chart scatter" id="dev-vs-/g), 1);
    assert.match(
      html.one,
      /\.charts \{ display: grid; grid-template-columns: repeat\(auto-fill, minmax\(440px, 1fr\)\)/,
    );
  });

  test('default output beside the directory; a directory that is no sweep is refused', async () => {
    const r = await lnnInProcess(['report', join(dir, 'grid'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).output, `${join(dir, 'grid')}.report.html`);
    const bad = await lnnInProcess(['report', dir, '-o', join(dir, 'x.html')]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /not an lnn sweep directory/);
  });
});

describe('lnn report DIR in headless chromium', { skip: skipWithoutChromium, timeout: 180_000 }, () => {
  let browser: BrowserContext;
  let close: () => Promise<void>;
  let server: Server;
  let base = '';
  const requests: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      requests.push(req.url ?? '');
      const kind = /^\/(\w+)\.html$/.exec(req.url ?? '')?.[1] as Kind | undefined;
      if (kind && html[kind]) res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html[kind]);
      else res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    ({ browser, close } = await launchChromium());
  });
  after(async () => {
    await close?.();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  });

  async function open(kind: Kind): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    const problems = watchPage(page);
    requests.length = 0;
    assert.equal((await page.goto(`${base}/${kind}.html`, { waitUntil: 'load' }))?.status(), 200);
    await page.waitForTimeout(100);
    assert.deepEqual(problems, [], `${kind}: console or page errors`);
    assert.deepEqual(requests, [`/${kind}.html`], `${kind}: requests other than the page`);
    return { page, problems };
  }

  /** Each visible table row's cell in column `head`, top to bottom. */
  async function column(page: Page, head: string): Promise<string[]> {
    return page.$$eval(
      '#trials',
      ([table], h) => {
        const t = table as HTMLTableElement;
        const c = Array.from(t.tHead!.rows[0]!.cells).findIndex((th) => th.textContent === h);
        return Array.from(t.tBodies[0]!.rows)
          .filter((r) => !r.hidden)
          .map((r) => r.cells[c]!.textContent ?? '');
      },
      head,
    );
  }

  test('every page: the charts drawn, nothing asked of the network, a screenshot kept', async () => {
    for (const kind of KINDS) {
      const { page, problems } = await open(kind);
      const charts = ['history-chart', 'parallel-chart', 'train-dev-chart', 'error-chart'];
      // Three trials are too few to tell importance: the page says so instead.
      if (kind === 'one') assert.match(html.one, /Too few trials to tell \(3 measured; importance needs 4\)/);
      else charts.push('importance-chart');
      for (const id of charts) {
        const box = await page.locator(`svg#${id}`).boundingBox({ timeout: 2000 });
        assert.ok(box && box.width > 300 && box.height > 60, `${kind} ${id}: ${JSON.stringify(box)}`);
      }
      const dots = await page.$$eval('svg#history-chart circle.dot', (cs) =>
        cs.map((c) => c.getBoundingClientRect().width),
      );
      assert.ok(dots.length > 0 && dots.every((w) => w > 4), `${kind}: ${dots}`);
      const out = process.env['LNN_TEST_ARTIFACTS'] ?? tmpdir();
      await page.screenshot({ path: join(out, `lnn-report-sweep-${kind}.png`), fullPage: true });
      assert.deepEqual(problems, []);
      await page.close();
    }
  });

  test('one hyperparameter: its chart keeps a column, its text the size of the others', async () => {
    const { page } = await open('one');
    const main = (await page.locator('main').boundingBox())!;
    const slice = (await page.locator('#dev-vs-lr-figure').boundingBox())!;
    assert.ok(slice.width < 0.6 * main.width, `${slice.width} of ${main.width}`);
    const size = (sel: string) => page.$eval(sel, (t) => t.getBoundingClientRect().height);
    const [own, other] = [await size('svg#dev-vs-lr .y-tick'), await size('svg#history-chart .y-tick')];
    assert.ok(Math.abs(own - other) < 1, `tick text ${own} vs ${other} px`);
    await page.close();
  });

  test('brushing an axis of the parallel coordinates filters the table; a click clears it', async () => {
    const { page } = await open('random');
    const all = record.random.trials.length;
    assert.equal(await page.textContent('#trial-count'), `${all} of ${all} trials`);
    await page.locator('svg#parallel-chart').scrollIntoViewIfNeeded();
    const hit = (a: number) => page.locator('svg#parallel-chart rect.pc-hit').nth(a).boundingBox();
    const drag = async (x: number, y0: number, y1: number) => {
      await page.mouse.move(x, y0);
      await page.mouse.down();
      await page.mouse.move(x, y1, { steps: 4 });
      await page.mouse.up();
    };
    // Over the category "8" of --hidden: the rows left are the trials with --hidden 8.
    const tick = page.locator('svg#parallel-chart g.pc-axis[data-axis="1"] text.tick', { hasText: /^8$/ });
    const at = (await tick.boundingBox())!;
    const hidden = (await hit(1))!;
    const brushHidden = () => drag(hidden.x + hidden.width / 2, at.y + at.height / 2 - 12, at.y + at.height / 2 + 12);
    await brushHidden();
    const want = record.random.trials.filter((t) => t.values.hidden === '8').length;
    assert.ok(want > 0 && want < all);
    assert.deepEqual(await column(page, '--hidden'), new Array(want).fill('8'));
    assert.equal(await page.textContent('#trial-count'), `${want} of ${all} trials (brushed: --hidden)`);
    assert.equal(await page.$$eval('svg#history-chart circle.dim', (cs) => cs.length), all - want, 'the rest dimmed');
    // A click on the axis clears its brush.
    await page.mouse.click(hidden.x + hidden.width / 2, hidden.y + 20);
    assert.equal((await column(page, '--hidden')).length, all);
    // The lower half of dev error keeps the lowest errors: every row kept is below every row left out.
    const dev = (await hit(2))!;
    await drag(dev.x + dev.width / 2, dev.y + dev.height - 2, dev.y + dev.height / 2);
    const rows = await page.$$eval('#trials tbody tr', (rs) =>
      rs.map((r) => ({
        hidden: (r as HTMLTableRowElement).hidden,
        dev: Number(r.children[3]!.getAttribute('data-v')),
      })),
    );
    const kept = rows.filter((r) => !r.hidden).map((r) => r.dev);
    const left = rows.filter((r) => r.hidden).map((r) => r.dev);
    assert.ok(kept.length > 0 && left.length > 0, JSON.stringify(rows));
    assert.ok(Math.max(...kept) < Math.min(...left), JSON.stringify(rows));
    // Both brushes: the trials in both ranges.
    await brushHidden();
    const both = await column(page, '--hidden');
    assert.ok(both.length <= Math.min(kept.length, want) && both.every((h) => h === '8'), both.join());
    assert.match((await page.textContent('#trial-count'))!, /\(brushed: (--hidden, dev error|dev error, --hidden)\)$/);
    await page.click('#clear-filters');
    assert.equal((await column(page, '--hidden')).length, all);
    assert.equal(await page.$$eval('svg circle.dim', (cs) => cs.length), 0);
    await page.close();
  });

  test('the text box filters the table; a heading sorts it, a second click the other way', async () => {
    const { page } = await open('random');
    await page.fill('#trial-filter', 'pruned');
    const status = await column(page, 'status');
    assert.ok(status.length >= 2 && status.every((s) => /^pruned \(rung \d\)$/.test(s)), status.join());
    await page.fill('#trial-filter', '');
    const num = (xs: string[]) => xs.map((x) => Number.parseFloat(x));
    await page.click('#trials th:text-is("--lr")');
    const lr = num(await column(page, '--lr'));
    assert.deepEqual(
      lr,
      [...lr].sort((a, b) => a - b),
    );
    assert.equal(await page.getAttribute('#trials th:text-is("--lr")', 'aria-sort'), 'ascending');
    await page.click('#trials th:text-is("--lr")');
    assert.deepEqual(
      num(await column(page, '--lr')),
      [...lr].sort((a, b) => b - a),
    );
    await page.click('#trials th:text-is("train error")');
    const train = num(await column(page, 'train error'));
    assert.deepEqual(
      train,
      [...train].sort((a, b) => a - b),
    );
    await page.click('#trials th:text-is("rank")');
    assert.deepEqual(
      await column(page, 'rank'),
      record.random.trials.map((_, i) => String(i + 1)),
    );
    await page.close();
  });

  test('hovering a mark names the trial and lights it everywhere; the colour menu recolours', async () => {
    const { page } = await open('grid');
    const dot = page.locator('svg#history-chart circle.dot').first();
    const v = await dot.getAttribute('data-t');
    await dot.hover();
    const tip = page.locator('#trial-tip');
    assert.ok(await tip.isVisible());
    const row = page.locator(`#trials tr[data-t="${v}"]`);
    const index = await row.locator('td').nth(1).textContent();
    assert.match((await tip.textContent())!, new RegExp(`^trial ${index} · rank ${Number(v) + 1} · ok`));
    assert.match((await row.getAttribute('class')) ?? '', /\bhl\b/);
    assert.match((await page.getAttribute(`svg#parallel-chart polyline[data-t="${v}"]`, 'class'))!, /\bhl\b/);
    await page.mouse.move(2, 2);
    assert.ok(!(await tip.isVisible()));
    // Colour the history by --hidden: two values, two colours, and their legend.
    await page.selectOption('select.colour-by[data-target="history-figure"]', 'hidden');
    const classes = await page.$$eval('svg#history-chart circle.dot', (cs) =>
      cs.map((c) => /k-\S+/.exec(c.getAttribute('class')!)![0]),
    );
    assert.deepEqual([...new Set(classes)].sort(), ['k-c0', 'k-c1']);
    assert.ok(await page.isVisible('#history-figure .legend-row[data-colour="hidden"]'));
    assert.ok(!(await page.isVisible('#history-figure .legend-row[data-colour="diagnosis"]')));
    await page.close();
  });
});
