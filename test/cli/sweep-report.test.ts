/**
 * `lnn report DIR`: the page of a sweep — checked as HTML here, and in headless chromium (skipped,
 * saying why, without /usr/bin/chromium: .ci/install-browser.sh installs it).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { lnnInProcess } from './run.js';

const CHROMIUM = process.env['LNN_CHROMIUM'] ?? '/usr/bin/chromium';
let dir = '';
let html = '';
before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'lnn-sweep-report-'));
  const args = ['sweep', '--data', 'builtin:iris', '--lr', '0.05', '--lr', '0.01', '--hidden', '4', '--hidden', '8,4'];
  const r = await lnnInProcess([...args, '--iterations', '200', '--quiet', '--dir', join(dir, 's')]);
  assert.equal(r.code, 0, r.stderr);
  const rep = await lnnInProcess([
    'report',
    join(dir, 's'),
    '-o',
    join(dir, 'sweep.html'),
    '--title',
    'lr <and> widths',
  ]);
  assert.equal(rep.code, 0, rep.stderr);
  assert.match(rep.stdout, /^Wrote .*sweep.html \([\d.]+ KiB\): report of the sweep in .*s \(4 trials\)\n$/);
  html = readFileSync(join(dir, 'sweep.html'), 'utf8');
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('lnn report DIR', () => {
  test('the ranked table, dev error against each varied hyperparameter, the curves of the best', () => {
    assert.match(html, /<title>lr &lt;and&gt; widths<\/title>/);
    const rows = html.match(/<tr[^>]*data-id="[0-9a-f]{16}"/g) ?? [];
    assert.equal(rows.length, 4);
    assert.match(rows[0]!, /class="best"/);
    assert.match(html, /<svg class="chart scatter" id="dev-vs-lr"/);
    assert.match(html, /<svg class="chart scatter" id="dev-vs-hidden"/);
    assert.match(html, /<svg class="chart" id="error-chart"/);
    assert.match(html, /<svg class="chart" id="cost-chart"/);
    assert.ok(!/<script src|<link rel="stylesheet"|https?:\/\/(?!www\.w3\.org)/.test(html), 'self-contained');
  });

  test('default output beside the directory; a directory that is no sweep is refused', async () => {
    const r = await lnnInProcess(['report', join(dir, 's'), '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).output, `${join(dir, 's')}.report.html`);
    const bad = await lnnInProcess(['report', dir, '-o', join(dir, 'x.html')]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /not an lnn sweep directory/);
  });

  test(
    'in headless chromium: no errors, no requests, one dot per drawn trial',
    {
      skip: existsSync(CHROMIUM) ? false : `${CHROMIUM} is missing (run .ci/install-browser.sh, or set LNN_CHROMIUM)`,
      timeout: 120_000,
    },
    async () => {
      const { chromium } = await import('playwright-core');
      const server: Server = createServer((req, res) => {
        requests.push(req.url ?? '');
        res
          .writeHead(req.url === '/sweep.html' ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' })
          .end(req.url === '/sweep.html' ? html : '');
      });
      const requests: string[] = [];
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--no-first-run',
          '--disable-background-networking',
          '--disable-component-update',
        ],
      });
      try {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
        const errors: string[] = [];
        page.on('console', (m) => (m.type() === 'error' || m.type() === 'warning') && errors.push(m.text()));
        page.on('pageerror', (e) => errors.push(e.message));
        await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/sweep.html`, { waitUntil: 'load' });
        await page.waitForTimeout(100);
        assert.deepEqual(errors, []);
        assert.deepEqual(requests, ['/sweep.html']);
        const dots = await page.$$eval('svg#dev-vs-lr circle.dot', (cs) =>
          cs.map((c) => c.getBoundingClientRect().width),
        );
        assert.equal(dots.length, 4, 'one dot per trial');
        assert.ok(dots.every((w) => w > 4));
        const curves = await page.$$eval('svg#error-chart .scale-linear path.series', (ps) =>
          ps.map((p) => Number(p.getAttribute('data-points'))),
        );
        assert.ok(curves.length === 4 && curves.every((n) => n > 1), `${curves}`);
        await page.screenshot({ path: join(tmpdir(), 'lnn-report-sweep.png'), fullPage: true });
      } finally {
        await browser.close();
        await new Promise((r) => server.close(r));
      }
    },
  );
});
