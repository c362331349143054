import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { biasVarianceChart } from '../../src/report/bias-variance.js';
import { chartData, downsample, lineChart, pathData, type Point } from '../../src/report/chart.js';
import { diagnose } from '../../src/evaluate/diagnose.js';
import { escapeHtml, formatDuration, formatNumber, formatPercent, jsonForScript } from '../../src/report/format.js';
import { linearScale, logScale, niceTicks, widen } from '../../src/report/scale.js';

/** The `d` attribute of the first path in `svg` whose class contains `cls`, and its points. */
function paths(svg: string): { cls: string; d: string; points: number }[] {
  return [...svg.matchAll(/<path class="([^"]*)" data-series="\d+" data-points="(\d+)"[^>]*? d="([^"]*)"\/>/g)].map(
    (m) => ({ cls: m[1]!, points: Number(m[2]), d: m[3]! }),
  );
}

/** The coordinates of a path's d attribute, as [x, y] pairs, with segment starts counted. */
function coords(d: string): { xy: [number, number][]; moves: number } {
  const xy = [...d.matchAll(/[ML](-?[\d.]+) (-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])] as [number, number]);
  return { xy, moves: (d.match(/M/g) ?? []).length };
}

describe('scales', () => {
  it('linearScale maps the domain onto the range, inverted for y', () => {
    const x = linearScale([0, 10], [0, 100]);
    assert.equal(x(0), 0);
    assert.equal(x(2.5), 25);
    assert.equal(x(10), 100);
    const y = linearScale([0, 1], [300, 20]);
    assert.equal(y(0), 300);
    assert.equal(y(1), 20);
    assert.equal(y(0.5), 160);
  });

  it('nice domains end on ticks and ticks are 1/2/2.5/5 steps without float noise', () => {
    assert.deepEqual(niceTicks(0, 0.69, 5), [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]);
    assert.deepEqual(niceTicks(0, 2500, 6), [0, 500, 1000, 1500, 2000, 2500]);
    const s = linearScale([0, 0.69], [0, 100], { nice: true });
    assert.deepEqual(s.domain, [0, 0.7]);
    for (const t of niceTicks(0.013, 0.017, 4)) assert.ok(String(t).length < 8, `tick ${t}`);
  });

  it('widens a single value so one cost point still has a scale', () => {
    assert.deepEqual(widen(0.5, 0.5), [0.25, 0.75]);
    assert.deepEqual(widen(0, 0), [0, 1]);
    assert.deepEqual(widen(-2, -2), [-3, -1]);
    const s = linearScale([0.7, 0.7], [0, 100]);
    assert.ok(Number.isFinite(s(0.7)) && s(0.7) > 0 && s(0.7) < 100);
  });

  it('logScale: decades, ticks at powers of ten, non-positive values unmapped', () => {
    const s = logScale([0.02, 7], [200, 0], { nice: true });
    assert.deepEqual(s.domain, [0.01, 10]);
    assert.deepEqual(s.ticks, [0.01, 0.1, 1, 10]);
    assert.equal(s(0.01), 200);
    assert.equal(s(10), 0);
    assert.ok(Math.abs(s(0.1) - 133.333) < 0.01);
    assert.ok(Number.isNaN(s(0)));
    assert.ok(Number.isNaN(s(-1)));
    assert.deepEqual(logScale([0.2, 0.9], [1, 0], { nice: true }).ticks, [0.1, 0.2, 0.5, 1]);
    assert.throws(() => logScale([0, 1], [0, 1]), /domain must be positive/);
  });
});

