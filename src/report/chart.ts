/**
 * Inline SVG line charts for the report, drawn from data with no library. Browser-safe.
 *
 * A chart is `<svg class="chart" id="…">` with one `<path class="series …" data-points="N">` per series
 * and scale; values that are not finite (a diverged cost: NaN, ∞) break the line and are marked on the
 * top edge, so a diverged run is visible rather than hidden or fatal.
 */
import { escapeHtml, formatNumber } from './format.js';
import { linearScale, logScale, type Scale } from './scale.js';

/** One (x, y) point; y may be NaN, ±Infinity (drawn as a gap and marked). */
export interface Point {
  x: number;
  y: number;
}

export interface Series {
  /** Legend text. */
  name: string;
  /** CSS class that gives the colour: `s0` … `s7` (see the report's style sheet). */
  colorClass: string;
  points: Point[];
  /** Dashed line (e.g. the dev curve beside the train curve). */
  dashed?: boolean;
  /** The legend's text for it (default: name), or false to leave it out of the legend. */
  legend?: string | false;
}

export interface LineChartSpec {
  /** The svg element's id (`cost-chart`). */
  id: string;
  /** Accessible title of the chart. */
  title: string;
  xLabel: string;
  yLabel: string;
  series: Series[];
  /** Formats y tick labels and tooltip values (default: 4 significant digits). */
  yFormat?: (v: number) => string;
  /** Also draw a base-10 log y scale, shown by the figure's "log scale" toggle (only when all finite y > 0). */
  logToggle?: boolean;
  /** Start the linear y axis at 0 when all values are ≥ 0 (default true). */
  yFromZero?: boolean;
  /** Upper bound on the linear y axis, e.g. 1 for error fractions. */
  yMax?: number;
  /**
   * Keep a diverged series (one holding NaN or ±∞) from flattening the others on the linear axis: when
   * some series diverged and others did not, the axis is scaled to those that did not (if the diverged
   * ones reach over 1.5× their top), the diverged lines leave through the top and a note says so. A
   * series that merely rises (a dev cost while overfitting) is never cut. The log layer shows everything.
   */
  clipOutliers?: boolean;
  width?: number;
  height?: number;
  /** Keep at most this many points per series (min/max per bucket, so spikes survive). Default 1500. */
  maxPoints?: number;
}

/** Plot area inside the svg's viewBox. */
interface Frame {
  left: number;
  top: number;
  right: number;
  bottom: number;
}

/** Keeps the coordinates short: 2 decimals are sub-pixel. */
function c(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/**
 * SVG path data for a polyline through the points, in pixel space: `M x y L x y …`. A point whose x or y
 * maps to a non-finite pixel (NaN/∞ data, or ≤ 0 on a log scale) ends the current segment; the next
 * finite point starts a new one with `M`. Returns the drawn point count with it.
 * @example pathData([{x:0,y:1},{x:1,y:NaN},{x:2,y:3}], x => x, y => y) // => { d: 'M0 1M2 3', points: 2, segments: 2 }
 */
export function pathData(
  points: readonly Point[],
  xScale: (v: number) => number,
  yScale: (v: number) => number,
): { d: string; points: number; segments: number } {
  let d = '';
  let n = 0;
  let segments = 0;
  let pen = false;
  for (const p of points) {
    const px = xScale(p.x);
    const py = Number.isFinite(p.y) ? yScale(p.y) : NaN;
    if (!Number.isFinite(px) || !Number.isFinite(py)) {
      pen = false;
      continue;
    }
    if (!pen) segments++;
    d += `${pen ? 'L' : 'M'}${c(px)} ${c(py)}`;
    pen = true;
    n++;
  }
  return { d, points: n, segments };
}

/**
 * Thins a long series to about `max` points by keeping, in each of max/2 buckets along the series, its
 * lowest and highest y (in order) and its first non-finite point (so a gap in the line survives).
 * The last point is always kept. Series of at most `max` points pass through unchanged.
 */
export function downsample(points: readonly Point[], max: number): Point[] {
  if (points.length <= max || max < 4) return points.slice();
  const buckets = Math.floor(max / 2);
  const size = points.length / buckets;
  const out: Point[] = [];
  for (let b = 0; b < buckets; b++) {
    const start = Math.floor(b * size);
    const end = Math.min(points.length, Math.floor((b + 1) * size));
    let lo = -1;
    let hi = -1;
    let gap = -1;
    for (let i = start; i < end; i++) {
      const y = points[i]!.y;
      if (!Number.isFinite(y)) {
        if (gap < 0) gap = i;
        continue;
      }
      if (lo < 0 || y < points[lo]!.y) lo = i;
      if (hi < 0 || y > points[hi]!.y) hi = i;
    }
    const keep = [...new Set([lo, hi, gap].filter((i) => i >= 0))].sort((a, b) => a - b);
    for (const i of keep) out.push(points[i]!);
  }
  const last = points[points.length - 1]!;
  if (out[out.length - 1] !== last) out.push(last);
  return out;
}

/** The finite y values of all series. */
function finiteYs(series: readonly Series[]): number[] {
  const ys: number[] = [];
  for (const s of series) for (const p of s.points) if (Number.isFinite(p.y)) ys.push(p.y);
  return ys;
}

function minMax(values: readonly number[]): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}

