/**
 * Training progress on stderr. Every evaluation prints a line that stays, as Keras prints an epoch —
 *   `epoch 3/20 (iteration 282) cost 0.300000 train err 5.0% dev err 6.0%`
 * so the learning curve is still there after the run. On a terminal, a bar under those lines is redrawn
 * in place (at most ~10 times a second), made to fit the terminal's width, and erased at the end —
 *   `[#########-----------] 45% epoch 9/20 cost 0.4213 train err 2.1% dev err 3.2% ETA 12s`
 * With `quiet`: nothing at all. Results never go here; they go to stdout.
 */
import type { Io } from '../workflow/parse.js';
import { LiveLines } from './live-lines.js';
import { estimateEta, formatBarLine, formatThroughputLine, formatEvaluationLine } from './progress-format.js';

export {
  formatEta,
  formatRate,
  formatMemory,
  formatBarLine,
  formatEvaluationLine,
  formatThroughputLine,
  renderBar,
  estimateEta,
} from './progress-format.js';

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
  /**
   * The terminal's width, or how to read it now (it may change during a run): the bar is made to fit
   * in columns − 1, so it never wraps (default 80).
   */
  columns?: number | (() => number | undefined);
  /** Characters between the brackets, at most (default 20). */
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
  /** After an evaluation (train/dev error measured): prints its line (above the bar on a terminal). */
  evaluation(state: ProgressState): void;
  /** A line of text (e.g. the `--print-cost-every` cost lines) printed above the bar without breaking it. */
  log(line: string): void;
  /** Erases the bar; later calls do nothing. Call it before printing results or errors. */
  done(): void;
}

/** Keeps the latest value of each field, so the bar keeps showing the last error between evaluations. */
function rememberState(latest: ProgressState, s: ProgressState): void {
  latest.iteration = s.iteration;
  if (s.epoch !== undefined) latest.epoch = s.epoch;
  if (s.cost !== undefined) latest.cost = s.cost;
  if (s.trainError !== undefined) latest.trainError = s.trainError;
  if (s.devError !== undefined) latest.devError = s.devError;
}

/**
 * The width of the terminal stderr is: `errColumns` where the caller's io has it (the command line's
 * reads process.stderr.columns, which follows a resize; tests give a number), else undefined.
 */
export function terminalColumns(io: Pick<Io, 'err'>): number | undefined {
  const read = (io as { errColumns?: () => number | undefined }).errColumns;
  return typeof read === 'function' ? read() : undefined;
}

export function createProgress(opts: ProgressOptions): Progress {
  if (!(opts.total >= 0)) throw new RangeError(`createProgress: total must be ≥ 0 but is ${opts.total}`);
  if (opts.quiet) return { update() {}, evaluation() {}, log() {}, done() {} };
  return new StderrProgress(opts);
}

/** The bar on a terminal, lines off one; `latest` keeps the last values so the bar shows them between evaluations. */
class StderrProgress implements Progress {
  private readonly live: LiveLines | undefined;
  private readonly now: () => number;
  private readonly start: number;
  private readonly errorFormat: 'percent' | 'value';
  private readonly latest: ProgressState = { iteration: 0 };
  private finished = false;
  private lastDraw = -Infinity;
  private lastLog: number;

  constructor(private readonly opts: ProgressOptions) {
    const columns = opts.columns;
    this.live =
      (opts.tty ?? opts.io.errIsTTY)
        ? new LiveLines(opts.io.err, typeof columns === 'function' ? columns : () => columns)
        : undefined;
    this.now = opts.now ?? (() => performance.now());
    this.start = this.now();
    this.lastLog = this.start;
    this.errorFormat = opts.errorFormat ?? 'percent';
  }

  private position(): number {
    return this.opts.unit === 'epoch' ? (this.latest.epoch ?? 0) : this.latest.iteration;
  }

  private eta(t: number): number {
    const { total } = this.opts;
    return estimateEta((t - this.start) / 1000, total > 0 ? this.position() / total : 0);
  }

  /** Examples a second and the process's memory, when the run counts examples. */
  private rateAt(t: number): { examplesPerSecond: number; memoryBytes: number } | undefined {
    const through = this.opts.throughput;
    if (!through) return undefined;
    const perSecond = (this.latest.iteration * through.examplesPerIteration) / Math.max(1e-9, (t - this.start) / 1000);
    return { examplesPerSecond: perSecond, memoryBytes: (through.memory ?? (() => process.memoryUsage.rss()))() };
  }

  private bar(live: LiveLines, t: number): string {
    const { total, unit } = this.opts;
    const rate = this.rateAt(t);
    this.lastDraw = t;
    return formatBarLine(this.latest, {
      total,
      unit,
      etaSeconds: this.eta(t),
      errorFormat: this.errorFormat,
      barWidth: this.opts.barWidth ?? 20,
      columns: live.width(),
      ...(rate ? { rate } : {}),
    });
  }

  update(state: ProgressState): void {
    if (this.finished) return;
    rememberState(this.latest, state);
    const t = this.now();
    const { total, unit, throughput: through } = this.opts;
    if (this.live) {
      if (t - this.lastDraw >= (this.opts.intervalMs ?? 100) || this.position() >= total)
        this.live.draw([this.bar(this.live, t)]);
      return;
    }
    // Off a terminal, a long epoch says how fast it goes now and then; evaluations say the rest.
    if (through && t - this.lastLog >= 1000 * (through.logEverySeconds ?? 30) && this.position() < total) {
      this.opts.io.err(
        `${formatThroughputLine(this.latest, { total, unit, etaSeconds: this.eta(t), ...this.rateAt(t)! })}\n`,
      );
      this.lastLog = t;
    }
  }

  evaluation(state: ProgressState): void {
    if (this.finished) return;
    rememberState(this.latest, state);
    const { total, unit } = this.opts;
    const columns = this.live ? { columns: this.live.width() } : {};
    this.log(formatEvaluationLine(state, { total, unit, errorFormat: this.errorFormat, ...columns }));
    this.lastLog = this.now();
  }

  log(line: string): void {
    if (this.finished || !this.live) return this.opts.io.err(`${line}\n`);
    this.live.print([line], [this.bar(this.live, this.now())]);
  }

  done(): void {
    if (this.finished) return;
    this.finished = true;
    this.live?.clear();
  }
}