describe('pathData', () => {
  const id = (v: number) => v;
  it('draws a polyline through the points', () => {
    const r = pathData(
      [
        { x: 0, y: 1 },
        { x: 1, y: 2 },
        { x: 2, y: 0.5 },
      ],
      (x) => 10 * x,
      (y) => 100 - 10 * y,
    );
    assert.equal(r.d, 'M0 90L10 80L20 95');
    assert.equal(r.points, 3);
    assert.equal(r.segments, 1);
  });

  it('breaks the line at NaN and ±Infinity instead of drawing them', () => {
    const pts: Point[] = [
      { x: 0, y: 1 },
      { x: 1, y: NaN },
      { x: 2, y: 3 },
      { x: 3, y: 4 },
      { x: 4, y: Infinity },
      { x: 5, y: -Infinity },
      { x: 6, y: 2 },
    ];
    const r = pathData(pts, id, id);
    assert.equal(r.d, 'M0 1M2 3L3 4M6 2');
    assert.equal(r.points, 4);
    assert.equal(r.segments, 3);
    assert.ok(!/NaN|Infinity/.test(r.d));
  });

  it('an all-NaN series gives an empty path, not a crash', () => {
    assert.deepEqual(
      pathData(
        [
          { x: 0, y: NaN },
          { x: 1, y: NaN },
        ],
        id,
        id,
      ),
      { d: '', points: 0, segments: 0 },
    );
    assert.deepEqual(pathData([], id, id), { d: '', points: 0, segments: 0 });
  });

  it('drops values the log scale cannot show (≤ 0)', () => {
    const s = logScale([0.1, 10], [100, 0]);
    const r = pathData(
      [
        { x: 0, y: 1 },
        { x: 1, y: 0 },
        { x: 2, y: 10 },
      ],
      id,
      s,
    );
    assert.equal(r.points, 2);
    assert.equal(r.segments, 2);
  });
});

describe('downsample', () => {
  it('passes short series through and thins long ones keeping the extremes and the end', () => {
    const short = [
      { x: 0, y: 1 },
      { x: 1, y: 2 },
    ];
    assert.deepEqual(downsample(short, 100), short);
    const long: Point[] = [];
    for (let i = 0; i < 100_000; i++) long.push({ x: i, y: Math.sin(i / 1000) + (i === 54_321 ? 50 : 0) });
    const d = downsample(long, 1000);
    assert.ok(d.length <= 1001, `${d.length} points`);
    assert.ok(
      d.some((p) => p.y > 49),
      'the spike survives',
    );
    assert.equal(d[d.length - 1], long[long.length - 1]);
    for (let i = 1; i < d.length; i++) assert.ok(d[i]!.x > d[i - 1]!.x, 'in order');
  });

  it('keeps a gap for non-finite values', () => {
    const long: Point[] = [];
    for (let i = 0; i < 10_000; i++) long.push({ x: i, y: i >= 6000 ? NaN : 1 / (i + 1) });
    const d = downsample(long, 200);
    assert.ok(d.some((p) => Number.isNaN(p.y)));
  });
});

