/**
 * The sweep report's scatter charts, one mark per trial (`data-t`, its colour class `k-…`; pruned trials
 * hollow, failed ones as a × on the top edge): dev error against one hyperparameter, the optimization
 * history (dev error by trial, with the best so far), and train against dev error (the bias/variance
 * map). Browser-safe.
 */
import { escapeHtml, formatPercent } from './format.js';
import { linearScale } from './scale.js';
import {
  c,
  clampY,
  errorScale,
  failMark,
  frameAndLabels,
  jitter,
  svgOpen,
  tickText,
  trialDot,
  valueAxis,
  xTicks,
  yGrid,
  type Frame,
} from './plot.js';
import type { SweepView } from './sweep-view.js';

export interface ScatterPoint {
  /** The hyperparameter's value as written: '0.01', '16,8', 'tanh'. */
  value: string;
  y: number;
  /** Hover text (a `<title>`), for points that carry no `t`. */
  label?: string;
  /** Drawn hollow (a pruned trial: its dev error is from a shortened run). */
  hollow?: boolean;
  /** The trial's position in the page's ranked list (`data-t`): the page's script shows it on hover. */
  t?: number;
  /** Its colour class (`k-c0`, `k-bias`, ...); default k-ok. */
  cls?: string;
}

export interface ScatterSpec {
  id: string;
  title: string;
  xLabel: string;
  yLabel: string;
  points: ScatterPoint[];
  yFormat: (v: number) => string;
  /** Start the y axis at 0 (default), or zoom to the points. */
  fromZero?: boolean;
}

const W = 640,
  H = 320;
const F: Frame = { left: 62, top: 16, right: W - 16, bottom: H - 58 };

/** `<svg class="chart scatter" id="…">` with one `circle.dot` per point: dev error against one hyperparameter. */
export function scatterChart(spec: ScatterSpec): string {
  const { y, clipped } = errorScale(
    spec.points.map((p) => p.y),
    F,
    spec.fromZero ?? true,
  );
  const x = valueAxis(
    spec.points.map((p) => p.value),
    F.left,
    F.right,
    8,
  );
  const parts = [
    svgOpen({ id: spec.id, cls: 'scatter', width: W, height: H, title: spec.title }),
    ...yGrid(y, F, spec.yFormat),
  ];
  parts.push(...xTicks(x.ticks, F, !x.columns));
  spec.points.forEach((p, i) => {
    if (!Number.isFinite(p.y)) return;
    const v = p.t ?? i;
    const spread = x.columns ? jitter(v) * Math.min(x.columns * 0.5, 40) : 0;
    const { py, off } = clampY(y, p.y, F);
    const dot = trialDot({ v, x: x.at(p.value) + spread, py, off, hollow: Boolean(p.hollow), cls: p.cls ?? 'k-ok' });
    parts.push(
      p.t === undefined && p.label ? dot.replace('/>', `><title>${escapeHtml(p.label)}</title></circle>`) : dot,
    );
  });
  parts.push(...frameAndLabels(F, spec.xLabel, spec.yLabel), offNote(clipped), '</svg>');
  return parts.join('');
}

function offNote(clipped: boolean): string {
  return clipped
    ? `<text class="clip-note" x="${c(F.right - 6)}" y="${c(F.top + 14)}" text-anchor="end">dashed: above the scale</text>`
    : '';
}

/**
 * Optimization history: each trial's dev error in the order the trials were proposed, and the best
 * finished trial so far as a step line (`path.best-line`). Pruned trials are hollow at the dev error of
 * their rung; failed ones a × on the top edge.
 */
