/**
 * `renderReport`: one training run as one self-contained HTML page — the cost curve, train vs dev error,
 * the bias/variance diagnosis, the hyperparameters, the data sizes and the results. Browser-safe (no node
 * imports): the page is a string; writing it is the caller's business.
 */
import { diagnose, type Diagnosis } from '../evaluate/diagnose.js';
import type { RunRecord } from '../train/run-record.js';
import { biasVarianceChart } from './bias-variance.js';
import type { Point, Series } from './chart.js';
import { escapeHtml, formatCount, formatDuration, formatNumber, formatPercent } from './format.js';
import { chartFigure, percentTick, renderPage } from './page.js';

export interface ReportOptions {
  /** The page's title and heading (default: "Training report — SOURCE"). */
  title?: string;
  /** Shown in the footer; null leaves the footer out (default: now, as an ISO date). */
  generatedAt?: string | null;
}

/** Whether the run learned classes (errors are fractions) rather than values (errors are costs). */
export function isClassification(run: RunRecord): boolean {
  return (
    run.data.classes !== undefined || run.result.trainAccuracy !== undefined || run.result.devAccuracy !== undefined
  );
}

/** The first recorded cost that is NaN or ±∞ (the run diverged there), if any. */
export function firstNonFiniteCost(run: RunRecord): { iteration: number; cost: number } | undefined {
  return run.history.costs.find((p) => !Number.isFinite(p.cost));
}

/** Shell-style quoting of a command line for display: args with spaces or quotes get single quotes. */
export function formatCommand(args: readonly string[]): string {
  return args.map((a) => (a !== '' && /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** A hyperparameter value as text: lists joined with ", ", objects as JSON. */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : formatNumber(v);
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => x === null || typeof x !== 'object')) return v.map(formatValue).join(', ');
  return JSON.stringify(v);
}

/** The diagnosis recorded with the run, or one computed here from the final errors (classification with a dev set). */
function diagnosisOf(run: RunRecord): { d: Diagnosis; computed: boolean } | undefined {
  if (run.diagnosis) return { d: run.diagnosis, computed: false };
  const { trainError, devError } = run.result;
  if (!isClassification(run) || trainError === undefined || devError === undefined) return undefined;
  try {
    const { train, dev } = run.data;
    const sizes = dev !== undefined && train > 0 && dev > 0 ? { trainSize: train, devSize: dev } : {};
    return { d: diagnose({ trainError, devError, ...sizes }), computed: true };
  } catch {
    return undefined;
  }
}

function card(label: string, value: string, bad = false, text = false): string {
  return `<div class="card"><div class="k">${escapeHtml(label)}</div><div class="v${bad ? ' bad' : ''}${text ? ' text' : ''}">${escapeHtml(value)}</div></div>`;
}

function table(rows: [string, string][], cls = ''): string {
  return `<table${cls ? ` class="${cls}"` : ''}><tbody>${rows.map(([k, v]) => `<tr><th scope="row">${escapeHtml(k)}</th><td>${escapeHtml(v)}</td></tr>`).join('')}</tbody></table>`;
}

/** Accuracy for a set: recorded, or 1 − error for classification. */
function accuracy(run: RunRecord, set: 'train' | 'dev' | 'test'): number | undefined {
  const a = run.result[`${set}Accuracy`];
  if (a !== undefined) return a;
  const e = run.result[`${set}Error`];
  return isClassification(run) && e !== undefined ? 1 - e : undefined;
}

function header(run: RunRecord, title: string): string {
  const sub: string[] = [];
  if (run.data.source) sub.push(`Data <code>${escapeHtml(run.data.source)}</code>`);
  if (run.createdAt) sub.push(`trained ${escapeHtml(run.createdAt)}`);
  const cmd =
    run.command && run.command.length
      ? `<p class="sub">Command <code>${escapeHtml(formatCommand(run.command))}</code></p>`
      : '';
  return `<header><h1>${escapeHtml(title)}</h1>${sub.length ? `<p class="sub">${sub.join(' · ')}</p>` : ''}${cmd}</header>`;
}

