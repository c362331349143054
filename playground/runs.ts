/**
 * The course's cycle, idea → code → experiment: each finished run with its bias/variance diagnosis, the
 * recipe's next moves as buttons (the moves of `lnn sweep --strategy recipe`: a bigger network or longer
 * training for high bias, L2, dropout or a smaller network for high variance, a tenth of the rate for a
 * diverged run), and every run of the page side by side: a table of what changed and what came of it,
 * and their cost curves overlaid.
 */
import {
  biasVarianceChart,
  escapeHtml,
  formatPercent,
  lineChart,
  verdictLabel,
  type ActivationKind,
  type CostPoint,
  type OptimizerKind,
  type WorkerTrainOutput,
} from '../src/browser.js';
import { applyMove, firstL2For, type Move } from '../src/sweep/recipe.js';
import { costTrend } from '../src/sweep/curve.js';
import { widthsOf, widthsValue, type TrialValues } from '../src/sweep/space.js';

/** The page's settings of a run (the options of `lnn train` it sets). */
export interface Settings {
  hidden: number[];
  activation: ActivationKind;
  optimizer: OptimizerKind;
  lr: number;
  batching: 'full' | 'mini';
  /** Iterations (full batch) or epochs (mini-batches). */
  length: number;
  batchSize: number;
  l2: number;
  keepProb: number;
  seed: number;
}

/** A finished run as the page keeps it. */
export interface Run {
  index: number;
  data: string;
  /** How `lnn train` names the run's data (builtin:iris, or the CSV the page offers). */
  cliData: string;
  settings: Settings;
  out: WorkerTrainOutput;
  /** The learning rates set during the run: [update, α]. */
  rateChanges: [number, number][];
  seconds: number;
}

/** The settings as the recipe's values (the flags it changes). */
export function valuesOf(s: Settings): TrialValues {
  return {
    hidden: widthsValue(s.hidden),
    lr: String(s.lr),
    l2: String(s.l2),
    'keep-prob': String(s.keepProb),
    [s.batching === 'full' ? 'iterations' : 'epochs']: String(s.length),
  };
}

function settingsFrom(v: TrialValues, s: Settings): Settings {
  return {
    ...s,
    hidden: widthsOf(v.hidden ?? 'none'),
    lr: Number(v.lr),
    l2: Number(v.l2),
    keepProb: Number(v['keep-prob']),
    length: Number(v.iterations ?? v.epochs),
  };
}

/** The options that differ, as on a command line: '--hidden 16,16 --l2 0.01'. */
export function changes(from: Settings, to: Settings): string {
  const a = valuesOf(from),
    b = valuesOf(to);
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof TrialValues>;
  const more = [
    ...(from.activation !== to.activation ? [`--activation ${to.activation}`] : []),
    ...(from.optimizer !== to.optimizer ? [`--optimizer ${to.optimizer}`] : []),
    ...(from.seed !== to.seed ? [`--seed ${to.seed}`] : []),
    ...(from.batchSize !== to.batchSize && to.batching === 'mini' ? [`--batch-size ${to.batchSize}`] : []),
  ];
  return [...[...keys].filter((k) => a[k] !== b[k] && b[k] !== undefined).map((k) => `--${k} ${b[k]}`), ...more].join(
    ' ',
  );
}

const MOVE_WORDS: Record<Move, string> = {
  units: 'a wider network',
  layer: 'one more layer',
  longer: 'train twice as long',
  l2: 'L2 regularization',
  dropout: 'dropout',
  smaller: 'a smaller network',
  lr: 'a tenth of the learning rate',
};

/** The recipe's next moves for a run, most promising first, each with the settings it makes. */
export function nextMoves(run: Run): { move: Move; words: string; settings: Settings; flags: string }[] {
  const d = run.out.diagnosis;
  const moves: Move[] = [];
  if (run.out.result.diverged) moves.push('lr');
  else if (d?.highBias)
    moves.push(
      ...(costTrend(run.out.result.history.costs)?.kind === 'falling'
        ? (['longer', 'units', 'layer'] as const)
        : (['units', 'layer', 'longer'] as const)),
    );
  if (d?.highVariance) moves.push('l2', 'dropout', 'smaller');
  const m = run.out.record.data.train;
  return moves.flatMap((move) => {
    const v = applyMove(move, valuesOf(run.settings), firstL2For(m));
    if (!v) return [];
    const settings = settingsFrom(v, run.settings);
    return [{ move, words: MOVE_WORDS[move], settings, flags: changes(run.settings, settings) }];
  });
}

const pct = (x: number | undefined) => (x === undefined ? '—' : formatPercent(x, 1));

