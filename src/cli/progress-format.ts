/**
 * The pieces of progress lines: the bar, the position, the ETA, rates, memory and the evaluation line.
 * Pure functions of numbers, so each is tested on its own.
 */
import type { ProgressState } from './progress.js';

/**
 * A bar of `width` cells, filled in proportion to `fraction` (clamped to [0, 1]; NaN counts as 0).
 * @example renderBar(0.45, 20) // => '[#########-----------]'
 */
export function renderBar(fraction: number, width = 20): string {
  const f = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : 0;
  // Floor, like the percentage beside it: the bar is full only when the run is done.
  const filled = Math.floor(f * width + 1e-9);
  return `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
}

/**
 * Time left, short: '--' when unknown, '0s', '12s', '3m05s', '1h02m'.
 * @example formatEta(185) // => '3m05s'
 */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  const m = Math.round(s / 60);
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** ETA from the time spent so far and the fraction done: elapsed · (1 − f) / f; NaN before any progress. */
export function estimateEta(elapsedSeconds: number, fraction: number): number {
  if (!(fraction > 0) || !Number.isFinite(elapsedSeconds)) return NaN;
  return (elapsedSeconds * (1 - Math.min(1, fraction))) / fraction;
}

/** A cost with `decimals` decimals, or NaN / Infinity as they are. */
export function fmtCost(v: number, decimals: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 10 ** -decimals && v !== 0) ? v.toExponential(3) : v.toFixed(decimals);
}

/** An error as a percentage (1 decimal) or, for regression, as a cost. */
export function fmtError(v: number, format: 'percent' | 'value'): string {
  if (!Number.isFinite(v)) return String(v);
  return format === 'percent' ? `${(100 * v).toFixed(1)}%` : fmtCost(v, 4);
}

/** The position and total as the unit counts them: 'iteration 100/2500' or 'epoch 3/20'. */
export function positionText(state: ProgressState, unit: 'iteration' | 'epoch', total: number, short: boolean): string {
  if (unit === 'epoch') {
    const e = state.epoch ?? 0;
    const shown = Number.isInteger(e) ? String(e) : e.toFixed(1);
    return `epoch ${shown}/${total}${short ? '' : ` (iteration ${state.iteration})`}`;
  }
  return `${short ? 'iter' : 'iteration'} ${state.iteration}/${total}`;
}

/** What the bar line shows, besides the bar: for formatBarLine. */
export interface BarLineOptions {
  total: number;
  unit: 'iteration' | 'epoch';
  etaSeconds: number;
  /** Cells between the brackets, at most (default 20). */
  barWidth?: number;
  errorFormat?: 'percent' | 'value';
  /** Examples per second and bytes in use, shown before the ETA when given. */
  rate?: { examplesPerSecond: number; memoryBytes: number };
  /**
   * The terminal's width: the line is made to fit in columns − 1 (so it never wraps), by dropping
   * fields from the right (memory, speed, then cost, train error, dev error) and narrowing the bar; the
   * percentage, the position and the ETA always stay. Absent: every field, a bar of barWidth.
   */
  columns?: number;
}

/** The fewest cells a bar keeps before the fields around it give way, and under which it goes. */
const MIN_BAR = 10;

/**
 * The bar line (without \r): bar, percent, position, cost, train and dev error, speed, ETA.
 * @example formatBarLine({ iteration: 1125, cost: 0.42131, trainError: 0.021, devError: 0.032 }, { total: 2500, unit: 'iteration', etaSeconds: 12 })
 * // => '[#########-----------] 45% iter 1125/2500 cost 0.4213 train err 2.1% dev err 3.2% ETA 12s'
 */
export function formatBarLine(state: ProgressState, opts: BarLineOptions): string {
  const pos = opts.unit === 'epoch' ? (state.epoch ?? 0) : state.iteration;
  const f = opts.total > 0 ? pos / opts.total : 0;
  const head = [
    `${String(Math.floor(Math.min(1, Math.max(0, f)) * 100)).padStart(2)}%`,
    positionText(state, opts.unit, opts.total, true),
  ];
  const ef = opts.errorFormat ?? 'percent';
  // In the order shown; `drop` is the order in which a narrow terminal gives them up (first, first).
  const fields: { text: string; drop: number }[] = [];
  if (state.cost !== undefined) fields.push({ text: `cost ${fmtCost(state.cost, 4)}`, drop: 2 });
  if (state.trainError !== undefined) fields.push({ text: `train err ${fmtError(state.trainError, ef)}`, drop: 3 });
  if (state.devError !== undefined) fields.push({ text: `dev err ${fmtError(state.devError, ef)}`, drop: 4 });
  if (opts.rate)
    fields.push(
      { text: `${formatRate(opts.rate.examplesPerSecond)} ex/s`, drop: 1 },
      { text: `mem ${formatMemory(opts.rate.memoryBytes)}`, drop: 0 },
    );
  const eta = `ETA ${formatEta(opts.etaSeconds)}`;
  const barWidth = opts.barWidth ?? 20;
  const line = (dropped: number, bar: number) => {
    const text = [...head, ...fields.filter((x) => x.drop >= dropped).map((x) => x.text), eta].join(' ');
    return bar > 0 ? `${renderBar(f, bar)} ${text}` : text;
  };
  if (opts.columns === undefined) return line(0, barWidth);
  const room = opts.columns - 1;
  // Fields first while the bar is wide; then the bar narrows to MIN_BAR; then the errors go; then the bar.
  for (let dropped = 0; dropped <= 5; dropped++) {
    const rest = line(dropped, 0).length;
    const bar = Math.min(barWidth, room - rest - 3);
    if (bar >= (dropped < 2 ? barWidth : MIN_BAR)) return line(dropped, bar);
  }
  const rest = line(5, 0).length;
  return rest + 4 <= room ? line(5, room - rest - 3) : line(5, 0).slice(0, room);
}

/**
 * Examples per second, short: '850', '12.3k', '1.25M'.
 * @example formatRate(123456) // => '123k'
 */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond) || perSecond < 0) return '--';
  if (perSecond < 1000) return String(Math.round(perSecond));
  if (perSecond < 1e6) return `${+(perSecond / 1e3).toPrecision(3)}k`;
  return `${+(perSecond / 1e6).toPrecision(3)}M`;
}

/**
 * Bytes in use, short: '612 MB', '1.4 GB'.
 * @example formatMemory(1.4e9) // => '1.4 GB'
 */
export function formatMemory(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

/**
 * A line for a long epoch off a terminal, between evaluations (no newline).
 * @example formatThroughputLine({ iteration: 2600, epoch: 0.42 }, { total: 1, unit: 'epoch', examplesPerSecond: 123456, memoryBytes: 6.12e8, etaSeconds: 185 })
 * // => 'epoch 0.4/1 (iteration 2600): 123k examples/s, 612 MB in use, ETA 3m05s'
 */
export function formatThroughputLine(
  state: ProgressState,
  opts: {
    total: number;
    unit: 'iteration' | 'epoch';
    examplesPerSecond: number;
    memoryBytes: number;
    etaSeconds: number;
  },
): string {
  const at = positionText(state, opts.unit, opts.total, false);
  return `${at}: ${formatRate(opts.examplesPerSecond)} examples/s, ${formatMemory(opts.memoryBytes)} in use, ETA ${formatEta(opts.etaSeconds)}`;
}

/**
 * One evaluation as a log line (no newline). With `columns` (a terminal), a line that would not fit in
 * columns − 1 comes in its short form, so that it does not wrap: 'epoch 3/20 cost 0.3000 train 5.0% dev 6.0%'.
 * @example formatEvaluationLine({ iteration: 100, cost: 0.6720534, trainError: 0.12, devError: 0.153 }, { total: 2500, unit: 'iteration' })
 * // => 'iteration 100/2500 cost 0.672053 train err 12.0% dev err 15.3%'
 */
export function formatEvaluationLine(
  state: ProgressState,
  opts: { total: number; unit: 'iteration' | 'epoch'; errorFormat?: 'percent' | 'value'; columns?: number },
): string {
  const ef = opts.errorFormat ?? 'percent';
  const line = (short: boolean) => {
    const parts = [positionText(state, opts.unit, opts.total, short)];
    if (state.cost !== undefined) parts.push(`cost ${fmtCost(state.cost, short ? 4 : 6)}`);
    const err = short ? '' : ' err';
    if (state.trainError !== undefined) parts.push(`train${err} ${fmtError(state.trainError, ef)}`);
    if (state.devError !== undefined) parts.push(`dev${err} ${fmtError(state.devError, ef)}`);
    return parts.join(' ');
  };
  const full = line(false);
  return opts.columns !== undefined && full.length > opts.columns - 1 ? line(true) : full;
}

/**
 * A progress reporter for a training run (see the module comment for what it prints where).
 * @example
 * const progress = createProgress({ total: 2500, unit: 'iteration', io, quiet: Boolean(args.quiet) });
 * // in the training callbacks:
 * progress.update({ iteration: i, cost });                        // every iteration
 * progress.evaluation({ iteration: i, cost, trainError, devError }); // every evaluation
 * progress.done();                                                 // before printing the results
 */
