/**
 * `renderSweepReport`: a sweep on one self-contained page — the trials ranked by dev error (with why
 * each ran, for recipe and depth), dev error against each hyperparameter the sweep varied, and the
 * curves of the best trials. Browser-safe: it takes the record's contents, the caller reads the files.
 */
import { verdictLabel } from '../evaluate/diagnose.js';
import type { SweepIdentity } from '../sweep/record.js';
import type { TrialValues } from '../sweep/space.js';
import { nearBest, rankTrials, type TrialResult } from '../sweep/trial.js';
import type { Series } from './chart.js';
import { escapeHtml, formatDuration, formatNumber, formatPercent } from './format.js';
import { chartFigure, percentTick, renderPage } from './page.js';
import { scatterChart } from './sweep-chart.js';

export interface SweepReportInput {
  identity: Pick<SweepIdentity, 'id' | 'strategy' | 'space' | 'data' | 'test' | 'refit'>;
  trials: TrialResult[];
  /** Trials that started and did not finish. */
  halfDone: number;
}

export interface SweepReportOptions {
  title?: string;
  /** Shown in the footer; null leaves the footer out (default: now). */
  generatedAt?: string | null;
  /** How many of the best trials get their curves drawn (default 5). */
  curves?: number;
}

const COLORS = 8;

function valuesText(v: TrialValues): string {
  return Object.entries(v)
    .map(([k, x]) => `--${k} ${x}`)
    .join(' ');
}

/** The hyperparameters whose values differ between the trials. */
function varied(trials: readonly TrialResult[]): string[] {
  const keys: string[] = [];
  for (const t of trials) for (const k of Object.keys(t.values)) if (!keys.includes(k)) keys.push(k);
  const val = (t: TrialResult, k: string) => t.values[k as keyof TrialValues] ?? '';
  return keys.filter((k) => trials.some((t) => val(t, k) !== val(trials[0]!, k)));
}

/**
 * The page of a sweep: `table#trials` (one row per trial, best first), `svg#dev-vs-KEY` per varied
 * hyperparameter, and the overlaid dev-error and cost curves of the best trials (`svg#error-chart`,
 * `svg#cost-chart`).
 */
