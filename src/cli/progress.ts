/**
 * Training progress on stderr. On a terminal: one bar redrawn in place (at most ~10 times a second) and
 * erased at the end —
 *   `[#########-----------] 45% iter 1125/2500 cost 0.4213 dev err 3.2% ETA 12s`
 * Off a terminal (a log file, a pipe): one line per evaluation instead —
 *   `iteration 100/2500 cost 0.672053 train err 12.0% dev err 15.3%`
 * With `quiet`: nothing at all. Results never go here; they go to stdout.
 */
import type { Io } from '../workflow/parse.js';
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
const CLEAR_LINE = '\r\x1b[2K';

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

/** Keeps the latest value of each field, so the bar keeps showing the last error between evaluations. */
function rememberState(latest: ProgressState, s: ProgressState): void {
  latest.iteration = s.iteration;
  if (s.epoch !== undefined) latest.epoch = s.epoch;
  if (s.cost !== undefined) latest.cost = s.cost;
  if (s.trainError !== undefined) latest.trainError = s.trainError;
  if (s.devError !== undefined) latest.devError = s.devError;
}

export function createProgress(opts: ProgressOptions): Progress {
  if (!(opts.total >= 0)) throw new RangeError(`createProgress: total must be ≥ 0 but is ${opts.total}`);
  if (opts.quiet) return { update() {}, evaluation() {}, log() {}, done() {} };
  return new StderrProgress(opts);
}

/** The bar on a terminal, lines off one; `latest` keeps the last values so the bar shows them between evaluations. */
class StderrProgress implements Progress {
  private readonly tty: boolean;
  private readonly now: () => number;
  private readonly start: number;
  private readonly errorFormat: 'percent' | 'value';
  private readonly latest: ProgressState = { iteration: 0 };
  private finished = false;
  private lastDraw = -Infinity;
  private drawn = false;
  private lastLog: number;

  constructor(private readonly opts: ProgressOptions) {
    this.tty = opts.tty ?? opts.io.errIsTTY;
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

  private draw(t: number): void {
    const { total, unit } = this.opts;
    const rate = this.rateAt(t);
    const line = formatBarLine(this.latest, {
      total,
      unit,
      etaSeconds: this.eta(t),
      errorFormat: this.errorFormat,
      barWidth: this.opts.barWidth ?? 20,
      ...(rate ? { rate } : {}),
    });
    const columns = Math.max(20, this.opts.columns ?? 80);
    this.opts.io.err(`${CLEAR_LINE}${line.slice(0, columns - 1)}`);
    this.lastDraw = t;
    this.drawn = true;
  }

  update(state: ProgressState): void {
    if (this.finished) return;
    rememberState(this.latest, state);
    const t = this.now();
    const { total, unit, throughput: through } = this.opts;
    if (this.tty) {
      if (t - this.lastDraw >= (this.opts.intervalMs ?? 100) || this.position() >= total) this.draw(t);
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
    if (this.tty) return this.draw(this.now());
    const { total, unit } = this.opts;
    this.opts.io.err(`${formatEvaluationLine(state, { total, unit, errorFormat: this.errorFormat })}\n`);
    this.lastLog = this.now();
  }

  log(line: string): void {
    if (this.finished || !(this.tty && this.drawn)) return this.opts.io.err(`${line}\n`);
    this.opts.io.err(`${CLEAR_LINE}${line}\n`);
    this.draw(this.now());
  }

  done(): void {
    if (this.finished) return;
    this.finished = true;
    if (this.tty && this.drawn) this.opts.io.err(CLEAR_LINE);
  }
}
