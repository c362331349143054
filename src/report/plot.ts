/**
 * The pieces the sweep report's scatter charts share: a plot frame, an x axis for a hyperparameter's
 * values (numeric, logarithmic when they span decades, or one column per value), an error axis that
 * keeps a few runaway values from flattening the rest, and the marks of a trial. Browser-safe.
 */
import { escapeHtml } from './format.js';
import { linearScale, logScale, type Scale } from './scale.js';
import { isLogSpread, orderedValues } from './sweep-view.js';

/** The plot area inside a chart's viewBox. */
export interface Frame {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Two decimals are sub-pixel. */
export function c(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** A tick value short: 0.001, 1e-5 (never 1.000e-5). */
export function tickText(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/** An axis for a hyperparameter's values: where each value goes, its ticks, and whether it is a column axis. */
export interface ValueAxis {
  at: (v: string) => number;
  ticks: { at: number; text: string }[];
  /** One column per value (widths, activations, or a few numbers): points are spread across the column. */
  columns?: number;
  log?: boolean;
}

/**
 * Numbers with more than `maxColumns` distinct values get a numeric axis (logarithmic when they span
 * more than a decade); others one column each, in numeric order where they are numbers.
 */
export function valueAxis(values: readonly string[], from: number, to: number, maxColumns = 0): ValueAxis {
  const order = orderedValues(values.filter((v) => v !== ''));
  const nums = order.map(Number);
  if (order.length > Math.max(1, maxColumns) && nums.every(Number.isFinite)) {
    const lo = Math.min(...nums),
      hi = Math.max(...nums);
    const log = isLogSpread(nums);
    const pad = (hi - lo) * 0.05;
    const inset = (to - from) * 0.02;
    const s: Scale = log
      ? logScale([lo, hi], [from + inset, to - inset], { nice: false })
      : linearScale([lo - pad, hi + pad], [from, to]);
    return { at: (v) => s(Number(v)), ticks: s.ticks.map((t) => ({ at: s(t), text: tickText(t) })), log };
  }
  const step = (to - from) / Math.max(1, order.length);
  const at = (v: string) => from + step * (order.indexOf(v) + 0.5);
  return { at, ticks: order.map((v) => ({ at: at(v), text: v })), columns: step };
}

/**
 * The top of an error axis: the largest value, unless a few are far above the rest (a diverged
 * learning rate's cost): then 1.5 × the 90th percentile, and the values above it are drawn on the top
 * edge, marked off the scale.
 */
export function errorTop(values: readonly number[]): { top: number; clipped: boolean } {
  const ys = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (ys.length === 0) return { top: 1, clipped: false };
  const max = ys[ys.length - 1]!;
  const p90 = ys[Math.floor(0.9 * (ys.length - 1))]!;
  if (ys.length >= 5 && p90 > 0 && max > 3 * p90) return { top: 1.5 * p90, clipped: true };
  return { top: max > 0 ? max * 1.05 : 1, clipped: false };
}

/**
 * A y scale for errors: from 0 to errorTop (where the diagonal and the human-level line need 0), or
 * zoomed to the values (a little room either side, never below 0), so that trials a few tenths of a
 * point apart are told apart.
 */
export function errorScale(values: readonly number[], frame: Frame, fromZero = true): { y: Scale; clipped: boolean } {
  const { top, clipped } = errorTop(values);
  const ys = values.filter((v) => Number.isFinite(v) && v <= top);
  let lo = 0,
    hi = top;
  const min = ys.length ? Math.min(...ys) : 0,
    max = clipped ? top : ys.length ? Math.max(...ys) : 0;
  // Zoom only where the values sit high above 0 and differ: else 0 is the honest bottom.
  if (!fromZero && max > min && min > 0.4 * max) {
    const pad = (max - min) * 0.1;
    [lo, hi] = [Math.max(0, min - pad), max + (clipped ? 0 : pad)];
  }
  return { y: linearScale([lo, hi], [frame.bottom, frame.top], { nice: !clipped }), clipped };
}

/** A y position on the scale, held to the frame (a value above the top sits on the top edge). */
export function clampY(y: Scale, v: number, frame: Frame): { py: number; off: boolean } {
  const py = y(v);
  return py < frame.top ? { py: frame.top, off: true } : { py, off: false };
}

/** A spread in [-0.5, 0.5) for trial v, so that points in one column do not hide each other. */
export function jitter(v: number): number {
  return ((v * 0.618034) % 1) - 0.5;
}

/** Grid lines and labels of a y axis. */
export function yGrid(y: Scale, frame: Frame, fmt: (v: number) => string): string[] {
  return y.ticks
    .filter((t) => y(t) >= frame.top - 0.5 && y(t) <= frame.bottom + 0.5)
    .flatMap((t) => [
      `<line class="grid" x1="${c(frame.left)}" x2="${c(frame.right)}" y1="${c(y(t))}" y2="${c(y(t))}"/>`,
      `<text class="tick y-tick" x="${c(frame.left - 6)}" y="${c(y(t))}" dy="0.32em" text-anchor="end">${escapeHtml(fmt(t))}</text>`,
    ]);
}

/** Tick labels of an x axis (and grid lines, for a numeric one). */
export function xTicks(ticks: ValueAxis['ticks'], frame: Frame, grid: boolean): string[] {
  return ticks
    .filter((t) => t.at >= frame.left - 0.5 && t.at <= frame.right + 0.5)
    .flatMap((t) => [
      ...(grid
        ? [`<line class="grid x-grid" x1="${c(t.at)}" x2="${c(t.at)}" y1="${c(frame.top)}" y2="${c(frame.bottom)}"/>`]
        : []),
      `<text class="tick x-tick" x="${c(t.at)}" y="${c(frame.bottom + 16)}" text-anchor="middle">${escapeHtml(t.text)}</text>`,
    ]);
}

/** The frame and the two axis labels. */
export function frameAndLabels(frame: Frame, xLabel: string, yLabel: string): string[] {
  return [
    `<rect class="frame" x="${c(frame.left)}" y="${c(frame.top)}" width="${c(frame.right - frame.left)}" height="${c(frame.bottom - frame.top)}"/>`,
    `<text class="axis-label" x="${c((frame.left + frame.right) / 2)}" y="${c(frame.bottom + 36)}" text-anchor="middle">${escapeHtml(xLabel)}</text>`,
    `<text class="axis-label" transform="translate(14 ${c((frame.top + frame.bottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(yLabel)}</text>`,
  ];
}

/** The opening of a chart's svg, `svg.chart.CLS#ID` of viewBox (0, 0, width, height), with its accessible title. */
export function svgOpen({
  id,
  cls,
  width,
  height,
  title,
}: {
  id: string;
  cls: string;
  width: number;
  height: number;
  title: string;
}): string {
  const i = escapeHtml(id);
  return (
    `<svg class="chart ${cls}" id="${i}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${i}-title" xmlns="http://www.w3.org/2000/svg">` +
    `<title id="${i}-title">${escapeHtml(title)}</title>`
  );
}

/** One trial's point: `circle.dot` with its colour class and `data-t`; hollow when pruned, dashed when off the scale. */
export function trialDot(
  p: { v: number; x: number; py: number; off: boolean; hollow: boolean; cls: string },
  r = 5,
): string {
  const cls = `dot ${p.cls}${p.hollow ? ' hollow' : ''}${p.off ? ' off' : ''}`;
  return `<circle class="${cls}" data-t="${p.v}" cx="${c(p.x)}" cy="${c(p.py)}" r="${r}"/>`;
}

/** A failed trial (no dev error): a small × on the top edge at x. */
export function failMark(v: number, x: number, frame: Frame, cls: string): string {
  const y = frame.top + 6;
  return `<path class="fail-mark ${cls}" data-t="${v}" d="M${c(x - 4)} ${c(y - 4)}l8 8m0 -8l-8 8"/>`;
}
