/**
 * `renderComparisonReport`: several training runs (experiments that changed one hyperparameter) on one
 * self-contained page — overlaid cost curves, overlaid dev error curves, a results table and the
 * hyperparameters side by side with the ones that differ marked. Browser-safe.
 */
import { verdictLabel } from '../evaluate/diagnose.js';
import type { RunRecord } from '../train/run-record.js';
import type { Series } from './chart.js';
import { escapeHtml, formatDuration, formatNumber, formatPercent } from './format.js';
import { formatValue, isClassification, firstNonFiniteCost } from './html.js';
import { chartFigure, percentTick, renderPage } from './page.js';

/** One run and the name it goes by on the page (usually its file name). */
export interface NamedRun {
  label: string;
  run: RunRecord;
}

export interface ComparisonOptions {
  /** Page title and heading (default: "Comparison of N runs"). */
  title?: string;
  /** Shown in the footer; null leaves the footer out (default: now). */
  generatedAt?: string | null;
}

const COLORS = 8;

/**
 * Several runs on one page. Every run gets a colour (`s0` … `s7`, repeating after eight) used in both
 * charts and the tables; `svg#cost-chart` has one `path.series` per run with costs, `svg#error-chart`
 * one per run with evaluations (dev error, or train error for runs without a dev set).
 * @example renderComparisonReport([{ label: 'lr 0.01', run: a }, { label: 'lr 0.1', run: b }])
 */
export function renderComparisonReport(runs: readonly NamedRun[], opts: ComparisonOptions = {}): string {
  if (runs.length === 0) throw new RangeError('renderComparisonReport: needs at least one run');
  const title = opts.title ?? `Comparison of ${runs.length} runs`;
  const body = `<header><h1>${escapeHtml(title)}</h1><p class="sub">${runs.map(({ label }) => escapeHtml(label)).join(' · ')}</p></header>
<h2>Results</h2>${resultsTable(runs)}
<h2>Curves</h2><section class="charts">${comparisonCharts(runs).join('\n')}</section>
<h2>Hyperparameters and data</h2><p class="muted">Rows where the runs differ are highlighted.</p>${hyperparameterTable(runs)}`;
  return renderPage(title, body, opts.generatedAt === undefined ? new Date().toISOString() : opts.generatedAt);
}

/** Run i's colour class: s0 … s7, repeating after eight. */
const color = (i: number) => `s${i % COLORS}`;
const swatch = (i: number) => `<span class="swatch ${color(i)}"></span>`;

/** One cost series per run with costs; one error series per run with evaluations (dev, else dashed train). */
function comparisonSeries(runs: readonly NamedRun[]): { cost: Series[]; error: Series[] } {
  const cost: Series[] = [];
  const error: Series[] = [];
  runs.forEach(({ label, run }, i) => {
    if (run.history.costs.length)
      cost.push({
        name: label,
        colorClass: color(i),
        points: run.history.costs.map((p) => ({ x: p.iteration, y: p.cost })),
      });
    const evals = run.history.evals;
    const hasDev = evals.some((e) => e.devError !== undefined);
    const pts = evals
      .filter((e) => !hasDev || e.devError !== undefined)
      .map((e) => ({ x: e.iteration, y: hasDev ? e.devError! : e.trainError }));
    if (pts.length)
      error.push({ name: hasDev ? label : `${label} (train)`, colorClass: color(i), points: pts, dashed: !hasDev });
  });
  return { cost, error };
}

/** The cost chart and the dev-error chart of every run (or a note when no run has any). */
function comparisonCharts(runs: readonly NamedRun[]): string[] {
  const { cost, error } = comparisonSeries(runs);
  const allClassification = runs.every((r) => isClassification(r.run));
  const costFigure = cost.length
    ? chartFigure(
        {
          id: 'cost-chart',
          title: 'Cost J per iteration, every run',
          xLabel: 'iteration',
          yLabel: 'cost J',
          series: cost,
          logToggle: true,
          clipOutliers: true,
        },
        'Cost J',
        false,
      )
    : '<figure id="cost-chart-figure"><div class="head"><h3>Cost J</h3></div><p class="muted">No run recorded costs.</p></figure>';
  const errorFigure = error.length
    ? chartFigure(
        {
          id: 'error-chart',
          title: 'Dev error per evaluation, every run',
          xLabel: 'iteration',
          yLabel: allClassification ? 'dev error' : 'dev error (cost)',
          series: error,
          ...(allClassification ? { yFormat: percentTick, yMax: 1 } : {}),
        },
        'Dev error (dashed: train error, for runs without a dev set)',
        allClassification,
      )
    : '<figure id="error-chart-figure"><div class="head"><h3>Dev error</h3></div><p class="muted">No run recorded evaluations.</p></figure>';
  return [costFigure, errorFigure];
}

/** One row per run: train and dev error, final cost (marked when it diverged), iterations, time, diagnosis. */
function resultsTable(runs: readonly NamedRun[]): string {
  const fmtErr = (run: RunRecord, v: number | undefined) =>
    v === undefined ? '—' : isClassification(run) ? formatPercent(v, 2) : formatNumber(v, 4);
  const rows = runs
    .map(({ label, run }, i) => {
      const r = run.result;
      const finalCost = r.finalCost ?? run.history.costs[run.history.costs.length - 1]?.cost;
      const diverged = firstNonFiniteCost(run);
      const cells = [
        fmtErr(run, r.trainError),
        fmtErr(run, r.devError),
        finalCost === undefined ? '—' : formatNumber(finalCost, 4) + (diverged ? ' (diverged)' : ''),
        String(r.iterations),
        formatDuration(r.seconds),
        verdictLabel(run.diagnosis),
      ];
      return `<tr><td>${swatch(i)}${escapeHtml(label)}</td>${cells.map((c) => `<td class="num">${escapeHtml(c)}</td>`).join('')}</tr>`;
    })
    .join('');
  const head = ['train error', 'dev error', 'final cost', 'iterations', 'time', 'diagnosis']
    .map((h) => `<th class="num">${h}</th>`)
    .join('');
  return `<table class="compare" id="results"><thead><tr><th>run</th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}

/** The data and every hyperparameter side by side, rows where the runs differ highlighted. */
function hyperparameterTable(runs: readonly NamedRun[]): string {
  const keys: string[] = [];
  for (const { run } of runs) for (const k of Object.keys(run.hyperparameters)) if (!keys.includes(k)) keys.push(k);
  const dataKeys: [string, (r: RunRecord) => string][] = [
    ['data', (r) => r.data.source],
    ['train / dev / test', (r) => `${r.data.train} / ${r.data.dev ?? '—'} / ${r.data.test ?? '—'}`],
  ];
  const rows = [
    ...dataKeys.map(([k, f]) => [k, runs.map((r) => f(r.run))] as const),
    ...keys.map(
      (k) => [k, runs.map((r) => (k in r.run.hyperparameters ? formatValue(r.run.hyperparameters[k]) : '—'))] as const,
    ),
  ]
    .map(([k, vals]) => {
      const differs = new Set(vals).size > 1;
      return `<tr${differs ? ' class="differs"' : ''}><th scope="row">${escapeHtml(k)}</th>${vals.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`;
    })
    .join('');
  const head = runs.map(({ label }, i) => `<th>${swatch(i)}${escapeHtml(label)}</th>`).join('');
  return `<table class="compare" id="hyperparameters"><thead><tr><th></th>${head}</tr></thead><tbody>${rows}</tbody></table>`;
}
