/**
 * One trial of a sweep, trained with the pieces of `lnn train` (its settings parser, network, memory
 * check, model, trainer and run record): the same run `lnn train` would make with these options.
 */
import { defined } from '../core/defined.js';
import type { Backend } from '../backend/backend.js';
import { DataError } from '../core/errors.js';
import { formatPercent } from '../core/text.js';
import { rungAt, rungFraction, rungIterations } from './prune.js';
import { trialIdentity, type TrialRun, type TrialSpec } from './scheduler.js';
import { trialDiagnosis, type TrialResult, type TrialStatus } from './trial.js';
import { modelToJSON } from '../train/model-json.js';
import type { EvalPoint } from '../train/run-record.js';
import type { Schedule } from '../train/schedule.js';
import type { Parsed } from '../workflow/parse.js';
import { resolveNetwork, type PreparedData } from '../workflow/prepare.js';
import { buildModel, checkRunFits, hyperparametersOf, scheduleFor, trainModel } from '../workflow/run.js';
import { parseTrainSettings, type TrainSettings } from '../workflow/settings.js';
import { runRecordOf } from '../workflow/run-summary.js';
import { foldPlan, foldPrepared } from '../workflow/cross-validate.js';

/** Asks whether a trial that reached rung `r` with this dev error goes on (pruning); absent: always. */
export type RungCheck = (r: number, devError: number) => boolean;

/** Where a running trial stands, for a display: after each evaluation, and every ~second between. */
export interface TrialProgress {
  iteration: number;
  /** Updates in all. */
  total: number;
  /** Epochs done and in all (mini-batches only). */
  epoch?: number;
  epochs?: number;
  /** The latest evaluation's errors. */
  trainError?: number;
  devError?: number;
}

/** What watches a trial as it trains: the pruning rungs, and a display of its progress. */
export interface TrialWatch {
  rung?: RungCheck;
  progress?: (p: TrialProgress) => void;
}

/** Where a trial trains: the sweep's shared sets, the backend, and the machine its record names. */
export interface TrialGround {
  prepared: PreparedData;
  backend: Backend;
  /** The machine (host, threads) the trial's record says it ran on. */
  ranOn: string;
}

/** `lnn train` options as a command line: the trial's record says how to run it alone. */
function trainCommandLine(args: Record<string, string | boolean>): string[] {
  const out = ['train'];
  for (const [k, v] of Object.entries(args)) {
    if (v === true) out.push(`--${k}`);
    else if (typeof v === 'string') out.push(`--${k}`, v);
  }
  return out;
}

/**
 * Trains one trial on the shared sets and judges it on dev. A diverged trial is a failed trial; an error
 * (a network too large for memory, a bad init file) is one too, with its message; neither throws.
 */
export async function runTrial(spec: TrialSpec, on: TrialGround, watch: TrialWatch = {}): Promise<TrialRun> {
  const t0 = performance.now();
  const base = { ...trialIdentity(spec), ranOn: on.ranOn };
  const done = (r: Omit<TrialResult, keyof typeof base | 'seconds' | 'finishedAt'>): TrialResult => ({
    ...base,
    ...r,
    seconds: (performance.now() - t0) / 1000,
    finishedAt: new Date().toISOString(),
  });
  try {
    return await train(spec, on, watch, done);
  } catch (e) {
    const message = ((e as Error)?.message ?? String(e)).replace(/\s*\n\s*/g, ' ');
    return { result: done({ status: 'failed', error: message }) };
  }
}

/** The sets a trial trains on: the sweep's, or for a fold of --folds K the other folds of train + dev, judged on this one (folds.ts). */
function trialSets(spec: TrialSpec, prepared: PreparedData, settings: TrainSettings): PreparedData {
  if (spec.fold === undefined) return prepared;
  if (settings.folds === undefined || spec.fold > settings.folds)
    throw new DataError(
      `fold ${spec.fold} is not a fold of this trial (its options ask for ${settings.folds === undefined ? 'no --folds' : `--folds ${settings.folds}`})`,
    );
  return foldPrepared(prepared, foldPlan(prepared, settings), spec.fold, settings);
}

