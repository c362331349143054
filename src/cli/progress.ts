/**
 * Training progress on stderr. On a terminal: one bar redrawn in place (at most ~10 times a second) and
 * erased at the end —
 *   `[#########-----------] 45% iter 1125/2500 cost 0.4213 dev err 3.2% ETA 12s`
 * Off a terminal (a log file, a pipe): one line per evaluation instead —
 *   `iteration 100/2500 cost 0.672053 train err 12.0% dev err 15.3%`
 * With `quiet`: nothing at all. Results never go here; they go to stdout.
 */
import type { Io } from '../workflow/parse.js';

/** Where training stands. Errors are fractions for classification, costs for regression. */
export interface ProgressState {
  /** Parameter updates done so far. */
  iteration: number;
  /** Epochs done (fractional mid-epoch); used as the position when the unit is 'epoch'. */
  epoch?: number;
  /** The latest cost J. */
  cost?: number;
  trainError?: number;
  devError?: number;
}

export interface ProgressOptions {
  /** Iterations (unit 'iteration') or epochs (unit 'epoch') the run will do. */
  total: number;
  unit: 'iteration' | 'epoch';
  io: Pick<Io, 'err' | 'errIsTTY'>;
  /** `--quiet`: write nothing. */
  quiet?: boolean;
  /** Draw the in-place bar (default: io.errIsTTY). */
  tty?: boolean;
  /** 'percent' for classification error fractions (default), 'value' for regression costs. */
  errorFormat?: 'percent' | 'value';
  /** Terminal width; the bar line is cut to columns − 1 so it never wraps (default 80). */
  columns?: number;
  /** Characters between the brackets (default 20). */
  barWidth?: number;
  /** Minimum time between redraws of the bar, ms (default 100: ~10 Hz). */
  intervalMs?: number;
  /** Clock in ms, for tests (default performance.now). */
  now?: () => number;
  /**
   * For long epochs: the speed in examples per second and the memory in use, on the bar and — off a
   * terminal — in a line every `logEverySeconds` (default 30) between evaluations.
   */
  throughput?: {
    /** Examples per update (the batch size). */
    examplesPerIteration: number;
    /** Bytes of memory in use now (default: the process's resident set). */
    memory?: () => number;
    logEverySeconds?: number;
  };
}

export interface Progress {
  /** After an iteration (or mini-batch): on a terminal, redraws the bar when ~100 ms have passed since the last draw. */
  update(state: ProgressState): void;
  /** After an evaluation (train/dev error measured): off a terminal, prints its line; on one, redraws the bar now. */
  evaluation(state: ProgressState): void;
  /** A line of text (e.g. the `--print-cost-every` cost lines) printed above the bar without breaking it. */
  log(line: string): void;
  /** Erases the bar; later calls do nothing. Call it before printing results or errors. */
  done(): void;
}

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
function fmtCost(v: number, decimals: number): string {
  if (!Number.isFinite(v)) return String(v);
  return Math.abs(v) >= 1e5 || (Math.abs(v) < 10 ** -decimals && v !== 0) ? v.toExponential(3) : v.toFixed(decimals);
}

/** An error as a percentage (1 decimal) or, for regression, as a cost. */
function fmtError(v: number, format: 'percent' | 'value'): string {
  if (!Number.isFinite(v)) return String(v);
  return format === 'percent' ? `${(100 * v).toFixed(1)}%` : fmtCost(v, 4);
}

/** The position and total as the unit counts them: 'iteration 100/2500' or 'epoch 3/20'. */
function positionText(state: ProgressState, unit: 'iteration' | 'epoch', total: number, short: boolean): string {
  if (unit === 'epoch') {
    const e = state.epoch ?? 0;
    const shown = Number.isInteger(e) ? String(e) : e.toFixed(1);
    return `epoch ${shown}/${total}${short ? '' : ` (iteration ${state.iteration})`}`;
  }
  return `${short ? 'iter' : 'iteration'} ${state.iteration}/${total}`;
}

/**
 * The bar line (without \r): bar, percent, position, cost, dev error (train error when there is no dev
 * set), ETA.
 * @example formatBarLine({ iteration: 1125, cost: 0.42131, devError: 0.032 }, { total: 2500, unit: 'iteration', etaSeconds: 12 })
 * // => '[#########-----------] 45% iter 1125/2500 cost 0.4213 dev err 3.2% ETA 12s'
 */