describe('lineChart', () => {
  const costs: Point[] = Array.from({ length: 2501 }, (_, i) => ({ x: i, y: 0.7 * Math.exp(-i / 500) + 0.05 }));

  it('draws an svg with the id, axes and one path per series with every point inside the plot', () => {
    const svg = lineChart({
      id: 'cost-chart',
      title: 'Cost',
      xLabel: 'iteration',
      yLabel: 'cost J',
      series: [{ name: 'cost', colorClass: 's0', points: costs }],
    });
    assert.match(svg, /^<svg class="chart" id="cost-chart" viewBox="0 0 640 320"/);
    const [p] = paths(svg);
    assert.equal(p!.points, 1500 > costs.length ? costs.length : p!.points);
    assert.ok(p!.points > 1000, `${p!.points} points`);
    const { xy, moves } = coords(p!.d);
    assert.equal(moves, 1);
    for (const [x, y] of xy) assert.ok(x >= 62 && x <= 624 && y >= 16 && y <= 262, `(${x}, ${y}) outside the plot`);
    // the cost falls: the first point is drawn higher (smaller y) than the last
    assert.ok(xy[0]![1] < xy[xy.length - 1]![1]);
    // x runs from the left edge to the right edge
    assert.equal(xy[0]![0], 62);
    assert.equal(xy[xy.length - 1]![0], 624);
    assert.match(svg, /class="tick x-tick"[^>]*>2500</);
  });

  it('adds a log layer only when every finite value is positive', () => {
    const withLog = lineChart({
      id: 'c',
      title: 't',
      xLabel: 'i',
      yLabel: 'J',
      series: [{ name: 'a', colorClass: 's0', points: costs }],
      logToggle: true,
    });
    assert.equal(paths(withLog).length, 2);
    assert.match(withLog, /<g class="scale-log">/);
    const negative = lineChart({
      id: 'c',
      title: 't',
      xLabel: 'i',
      yLabel: 'J',
      series: [
        {
          name: 'a',
          colorClass: 's0',
          points: [
            { x: 0, y: -1 },
            { x: 1, y: 1 },
          ],
        },
      ],
      logToggle: true,
    });
    assert.doesNotMatch(negative, /scale-log/);
  });

  it('a single point is drawn as a dot in the middle', () => {
    const svg = lineChart({
      id: 'c',
      title: 't',
      xLabel: 'i',
      yLabel: 'J',
      series: [{ name: 'a', colorClass: 's0', points: [{ x: 0, y: 0.69 }] }],
    });
    const dot = /<circle class="dot s0"[^>]*? cx="([\d.]+)" cy="([\d.]+)"/.exec(svg);
    assert.ok(dot, 'a dot');
    assert.equal(Number(dot[1]), (62 + 624) / 2);
    assert.ok(!/NaN|Infinity/.test(svg));
  });

  it('marks non-finite values on the top edge and never writes NaN into coordinates', () => {
    const pts: Point[] = Array.from({ length: 300 }, (_, i) => ({
      x: i,
      y: i < 120 ? 0.7 * 1.05 ** i : i < 125 ? Infinity : NaN,
    }));
    const svg = lineChart({
      id: 'cost-chart',
      title: 't',
      xLabel: 'iteration',
      yLabel: 'cost J',
      series: [{ name: 'cost', colorClass: 's0', points: pts }],
      logToggle: true,
    });
    assert.equal(paths(svg)[0]!.points, 120);
    assert.match(svg, /<rect class="nonfinite"[^>]*><title>cost: cost J is ∞ from 120 to 299<\/title>/);
    for (const attr of svg.matchAll(/ (?:d|x|y|x1|x2|y1|y2|cx|cy|width|height)="([^"]*)"/g))
      assert.ok(!/NaN|Infinity/.test(attr[1]!), `attribute ${attr[0]}`);
  });

  it('clipOutliers: a diverged series leaves through the top instead of flattening the steady ones', () => {
    const steady: Point[] = Array.from({ length: 100 }, (_, i) => ({ x: i, y: 0.7 - 0.005 * i }));
    const blowUp: Point[] = Array.from({ length: 100 }, (_, i) => ({ x: i, y: i < 60 ? 0.7 * 1.15 ** i : NaN }));
    const spec = {
      id: 'c',
      title: 't',
      xLabel: 'i',
      yLabel: 'J',
      clipOutliers: true,
      logToggle: true,
      series: [
        { name: 'ok', colorClass: 's0', points: steady },
        { name: 'lr 5', colorClass: 's1', points: blowUp },
      ],
    };
    const svg = lineChart(spec);
    assert.match(svg, /↑ diverged: off the chart up to 26\d\d \(see log scale\)/);
    assert.match(svg, /<clipPath id="c-clip">/);
    const linearTicks = [
      .../<g class="scale-linear">[\s\S]*?<\/g>/.exec(svg)![0].matchAll(/class="tick y-tick"[^>]*>([^<]*)</g),
    ].map((m) => Number(m[1]));
    assert.ok(Math.max(...linearTicks) <= 1, `linear axis up to ${Math.max(...linearTicks)}`);
    // the same curves, none diverged: nothing is cut, even when one rises a lot (a dev cost while overfitting)
    const rising: Point[] = Array.from({ length: 100 }, (_, i) => ({ x: i, y: 0.5 + 0.1 * i }));
    const plain = lineChart({ ...spec, series: [spec.series[0]!, { name: 'dev', colorClass: 's1', points: rising }] });
    assert.doesNotMatch(plain, /off the chart/);
  });

  it('an all-NaN chart says there is nothing to draw', () => {
    const svg = lineChart({
      id: 'c',
      title: 't',
      xLabel: 'i',
      yLabel: 'J',
      series: [{ name: 'a', colorClass: 's0', points: [{ x: 0, y: NaN }] }],
    });
    assert.match(svg, /no finite values to draw/);
  });

  it('escapes names and labels', () => {
    const svg = lineChart({
      id: 'c"><script>',
      title: '<t>',
      xLabel: 'x & y',
      yLabel: '"J"',
      series: [{ name: '<img src=x onerror=alert(1)>', colorClass: 's0', points: [{ x: 0, y: 1 }] }],
    });
    assert.doesNotMatch(svg, /<script>|<img|<t>/);
    assert.match(svg, /&lt;img src=x onerror=alert\(1\)&gt;/);
    assert.match(svg, /x &amp; y/);
  });

  it('chartData: the drawn points, sorted, NaN as null', () => {
    const data = chartData(
      {
        id: 'c',
        title: 't',
        xLabel: 'iteration',
        yLabel: 'J',
        series: [
          {
            name: 'a',
            colorClass: 's1',
            points: [
              { x: 2, y: 1 },
              { x: 0, y: NaN },
              { x: 1, y: 0.5 },
            ],
          },
        ],
      },
      false,
    );
    assert.deepEqual(data.series[0]!.points, [
      [0, null],
      [1, 0.5],
      [2, 1],
    ]);
    assert.equal(data.series[0]!.color, 's1');
  });
});