/** The x scale shared by every series: iterations from the first to the last point. */
function xScaleFor(series: readonly Series[], frame: Frame): Scale {
  const xs: number[] = [];
  for (const s of series) for (const p of s.points) if (Number.isFinite(p.x)) xs.push(p.x);
  const [lo, hi] = xs.length ? minMax(xs) : [0, 1];
  // A single x (one cost point): centre it in a window one iteration either side.
  const x = linearScale(hi > lo ? [lo, hi] : [lo - 1, lo + 1], [frame.left, frame.right], { tickCount: 6 });
  // Iterations are whole numbers: no tick at 0.5, and none below 0 when the data start at 0 or later.
  x.ticks = x.ticks.filter((t) => Number.isInteger(t) && (lo < 0 || t >= 0));
  return x;
}

/** What every y scale of one chart draws with: the chart, its series, the x scale, the frame, the number format. */
interface Plot {
  spec: LineChartSpec;
  series: readonly Series[];
  x: Scale;
  frame: Frame;
  fmt: (v: number) => string;
}

/** Y axis, grid and series paths for one y scale (linear or log), as a `<g class="scale-…">`. */
function plotLayer({ spec, series, x, frame, fmt }: Plot, y: Scale, note = ''): string {
  const clip = `clip-path="url(#${escapeHtml(spec.id)}-clip)"`;
  const parts: string[] = [`<g class="scale-${y.kind}">`];
  if (note)
    parts.push(
      `<text class="clip-note" x="${c(frame.right - 6)}" y="${c(frame.top + 16)}" text-anchor="end">${escapeHtml(note)}</text>`,
    );
  for (const t of y.ticks) {
    const py = y(t);
    if (!Number.isFinite(py) || py < frame.top - 0.5 || py > frame.bottom + 0.5) continue;
    parts.push(`<line class="grid" x1="${c(frame.left)}" x2="${c(frame.right)}" y1="${c(py)}" y2="${c(py)}"/>`);
    parts.push(
      `<text class="tick y-tick" x="${c(frame.left - 6)}" y="${c(py)}" dy="0.32em" text-anchor="end">${escapeHtml(fmt(t))}</text>`,
    );
  }
  series.forEach((s, i) => {
    const { d, points } = pathData(s.points, x, y);
    const cls = `series ${s.colorClass}${s.dashed ? ' dashed' : ''}`;
    parts.push(`<path class="${escapeHtml(cls)}" data-series="${i}" data-points="${points}" ${clip} d="${d}"/>`);
    // Few points: draw them as dots too, so a single evaluation is visible.
    if (points > 0 && points <= 40)
      for (const p of s.points) {
        const px = x(p.x);
        const py = Number.isFinite(p.y) ? y(p.y) : NaN;
        if (Number.isFinite(px) && Number.isFinite(py))
          parts.push(
            `<circle class="dot ${escapeHtml(s.colorClass)}" ${clip} cx="${c(px)}" cy="${c(py)}" r="3"><title>${escapeHtml(`${s.name}: ${fmt(p.y)} at ${spec.xLabel} ${formatNumber(p.x, 6)}`)}</title></circle>`,
          );
      }
  });
  parts.push('</g>');
  return parts.join('');
}

