/**
 * A sweep on a terminal: the finished trials' lines as they come (lasting), and under them one live
 * line per running trial — its bar, epoch (or iteration), dev and train error so far, time — and a
 * line for the whole sweep, redrawn in place:
 *
 *   trial 3 (d2287269) --lr 0.00109 --hidden 32: dev 12.70%, train 12.08%, high bias; rank 3 of 3 (0.4 s) [3/12] …
 *   trial 4 [######----] epoch 2/3 dev 12.20% train 9.43% 0.3 s  --lr 0.0124 --hidden 32
 *   trial 5 [##--------] epoch 0.6/3 0.1 s  --lr 0.00123 --hidden 16
 *   sweep: 3 of 12 trials done, 2 running; 1.4 s elapsed, ETA 4s
 *
 * A trial that tells nothing while it runs (on a queue's worker) shows 'running' and its time. Off a
 * terminal the sweep prints the finished trials' lines only (src/cli/commands/sweep.ts).
 */
import { errorText, valuesText } from '../../sweep/trial-text.js';
import type { TrialProgress } from '../../sweep/run-trial.js';
import type { TrialSpec } from '../../sweep/scheduler.js';
import { LiveLines } from '../live-lines.js';
import { renderBar } from '../progress-format.js';
import type { SweepProgress } from './display.js';

interface Running {
  spec: TrialSpec;
  /** ms, on the display's clock. */
  start: number;
  progress?: TrialProgress;
}

export interface SweepLiveOptions {
  write: (text: string) => void;
  columns: () => number | undefined;
  classification: boolean;
  /** The count of trials done and the ETA, shared with the finished trials' lines. */
  overall: SweepProgress;
  /** Clock in ms, for tests (default performance.now). */
  now?: () => number;
  /** Redraw every second while trials run, so their times move (default true; tests turn it off). */
  tick?: boolean;
}

/** One running trial's line: where it is, its errors so far, its time, then its values (cut first when narrow). */
export function runningLine(r: Running, now: number, classification: boolean): string {
  const p = r.progress;
  const parts = [`trial ${r.spec.index}`];
  if (p) {
    parts.push(renderBar(p.total > 0 ? p.iteration / p.total : 0, 10));
    if (p.epochs !== undefined && p.epoch !== undefined) {
      const e = Number.isInteger(p.epoch) ? String(p.epoch) : p.epoch.toFixed(1);
      parts.push(`epoch ${e}/${p.epochs}`);
    } else parts.push(`iter ${p.iteration}/${p.total}`);
    if (p.devError !== undefined) parts.push(`dev ${errorText(p.devError, classification)}`);
    if (p.trainError !== undefined) parts.push(`train ${errorText(p.trainError, classification)}`);
  } else parts.push('running');
  parts.push(`${((now - r.start) / 1000).toFixed(1)} s`);
  const values = valuesText(r.spec.values);
  return `${parts.join(' ')}${values ? `  ${values}` : ''}`;
}

export class SweepLive {
  private readonly running = new Map<number, Running>();
  private readonly live: LiveLines;
  private readonly now: () => number;
  private lastDraw = -Infinity;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly o: SweepLiveOptions) {
    this.live = new LiveLines(o.write, o.columns);
    this.now = o.now ?? (() => performance.now());
  }

  private lines(): string[] {
    const t = this.now();
    const trials = [...this.running.values()]
      .sort((a, b) => a.spec.index - b.spec.index)
      .map((r) => runningLine(r, t, this.o.classification));
    return [...trials, `sweep: ${this.o.overall.status(this.running.size)}`];
  }

  private draw(): void {
    this.lastDraw = this.now();
    this.live.draw(this.lines());
  }

  started(spec: TrialSpec): void {
    this.running.set(spec.index, { spec, start: this.now() });
    if (this.o.tick !== false && !this.timer) {
      this.timer = setInterval(() => this.draw(), 1000);
      this.timer.unref?.();
    }
    this.draw();
  }

  /** A running trial's news: redrawn at most ~10 times a second, and at each evaluation. */
  progress(spec: TrialSpec, p: TrialProgress): void {
    const r = this.running.get(spec.index);
    if (!r) return;
    const evaluated = p.devError !== r.progress?.devError || p.trainError !== r.progress?.trainError;
    r.progress = p;
    if (evaluated || this.now() - this.lastDraw >= 100) this.draw();
  }

  /** A lasting line above the running trials (a finished trial, why a trial runs). */
  print(line: string, finished?: number): void {
    if (finished !== undefined) this.running.delete(finished);
    this.lastDraw = this.now();
    this.live.print([line.replace(/\n$/, '')], this.lines());
  }

  /** Erases the live lines (before the results, or when the sweep stops). */
  done(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.live.clear();
  }
}
