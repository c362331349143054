/**
 * `renderSweepReport`: a sweep on one self-contained page, as Optuna's visualizations and TensorBoard's
 * HParams view show a search — the optimization history (dev error by trial, the best so far), the
 * importance of each hyperparameter, parallel coordinates (brushing an axis filters the table), the
 * table of trials (sortable, filterable), train against dev error (the bias/variance map), dev error
 * against each hyperparameter, and the curves of the best trials (train and dev). Every scatter can be
 * coloured by the diagnosis, the status, dev error, the trial number or another hyperparameter; pruned
 * trials are hollow. Browser-safe: it takes the record's contents, the caller reads the files.
 */
import type { SweepIdentity } from '../sweep/record.js';
import { type TrialResult } from '../sweep/trial.js';
import { valuesText } from '../sweep/trial-text.js';
import { escapeHtml, formatNumber, formatPercent, jsonForScript } from './format.js';
import { percentTick, renderPage } from './page.js';
import { parallelChart } from './parallel.js';
import { historyChart, scatterChart, trainDevMap } from './sweep-chart.js';
import { SWEEP_SCRIPT } from './sweep-script.js';
import { trialsTable } from './sweep-table.js';
import { sweepView, valueOf, type Colouring, type SweepView } from './sweep-view.js';
import { bestCurves, importanceFigure } from './sweep-figures.js';

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

/**
 * The page of a sweep: `svg#history-chart`, `svg#importance-chart`, `svg#parallel-chart`,
 * `table#trials` (one `tr[data-t]` per trial, best first), `svg#train-dev-chart`, `svg#dev-vs-KEY` per
 * varied hyperparameter, and the best trials' curves (`svg#error-chart`, `svg#cost-chart`).
 */
export function renderSweepReport(sweep: SweepReportInput, opts: SweepReportOptions = {}): string {
  const { identity, trials } = sweep;
  const view = sweepView(trials, identity.data.classes !== undefined);
  const yFormat = view.classification ? percentTick : (v: number) => formatNumber(v, 4);
  const title = opts.title ?? `Sweep ${identity.id.slice(0, 8)}: ${identity.strategy}`;
  const header = `<header><h1>${escapeHtml(title)}</h1><p class="sub">${escapeHtml(summaryLine(sweep, view))}</p>${refitLine(identity.refit, view.classification)}${testLine(identity.test, view.classification)}</header>`;
  if (trials.length === 0)
    return renderPage(title, `${header}<p class="muted">No trial has finished yet.</p>`, generated(opts));
  const parallel = parallelChart(view, classesOf(view, 'dev'), yFormat);
  const body = [
    header,
    '<h2>The search</h2><section class="charts">',
    figure(view, {
      id: 'history',
      heading: 'Optimization history',
      colour: defaultColouring(view),
      svg: historyChart(view, classesOf(view, defaultColouring(view)), yFormat),
      note: historyNote(view),
    }),
    importanceFigure(view, {
      grid: identity.strategy === 'grid',
      ranges: identity.space.some((a) => a.kind === 'range'),
    }),
    '</section>',
    parallel
      ? `<section class="wide">${figure(view, { id: 'parallel', heading: 'Parallel coordinates', colour: 'dev', svg: parallel.svg, note: PARALLEL_NOTE })}</section>`
      : '',
    '<h2>Trials</h2>',
    trialsTable(view),
    nearNote(view),
    notDrawn(view, sweep.halfDone),
    '<h2>Bias and variance across trials</h2><section class="charts">',
    figure(view, {
      id: 'train-dev',
      heading: 'Train vs dev error',
      colour: defaultColouring(view),
      svg: trainDevMap(view, classesOf(view, defaultColouring(view)), yFormat),
      note: mapNote(view),
    }),
    bestCurves(view, opts.curves ?? 5),
    '</section>',
    slices(view, yFormat),
    `<div id="trial-tip" class="tooltip trial-tip" hidden></div>`,
    `<script type="application/json" id="sweep-data">${jsonForScript({
      trials: view.trials.map((t) => t.lines),
      colours: Object.fromEntries(view.colourings.map((k) => [k.key, k.classes])),
      parallel: parallel?.data ?? null,
    })}</script>`,
    `<script>${SWEEP_SCRIPT}</script>`,
  ];
  return renderPage(title, body.join('\n'), generated(opts));
}

function generated(opts: SweepReportOptions): string | null {
  return opts.generatedAt === undefined ? new Date().toISOString() : opts.generatedAt;
}

function historyNote(view: SweepView): string {
  const pruned = view.trials.some((t) => t.trial.status === 'pruned');
  const failed = view.trials.some((t) => t.dev === undefined);
  return (
    'Each trial’s dev error in the order the trials were proposed; the line is the best finished trial so far.' +
    (pruned ? ' Hollow: pruned (its dev error at the rung where it stopped, from a shortened run).' : '') +
    (failed ? ' × on the top edge: failed (no dev error).' : '')
  );
}
const PARALLEL_NOTE =
  'One line per trial through its values and its dev error; dashed: pruned. Drag along an axis to keep the trials whose line crosses that range (the table and the other charts follow); click an axis to clear it.';

function mapNote(view: SweepView): string {
  const th = view.thresholds;
  const thresholds = th
    ? ` Dashed: the thresholds the diagnoses used (avoidable bias ${formatPercent(th.bias)}, variance ${formatPercent(th.variance)}).`
    : '';
  return `Each trial’s train error against its dev error. Above the diagonal is variance (dev − train); right of the human-level line is avoidable bias (train − human).${thresholds}`;
}

/** The colouring figures start with: the diagnosis where trials have one, else the status. */
function defaultColouring(view: SweepView): string {
  return view.colourings[0]!.key;
}

