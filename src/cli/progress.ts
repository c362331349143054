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
