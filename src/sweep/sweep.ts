/**
 * `sweep`: `lnn sweep` as one async call. The options are the command's flags in camelCase, with the
 * same defaults; the space is an object of the values to try per hyperparameter (or a `MIN..MAX` range
 * for random search). Trials run on the threads of this machine, or on `lnn worker` processes through a
 * queue, into a crash-safe record that `resume` continues.
 */
import { defined } from '../core/defined.js';
import { closest, printable } from '../core/text.js';
import type { Evaluation } from '../evaluate/metrics.js';
import type { Model } from '../train/model.js';
import { argsFrom, camel, inCallersWords } from '../workflow/camel.js';
import { UsageError, type Invocation, type Io, type Parsed } from '../workflow/parse.js';
import { datasetOf, type TrainOptions } from '../workflow/train.js';
import { bestOf, refitBest } from './finish.js';
import type { RefitRecord } from '../train/run-record.js';
import { sweepOptions } from './sweep-options.js';
import { runSweepJob } from './run-sweep.js';
import type { TrialSpec } from './scheduler.js';
import { SWEEP_KEYS, isSweepKey } from './space.js';
import type { TrialResult } from './trial.js';
import type { TrialProgress } from './run-trial.js';

/** One hyperparameter's values to try (numbers, texts, or widths as lists), or a 'MIN..MAX' range. */
export type SpaceValues = readonly (number | string | readonly number[])[] | string;

/** The options of `sweep`: `lnn sweep`'s flags in camelCase, the space, and the library's own. */
export interface SweepOptions extends Omit<TrainOptions, 'onEpochEnd' | 'onIteration' | 'onCost'> {
  /** Per hyperparameter (lr, hidden, epochs, iterations, batchSize, l2, keepProb, activation, ...): what to try. */
  space?: Record<string, SpaceValues>;
  strategy?: 'grid' | 'random' | 'one-at-a-time' | 'depth' | 'recipe';
  /** random: how many draws (default 10); recipe: the most trials (default 8). */
  trials?: number;
  maxDepth?: number;
  minGain?: number | string;
  prune?: boolean;
  /** Trials at once on this machine (default one per core). */
  parallel?: number;
  /** The record's directory (default sweep-ID in the current directory); `resume` continues it. */
  dir?: string;
  resume?: boolean;
  /** A Redis (redis:// or rediss://) whose `lnn worker` processes train the trials. */
  queue?: string;
  password?: string;
  tlsCa?: string;
  secretFile?: string;
  /** Called when a trial starts (recipe and depth say why in `reason`). */
  onTrialStart?: (trial: Pick<TrialSpec, 'index' | 'values' | 'reason'>) => void;
  /** Called when a trial's result is on disk. */
  onTrialEnd?: (result: TrialResult) => void;
  /**
   * Called as a trial on this machine's threads trains — at each of its evaluations (`evalEvery`) and
   * between them at most once a second — with its update, epoch and latest errors, as the terminal's live
   * lines are told; trials on queue workers report only their start and end.
   */
  onTrialProgress?: (trial: Pick<TrialSpec, 'index' | 'values'>, progress: TrialProgress) => void;
}

/** What `sweep` gives back. The model is the caller's: `model.dispose()` frees it. */
export interface SweepOutput {
  /** Every recorded trial, best first (finished by dev error, then pruned, then failed). */
  trials: TrialResult[];
  best: TrialResult | undefined;
  /**
   * The best trial's model, loaded; with `refit`, its configuration fit again on train + dev; with
   * `folds` and without `refit`, none (a cross-validated trial keeps no model).
   */
  model: Model | undefined;
  /** The model on the test set, once (`evaluateTest: true`). */
  test?: Evaluation;
  /** With `refit`: the fit on train + dev that `model` is (also in sweep.json). */
  refit?: RefitRecord;
  /** Trials trained by this call (a resumed sweep keeps the others). */
  ran: number;
  /** Why the sweep ended, in words. */
  stopped: string;
  /** The record's directory. */
  dir: string;
}

/** Library-only keys, read here rather than as flags. */
const OWN_KEYS = ['data', 'space', 'signal', 'onTrialStart', 'onTrialEnd', 'onTrialProgress', 'onNote'];
const CLI_ONLY = ['save-best', 'json', 'quiet'];