export function formatBarLine(
  state: ProgressState,
  opts: {
    total: number;
    unit: 'iteration' | 'epoch';
    etaSeconds: number;
    barWidth?: number;
    errorFormat?: 'percent' | 'value';
    /** Examples per second and bytes in use, shown before the ETA when given. */
    rate?: { examplesPerSecond: number; memoryBytes: number };
  },
): string {
  const pos = opts.unit === 'epoch' ? (state.epoch ?? 0) : state.iteration;
  const f = opts.total > 0 ? pos / opts.total : 0;
  const parts = [
    renderBar(f, opts.barWidth ?? 20),
    `${String(Math.floor(Math.min(1, Math.max(0, f)) * 100)).padStart(2)}%`,
    positionText(state, opts.unit, opts.total, true),
  ];
  if (state.cost !== undefined) parts.push(`cost ${fmtCost(state.cost, 4)}`);
  const ef = opts.errorFormat ?? 'percent';
  if (state.devError !== undefined) parts.push(`dev err ${fmtError(state.devError, ef)}`);
  else if (state.trainError !== undefined) parts.push(`train err ${fmtError(state.trainError, ef)}`);
  if (opts.rate)
    parts.push(`${formatRate(opts.rate.examplesPerSecond)} ex/s`, `mem ${formatMemory(opts.rate.memoryBytes)}`);
  parts.push(`ETA ${formatEta(opts.etaSeconds)}`);
  return parts.join(' ');
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
 * One evaluation as a log line (no newline).
 * @example formatEvaluationLine({ iteration: 100, cost: 0.6720534, trainError: 0.12, devError: 0.153 }, { total: 2500, unit: 'iteration' })
 * // => 'iteration 100/2500 cost 0.672053 train err 12.0% dev err 15.3%'
 */
export function formatEvaluationLine(
  state: ProgressState,
  opts: { total: number; unit: 'iteration' | 'epoch'; errorFormat?: 'percent' | 'value' },
): string {
  const parts = [positionText(state, opts.unit, opts.total, false)];
  if (state.cost !== undefined) parts.push(`cost ${fmtCost(state.cost, 6)}`);
  const ef = opts.errorFormat ?? 'percent';
  if (state.trainError !== undefined) parts.push(`train err ${fmtError(state.trainError, ef)}`);
  if (state.devError !== undefined) parts.push(`dev err ${fmtError(state.devError, ef)}`);
  return parts.join(' ');
}

const CLEAR_LINE = '\r\x1b[2K';

/**
 * A progress reporter for a training run (see the module comment for what it prints where).
 * @example
 * const progress = createProgress({ total: 2500, unit: 'iteration', io, quiet: Boolean(args.quiet) });
 * // in the training callbacks:
 * progress.update({ iteration: i, cost });                        // every iteration
 * progress.evaluation({ iteration: i, cost, trainError, devError }); // every evaluation
 * progress.done();                                                 // before printing the results
 */
/** Keeps the latest value of each field, so the bar keeps showing the last error between evaluations. */
function rememberState(latest: ProgressState, s: ProgressState): void {
  latest.iteration = s.iteration;
  if (s.epoch !== undefined) latest.epoch = s.epoch;
  if (s.cost !== undefined) latest.cost = s.cost;
  if (s.trainError !== undefined) latest.trainError = s.trainError;
  if (s.devError !== undefined) latest.devError = s.devError;
}

export function createProgress(opts: ProgressOptions): Progress {
  const { total, unit, io } = opts;
  if (!(total >= 0)) throw new RangeError(`createProgress: total must be ≥ 0 but is ${total}`);
  if (opts.quiet) return { update() {}, evaluation() {}, log() {}, done() {} };
  const errorFormat = opts.errorFormat ?? 'percent';
  const tty = opts.tty ?? io.errIsTTY;
  const now = opts.now ?? (() => performance.now());
  const interval = opts.intervalMs ?? 100;
  const columns = Math.max(20, opts.columns ?? 80);
  const start = now();
  let finished = false;
  let lastDraw = -Infinity;
  let drawn = false;
  // The latest values seen, so that the bar keeps showing the last error between evaluations.
  const latest: ProgressState = { iteration: 0 };

  const remember = (s: ProgressState) => rememberState(latest, s);
  const position = () => (unit === 'epoch' ? (latest.epoch ?? 0) : latest.iteration);
  const through = opts.throughput;
  const memory = through?.memory ?? (() => process.memoryUsage.rss());
  const rateAt = (t: number) =>
    through
      ? {
          examplesPerSecond: (latest.iteration * through.examplesPerIteration) / Math.max(1e-9, (t - start) / 1000),
          memoryBytes: memory(),
        }
      : undefined;
  let lastLog = start;
  const draw = (t: number) => {
    const eta = estimateEta((t - start) / 1000, total > 0 ? position() / total : 0);
    const rate = rateAt(t);
    const line = formatBarLine(latest, {
      total,
      unit,
      etaSeconds: eta,
      errorFormat,
      barWidth: opts.barWidth ?? 20,
      ...(rate ? { rate } : {}),
    });
    io.err(`${CLEAR_LINE}${line.slice(0, columns - 1)}`);
    lastDraw = t;
    drawn = true;
  };

  return {
    update(state) {
      if (finished) return;
      remember(state);
      const t = now();
      if (!tty) {
        // Off a terminal, a long epoch says how fast it goes now and then; evaluations say the rest.
        if (through && t - lastLog >= 1000 * (through.logEverySeconds ?? 30) && position() < total) {
          const eta = estimateEta((t - start) / 1000, total > 0 ? position() / total : 0);
          io.err(`${formatThroughputLine(latest, { total, unit, etaSeconds: eta, ...rateAt(t)! })}\n`);
          lastLog = t;
        }
        return;
      }
      if (t - lastDraw >= interval || position() >= total) draw(t);
    },
    evaluation(state) {
      if (finished) return;
      remember(state);
      if (tty) draw(now());
      else {
        io.err(`${formatEvaluationLine(state, { total, unit, errorFormat })}\n`);
        lastLog = now();
      }
    },
    log(line) {
      if (finished) return void io.err(`${line}\n`);
      if (tty && drawn) {
        io.err(`${CLEAR_LINE}${line}\n`);
        draw(now());
      } else io.err(`${line}\n`);
    },
    done() {
      if (finished) return;
      finished = true;
      if (tty && drawn) io.err(CLEAR_LINE);
    },
  };
}