/** Red marks on the top edge where a series has non-finite values (a diverged cost). */
function nonFiniteMarks(series: readonly Series[], x: Scale, frame: Frame, yLabel: string): string {
  const parts: string[] = [];
  for (const s of series) {
    let runStart: Point | undefined;
    let prev: Point | undefined;
    const flush = () => {
      if (!runStart || !prev) return;
      const x0 = x(runStart.x);
      const x1 = Math.max(x(prev.x), x0 + 2);
      const label = `${s.name}: ${yLabel} is ${formatNumber(runStart.y)} from ${formatNumber(runStart.x, 6)}${prev !== runStart ? ` to ${formatNumber(prev.x, 6)}` : ''}`;
      parts.push(
        `<rect class="nonfinite" x="${c(x0 - 1)}" y="${c(frame.top)}" width="${c(x1 - x0 + 2)}" height="6"><title>${escapeHtml(label)}</title></rect>`,
      );
      runStart = undefined;
    };
    for (const p of s.points) {
      if (Number.isFinite(p.y)) {
        flush();
      } else if (!runStart) runStart = p;
      prev = p;
    }
    flush();
  }
  return parts.length ? `<g class="nonfinite-marks">${parts.join('')}</g>` : '';
}

/**
 * One line chart as an inline `<svg class="chart" id="…">`, with axes, grid, legend and, for the page's
 * hover script, a `data-x` attribute holding the x scale (`x0,x1,px0,px1`).
 */
