/**
 * The messages between a page and the training worker (`trainInWorker` ⇄ train-worker.ts). Everything
 * in them survives structured cloning: options without functions, the model as its state (typed arrays).
 */
import type { CostPoint } from '../train/run-record.js';
import type { EpochLogs, TrainOptions, TrainOutput } from '../workflow/train.js';
import type { ModelState } from './model-state.js';
import type { ControlCommand, ControlState, Snapshot } from '../train/control.js';

/** The options of a run as they cross to the worker: the callbacks and signal stay with the page. */
export type PostedOptions = Omit<
  TrainOptions,
  'signal' | 'onEpochEnd' | 'onIteration' | 'onCost' | 'onNote' | 'control'
>;

/** The page's TrainingControl as the worker's run takes it on: its state, and the snapshots it wants. */
export interface PostedControl {
  state: ControlState;
  snapshots?: { every: number };
}

/** Page → worker. */
export type ToWorker =
  | {
      type: 'train';
      options: PostedOptions;
      /** The progress the page listens to (only these are posted). */
      want: { epochs: boolean; iterations: boolean; costs: boolean; notes: boolean };
      /** The run is steered by a TrainingControl on the page. */
      control?: PostedControl;
    }
  /** A command of the page's TrainingControl, for the run in progress. */
  | { type: 'control'; command: ControlCommand }
  /** Abort the run: it ends with an AbortError. */
  | { type: 'abort' }
  /** The page's onIteration returned false: stop at the next update the worker makes after hearing it. */
  | { type: 'stop' };

/** What one update reports (TrainOptions.onIteration's argument). */
export type IterationState = Parameters<NonNullable<TrainOptions['onIteration']>>[0];

/** The end of a finished run: the model as its state, and the figures `train` returns, as it types them. */
export type Finished = { type: 'done'; model: ModelState } & Pick<
  TrainOutput,
  'result' | 'train' | 'dev' | 'test' | 'diagnosis' | 'record'
>;

/** One report of a run's progress, for one of the page's callbacks. */
export type Progress =
  | { type: 'epoch'; logs: EpochLogs }
  | { type: 'iteration'; state: IterationState }
  | { type: 'cost'; point: CostPoint }
  | { type: 'note'; text: string }
  /** The run's parameters, for the page's TrainingControl (their buffers are moved, not copied). */
  | { type: 'snapshot'; snapshot: Snapshot };

/** Worker → page. */
export type FromWorker =
  /** The worker loaded its kernels and takes a run. */
  | { type: 'ready'; backend: string; threads: number }
  /**
   * Progress in order, a batch at a time (about every PROGRESS_EVERY_MS): a message per epoch or per
   * update would queue thousands of messages before the run's end, each costing the page tens of µs.
   */
  | { type: 'progress'; items: Progress[] }
  | Finished
  /** The run failed (or was aborted): the error's class name and message. */
  | { type: 'error'; name: string; message: string };

/** How often the worker posts the progress it has gathered. */
export const PROGRESS_EVERY_MS = 16;

/** A message port as both sides use it: a Worker, a worker's global scope, or a MessagePort. */
export interface Port {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: { data: unknown }) => void): void;
}
