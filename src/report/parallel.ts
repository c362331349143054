/**
 * Parallel coordinates (as Optuna's plot_parallel_coordinate and TensorBoard's HParams view draw them):
 * one vertical axis per varied hyperparameter and one for dev error, one line per trial through its
 * values. Each axis carries a brush area (`rect.pc-hit`): dragging along it keeps the trials whose line
 * crosses the dragged range (the page's script filters the table and dims the rest). Browser-safe.
 */
import { escapeHtml } from './format.js';
import { c, errorScale, svgOpen, valueAxis } from './plot.js';
import { valueOf, type SweepView } from './sweep-view.js';

/** What the page's script needs to brush: each drawn trial's y on each axis, by `data-t`. */
export interface ParallelData {
  top: number;
  bottom: number;
  axes: string[];
  /** [v, y on axis 0, y on axis 1, ...] for each drawn trial. */
  lines: number[][];
}

const H = 380;
const TOP = 44,
  BOTTOM = H - 24;

/** The chart and its brushing data; undefined when no trial has a dev error to draw. */
export function parallelChart(
  view: SweepView,
  colour: string[],
  yFormat: (v: number) => string,
): { svg: string; data: ParallelData } | undefined {
  const drawn = view.trials.filter((t) => t.dev !== undefined);
  if (drawn.length === 0) return undefined;
  const keys = view.keys;
  // Drawn at the width it is shown at (the page's), so its text is the size of the other charts'.
  const width = 1180;
  const left = 70,
    right = width - 70;
  const step = keys.length ? (right - left) / keys.length : 0;
  const axisX = (a: number) => (keys.length ? left + a * step : (left + right) / 2);
  const axes = keys.map((k) => {
    const a = valueAxis(
      drawn.map((t) => valueOf(t.trial, k)),
      BOTTOM,
      TOP,
      8,
    );
    return { label: `--${k}`, y: (t: (typeof drawn)[number]) => a.at(valueOf(t.trial, k)), ticks: a.ticks };
  });
  const dev = errorScale(
    drawn.map((t) => t.dev!),
    { left, right, top: TOP, bottom: BOTTOM },
    false,
  ).y;
  axes.push({
    label: 'dev error',
    y: (t) => Math.max(TOP, Math.min(BOTTOM, dev(t.dev!))),
    ticks: dev.ticks.map((t) => ({ at: dev(t), text: yFormat(t) })),
  });
  const lines = drawn.map((t) => [t.v, ...axes.map((a) => a.y(t))]);
  const parts = [svgOpen({ id: 'parallel-chart', cls: 'parallel', width, height: H, title: 'Parallel coordinates' })];
  lines.forEach(([v, ...ys]) => {
    const pruned = view.trials[v!]!.trial.status === 'pruned';
    const points = ys.map((py, a) => `${c(axisX(a))},${c(Number.isFinite(py) ? py : BOTTOM)}`).join(' ');
    parts.push(`<polyline class="pc-line ${colour[v!]}${pruned ? ' pruned' : ''}" data-t="${v}" points="${points}"/>`);
  });
  axes.forEach((a, i) => parts.push(axisMarkup(i, axisX(i), a.label, a.ticks)));
  parts.push('</svg>');
  return { svg: parts.join(''), data: { top: TOP, bottom: BOTTOM, axes: axes.map((a) => a.label), lines } };
}

/** One axis: its line, its label on top, its ticks, the brush area and the (hidden) brush. */
function axisMarkup(i: number, x: number, label: string, ticks: { at: number; text: string }[]): string {
  const shown = ticks.filter((t) => t.at >= TOP - 0.5 && t.at <= BOTTOM + 0.5);
  return [
    `<g class="pc-axis" data-axis="${i}">`,
    `<line class="axis" x1="${c(x)}" x2="${c(x)}" y1="${TOP}" y2="${BOTTOM}"/>`,
    `<text class="axis-label" x="${c(x)}" y="${TOP - 18}" text-anchor="middle">${escapeHtml(label)}</text>`,
    ...shown.map(
      (t) =>
        `<text class="tick" x="${c(x - 7)}" y="${c(t.at)}" dy="0.32em" text-anchor="end">${escapeHtml(t.text.length > 12 ? `${t.text.slice(0, 11)}…` : t.text)}</text>` +
        `<line class="axis" x1="${c(x - 4)}" x2="${c(x)}" y1="${c(t.at)}" y2="${c(t.at)}"/>`,
    ),
    `<rect class="pc-brush" data-axis="${i}" x="${c(x - 9)}" y="${TOP}" width="18" height="0" visibility="hidden"/>`,
    `<rect class="pc-hit" data-axis="${i}" x="${c(x - 14)}" y="${TOP - 6}" width="28" height="${BOTTOM - TOP + 12}"><title>${escapeHtml(`drag along ${label} to keep the trials in a range; click to clear`)}</title></rect>`,
    '</g>',
  ].join('');
}