/** What --folds and --refit make of the figures above: the folds' means; a model fit again on train + dev. */
function refitBanners(run: RunRecord): string[] {
  const out: string[] = [];
  const f = run.folds;
  const pct = (x: number) => (isClassification(run) ? formatPercent(x) : formatNumber(x, 4));
  if (f)
    out.push(
      `<div class="banner note" id="folds"><strong>${f.k}-fold cross-validation:</strong> ${escapeHtml(`train and dev figures are the means over ${f.k} folds of ${f.examples} train + dev examples (dev error ${pct(f.devError)} ± ${pct(f.devSE)}, the standard error over the folds: ${f.each.map((e) => pct(e.devError)).join(', ')}); the curves are fold 1's.`)}</div>`,
    );
  const r = run.refit;
  if (r)
    out.push(
      `<div class="banner note" id="refit"><strong>Refit:</strong> ${escapeHtml(`the model is this configuration fit again on ${r.sets}, ${r.train} examples, for ${r.length}; the train and dev figures are ${f ? "the folds'" : "the first fit's"} (they estimate the configuration), the test figure is the refit model's.`)}</div>`,
    );
  return out;
}

function summary(run: RunRecord, diverged: { iteration: number; cost: number } | undefined): string {
  const cards: string[] = [];
  const r = run.result;
  if (isClassification(run)) {
    for (const set of ['train', 'dev', 'test'] as const) {
      const a = accuracy(run, set);
      if (a !== undefined) cards.push(card(`${set} accuracy`, formatPercent(a)));
    }
  } else {
    for (const set of ['train', 'dev', 'test'] as const) {
      const e = r[`${set}Error`];
      if (e !== undefined) cards.push(card(`${set} error (cost)`, formatNumber(e, 4)));
    }
  }
  const lastCost = run.history.costs.length ? run.history.costs[run.history.costs.length - 1]!.cost : undefined;
  const finalCost = r.finalCost ?? lastCost;
  if (finalCost !== undefined) cards.push(card('final cost', formatNumber(finalCost, 4), !Number.isFinite(finalCost)));
  cards.push(card('iterations', formatCount(r.iterations)));
  cards.push(card('run time', formatDuration(r.seconds)));
  const d = diagnosisOf(run);
  if (diverged) cards.push(card('diagnosis', 'diverged', true, true));
  else if (d)
    cards.push(
      card(
        'diagnosis',
        d.d.highBias && d.d.highVariance
          ? 'bias + variance'
          : d.d.highBias
            ? 'high bias'
            : d.d.highVariance
              ? 'high variance'
              : d.d.biasWithinNoise || d.d.varianceWithinNoise
                ? 'within noise'
                : 'neither',
        d.d.highBias || d.d.highVariance,
        true,
      ),
    );
  const banners: string[] = [];
  if (diverged)
    banners.push(
      `<div class="banner" id="diverged" role="alert"><strong>Training diverged:</strong> the cost became ${escapeHtml(formatNumber(diverged.cost))} at iteration ${escapeHtml(formatCount(diverged.iteration))}. ` +
        `Try a smaller learning rate (<code>--lr</code>), normalized inputs (<code>--normalize standard</code>) or another initializer (<code>--init he</code>).</div>`,
    );
  if (r.stopped && !/^finished\b/.test(r.stopped))
    banners.push(`<div class="banner note" id="stopped"><strong>Stopped:</strong> ${escapeHtml(r.stopped)}</div>`);
  banners.push(...refitBanners(run));
  return `<section class="cards" id="summary">${cards.join('')}</section>${banners.join('')}`;
}

function charts(run: RunRecord): string {
  return `<h2>Curves</h2><section class="charts">${costFigure(run)}\n${errorFigure(run)}</section>`;
}

/** J per iteration on train (and dev, dashed, when evaluated), or a note that none was recorded. */
function costFigure(run: RunRecord): string {
  const costSeries: Series[] = [];
  if (run.history.costs.length)
    costSeries.push({
      name: 'cost J (train)',
      colorClass: 's0',
      points: run.history.costs.map((p) => ({ x: p.iteration, y: p.cost })),
    });
  const devCost: Point[] = run.history.evals
    .filter((e) => e.devCost !== undefined)
    .map((e) => ({ x: e.iteration, y: e.devCost! }));
  if (devCost.length) costSeries.push({ name: 'cost J (dev)', colorClass: 's1', points: devCost, dashed: true });
  if (!costSeries.length)
    return '<figure id="cost-chart-figure"><div class="head"><h3>Cost J</h3></div><p class="muted">No costs were recorded in this run.</p></figure>';
  const spec = {
    id: 'cost-chart',
    title: 'Cost J per iteration',
    xLabel: 'iteration',
    yLabel: 'cost J',
    series: costSeries,
    logToggle: true,
    clipOutliers: true,
  };
  return chartFigure(spec, 'Cost J', false);
}