/**
 * Searches hyperparameters as `lnn sweep` does, ranking trials by dev error.
 * @example
 * const { best, model } = await sweep({ data: { rows, labels }, space: { lr: [0.01, 0.001], hidden: [[8], [16, 8]] } });
 * best.values // => { lr: '0.01', hidden: '16,8' }
 * @throws ValueError for an option or a space outside its rules, DataError for bad data, AbortError when
 *   `signal` aborts (the trials recorded are kept; `resume: true` runs the rest).
 */
export async function sweep(options: SweepOptions): Promise<SweepOutput> {
  try {
    const all = options as unknown as Record<string, unknown>;
    const cliOnly = CLI_ONLY.find((k) => all[camel(k)] !== undefined);
    if (cliOnly) throw new UsageError(`--${cliOnly} is for the command line; the library returns the best model`);
    const args = argsFrom(all, sweepOptions, OWN_KEYS);
    const dataset = datasetOf(options.data, args['impute'] === 'mean');
    if (typeof options.data === 'string') args['data'] = options.data;
    const invocation: Invocation = { positionals: [], argv: ['sweep'], repeated: spaceArgs(options.space ?? {}, args) };
    return await runSweepJob(args, invocation, contextOf(options, dataset), async (job) => {
      const { record, outcome, prepared, backend, trainSettings: ts } = job;
      // With --refit the model is fit at the end; a cross-validated trial keeps no model of its own.
      const got = bestOf(record, prepared, backend, {
        model: !ts.refit && ts.folds === undefined,
        test: ts.evaluateTest && !ts.refit,
        keepModel: true,
      });
      const { ranked, best } = got;
      const refit = ts.refit
        ? await refitBest(job, best, { test: ts.evaluateTest, signal: options.signal })
        : undefined;
      const model = refit?.model ?? got.model;
      const test = refit?.test ?? got.test;
      return {
        trials: ranked,
        best,
        model,
        ...defined({ test, refit: refit?.refit }),
        ...outcome,
        dir: record.dir,
      };
    });
  } catch (e) {
    throw inCallersWords(e);
  }
}

function contextOf(o: SweepOptions, dataset: ReturnType<typeof datasetOf>) {
  const io: Io | undefined = o.onNote
    ? { out: () => {}, err: (t) => o.onNote!(t.replace(/^(note|warning): /, '').trimEnd()), errIsTTY: false }
    : undefined;
  return {
    ...defined({ io, dataset, signal: o.signal }),
    hooks: {
      started: (spec: TrialSpec) =>
        o.onTrialStart?.({ index: spec.index, values: spec.values, ...(spec.reason ? { reason: spec.reason } : {}) }),
      finished: (result: TrialResult) => o.onTrialEnd?.(result),
      // Only when asked: the threads then send their progress.
      ...(o.onTrialProgress
        ? {
            progress: (spec: TrialSpec, p: TrialProgress) =>
              o.onTrialProgress!({ index: spec.index, values: spec.values }, p),
          }
        : {}),
    },
  };
}

/** A value as the command line writes it: widths joined by commas ('none' for none), numbers as text. */
function spaceValue(v: unknown, key: string): string {
  if (Array.isArray(v)) return v.length === 0 ? 'none' : v.join(',');
  if (typeof v === 'number' || typeof v === 'string') return String(v);
  throw new UsageError(`space.${printable(key)}: a value must be a number, a text or a list of widths`);
}

/**
 * The space as the command line's repeated options: `{ lr: [0.1, 0.01] }` → `--lr 0.1 --lr 0.01`. A
 * hyperparameter both fixed and swept is refused, as on the command line.
 */
function spaceArgs(space: Record<string, SpaceValues>, args: Parsed): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const keys = SWEEP_KEYS.map(camel);
  for (const [key, values] of Object.entries(space)) {
    const flag = key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (!isSweepKey(flag)) {
      const near = closest(key, keys);
      throw new UsageError(
        `space: unknown hyperparameter '${printable(key)}'${near ? ` (did you mean ${near}?)` : ''}; a sweep varies ${keys.join(', ')}`,
      );
    }
    const list = typeof values === 'string' ? [values] : Array.from(values, (v) => spaceValue(v, key));
    if (args[flag] !== undefined && args[flag] !== sweepOptions[flag]?.default)
      throw new UsageError(`--${flag} is given as an option and in the space; give it in one place`);
    out[flag] = list;
    args[flag] = list[0];
  }
  return out;
}