export function lineChart(spec: LineChartSpec): string {
  const width = spec.width ?? 640;
  const height = spec.height ?? 320;
  const frame: Frame = { left: 62, top: 16, right: width - 16, bottom: height - 58 };
  const fmt = spec.yFormat ?? ((v: number) => formatNumber(v, 4));
  const series = spec.series.map((s) => ({ ...s, points: downsample(s.points, spec.maxPoints ?? 1500) }));
  const x = xScaleFor(series, frame);
  const ys = finiteYs(series);
  const [ylo, yhi] = ys.length ? minMax(ys) : [0, 1];
  const { top, note } = visibleTop(spec, series, [ylo, yhi], fmt);
  // 3% headroom so that a point at the maximum is not drawn on the frame.
  const bottom = (spec.yFromZero ?? true) && ylo >= 0 ? 0 : ylo;
  const yLin = linearScale([bottom, top > bottom ? top + 0.03 * (top - bottom) : top], [frame.bottom, frame.top], {
    nice: true,
  });
  const id = escapeHtml(spec.id);
  const plot: Plot = { spec, series, x, frame, fmt };
  const parts: string[] = [
    `<svg class="chart" id="${id}" viewBox="0 0 ${width} ${height}" role="img" aria-labelledby="${id}-title" ` +
      `data-x="${c(x.domain[0])},${c(x.domain[1])},${c(frame.left)},${c(frame.right)}" data-top="${frame.top}" ` +
      `data-bottom="${frame.bottom}" xmlns="http://www.w3.org/2000/svg">`,
    `<title id="${id}-title">${escapeHtml(spec.title)}</title>`,
    ...xAxis(x, frame),
    `<defs><clipPath id="${id}-clip"><rect x="${c(frame.left - 4)}" y="${c(frame.top - 4)}" ` +
      `width="${c(frame.right - frame.left + 8)}" height="${c(frame.bottom - frame.top + 8)}"/></clipPath></defs>`,
    plotLayer(plot, yLin, note),
  ];
  if (spec.logToggle && ys.length > 0 && ylo > 0)
    parts.push(plotLayer(plot, logScale([ylo, yhi], [frame.bottom, frame.top], { nice: true })));
  parts.push(
    nonFiniteMarks(series, x, frame, spec.yLabel),
    ...frameAndLabels(spec, frame),
    ...legend(series, frame, height),
  );
  if (ys.length === 0)
    parts.push(
      `<text class="empty" x="${c((frame.left + frame.right) / 2)}" y="${c((frame.top + frame.bottom) / 2)}" text-anchor="middle">no finite values to draw</text>`,
    );
  parts.push(
    `<line class="crosshair" x1="0" x2="0" y1="${c(frame.top)}" y2="${c(frame.bottom)}" visibility="hidden"/>`,
  );
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * The top of the y axis: the data's maximum, capped at yMax; with clipOutliers, the top of the series
 * that stayed finite when others diverged far above them (with a note saying how far).
 */
function visibleTop(
  spec: LineChartSpec,
  series: readonly Series[],
  [ylo, yhi]: [number, number],
  fmt: (v: number) => string,
): { top: number; note: string } {
  let top = spec.yMax !== undefined && yhi > spec.yMax ? spec.yMax : yhi;
  if (!spec.clipOutliers) return { top, note: '' };
  const steady = series.filter((s) => s.points.every((p) => Number.isFinite(p.y)));
  const steadyYs = finiteYs(steady);
  if (steady.length === 0 || steady.length === series.length || steadyYs.length === 0) return { top, note: '' };
  const steadyTop = minMax(steadyYs)[1];
  if (!(steadyTop > 0 && top > 1.5 * steadyTop)) return { top, note: '' };
  top = steadyTop;
  return {
    top,
    note: `↑ diverged: off the chart up to ${fmt(yhi)}${spec.logToggle && ylo > 0 ? ' (see log scale)' : ''}`,
  };
}

/** Grid lines and tick labels of the x axis (shared by the linear and the log layer). */
function xAxis(x: ReturnType<typeof xScaleFor>, frame: Frame): string[] {
  return x.ticks.flatMap((t) => [
    `<line class="grid x-grid" x1="${c(x(t))}" x2="${c(x(t))}" y1="${c(frame.top)}" y2="${c(frame.bottom)}"/>`,
    `<text class="tick x-tick" x="${c(x(t))}" y="${c(frame.bottom + 16)}" text-anchor="middle">${escapeHtml(formatNumber(t, 6))}</text>`,
  ]);
}

function frameAndLabels(spec: LineChartSpec, frame: Frame): string[] {
  return [
    `<rect class="frame" x="${c(frame.left)}" y="${c(frame.top)}" width="${c(frame.right - frame.left)}" height="${c(frame.bottom - frame.top)}"/>`,
    `<text class="axis-label" x="${c((frame.left + frame.right) / 2)}" y="${c(frame.bottom + 34)}" text-anchor="middle">${escapeHtml(spec.xLabel)}</text>`,
    `<text class="axis-label" transform="translate(14 ${c((frame.top + frame.bottom) / 2)}) rotate(-90)" text-anchor="middle">${escapeHtml(spec.yLabel)}</text>`,
  ];
}

/** The legend, left to right under the axis label. */
function legend(series: readonly Series[], frame: Frame, height: number): string[] {
  const parts: string[] = [];
  let lx = frame.left;
  const ly = height - 8;
  for (const s of series) {
    if (s.legend === false) continue;
    const name = s.legend ?? s.name;
    const dashed = s.dashed ? ' dashed' : '';
    parts.push(
      `<line class="legend-swatch ${escapeHtml(s.colorClass)}${dashed}" x1="${c(lx)}" x2="${c(lx + 18)}" y1="${ly - 4}" y2="${ly - 4}"/>`,
      `<text class="legend" x="${c(lx + 23)}" y="${ly}">${escapeHtml(name)}</text>`,
    );
    lx += 23 + Math.min(40, name.length) * 6.5 + 16;
  }
  return parts;
}

/** Whether lineChart will draw a log layer for this spec (all finite y > 0). */
export function hasLogLayer(spec: Pick<LineChartSpec, 'series' | 'logToggle'>): boolean {
  const ys = finiteYs(spec.series);
  return Boolean(spec.logToggle) && ys.length > 0 && minMax(ys)[0] > 0;
}

/**
 * The data behind a chart for the page's hover script (see script.ts): the same thinned points as drawn,
 * sorted by x, non-finite y as null.
 */
export function chartData(
  spec: LineChartSpec,
  percent: boolean,
): { xLabel: string; percent: boolean; series: { name: string; color: string; points: [number, number | null][] }[] } {
  return {
    xLabel: spec.xLabel,
    percent,
    series: spec.series.map((s) => ({
      name: s.name,
      color: s.colorClass,
      points: downsample(s.points, spec.maxPoints ?? 1500)
        .filter((p) => Number.isFinite(p.x))
        .sort((a, b) => a.x - b.x)
        .map((p): [number, number | null] => [p.x, Number.isFinite(p.y) ? p.y : null]),
    })),
  };
}
