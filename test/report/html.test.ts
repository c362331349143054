import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import { diagnose } from '../../src/evaluate/diagnose.js';
import { renderComparisonReport } from '../../src/report/compare.js';
import { renderReport } from '../../src/report/html.js';
import { readRunDocument } from '../../src/report/run-file.js';
import { ROOT } from '../cli/run.js';
import type { RunRecord } from '../../src/train/run-record.js';
import { classificationRun, divergedRun, noDevRun, regressionRun, savedModel, singlePointRun } from './fixtures.js';

/** A copy of `doc` with `edit` applied, as a hand edit of the file would leave it (checksum untouched). */
function edited(doc: Record<string, unknown>, edit: (d: Record<string, any>) => unknown): Record<string, unknown> {
  const d = structuredClone(doc);
  edit(d);
  return d;
}

/** Every element and attribute that could fetch something, and where it points. */
function fetchTargets(html: string): string[] {
  return [...html.matchAll(/\b(?:src|href|action|poster|data)\s*=\s*"([^"]*)"/gi)]
    .map((m) => m[1]!)
    .concat([...html.matchAll(/url\((?!#)([^)]*)\)|@import/gi)].map((m) => m[0]));
}

/** The `data-points` of each series path inside the svg with this id. */
function seriesPoints(html: string, id: string): number[] {
  const svg = new RegExp(`<svg class="chart" id="${id}"[\\s\\S]*?</svg>`).exec(html);
  assert.ok(svg, `svg#${id}`);
  return [...svg[0].matchAll(/<path class="series[^"]*" data-series="\d+" data-points="(\d+)"/g)].map((m) =>
    Number(m[1]),
  );
}

const fixtures = { classificationRun, noDevRun, singlePointRun, divergedRun, regressionRun };

describe('renderReport', () => {
  for (const [name, make] of Object.entries(fixtures)) {
    it(`${name}: a whole, self-contained page with its charts`, () => {
      const html = renderReport(make(), { generatedAt: 'now' });
      assert.match(html, /^<!doctype html>\n<html lang="en">/);
      assert.match(html, /<\/html>\n$/);
      assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
      assert.deepEqual(
        fetchTargets(html).filter((t) => !t.startsWith('data:')),
        [],
        'nothing to fetch',
      );
      assert.doesNotMatch(html, /https?:\/\/(?!www\.w3\.org\/2000\/svg")/, 'no URL but the SVG namespace');
      assert.ok(seriesPoints(html, 'cost-chart').length >= 1);
      assert.ok(seriesPoints(html, 'error-chart').length >= 1);
      for (const attr of html.matchAll(/ (?:d|x|y|x1|x2|y1|y2|cx|cy|width|height|transform)="([^"]*)"/g))
        assert.ok(!/NaN|Infinity/.test(attr[1]!), `attribute ${attr[0]}`);
      for (const id of ['summary', 'hyperparameters', 'data', 'results', 'diagnosis'])
        assert.match(html, new RegExp(`id="${id}"`));
    });
  }

  it('draws the full cost curve, train and dev error, and the diagnosis of a classification run', () => {
    const run = classificationRun();
    const html = renderReport(run, { generatedAt: null, title: 'cat vs non-cat' });
    // linear and log layers of the cost, plus the dev cost on each
    const cost = seriesPoints(html, 'cost-chart');
    assert.equal(cost.length, 4, 'train and dev cost, on the linear and the log layer');
    assert.ok(cost[0]! > 1000 && cost[0]! <= 1501, `${cost[0]} points of 2501, thinned`);
    assert.equal(cost[2], cost[0]);
    assert.equal(cost[1], 26);
    assert.deepEqual(seriesPoints(html, 'error-chart'), [26, 26]);
    assert.match(html, /id="bias-variance-chart"/);
    assert.match(html, /<title>cat vs non-cat<\/title>/);
    assert.match(html, /<h1>cat vs non-cat<\/h1>/);
    assert.match(html, /High variance/);
    assert.match(html, /Get more training data\./);
    assert.match(html, /<td>12288, 20, 7, 5, 1<\/td>/);
    assert.match(html, /train examples<\/th><td>209<\/td>/);
    assert.match(html, /dev accuracy<\/div><div class="v">85\.4%/);
    assert.match(html, /42\.7 s/);
    assert.match(html, /lnn train --x &#39;train x\.npy&#39;/);
    assert.doesNotMatch(html, /<footer>/);
  });

  it('a run that finished normally gets no "stopped" banner', () => {
    const run = classificationRun();
    run.result.stopped = 'finished 2500 iterations';
    assert.doesNotMatch(renderReport(run), /id="stopped"/);
    run.result.stopped = 'early stop at iteration 900: dev error did not improve for 5 evaluations';
    assert.match(renderReport(run), /id="stopped"><strong>Stopped:<\/strong> early stop at iteration 900/);
  });

  it('without a dev set: the train curve alone and why there is no diagnosis', () => {
    const html = renderReport(noDevRun(), { generatedAt: null });
    assert.deepEqual(seriesPoints(html, 'error-chart'), [26]);
    assert.match(html, /There is no dev set in this run/);
    assert.doesNotMatch(html, /id="bias-variance-chart"/);
    assert.match(html, /dev examples<\/th><td>none/);
  });

  it('a diverged run: says where the cost became non-finite and marks it on the curve', () => {
    const html = renderReport(divergedRun(), { generatedAt: null });
    assert.match(html, /id="diverged"/);
    assert.match(html, /the cost became ∞ at iteration 120/);
    assert.match(html, /<rect class="nonfinite"/);
    assert.match(html, /final cost<\/div><div class="v bad">NaN/);
    assert.match(html, /cost became NaN at iteration 125/);
    assert.match(html, /diagnosis<\/div><div class="v bad text">diverged/);
    assert.match(html, /id="diagnosis-diverged"/);
    // the hover data holds null where the cost is not finite
    const data = JSON.parse(/<script type="application\/json" id="cost-chart-data">([^<]*)<\/script>/.exec(html)![1]!);
    assert.deepEqual(data.series[0].points.at(-1), [300, null]);
  });

  it('a regression run: errors as costs, no accuracies, no percentages', () => {
    const html = renderReport(regressionRun(), { generatedAt: null });
    assert.doesNotMatch(html, /accuracy/);
    assert.match(html, /train error \(cost\)<\/div><div class="v">2</);
    assert.match(html, /values \(regression\)/);
    assert.match(html, /compares error rates of a classifier/);
  });

  it('escapes every text that came from the record', () => {
    const html = renderReport(regressionRun(), { generatedAt: '<now>', title: '<script>alert("t")</script>' });
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
    assert.deepEqual(
      scripts.sort(),
      [
        '<script type="application/json" id="cost-chart-data">',
        '<script type="application/json" id="error-chart-data">',
        '<script>',
      ].sort(),
    );
    assert.doesNotMatch(html, /<img|<b>|onerror=alert\(1\)>/);
    assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(html, /houses &quot;&lt;b&gt;bold&lt;\/b&gt;&quot;\.csv/);
    assert.match(html, /&lt;script&gt;alert\(&quot;t&quot;\)&lt;\/script&gt;/);
    assert.match(html, /\{&quot;nested&quot;:&quot;&lt;\/script&gt;&lt;b&gt;x&lt;\/b&gt;&quot;\}/);
    assert.match(html, /&lt;now&gt;/);
  });

  it('bundles for the browser with everything it imports (esbuild, platform browser)', async () => {
    const { build } = await import('esbuild');
    const out = await build({
      entryPoints: [join(ROOT, 'src/report/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
    });
    assert.deepEqual(out.errors, []);
    const code = out.outputFiles[0]!.text;
    assert.match(code, /renderReport/);
    assert.doesNotMatch(code, /from ['"]node:|require\(['"](fs|path|node:)/);
  });

  it('src/report imports nothing from node (it runs in browsers)', () => {
    const dir = join(ROOT, 'src/report');
    for (const f of readdirSync(dir)) {
      const text = readFileSync(join(dir, f), 'utf8');
      assert.doesNotMatch(text, /from ['"](node:|fs|path|os|crypto|child_process)/, f);
      assert.doesNotMatch(text, /\bprocess\.|\bBuffer\b/, f);
    }
  });
});

describe('renderComparisonReport', () => {
  it('overlays the cost and dev error of each run and marks the hyperparameters that differ', () => {
    const a = classificationRun();
    const b = classificationRun();
    b.hyperparameters['lr'] = 0.1;
    b.history.costs = b.history.costs.map((p) => ({ ...p, cost: p.cost * 0.8 }));
    const c = noDevRun();
    const html = renderComparisonReport(
      [
        { label: 'lr 0.0075', run: a },
        { label: 'lr 0.1', run: b },
        { label: '<no dev>', run: c },
      ],
      { generatedAt: null },
    );
    const cost = seriesPoints(html, 'cost-chart');
    assert.equal(cost.length, 6, 'three runs, linear and log');
    assert.equal(seriesPoints(html, 'error-chart').length, 3);
    assert.match(
      html,
      /<tr class="differs"><th scope="row">lr<\/th><td>0\.0075<\/td><td>0\.1<\/td><td>0\.0075<\/td><\/tr>/,
    );
    assert.match(html, /<tr><th scope="row">activation<\/th>/);
    assert.match(html, /&lt;no dev&gt; \(train\)/);
    assert.match(html, /<h1>Comparison of 3 runs<\/h1>/);
  });
});

describe('readRunDocument', () => {
  const run = classificationRun();
  it('reads a run record and the record inside a model file', () => {
    const r = readRunDocument(JSON.stringify(run), 'run.json');
    assert.equal(r.history.costs.length, 2501);
    assert.equal(r.diagnosis?.highVariance, true);
    const m = readRunDocument(JSON.stringify(savedModel(run)), 'model.json');
    assert.deepEqual(m.data, run.data);
  });

  it('a small run: the diagnosis knows its noise (recorded, or computed from the set sizes)', () => {
    const small = classificationRun();
    small.data = { ...small.data, train: 90, dev: 30 };
    small.result = { ...small.result, trainError: 0, devError: 2 / 30 };
    delete small.diagnosis;
    const html = renderReport(small, { generatedAt: null });
    assert.match(html, /Within noise for m = 30 dev examples/);
    assert.match(html, /<span class="badge noise">within noise<\/span>/);
    assert.match(html, /± 1\.5% \(m = 90\)/);
    assert.match(html, /diagnosis<\/div><div class="v text">within noise/);
    // A recorded diagnosis with its noise reads back whole, from a run record and from a model file.
    small.diagnosis = diagnose({ trainError: 0, devError: 2 / 30, trainSize: 90, devSize: 30 });
    const r = readRunDocument(JSON.stringify(small), 'run.json');
    assert.deepEqual(r.diagnosis, small.diagnosis);
    assert.deepEqual(readRunDocument(JSON.stringify(savedModel(small)), 'm.json').diagnosis, small.diagnosis);
    const bad = JSON.parse(JSON.stringify(small));
    bad.diagnosis.varianceWithinNoise = 'yes';
    assert.throws(() => readRunDocument(JSON.stringify(bad), 'run.json'), {
      message: /^run\.json: diagnosis\.varianceWithinNoise must be true or false but is "yes"/,
    });
  });

  it('reads diverged values written as null or "NaN"/"Infinity"', () => {
    const d = divergedRun();
    const text = JSON.stringify(d); // JSON.stringify writes NaN and Infinity as null
    const r = readRunDocument(text, 'd.json');
    assert.ok(Number.isNaN(r.history.costs[200]!.cost));
    assert.ok(Number.isNaN(r.result.finalCost!));
    const s = JSON.parse(text);
    s.history.costs[121].cost = 'Infinity';
    assert.equal(readRunDocument(JSON.stringify(s), 'd.json').history.costs[121]!.cost, Infinity);
  });

  const bad: [string, string, RegExp][] = [
    ['empty', '  \n', /^e\.json: the file is empty/],
    [
      'truncated',
      JSON.stringify(run).slice(0, 500),
      /^e\.json: not valid JSON (at line 1, column \d+ )?\(truncated or corrupted\?\)/,
    ],
    [
      'broken in the middle',
      '{\n "format": "lnn-run",\n "version": 1,,\n}',
      /^e\.json: not valid JSON at line 3, column 15 \(truncated or corrupted\?\): Expected double-quoted property name$/,
    ],
    ['not an object', '[1,2]', /^e\.json: not an lnn run record or model/],
    [
      'foreign',
      '{"format":"keras"}',
      /^e\.json: not an lnn run record or model: "format" must be "lnn-run" or "lnn-model" but is "keras"/,
    ],
    ['no format', '{"a":1}', /"format" must be .* but is missing/],
    ['model without run', JSON.stringify(savedModel()), /^e\.json: this model file holds no training record \("run"\)/],
    [
      'model with a bad run',
      JSON.stringify(savedModel({ ...run, data: { ...run.data, nx: 'many' } } as unknown as RunRecord)),
      /^e\.json: run\.data\.nx must be a finite number but is "many"/,
    ],
    [
      'a model whose record was edited after saving',
      JSON.stringify(edited(savedModel(run), (d) => (d.run.result.devError = 0.001))),
      /^e\.json: the file does not match its checksum \("fnv1a32:[0-9a-f]{8}" vs fnv1a32:[0-9a-f]{8}\): it was edited or damaged$/,
    ],
    [
      'a model without its checksum',
      JSON.stringify(edited(savedModel(run), (d) => delete d.checksum)),
      /^e\.json: has no "checksum"; the file was edited or damaged$/,
    ],
    [
      'a newer model version',
      '{"format":"lnn-model","version":7,"run":{}}',
      /^e\.json: model format version 7 is not supported \(this lnn reads versions 1 and 2\)/,
    ],
    ['newer version', JSON.stringify({ ...run, version: 2 }), /^e\.json: version must be 1 .* but is 2/],
    [
      'bad cost',
      JSON.stringify({ ...run, history: { costs: [{ iteration: 0, cost: 'low' }], evals: [] } }),
      /^e\.json: history\.costs\[0\]\.cost must be a number \(null, "NaN" or "Infinity" for a diverged value\) but is "low"/,
    ],
    [
      'missing result',
      JSON.stringify({ ...run, result: undefined }),
      /^e\.json: result must be an object but is missing/,
    ],
    [
      'run is a string',
      JSON.stringify(savedModel('x' as unknown as RunRecord)),
      /^e\.json: run must be an object but is "x"/,
    ],
  ];
  for (const [what, text, message] of bad)
    it(`rejects ${what} with the file and the rule`, () => {
      assert.throws(
        () => readRunDocument(text, 'e.json'),
        (e: unknown) => {
          assert.ok(e instanceof DataError);
          assert.match(e.message, message);
          assert.doesNotMatch(e.message, /\n/);
          return true;
        },
      );
    });
});
