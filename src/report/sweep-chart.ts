/**
 * Dev error against one hyperparameter, one dot per trial: the sweep report's view of where the good
 * values lie. Numeric values get a numeric axis (logarithmic when they span more than a decade, as
 * learning rates do); others (hidden widths, activations) one column each. Browser-safe.
 */
import { escapeHtml, formatNumber } from './format.js';
import { linearScale, logScale, type Scale } from './scale.js';

export interface ScatterPoint {
  /** The hyperparameter's value as written: '0.01', '16,8', 'tanh'. */
  value: string;
  y: number;
  /** Hover text. */
  label: string;
  /** Drawn hollow (a pruned trial: its dev error is from a shortened run). */
  hollow?: boolean;
}

export interface ScatterSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  points: ScatterPoint[];
  yFormat: (v: number) => string;
}

const W = 640,
  H = 300;
const F = { left: 62, top: 16, right: W - 16, bottom: H - 58 };

function c(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** The x position of each distinct value, and the tick labels. */
function xAxis(values: readonly string[]): { x: (v: string) => number; ticks: { at: number; text: string }[] } {
  const distinct = [...new Set(values)];
  const nums = distinct.map(Number);
  if (distinct.length > 1 && nums.every((n) => Number.isFinite(n))) {
    const lo = Math.min(...nums),
      hi = Math.max(...nums);
    const pad = (hi - lo) * 0.05;
    const s: Scale =
      lo > 0 && hi / lo > 10
        ? logScale([lo, hi], [F.left + 12, F.right - 12], { nice: false })
        : linearScale([lo - pad, hi + pad], [F.left, F.right]);
    return { x: (v) => s(Number(v)), ticks: s.ticks.map((t) => ({ at: s(t), text: formatNumber(t, 4) })) };
  }
  // Columns in numeric order where possible ('4' before '16,8'), else as first seen.
  const order = [...distinct].sort((a, b) => (Number.parseFloat(a) || 0) - (Number.parseFloat(b) || 0));
  const step = (F.right - F.left) / order.length;
  const at = (v: string) => F.left + step * (order.indexOf(v) + 0.5);
  return { x: at, ticks: order.map((v) => ({ at: at(v), text: v })) };
}

/** `<svg class="chart scatter" id="…">` with one `circle.dot` per point. */
export function scatterChart(spec: ScatterSpec): string {
  const ys = spec.points.map((p) => p.y).filter(Number.isFinite);
  const top = ys.length ? Math.max(...ys) : 1;
  const y = linearScale([0, top > 0 ? top * 1.05 : 1], [F.bottom, F.top], { nice: true });
  const { x, ticks } = xAxis(spec.points.map((p) => p.value));
  const parts = [
    `<svg class="chart scatter" id="${escapeHtml(spec.id)}" viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${escapeHtml(spec.id)}-title" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${escapeHtml(spec.id)}-title">${escapeHtml(spec.title)}</title>`,
  ];
  for (const t of y.ticks) {
    parts.push(`<line class="grid" x1="${F.left}" x2="${F.right}" y1="${c(y(t))}" y2="${c(y(t))}"/>`);
    parts.push(
      `<text class="tick y-tick" x="${F.left - 6}" y="${c(y(t))}" dy="0.32em" text-anchor="end">${escapeHtml(spec.yFormat(t))}</text>`,
    );
  }
  for (const t of ticks)
    parts.push(
      `<text class="tick x-tick" x="${c(t.at)}" y="${F.bottom + 16}" text-anchor="middle">${escapeHtml(t.text)}</text>`,
    );
  for (const p of spec.points) {
    if (!Number.isFinite(p.y)) continue;
    const cls = `dot s0${p.hollow ? ' hollow' : ''}`;
    parts.push(
      `<circle class="${cls}" cx="${c(x(p.value))}" cy="${c(y(p.y))}" r="5"><title>${escapeHtml(p.label)}</title></circle>`,
    );
  }
  parts.push(
    `<rect class="frame" x="${F.left}" y="${F.top}" width="${F.right - F.left}" height="${F.bottom - F.top}"/>`,
  );
  parts.push(
    `<text class="axis-label" x="${c((F.left + F.right) / 2)}" y="${H - 12}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`,
  );
  parts.push(
    `<text class="axis-label" transform="translate(14 ${c((F.top + F.bottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.yLabel)}</text>`,
  );
  parts.push('</svg>');
  return parts.join('');
}
