/**
 * Steering a run while it trains: pause it, let it make one update (or n) at a time, resume it, change
 * its learning rate between two updates, and watch its parameters as they change. The course's loop
 * `for i in range(num_iterations)` with a hand on it, for a page that shows training live (the
 * playground). The run consults its control before each update (`hold`), so every command takes effect
 * at an update's boundary and nothing else in the loop changes: a run whose control is never touched
 * makes the updates, the costs and the parameters of a run without one. Browser-safe.
 */
import { ValueError } from '../core/errors.js';
import { checkHyperparameter } from '../nn/hyperparameters.js';
import type { Parameters } from '../nn/params.js';

/** The parameters of a run at one point: W[l]: (n[l], n[l-1]) and b[l]: (n[l], 1), copied, row after row. */
export interface Snapshot {
  /** Updates made so far (the parameters are those after update `iteration`). */
  iteration: number;
  /** W1, b1, … W[L], b[L] in the (rows, cols) layout of docs/design.md. */
  parameters: Record<string, { rows: number; cols: number; data: Float32Array | Float64Array }>;
  /** The run is paused here, waiting for `resume` or `step`. */
  paused: boolean;
  /** The learning rate the next update takes. */
  learningRate: number;
}

/** A command, as a control relays it to a run in another thread (trainInWorker). */
export type ControlCommand =
  { kind: 'pause' } | { kind: 'resume' } | { kind: 'step'; updates: number } | { kind: 'learningRate'; value: number };

/** Where a control stands: what a run started with it takes on at its first update. */
export interface ControlState {
  paused: boolean;
  /** Updates still allowed before the run pauses again (after `step`). */
  allowed: number;
  learningRate?: number;
}

export interface TrainingControlOptions {
  /** Called with a copy of the parameters whenever the run pauses, and at most every `snapshotEveryMs` as it runs. */
  onSnapshot?: (s: Snapshot) => void;
  /** The least time between two snapshots of a running run (default 100 ms). */
  snapshotEveryMs?: number;
}

/** The least time between two snapshots of a running run, by default: ten redraws a second. */
const SNAPSHOT_EVERY_MS = 100;

/**
 * The hand on a run: give it to `train`, `trainInWorker` or `Model.fit` as `control`, then call
 * `pause`, `step`, `resume` and `setLearningRate` as the run goes (from buttons). A control steers one
 * run at a time; a paused run holds its thread's turn only between updates, so a page stays responsive.
 * `signal` still aborts a paused run.
 * @example
 * const control = new TrainingControl({ onSnapshot: (s) => draw(s.parameters) });
 * const run = train({ data: { rows, labels }, hidden: [8, 8], iterations: 1000, control });
 * control.pause();            // after the update in progress
 * control.step();             // one more update, then paused again
 * control.setLearningRate(0.003);
 * control.resume();
 * await run;
 */
export class TrainingControl {
  private state: ControlState = { paused: false, allowed: 0 };
  private wake: (() => void) | undefined;
  private lastSnapshot = -Infinity;
  private readonly listeners = new Set<(c: ControlCommand) => void>();
  private readonly onSnapshot: ((s: Snapshot) => void) | undefined;
  private readonly snapshotEveryMs: number;

  constructor(options: TrainingControlOptions = {}) {
    this.onSnapshot = options.onSnapshot;
    this.snapshotEveryMs = options.snapshotEveryMs ?? SNAPSHOT_EVERY_MS;
    if (!(this.snapshotEveryMs >= 0))
      throw new ValueError(`TrainingControl: snapshotEveryMs must be a number ≥ 0 but is ${options.snapshotEveryMs}`);
  }

  /** Whether the run pauses (or is paused) before its next update. */
  get paused(): boolean {
    return this.state.paused && this.state.allowed === 0;
  }

  /** The learning rate set by `setLearningRate`; undefined: the run's own. */
  get learningRate(): number | undefined {
    return this.state.learningRate;
  }

  /** Pauses the run before its next update (a snapshot comes then). */
  pause(): void {
    this.apply({ kind: 'pause' });
  }