async function train(
  spec: TrialSpec,
  on: Omit<TrialGround, 'ranOn'>,
  watch: TrialWatch,
  done: (r: Omit<TrialResult, 'id' | 'index' | 'values' | 'ranOn' | 'seconds' | 'finishedAt'>) => TrialResult,
): Promise<TrialRun> {
  const { backend } = on;
  const settings = parseTrainSettings(spec.args as Parsed);
  const prepared = trialSets(spec, on.prepared, settings);
  const network = resolveNetwork(settings, prepared);
  const schedule = scheduleFor(settings, prepared);
  checkRunFits({ settings, prepared, network, schedule }, backend);
  const model = buildModel(settings, prepared, network, backend);
  try {
    const hyperparameters = hyperparametersOf(settings, network, schedule, model);
    const pruning = pruner(schedule.iterations, watch.rung, model.isClassifier);
    const progress = reporter(schedule, watch.progress);
    const outcome = {
      model,
      schedule,
      hyperparameters,
      ...(await trainModel(
        { settings, prepared, model, schedule },
        {
          onEval: (p) => {
            progress.onEval(p);
            pruning.onEval(p);
          },
          onIteration: (s) => {
            progress.onIteration(s);
            return pruning.stop() ? false : undefined;
          },
        },
      )),
    };
    const run = runRecordOf(outcome, prepared, trainCommandLine(spec.args));
    const { diverged } = outcome.result;
    const status: TrialStatus = diverged ? 'failed' : pruning.pruned ? 'pruned' : 'ok';
    if (pruning.pruned) run.result.stopped = pruning.pruned;
    const d = outcome.diagnosis;
    const result = done({
      status,
      ...defined({ trainError: outcome.train?.error, devError: outcome.dev?.error }),
      ...(d && !diverged ? { diagnosis: trialDiagnosis(d) } : {}),
      ...(diverged ? { error: outcome.result.stopped } : pruning.pruned ? { error: pruning.pruned } : {}),
      run,
    });
    // A fold's model is not kept: the trial is the folds' mean, and --refit makes its model.
    const keep = status === 'ok' && spec.fold === undefined;
    return keep ? { result, model: JSON.stringify(modelToJSON(model, run)) + '\n' } : { result };
  } finally {
    model.dispose();
  }
}

/** Tells `show` where the trial stands: at each evaluation, and between them at most once a second. */
function reporter(schedule: Schedule, show: TrialWatch['progress']) {
  const latest: TrialProgress = {
    iteration: 0,
    total: schedule.iterations,
    ...defined({ epochs: schedule.epochs }),
  };
  let last = performance.now();
  const tell = (p: { iteration: number; epoch?: number }) => {
    latest.iteration = p.iteration;
    if (p.epoch !== undefined) latest.epoch = p.epoch;
    last = performance.now();
    show!({ ...latest });
  };
  return {
    onEval(p: EvalPoint) {
      if (!show) return;
      latest.trainError = p.trainError;
      if (p.devError !== undefined) latest.devError = p.devError;
      tell(p);
    },
    onIteration(s: { iteration: number; epoch?: number }) {
      if (show && performance.now() - last >= 1000) tell(s);
    },
  };
}

/** Watches the evaluations of a trial and stops it at a rung where it is losing (each evaluation at one rung at most). */
function pruner(total: number, rung: RungCheck | undefined, percent: boolean) {
  const rungs = rung ? rungIterations(total) : [];
  let next = 0;
  const state = {
    pruned: undefined as string | undefined,
    onEval(p: EvalPoint) {
      if (!rung || state.pruned !== undefined || p.devError === undefined) return;
      const r = rungAt(rungs, p.iteration, next);
      if (r < 0) return;
      next = r + 1;
      if (rung(r, p.devError)) return;
      const err = percent ? formatPercent(p.devError, 2) : p.devError.toPrecision(4);
      state.pruned = `pruned at iteration ${p.iteration} of ${total} (rung ${r + 1}, at ${rungFraction(r)} of the budget: dev error ${err} is not among the best third)`;
    },
    stop: () => state.pruned !== undefined,
  };
  return state;
}