/** Train and dev error per evaluation (errors as fractions for classifiers, costs for regression). */
function errorFigure(run: RunRecord): string {
  const classification = isClassification(run);
  const evals = run.history.evals;
  const errSeries: Series[] = [];
  if (evals.length)
    errSeries.push({
      name: 'train error',
      colorClass: 's0',
      points: evals.map((e) => ({ x: e.iteration, y: e.trainError })),
    });
  const dev = evals.filter((e) => e.devError !== undefined).map((e) => ({ x: e.iteration, y: e.devError! }));
  if (dev.length) errSeries.push({ name: 'dev error', colorClass: 's1', points: dev });
  const errTitle = classification ? 'Train vs dev error' : 'Train vs dev error (cost)';
  if (!errSeries.length)
    return `<figure id="error-chart-figure"><div class="head"><h3>${escapeHtml(errTitle)}</h3></div><p class="muted">No evaluations were recorded in this run.</p></figure>`;
  const spec = {
    id: 'error-chart',
    title: `${errTitle} per evaluation`,
    xLabel: 'iteration',
    yLabel: classification ? 'error' : 'error (cost)',
    series: errSeries,
    ...(classification ? { yFormat: percentTick, yMax: 1 } : { logToggle: true }),
  };
  const caption = dev.length ? errTitle : `${classification ? 'Train error' : 'Train error (cost)'} — no dev set`;
  return chartFigure(spec, caption, classification);
}

/** '± 2.1% (m = 90)': the standard error of an error measured on m examples; '' when unknown. */
function seNote(se: number | undefined, m: number | undefined): string {
  return se === undefined
    ? ''
    : `<span class="muted">± ${escapeHtml(formatPercent(se))}${m ? ` (m = ${m})` : ''}</span>`;
}

/** The badge of avoidable bias or variance (high, within noise, ok), its threshold and what the sizes resolve. */
function spanCell(high: boolean, noisy: boolean | undefined, threshold: number, se: number | undefined): string {
  const [cls, label] = high ? ['high', 'high'] : noisy ? ['noise', 'within noise'] : ['ok', 'ok'];
  const resolve = se === undefined ? '' : `, resolved at ≥ 2 standard errors = ${formatPercent(2 * se)}`;
  return `<span class="badge ${cls}">${label}</span> <span class="muted">threshold ${escapeHtml(formatPercent(threshold))}${escapeHtml(resolve)}</span>`;
}

function diagnosisSection(run: RunRecord): string {
  const found = diagnosisOf(run);
  if (!found) {
    let why: string;
    if (!isClassification(run))
      why =
        'The bias/variance reading compares error rates of a classifier; this run learned values (regression), so compare the train and dev cost curves above instead.';
    else if (run.result.devError === undefined && run.data.dev === undefined)
      why = `There is no dev set in this run, so variance (dev error − train error) cannot be measured.${run.result.trainError !== undefined ? ` Avoidable bias against a human-level error of 0% is the train error, ${formatPercent(run.result.trainError)}.` : ''} Train with a dev split to get the full diagnosis.`;
    else why = 'This run recorded no diagnosis and no final train and dev errors to compute one from.';
    return `<h2>Bias and variance</h2><section id="diagnosis"><p class="muted">${escapeHtml(why)}</p></section>`;
  }
  const { d, computed } = found;
  const rows = [
    ['Human-level error (≈ Bayes)', formatPercent(d.humanError), ''],
    ['Train error', formatPercent(d.trainError), seNote(d.trainSE, d.trainSize)],
    ['Dev error', formatPercent(d.devError), seNote(d.devSE, d.devSize)],
    [
      'Avoidable bias = train − human',
      formatPercent(d.avoidableBias),
      spanCell(d.highBias, d.biasWithinNoise, d.biasThreshold, d.biasSE),
    ],
    [
      'Variance = dev − train',
      formatPercent(d.variance),
      spanCell(d.highVariance, d.varianceWithinNoise, d.varianceThreshold, d.varianceSE),
    ],
  ];
  const tableHtml = `<table class="wide"><tbody>${rows.map(([k, v, extra]) => `<tr><th scope="row">${escapeHtml(k!)}</th><td class="num">${escapeHtml(v!)}</td><td class="nowrap">${extra}</td></tr>`).join('')}</tbody></table>`;
  const divergedNote = firstNonFiniteCost(run)
    ? '<p class="banner" id="diagnosis-diverged">This run diverged, so these errors are those of broken parameters: make training converge (a smaller <code>--lr</code>) before reading bias and variance.</p>'
    : '';
  const note = computed
    ? '<p class="muted">Computed by the report from the final train and dev errors and the set sizes, with human-level error 0% and the default thresholds (2%).</p>'
    : '';
  return `<h2>Bias and variance</h2>
<section class="diagnosis" id="diagnosis">
<figure id="bias-variance-figure"><div class="head"><h3>Human-level, train and dev error</h3></div>${biasVarianceChart(d)}</figure>
<div>${divergedNote}<p class="verdict">${escapeHtml(d.verdict)}</p>${tableHtml}${note}
<h3 style="margin-top:16px">What to try next</h3><ol class="advice">${d.advice.map((a) => `<li>${escapeHtml(a)}</li>`).join('')}</ol></div>
</section>`;
}