function classesOf(view: SweepView, key: string): string[] {
  return (view.colourings.find((k) => k.key === key) ?? view.colourings[0]!).classes;
}

/** What a figure shows: `figure#ID-figure`, its heading, the colouring selected first, the chart's svg, a note. */
interface FigureParts {
  id: string;
  heading: string;
  colour: string;
  svg: string;
  note: string;
}

/** A figure whose marks a reader can colour: heading, the colour-by menu, the chart, the legends, a note. */
function figure(view: SweepView, { id, heading, colour, svg, note }: FigureParts): string {
  return `<figure id="${id}-figure"><div class="head"><h3>${escapeHtml(heading)}</h3>${colourMenu(view, `${id}-figure`, colour)}</div>
${svg}${legendSet(view.colourings, colour)}<p class="note">${escapeHtml(note)}</p></figure>`;
}

/** `select.colour-by` over the page's colourings, for the marks inside `target`. */
function colourMenu(view: SweepView, target: string, selected: string): string {
  const options = view.colourings
    .map(
      (k) =>
        `<option value="${escapeHtml(k.key)}"${k.key === selected ? ' selected' : ''}>${escapeHtml(k.label)}</option>`,
    )
    .join('');
  return `<label class="colour-label">colour by <select class="colour-by" data-target="${escapeHtml(target)}">${options}</select></label>`;
}

/** One legend per colouring, the selected one shown. */
function legendSet(colourings: readonly Colouring[], selected: string): string {
  const legends = colourings.map((k) => {
    const items = k.sequential
      ? `${escapeHtml(k.sequential.low)} <span class="ramp">${k.legend.map((i) => `<span class="key-swatch ${i.cls}"></span>`).join('')}</span> ${escapeHtml(k.sequential.high)}`
      : k.legend
          .map((i) => `<span class="key"><span class="key-swatch ${i.cls}"></span>${escapeHtml(i.text)}</span>`)
          .join('');
    return `<div class="legend-row" data-colour="${escapeHtml(k.key)}"${k.key === selected ? '' : ' hidden'}>${escapeHtml(k.label)}: ${items}</div>`;
  });
  return `<div class="legend-set">${legends.join('')}</div>`;
}

/** Dev error against each varied hyperparameter, colourable together by another one. */
function slices(view: SweepView, yFormat: (v: number) => string): string {
  const head = '<h2>Dev error against each hyperparameter</h2>';
  if (view.keys.length === 0) return `${head}<p class="muted">The trials share every hyperparameter value.</p>`;
  const colour = defaultColouring(view);
  const classes = classesOf(view, colour);
  const figures = view.keys.map((k) => {
    const points = view.trials
      .filter((t) => t.dev !== undefined)
      .map((t) => ({
        value: valueOf(t.trial, k),
        y: t.dev!,
        t: t.v,
        cls: classes[t.v]!,
        hollow: t.trial.status === 'pruned',
      }));
    const svg = scatterChart({
      id: `dev-vs-${k}`,
      title: `Dev error against --${k}`,
      xLabel: `--${k}`,
      yLabel: 'dev error',
      points,
      yFormat,
      fromZero: false,
    });
    return `<figure id="dev-vs-${escapeHtml(k)}-figure"><div class="head"><h3>Dev error against --${escapeHtml(k)}</h3></div>${svg}</figure>`;
  });
  return `${head}<div id="slices"><div class="head slices-head">${colourMenu(view, 'slices', colour)}${legendSet(view.colourings, colour)}</div><section class="charts">${figures.join('\n')}</section></div>`;
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
function nearNote(view: SweepView): string {
  const { near, best } = view.near;
  if (near.size === 0 || !best) return '';
  const text = `≈ within one standard error of the best (${view.fmt(best.devError)} ± ${view.fmt(best.se)} on ${best.devSize} dev examples): this dev set does not tell ${near.size === 1 ? 'it' : 'them'} from the best.`;
  return `<p class="muted" id="near-best">${escapeHtml(text)}</p>`;
}

/** What the charts leave out: failed trials (no dev error) and trials that have not finished. */
function notDrawn(view: SweepView, halfDone: number): string {
  const failed = view.trials.filter((t) => t.dev === undefined).length;
  const parts = [];
  if (failed)
    parts.push(
      `${failed} trial${failed === 1 ? '' : 's'} without a dev error (failed): in the table, as × in the history, not in the other charts.`,
    );
  if (halfDone) parts.push(`${halfDone} trial${halfDone === 1 ? '' : 's'} started and did not finish: not shown.`);
  return parts.length ? `<p class="muted" id="not-drawn">${escapeHtml(parts.join(' '))}</p>` : '';
}

function summaryLine(s: SweepReportInput, view: SweepView): string {
  const d = s.identity.data;
  const space = s.identity.space
    .map((a) => `--${a.key} ${a.kind === 'values' ? a.values.join(' | ') : `${a.min}..${a.max}`}`)
    .join(', ');
  const best = view.trials[0]?.trial;
  const count = (status: string) => view.trials.filter((t) => t.trial.status === status).length;
  const ok = count('ok');
  const others = [
    count('pruned') ? `${count('pruned')} pruned` : '',
    count('failed') ? `${count('failed')} failed` : '',
  ];
  return (
    `${s.identity.strategy} over ${space || 'the baseline'} on ${d.source} (train ${d.train}, dev ${d.dev}); ` +
    [`${ok} trial${ok === 1 ? '' : 's'} finished`, ...others, s.halfDone ? `${s.halfDone} unfinished` : '']
      .filter(Boolean)
      .join(', ') +
    (best && best.status === 'ok'
      ? `; best: trial ${best.index} (${Object.keys(best.values).length ? valuesText(best.values) : 'the shared options'}), dev error ${view.fmt(view.trials[0]!.dev)}`
      : '')
  );
}