/** The diagnosis of a run: the verdict, its numbers with their noise, the picture, the advice. */
export function diagnosisHtml(run: Run): string {
  const d = run.out.diagnosis;
  const { out } = run;
  if (!d) {
    const why = out.result.diverged
      ? `The run diverged (${escapeHtml(out.result.stopped)}).`
      : 'No diagnosis: it needs a classifier and a dev set.';
    return `<p class="verdict" id="verdict" data-verdict="none">${why}</p>`;
  }
  const se = (x: number | undefined) => (x === undefined ? '' : ` <span class="muted">± ${formatPercent(x, 1)}</span>`);
  const rows = [
    ['human-level error (taken as)', pct(d.humanError), ''],
    ['train error', pct(d.trainError), se(d.trainSE)],
    ['dev error', pct(d.devError), se(d.devSE)],
    ['avoidable bias = train − human', pct(d.avoidableBias), se(d.biasSE)],
    ['variance = dev − train', pct(d.variance), se(d.varianceSE)],
  ];
  const table = rows.map(([k, v, s]) => `<tr><th scope="row">${k}</th><td class="num">${v}${s}</td></tr>`).join('');
  const advice = d.advice.map((a) => `<li>${escapeHtml(a)}</li>`).join('');
  return (
    `<p class="verdict" id="verdict" data-verdict="${escapeHtml(verdictLabel(d))}">Run ${run.index}: <span class="badge ${badge(d)}">${escapeHtml(verdictLabel(d))}</span></p>` +
    `<p>${escapeHtml(d.verdict)}</p>` +
    `<div class="diagnosis"><div><table class="numbers">${table}</table>` +
    `<p class="muted">± one standard error for m = ${d.trainSize ?? '?'} training and ${d.devSize ?? '?'} dev examples.</p>` +
    `<h3>What to try next</h3><ol class="advice">${advice}</ol></div>` +
    `<figure class="bias-variance">${biasVarianceChart(d, 640)}</figure></div>`
  );
}

/** The badge's class: high (red), neither (green), within noise (grey). */
function badge(d: NonNullable<Run['out']['diagnosis']>): string {
  if (d.highBias || d.highVariance) return 'high';
  return d.biasWithinNoise || d.varianceWithinNoise ? 'noise' : 'ok';
}

/** Every run: what changed from the one before, and what came of it. */
export function runsTable(runs: readonly Run[]): string {
  if (runs.length === 0) return '';
  const head =
    '<caption>Runs, side by side</caption><thead><tr><th scope="col">run</th><th scope="col">data</th><th scope="col">changed</th>' +
    '<th scope="col" class="num">updates</th><th scope="col" class="num">train error</th><th scope="col" class="num">dev error</th>' +
    '<th scope="col">diagnosis</th><th scope="col" class="num">time</th></tr></thead>';
  const body = runs.map((r, i) => {
    const before = runs[i - 1];
    const changed = !before
      ? 'first run'
      : before.data !== r.data
        ? `data: ${r.data}`
        : changes(before.settings, r.settings) || 'nothing (same settings)';
    const rates = r.rateChanges.map(([at, lr]) => `; α = ${lr} from update ${at}`).join('');
    return (
      `<tr data-run="${r.index}" data-dev-error="${r.out.dev?.error ?? ''}" data-dev-accuracy="${r.out.dev?.accuracy ?? ''}"><th scope="row"><span class="swatch s${(r.index - 1) % 8}"></span>${r.index}</th><td>${escapeHtml(r.data)}</td>` +
      `<td><code>${escapeHtml(changed + rates)}</code></td><td class="num">${r.out.result.iterations.toLocaleString('en-US')}</td>` +
      `<td class="num">${pct(r.out.train?.error)}</td><td class="num">${pct(r.out.dev?.error)}</td>` +
      `<td>${escapeHtml(verdictLabel(r.out.diagnosis))}</td><td class="num">${r.seconds.toFixed(2)} s</td></tr>`
    );
  });
  return `${head}<tbody>${body.join('')}</tbody>`;
}

/** The runs' cost curves overlaid, one colour per run (the table's swatches). */
export function runsChart(runs: readonly Run[]): string {
  if (runs.length < 2) return '';
  return lineChart({
    id: 'runs-chart',
    title: 'Cost of each run',
    xLabel: 'update',
    yLabel: 'cost J',
    series: runs.map((r) => ({
      name: `run ${r.index}`,
      colorClass: `s${(r.index - 1) % 8}`,
      points: r.out.result.history.costs.map((p: CostPoint) => ({ x: p.iteration, y: p.cost })),
    })),
    clipOutliers: true,
    height: 280,
  });
}