describe('bias/variance chart', () => {
  it('draws three bars and the two spans with their values', () => {
    const svg = biasVarianceChart(diagnose({ trainError: 0.01, devError: 0.11 }));
    assert.match(svg, /id="bias-variance-chart"/);
    for (const k of ['human', 'train', 'dev']) assert.match(svg, new RegExp(`class="bar bar-${k}"`));
    assert.match(svg, /class="span span-bias"/);
    assert.match(svg, /class="span span-variance high"/);
    assert.match(svg, /variance 10\.0% — high/);
    assert.doesNotMatch(svg, /NaN/);
    const bar = (k: string) =>
      Number(new RegExp(`class="bar bar-${k}" x="[\\d.]+" y="[\\d.]+" width="([\\d.]+)"`).exec(svg)![1]);
    assert.equal(bar('human'), 0);
    assert.ok(bar('dev') > 10 * bar('train') * 0.9, 'bars in proportion to the errors');
  });

  it('draws a negative variance (dev below train) without breaking', () => {
    const svg = biasVarianceChart(diagnose({ trainError: 0.2, devError: 0.15, humanError: 0.05 }));
    assert.match(svg, /class="span span-variance negative"/);
    assert.match(svg, /variance −?-?5\.0%/);
  });
});

describe('text formats', () => {
  it('escapeHtml escapes the five characters', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    assert.equal(escapeHtml(3), '3');
  });

  it('jsonForScript cannot close a script element', () => {
    const s = jsonForScript({ a: '</script><script>alert(1)</script>', b: NaN, c: '\u2028' });
    assert.doesNotMatch(s, /<|>/);
    assert.deepEqual(JSON.parse(s), { a: '</script><script>alert(1)</script>', b: null, c: '\u2028' });
  });

  it('numbers, percentages and durations', () => {
    assert.equal(formatNumber(0.672053468, 4), '0.6721');
    assert.equal(formatNumber(NaN), 'NaN');
    assert.equal(formatNumber(Infinity), '∞');
    assert.equal(formatNumber(-Infinity), '−∞');
    assert.equal(formatNumber(2500), '2500');
    assert.equal(formatNumber(1.5e-7, 3), '1.50e-7');
    assert.equal(formatPercent(0.032), '3.2%');
    assert.equal(formatPercent(0.005), '0.50%');
    assert.equal(formatPercent(NaN), 'NaN');
    assert.equal(formatDuration(0.84), '0.84 s');
    assert.equal(formatDuration(42.7), '42.7 s');
    assert.equal(formatDuration(125), '2 min 05 s');
    assert.equal(formatDuration(3720), '1 h 02 min');
  });
});