  /** Lets the run go on from a pause. */
  resume(): void {
    this.apply({ kind: 'resume' });
  }

  /** Lets `updates` more updates through, then pauses (from a pause, or from a running run). */
  step(updates = 1): void {
    if (!Number.isInteger(updates) || updates < 1)
      throw new ValueError(`TrainingControl.step: updates must be an integer ≥ 1 but is ${updates}`);
    this.apply({ kind: 'step', updates });
  }

  /**
   * The learning rate α of every update from the next one on (the optimizer keeps its state: Adam's
   * moments and step count, momentum's velocity).
   * @throws ValueError `learning rate must be a number > 0 but is -1`
   */
  setLearningRate(lr: number): void {
    if (typeof lr !== 'number') throw new ValueError(`learning rate must be a number > 0 but is ${String(lr)}`);
    checkHyperparameter('learningRate', lr);
    this.apply({ kind: 'learningRate', value: lr });
  }

  /** Carries out a command (from a button, or relayed from the page to a worker's run). */
  apply(c: ControlCommand): void {
    const s = this.state;
    if (c.kind === 'pause') this.state = { ...s, paused: true, allowed: 0 };
    else if (c.kind === 'resume') this.state = { ...s, paused: false, allowed: 0 };
    else if (c.kind === 'step') this.state = { ...s, paused: true, allowed: c.updates };
    else this.state = { ...s, learningRate: c.value };
    for (const l of this.listeners) l(c);
    if (c.kind !== 'pause') this.release();
  }

  /** Where the control stands, for a run started in another thread. */
  get current(): ControlState {
    return { ...this.state };
  }

  /** Takes on another control's state (the page's, as a worker's run starts). */
  adopt(state: ControlState): void {
    this.state = { ...state };
  }

  /** Calls `listener` with each command from now on; returns the function that stops it. */
  subscribe(listener: (c: ControlCommand) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** What a run in another thread needs to make this control's snapshots: whether to, and how often. */
  get snapshots(): { every: number } | undefined {
    return this.onSnapshot ? { every: this.snapshotEveryMs } : undefined;
  }

  /**
   * Hands a snapshot made elsewhere (by a worker's run) to this control's `onSnapshot`. A paused one
   * says that the run has made the updates `step` let through: this control is then paused with none left.
   */
  deliver(s: Snapshot): void {
    if (s.paused && this.state.paused) this.state = { ...this.state, allowed: 0 };
    this.onSnapshot?.(s);
  }

  /**
   * The run's side, before each update: undefined to go on now, or a promise that resolves when the
   * run may go on (it is paused), after which the run asks again (`again`: a new rate alone wakes it
   * without letting an update through). Makes the snapshots: one per pause, and the running ones.
   */
  hold(iteration: number, parameters: Parameters, learningRate: number, again = false): Promise<void> | undefined {
    const s = this.state;
    if (s.paused && s.allowed > 0) {
      this.state = { ...s, allowed: s.allowed - 1 };
      return this.maybeSnapshot(iteration, parameters, learningRate);
    }
    if (!s.paused) return this.maybeSnapshot(iteration, parameters, learningRate);
    if (!again) this.snapshot(iteration, parameters, true, learningRate);
    return new Promise<void>((resolve) => (this.wake = resolve));
  }

  private maybeSnapshot(iteration: number, parameters: Parameters, lr: number): undefined {
    if (this.onSnapshot && performance.now() - this.lastSnapshot >= this.snapshotEveryMs)
      this.snapshot(iteration, parameters, false, lr);
    return undefined;
  }

  private snapshot(iteration: number, parameters: Parameters, paused: boolean, learningRate: number): void {
    if (!this.onSnapshot) return;
    this.lastSnapshot = performance.now();
    const copy: Snapshot['parameters'] = {};
    for (const [k, M] of Object.entries(parameters)) copy[k] = { rows: M.rows, cols: M.cols, data: M.data.slice() };
    this.onSnapshot({ iteration, parameters: copy, paused, learningRate });
  }

  private release(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }
}
