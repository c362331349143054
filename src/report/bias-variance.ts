/**
 * The bias/variance picture (Course 2, Week 1) as an inline SVG: human-level, train and dev error as
 * bars on one axis, with avoidable bias (train − human) and variance (dev − train) as the spans between
 * them. Browser-safe.
 */
import type { Diagnosis } from '../evaluate/diagnose.js';
import { escapeHtml, formatPercent } from './format.js';
import { linearScale } from './scale.js';

function c(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/**
 * The two spans: avoidable bias on the train row (from human to train), variance on the dev row (from
 * train to dev), each with its label: high, within noise, or neither.
 */
function spanParts(d: Diagnosis, x: (v: number) => number, barY: (row: number) => number, barH: number): string[] {
  const spans = [
    {
      key: 'bias',
      row: 1,
      from: d.humanError,
      to: d.trainError,
      value: d.avoidableBias,
      high: d.highBias,
      noisy: d.biasWithinNoise,
      threshold: d.biasThreshold,
      name: 'avoidable bias',
    },
    {
      key: 'variance',
      row: 2,
      from: d.trainError,
      to: d.devError,
      value: d.variance,
      high: d.highVariance,
      noisy: d.varianceWithinNoise,
      threshold: d.varianceThreshold,
      name: 'variance',
    },
  ];
  return spans.flatMap((s) => {
    const y = barY(s.row);
    const x0 = x(Math.min(s.from, s.to));
    const x1 = Math.max(x(Math.max(s.from, s.to)), x0 + 2);
    const cls = `span span-${s.key}${s.high ? ' high' : ''}${s.value < 0 ? ' negative' : ''}`;
    const text = `${s.name} ${formatPercent(s.value)}${s.high ? ' — high' : s.noisy ? ' — within noise' : ''}`;
    return [
      `<rect class="${cls}" x="${c(x0)}" y="${y}" width="${c(x1 - x0)}" height="${barH}"><title>${escapeHtml(`${text} (threshold ${formatPercent(s.threshold)})`)}</title></rect>`,
      `<text class="span-label${s.high ? ' high' : ''}" x="${c(Math.max(x1, x(Math.max(s.from, s.to))) + 8)}" y="${c(y + barH / 2)}" dy="0.32em">${escapeHtml(text)}</text>`,
    ];
  });
}

/** A whisker of ±2 standard errors around an error: what the set's size cannot tell apart. */
function noiseWhisker(
  x: (v: number) => number,
  { value, se, label }: { value: number; se: number; label: string },
  y: number,
): string {
  const lo = c(x(Math.max(0, value - 2 * se))),
    hi = c(x(value + 2 * se));
  const title = escapeHtml(`${label}: ${formatPercent(value)} ± 2 standard errors (${formatPercent(2 * se)})`);
  return `<path class="noise" d="M${lo} ${c(y - 5)}v10M${lo} ${c(y)}H${hi}M${hi} ${c(y - 5)}v10"><title>${title}</title></path>`;
}

/**
 * `<svg class="chart" id="bias-variance-chart">`: three bars (human-level, train, dev error) and the two
 * differences drawn as coloured spans, each labelled with its value and marked high when it reaches its
 * threshold, or within noise when the set sizes cannot resolve it (whiskers of ±2 standard errors on the
 * train and dev bars, when the diagnosis knows them). Negative differences are drawn hatched.
 */
export function biasVarianceChart(d: Diagnosis, width = 640): string {
  const rows = [
    { key: 'human', label: 'Human-level error', value: d.humanError, se: undefined },
    { key: 'train', label: 'Train error', value: d.trainError, se: d.trainSE },
    { key: 'dev', label: 'Dev error', value: d.devError, se: d.devSE },
  ];
  const rowH = 44;
  const top = 14;
  const left = 130;
  const right = width - 190;
  const height = top + rows.length * rowH + 40;
  const max = Math.max(...rows.map((r) => r.value + 2 * (r.se ?? 0)), 0.01);
  const x = linearScale([0, max], [left, right], { nice: true, tickCount: 5 });
  const parts: string[] = [
    `<svg class="chart" id="bias-variance-chart" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="bias-variance-title" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="bias-variance-title">Human-level, train and dev error: avoidable bias ${escapeHtml(formatPercent(d.avoidableBias))}, variance ${escapeHtml(formatPercent(d.variance))}</title>`,
  ];
  const axisY = top + rows.length * rowH + 4;
  // One number of decimals for every tick, enough to tell neighbours apart (0.5% steps: 1.0%, 1.5%, ...).
  const step = x.ticks.length > 1 ? Math.abs(x.ticks[1]! - x.ticks[0]!) * 100 : 1;
  const tickDecimals = step > 0 ? Math.max(0, Math.min(4, -Math.floor(Math.log10(step) + 1e-9))) : 0;
  for (const t of x.ticks) {
    parts.push(`<line class="grid x-grid" x1="${c(x(t))}" x2="${c(x(t))}" y1="${top}" y2="${axisY}"/>`);
    parts.push(
      `<text class="tick x-tick" x="${c(x(t))}" y="${axisY + 16}" text-anchor="middle">${escapeHtml(formatPercent(t, tickDecimals))}</text>`,
    );
  }
  const barY = (i: number) => top + i * rowH + 8;
  const barH = rowH - 16;
  rows.forEach((r, i) => {
    const y = barY(i);
    parts.push(
      `<text class="bar-label" x="${left - 8}" y="${c(y + barH / 2)}" dy="0.32em" text-anchor="end">${escapeHtml(r.label)}</text>`,
    );
    parts.push(
      `<rect class="bar bar-${r.key}" x="${left}" y="${y}" width="${c(Math.max(0, x(r.value) - left))}" height="${barH}"><title>${escapeHtml(`${r.label}: ${formatPercent(r.value)}`)}</title></rect>`,
    );
    if (r.se !== undefined) parts.push(noiseWhisker(x, { value: r.value, se: r.se, label: r.label }, y + barH / 2));
  });
  parts.push(...spanParts(d, x, barY, barH));
  parts.push(`<line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${axisY}"/>`);
  parts.push('</svg>');
  return parts.join('\n');
}
