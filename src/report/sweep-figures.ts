/**
 * Two figures of the sweep report that are not scatters: the importance of each hyperparameter (bars,
 * with how they were computed) and the curves of the best trials (train dashed beside dev, one colour
 * per trial). Browser-safe.
 */
import { rungsReached } from '../sweep/prune.js';
import type { Series } from './chart.js';
import { escapeHtml, formatPercent } from './format.js';
import { importance, MAX_BINS, MIN_TRIALS, type ImportanceInput } from './importance.js';
import { chartFigure, percentTick } from './page.js';
import { c, svgOpen } from './plot.js';
import { valueOf, type SweepView, type TrialView } from './sweep-view.js';

const COLORS = 8;

/** What importance is measured on: finished trials' dev error, or with pruning, every trial's at its first rung. */
function importanceBasis(view: SweepView): { inputs: ImportanceInput[]; basis: string } {
  const values = (t: TrialView) => Object.fromEntries(view.keys.map((k) => [k, valueOf(t.trial, k)]));
  const ok = view.trials.filter((t) => t.trial.status === 'ok' && t.dev !== undefined);
  const pruned = view.trials.filter((t) => t.trial.status === 'pruned');
  if (pruned.length === 0 || ok.length >= 2 * MIN_TRIALS)
    return {
      inputs: ok.map((t) => ({ values: values(t), y: t.dev! })),
      basis: `the dev error of the ${ok.length} finished trials (pruned and failed ones left out: their runs were cut short or broke)`,
    };
  // Few trials finished: compare every trial where all of them were measured, at its first rung.
  const inputs: ImportanceInput[] = [];
  for (const t of view.trials) {
    const run = t.trial.run;
    const first = run ? rungsReached(run.history.evals, Number(run.hyperparameters['iterations']))[0] : undefined;
    if (first && Number.isFinite(first.devError)) inputs.push({ values: values(t), y: first.devError });
  }
  return {
    inputs,
    basis: `the dev error of ${inputs.length} trials at their first pruning rung (only ${ok.length} ran to the end: the rung is where every trial was measured on the same budget)`,
  };
}

/** `svg#importance-chart`: one bar per varied hyperparameter, its share of the variance of dev error. */
export function importanceFigure(view: SweepView, space: { grid: boolean; ranges: boolean }): string {
  const head = '<figure id="importance-figure"><div class="head"><h3>Hyperparameter importance</h3></div>';
  if (view.keys.length === 0)
    return `${head}<p class="muted">The trials share every hyperparameter value.</p></figure>`;
  const { inputs, basis } = importanceBasis(view);
  const items = importance(inputs, view.keys);
  if (!items)
    return `${head}<p class="muted">Too few trials to tell (${inputs.length} measured; importance needs ${MIN_TRIALS}).</p></figure>`;
  const rowH = 30,
    top = 10,
    left = 130,
    right = 540;
  const height = top + items.length * rowH + 10;
  const parts = [
    svgOpen({ id: 'importance-chart', cls: 'bars', width: 640, height, title: 'Hyperparameter importance' }),
  ];
  items.forEach((it, i) => {
    const y = top + i * rowH;
    const w = Math.max(1, (right - left) * it.share);
    const text = `${formatPercent(it.share)} (${it.groups} groups)`;
    parts.push(
      `<text class="bar-label" x="${left - 8}" y="${c(y + rowH / 2)}" dy="0.32em" text-anchor="end">--${escapeHtml(it.key)}</text>`,
      `<rect class="importance-bar" data-key="${escapeHtml(it.key)}" x="${left}" y="${c(y + 5)}" width="${c(w)}" height="${rowH - 10}"><title>${escapeHtml(`--${it.key}: ${text}`)}</title></rect>`,
      `<text class="tick" x="${c(left + w + 6)}" y="${c(y + rowH / 2)}" dy="0.32em">${escapeHtml(text)}</text>`,
    );
  });
  parts.push(`<line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${height - 10}"/>`, '</svg>');
  const sum = items.reduce((a, b) => a + b.share, 0);
  const grid = space.grid ? ' On a full grid this is the main effect of a functional ANOVA (fANOVA).' : '';
  const rest =
    sum <= 1.0001
      ? ` Together the shares are ${formatPercent(sum)}: the rest is interactions between hyperparameters${space.grid ? '' : ' and noise'}.`
      : ' The shares overlap (they sum past 100%): the trials’ values are correlated, as a small random or adaptive sweep draws them.';
  const bins = space.ranges
    ? ` Values drawn from a range are grouped into up to ${MAX_BINS} bins of equal counts.`
    : '';
  const method =
    `How it is computed: for each hyperparameter, the share of the variance of dev error that grouping the trials by its value explains on its own ` +
    `(η² = between-group sum of squares / total sum of squares: a one-way ANOVA), over ${basis}.${bins}${grid}${rest}`;
  return `${head}${parts.join('')}<p class="note" id="importance-method">${escapeHtml(method)}</p></figure>`;
}

/** The best finished trials' train (dashed) and dev error per evaluation, and their cost, one colour per trial. */
export function bestCurves(view: SweepView, count: number): string {
  const finished = view.trials.filter((t) => t.trial.run && t.trial.status === 'ok');
  const best = (finished.length ? finished : view.trials.filter((t) => t.trial.run)).slice(0, count);
  if (best.length === 0) return '<p class="muted">No trial recorded curves.</p>';
  const classification = view.classification;
  const err: Series[] = best.flatMap((t, i) => {
    const evals = t.trial.run!.history.evals;
    const name = `trial ${t.trial.index}`;
    return [
      {
        name: `${name} dev`,
        legend: name,
        colorClass: `s${i % COLORS}`,
        points: evals.filter((e) => e.devError !== undefined).map((e) => ({ x: e.iteration, y: e.devError! })),
      },
      {
        name: `${name} train`,
        legend: false as const,
        colorClass: `s${i % COLORS}`,
        dashed: true,
        points: evals.map((e) => ({ x: e.iteration, y: e.trainError })),
      },
    ];
  });
  const cost: Series[] = best.map((t, i) => ({
    name: `trial ${t.trial.index}`,
    colorClass: `s${i % COLORS}`,
    points: t.trial.run!.history.costs.map((p) => ({ x: p.iteration, y: p.cost })),
  }));
  const which = finished.length ? `the ${best.length} best finished trials` : `the ${best.length} best trials`;
  return [
    chartFigure(
      {
        id: 'error-chart',
        title: `Train and dev error per evaluation, ${which}`,
        xLabel: 'iteration',
        yLabel: classification ? 'error' : 'error (cost)',
        series: err.filter((s) => s.points.length),
        ...(classification ? { yFormat: percentTick, yMax: 1 } : { logToggle: true }),
      },
      `Train (dashed) and dev error, ${which}`,
      classification,
    ),
    chartFigure(
      {
        id: 'cost-chart',
        title: `Cost J, ${which}`,
        xLabel: 'iteration',
        yLabel: 'cost J',
        series: cost.filter((s) => s.points.length),
        logToggle: true,
        clipOutliers: true,
      },
      `Cost J, ${which}`,
      false,
    ),
  ].join('\n');
}