export function historyChart(view: SweepView, colour: string[], yFormat: (v: number) => string): string {
  const trials = view.trials;
  const { y, clipped } = errorScale(
    trials.flatMap((t) => (t.dev !== undefined ? [t.dev] : [])),
    F,
    false,
  );
  const last = Math.max(1, ...trials.map((t) => t.trial.index));
  const x = linearScale([0.5, last + 0.5], [F.left, F.right], { tickCount: 8 });
  const ticks = x.ticks.filter((t) => Number.isInteger(t) && t >= 1).map((t) => ({ at: x(t), text: String(t) }));
  const parts = [
    svgOpen({ id: 'history-chart', cls: 'scatter history', width: W, height: H, title: 'Optimization history' }),
    ...yGrid(y, F, yFormat),
  ];
  parts.push(...xTicks(ticks, F, false));
  let best = Infinity;
  let d = '';
  for (const t of [...trials].sort((a, b) => a.trial.index - b.trial.index)) {
    if (t.trial.status !== 'ok' || t.dev === undefined || t.dev >= best) continue;
    const px = x(t.trial.index),
      py = clampY(y, t.dev, F).py;
    d += d ? `H${c(px)}V${c(py)}` : `M${c(px)} ${c(py)}`;
    best = t.dev;
  }
  if (d) parts.push(`<path class="best-line" d="${d}H${c(F.right)}"/>`);
  for (const t of trials) {
    const px = x(t.trial.index);
    if (t.dev === undefined) {
      parts.push(failMark(t.v, px, F, colour[t.v]!));
      continue;
    }
    const { py, off } = clampY(y, t.dev, F);
    parts.push(trialDot({ v: t.v, x: px, py, off, hollow: t.trial.status === 'pruned', cls: colour[t.v]! }, 4.5));
  }
  parts.push(...frameAndLabels(F, 'trial (in the order proposed)', 'dev error'), offNote(clipped), '</svg>');
  return parts.join('');
}

/**
 * Train against dev error, one point per trial, on one scale: the diagonal (dev = train: no variance)
 * and the human-level line (train = human: no avoidable bias), with the thresholds the diagnoses used
 * dashed beside them; above the diagonal is variance, right of the human line avoidable bias.
 */
export function trainDevMap(view: SweepView, colour: string[], yFormat: (v: number) => string): string {
  const drawn = view.trials.filter((t) => t.dev !== undefined && t.train !== undefined);
  const { y, clipped } = errorScale(
    drawn.flatMap((t) => [t.dev!, t.train!]),
    F,
  );
  const top = y.domain[1];
  const x = linearScale([0, top], [F.left, F.right], { tickCount: 6 });
  const parts = [
    svgOpen({ id: 'train-dev-chart', cls: 'scatter', width: W, height: H, title: 'Train vs dev error' }),
    ...yGrid(y, F, yFormat),
  ];
  parts.push(
    ...xTicks(
      x.ticks.map((t) => ({ at: x(t), text: view.classification ? yFormat(t) : tickText(t) })),
      F,
      true,
    ),
  );
  parts.push(...guides(view, x, y, top));
  for (const t of drawn) {
    const px = Math.min(F.right, x(t.train!));
    const { py, off } = clampY(y, t.dev!, F);
    parts.push(
      trialDot({
        v: t.v,
        x: px,
        py,
        off: off || x(t.train!) > F.right,
        hollow: t.trial.status === 'pruned',
        cls: colour[t.v]!,
      }),
    );
  }
  parts.push(...frameAndLabels(F, 'train error', 'dev error'), offNote(clipped), '</svg>');
  return parts.join('');
}

/** The diagonal, the human-level line, the thresholds beside them, and what each side means. */
function guides(view: SweepView, x: (v: number) => number, y: (v: number) => number, top: number): string[] {
  const h = view.human;
  const line = (cls: string, [x1, y1]: [number, number], [x2, y2]: [number, number]) =>
    `<line class="${cls}" x1="${c(x1)}" y1="${c(y1)}" x2="${c(x2)}" y2="${c(y2)}"/>`;
  const parts = [
    line('guide diagonal', [x(0), y(0)], [x(top), y(top)]),
    `<text class="guide-label" x="${c(x(top) - 6)}" y="${c(y(top) + 14)}" text-anchor="end">dev = train</text>`,
    `<text class="guide-label" x="${c(x(top * 0.04))}" y="${c(F.top + 14)}">↑ variance (dev − train)</text>`,
  ];
  if (h < top) {
    const label = `human-level ${view.classification ? formatPercent(h) : tickText(h)}`;
    parts.push(
      line('guide human', [x(h), F.top], [x(h), F.bottom]),
      `<text class="guide-label" x="${c(x(h) + 4)}" y="${c(F.bottom - 6)}">${escapeHtml(label)} → avoidable bias</text>`,
    );
  }
  const th = view.thresholds;
  if (th) {
    if (h + th.bias < top) parts.push(line('guide threshold', [x(h + th.bias), F.top], [x(h + th.bias), F.bottom]));
    if (th.variance < top) parts.push(line('guide threshold', [x(0), y(th.variance)], [x(top - th.variance), y(top)]));
  }
  return parts;
}