export function renderSweepReport(sweep: SweepReportInput, opts: SweepReportOptions = {}): string {
  const { identity, trials } = sweep;
  const classification = identity.data.classes !== undefined;
  const fmt = (v: number | undefined) =>
    v === undefined ? '—' : classification ? formatPercent(v, 2) : formatNumber(v, 4);
  const ranked = rankTrials(trials);
  const { near, best } = nearBest(ranked);
  const keys = varied(ranked);
  const title = opts.title ?? `Sweep ${identity.id.slice(0, 8)}: ${identity.strategy}`;
  const adaptive = ranked.some((t) => t.reason);
  const rows = ranked
    .map((t, i) => {
      const cells = [
        String(i + 1),
        `${t.index}`,
        t.status,
        `${fmt(t.devError)}${near.has(t) ? ' ≈' : ''}`,
        fmt(t.trainError),
        verdictLabel(t.diagnosis),
        formatDuration(t.seconds),
        ...keys.map((k) => t.values[k as keyof TrialValues] ?? ''),
        ...(adaptive ? [t.reason ?? ''] : []),
      ];
      const cls =
        i === 0 && t.status === 'ok'
          ? ' class="best"'
          : near.has(t)
            ? ' class="near-best"'
            : t.status !== 'ok'
              ? ' class="muted"'
              : '';
      return `<tr${cls} data-id="${escapeHtml(t.id)}">${cells.map((x, c) => `<td${c < 7 ? ' class="num"' : ''}>${escapeHtml(x)}</td>`).join('')}</tr>`;
    })
    .join('');
  const head = [
    'rank',
    'trial',
    'status',
    'dev error',
    'train error',
    'diagnosis',
    'time',
    ...keys.map((k) => `--${k}`),
    ...(adaptive ? ['why'] : []),
  ];
  const table = `<table class="compare" id="trials"><thead><tr>${head.map((h, c) => `<th${c < 7 ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>`;
  const body = `<header><h1>${escapeHtml(title)}</h1><p class="sub">${escapeHtml(summaryLine(sweep))}</p>${refitLine(identity.refit, classification)}${testLine(identity.test, classification)}</header>
<h2>Trials, best first</h2>${trials.length ? table + nearNote(near.size, best, fmt) : '<p class="muted">No trial has finished yet.</p>'}
<h2>Dev error against each hyperparameter</h2>${scatters(ranked, keys, classification, fmt)}
<h2>Curves of the best trials</h2><section class="charts">${curves(ranked.filter((t) => t.run).slice(0, opts.curves ?? 5), classification)}</section>`;
  return renderPage(title, body, opts.generatedAt === undefined ? new Date().toISOString() : opts.generatedAt);
}

/** The held-back test figure `lnn sweep --evaluate-test` kept, when there is one. */
function testLine(test: SweepReportInput['identity']['test'], classification: boolean): string {
  if (!test) return '';
  const figure =
    classification && test.accuracy !== undefined
      ? `accuracy ${formatPercent(test.accuracy, 2)}, error ${formatPercent(test.error, 2)}`
      : `cost ${formatNumber(test.cost, 4)}`;
  const model = test.refit
    ? `trial ${test.index}'s configuration refit on train + dev`
    : `the model of trial ${test.index}`;
  const text = `Test (held back, measured once with --evaluate-test on ${model}): ${figure} on ${test.m} examples, ${test.at}`;
  return `<p class="sub" id="test-figure">${escapeHtml(text)}</p>`;
}

/** What `lnn sweep --refit` made, when it ran: the best configuration fit again on train + dev. */
function refitLine(r: SweepReportInput['identity']['refit'], classification: boolean): string {
  if (!r) return '';
  const steps = r.epochs !== undefined ? `${+r.epochs.toFixed(2)} epochs` : `${r.iterations} iterations`;
  const fit =
    r.trainError === undefined
      ? ''
      : `; train + dev error ${classification ? formatPercent(r.trainError, 2) : formatNumber(r.trainError, 4)}`;
  const text = `Refit (--refit): trial ${r.index}'s configuration fit again on ${r.sets}, ${r.train} examples, ${steps} (${r.length})${fit}, ${r.at}`;
  return `<p class="sub" id="refit">${escapeHtml(text)}</p>`;
}

/** Under the table: what ≈ marks, when any trial is within one standard error of the best. */
function nearNote(count: number, best: ReturnType<typeof nearBest>['best'], fmt: (v: number) => string): string {
  if (count === 0 || !best) return '';
  const text = `≈ within one standard error of the best (${fmt(best.devError)} ± ${fmt(best.se)} on ${best.devSize} dev examples): this dev set does not tell ${count === 1 ? 'it' : 'them'} from the best.`;
  return `<p class="muted" id="near-best">${escapeHtml(text)}</p>`;
}

function summaryLine(s: SweepReportInput): string {
  const d = s.identity.data;
  const space = s.identity.space
    .map((a) => `--${a.key} ${a.kind === 'values' ? a.values.join(' | ') : `${a.min}..${a.max}`}`)
    .join(', ');
  const best = rankTrials(s.trials)[0];
  return (
    `${s.identity.strategy} over ${space || 'the baseline'} on ${d.source} (train ${d.train}, dev ${d.dev}); ` +
    `${s.trials.length} trials finished${s.halfDone ? `, ${s.halfDone} unfinished` : ''}` +
    (best && best.status === 'ok'
      ? `; best: trial ${best.index} (${valuesText(best.values) || 'the shared options'})`
      : '')
  );
}

function scatters(
  ranked: readonly TrialResult[],
  keys: readonly string[],
  classification: boolean,
  fmt: (v: number) => string,
): string {
  if (keys.length === 0) return '<p class="muted">The trials share every hyperparameter value.</p>';
  return `<section class="charts">${keys
    .map((k) => {
      const points = ranked
        .filter((t) => t.status !== 'failed' && t.devError !== undefined)
        .map((t) => ({
          value: t.values[k as keyof TrialValues] ?? '',
          y: t.devError!,
          label: `trial ${t.index}: dev ${fmt(t.devError!)}${t.status === 'pruned' ? ' (pruned)' : ''}, ${valuesText(t.values)}`,
          hollow: t.status === 'pruned',
        }));
      const failed = ranked.filter((t) => t.status === 'failed').length;
      const svg = scatterChart({
        id: `dev-vs-${k}`,
        title: `Dev error against --${k}`,
        xLabel: `--${k}`,
        yLabel: 'dev error',
        points,
        yFormat: classification ? percentTick : (v) => formatNumber(v, 4),
      });
      const note = failed ? `<p class="muted">${failed} failed trial${failed === 1 ? '' : 's'} not drawn.</p>` : '';
      return `<figure id="dev-vs-${escapeHtml(k)}-figure"><div class="head"><h3>Dev error against --${escapeHtml(k)}</h3></div>${svg}${note}</figure>`;
    })
    .join('\n')}</section>`;
}

function curves(best: readonly TrialResult[], classification: boolean): string {
  if (best.length === 0) return '<p class="muted">No trial recorded curves.</p>';
  const name = (t: TrialResult) => `trial ${t.index}`;
  const err: Series[] = best.map((t, i) => ({
    name: name(t),
    colorClass: `s${i % COLORS}`,
    points: t
      .run!.history.evals.filter((e) => e.devError !== undefined)
      .map((e) => ({ x: e.iteration, y: e.devError! })),
  }));
  const cost: Series[] = best.map((t, i) => ({
    name: name(t),
    colorClass: `s${i % COLORS}`,
    points: t.run!.history.costs.map((p) => ({ x: p.iteration, y: p.cost })),
  }));
  return [
    chartFigure(
      {
        id: 'error-chart',
        title: 'Dev error per evaluation, best trials',
        xLabel: 'iteration',
        yLabel: classification ? 'dev error' : 'dev error (cost)',
        series: err.filter((s) => s.points.length),
        ...(classification ? { yFormat: percentTick, yMax: 1 } : {}),
      },
      'Dev error',
      classification,
    ),
    chartFigure(
      {
        id: 'cost-chart',
        title: 'Cost J, best trials',
        xLabel: 'iteration',
        yLabel: 'cost J',
        series: cost.filter((s) => s.points.length),
        logToggle: true,
        clipOutliers: true,
      },
      'Cost J',
      false,
    ),
  ].join('\n');
}