function tables(run: RunRecord): string {
  const hp = Object.entries(run.hyperparameters).map(([k, v]) => [k, formatValue(v)] as [string, string]);
  const hpHtml = hp.length ? table(hp) : '<p class="muted">No hyperparameters were recorded.</p>';
  const data = run.data;
  const dataRows: [string, string][] = [];
  if (data.source) dataRows.push(['source', data.source]);
  dataRows.push(['features n_x = n[0]', formatCount(data.nx)]);
  if (data.classes) {
    const shown =
      data.classes.slice(0, 30).join(', ') + (data.classes.length > 30 ? `, … (${data.classes.length - 30} more)` : '');
    dataRows.push([`classes (${data.classes.length})`, shown]);
  } else dataRows.push(['labels', 'values (regression)']);
  dataRows.push(['train examples', formatCount(data.train)]);
  dataRows.push(['dev examples', data.dev !== undefined ? formatCount(data.dev) : 'none']);
  dataRows.push(['test examples', data.test !== undefined ? formatCount(data.test) : 'none']);
  dataRows.push(['total', formatCount(data.train + (data.dev ?? 0) + (data.test ?? 0))]);
  if (data.splitRule) dataRows.push(['split rule', data.splitRule]);

  const r = run.result;
  const resRows: [string, string][] = [];
  for (const set of ['train', 'dev', 'test'] as const) {
    const a = accuracy(run, set);
    const e = r[`${set}Error`];
    if (a === undefined && e === undefined) continue;
    const parts: string[] = [];
    if (a !== undefined) parts.push(`accuracy ${formatPercent(a, 2)}`);
    if (e !== undefined) parts.push(`error ${isClassification(run) ? formatPercent(e, 2) : formatNumber(e, 6)}`);
    resRows.push([set, parts.join(' · ')]);
  }
  const lastCost = run.history.costs.length ? run.history.costs[run.history.costs.length - 1]!.cost : undefined;
  const finalCost = r.finalCost ?? lastCost;
  if (finalCost !== undefined) resRows.push(['final cost J', formatNumber(finalCost, 6)]);
  resRows.push(['iterations', formatCount(r.iterations)]);
  const lastEpoch = [...run.history.evals].reverse().find((e) => e.epoch !== undefined)?.epoch;
  if (lastEpoch !== undefined) resRows.push(['epochs', formatNumber(lastEpoch, 4)]);
  resRows.push(['run time', formatDuration(r.seconds)]);
  if (r.iterations > 0 && r.seconds > 0)
    resRows.push(['time per iteration', `${formatNumber((1000 * r.seconds) / r.iterations, 3)} ms`]);
  if (r.stopped) resRows.push(['stopped', r.stopped]);
  return `<section class="tables">
<div id="hyperparameters"><h2>Hyperparameters</h2>${hpHtml}</div>
<div id="data"><h2>Data</h2>${table(dataRows)}</div>
<div id="results"><h2>Results</h2>${table(resRows)}</div>
</section>`;
}

/**
 * One training run as a self-contained HTML page (inline CSS, inline SVG charts, a small inline script
 * for hover read-outs; nothing fetched from the network). Every text from the record is escaped.
 * Handles runs without a dev set, with a single cost point, with NaN/∞ costs (shown as diverged) and
 * regression runs (no accuracies).
 *
 * Charts, for tests and scripts: `svg#cost-chart`, `svg#error-chart`, `svg#bias-variance-chart`; each
 * line is a `path.series` with `data-points="N"`.
 * @example writeFileSync('report.html', renderReport(run, { title: 'cat vs non-cat, L=4' }))
 */
export function renderReport(run: RunRecord, opts: ReportOptions = {}): string {
  const title = opts.title ?? `Training report — ${run.data.source || 'lnn run'}`;
  const body = [
    header(run, title),
    summary(run, firstNonFiniteCost(run)),
    charts(run),
    diagnosisSection(run),
    tables(run),
  ].join('\n');
  return renderPage(title, body, opts.generatedAt === undefined ? new Date().toISOString() : opts.generatedAt);
}
