/**
 * One sweep, wherever its trials run (threads here, or `lnn worker` processes behind a queue): the
 * sets made once, every known trial checked before the first one trains, the record opened (or
 * resumed), the trials run, then the caller's `finish` with the record still held. `lnn sweep` and the
 * library's `sweep()` are both this function with their own `finish`.
 */
import { defined } from '../core/defined.js';
import { availableParallelism } from 'node:os';
import type { Backend } from '../backend/backend.js';
import { printable } from '../core/text.js';
import type { Dataset } from '../data/dataset.js';
import { toMatrix } from '../data/features.js';
import { chooseBackend } from '../workflow/inputs.js';
import { UsageError, type Invocation, type Io, type Parsed } from '../workflow/parse.js';
import { prepareData, type PreparedData } from '../workflow/prepare.js';
import { parseTrainSettings, type TrainSettings } from '../workflow/settings.js';
import { hashArrays } from '../core/hash.js';
import { checkTrial, knownTrials, makePlan } from './plan.js';
import { ThreadExecutor } from './trial-pool.js';
import { Rungs } from './prune.js';
import {
  SWEEP_FORMAT,
  SWEEP_VERSION,
  SweepRecord,
  sweepId,
  type SweepDefinition,
  type SweepIdentity,
} from './record.js';
import { redactedArgv } from './redis-options.js';
import { runSweep, specOf, type Executor, type SweepHooks, type SweepOutcome } from './scheduler.js';
import { parseSweepSettings, threadBudget, type SweepSettings } from './sweep-settings.js';
import { shareSets } from './shared-data.js';
import { FoldingExecutor } from './fold-trials.js';
import { foldPlan } from '../workflow/cross-validate.js';
import { checkRefitSets } from '../workflow/refit.js';
import { describeAxis } from './space.js';
import type { Plan } from './strategies.js';

/** Everything a sweep needs besides its options. */
export interface SweepContext {
  /** Notes and the announcement go to `io.err`; absent: nowhere. */
  io?: Io;
  /** The data itself instead of the data options' files (trials on threads only). */
  dataset?: Dataset;
  signal?: AbortSignal;
  hooks?: SweepHooks;
  /** Called with the record's first lines (what is searched, how, where): the command prints them. */
  onAnnounce?: (text: string) => void;
  /** Called once the record is open, with the number of trials the progress counts. */
  onRecord?: (record: SweepRecord, expected: number) => void;
}

/** A sweep that ran: its record (still held), why it ended, its sets and backend. */
export interface SweepJob {
  record: SweepRecord;
  outcome: SweepOutcome;
  prepared: PreparedData;
  backend: Backend;
  settings: SweepSettings;
  trainSettings: TrainSettings;
  /** How many trials the progress counts (all of a fixed plan, the budget of recipe and depth). */
  expected: number;
}

const QUIET: Io = { out: () => {}, err: () => {}, errIsTTY: false };

/** Runs the sweep the options describe; `finish` sees it before the record is released. */
export async function runSweepJob<T>(
  args: Parsed,
  invocation: Invocation,
  ctx: SweepContext,
  finish: (job: SweepJob) => Promise<T>,
): Promise<T> {
  const io = ctx.io ?? QUIET;
  // Options and the space first: a typo fails before any data is read.
  const { s, trainSettings } = sweepSettingsOf(args, invocation, ctx);
  // Redis first: an unreachable queue is one line within seconds, before any data is read.
  // BullMQ and ioredis load only for a queue: nothing else in lnn needs them.
  const queue = s.queue !== undefined ? await (await import('./queued.js')).queueExecutor(args, s) : undefined;
  const backend = await chooseBackend(args);
  const prepared = await prepareData(args, trainSettings, io, ctx.dataset ? { dataset: ctx.dataset } : {});
  requireDev(prepared);
  checkRefitSets(trainSettings, prepared);
  // The classes must allow K folds: one line before any trial, not K failed folds per trial.
  if (trainSettings.folds !== undefined) foldPlan(prepared, trainSettings);
  const plan = makePlan(s, trainSettings, prepared);
  knownTrials(plan).forEach((p, i) => checkTrial(s.base, p, i + 1, { prepared, backend }));
  const identity = identityOf(s, prepared, invocation);
  const record = SweepRecord.open(s.dir ?? `sweep-${identity.id.slice(0, 8)}`, identity, { resume: s.resume });
  try {
    const saveBest = args['save-best'];
    if (typeof saveBest === 'string' && record.ownsFile(saveBest))
      throw new UsageError(
        `--save-best ${printable(saveBest)}: is a file of the sweep's own record in ${printable(record.dir)}; save the model elsewhere`,
      );
    const { executor, how } = withFolds(
      queue
        ? queue({ plan, record, io, quiet: Boolean(args['quiet']) })
        : threadExecutor(s, args, plan, {
            record,
            prepared,
            folds: trainSettings.folds ?? 1,
            progress: ctx.hooks?.progress,
          }),
      trainSettings.folds,
      queue !== undefined,
      record,
    );
    ctx.onAnnounce?.(announcement({ settings: s, plan, prepared, record, how }));
    const expected = expectedTrials(s, plan);
    ctx.onRecord?.(record, expected);
    const outcome = await runAndClose(plan, record, executor, ctx);
    return await finish({ record, outcome, prepared, backend, settings: s, trainSettings, expected });
  } finally {
    record.close();
  }
}

/** The sweep's settings and its trials' shared training settings, checked together before any data is read. */
function sweepSettingsOf(
  args: Parsed,
  invocation: Invocation,
  ctx: SweepContext,
): { s: SweepSettings; trainSettings: TrainSettings } {
  const s = parseSweepSettings(args, invocation);
  const trainSettings = parseTrainSettings({
    ...s.base,
    ...baselineValues(s),
    'evaluate-test': args['evaluate-test'],
    refit: args['refit'],
  });
  checkFoldOptions(s, trainSettings, args);
  if (s.queue === undefined) {
    // The Redis options mean nothing without a queue: a forgotten --queue must not run the sweep here.
    const given = ['password', 'tls-ca', 'secret-file'].find((o) => args[o] !== undefined);
    if (given)
      throw new UsageError(`--${given} is for the Redis of --queue; add --queue rediss://HOST:PORT or drop it`);
  } else if (ctx.dataset)
    throw new UsageError('--queue sends each trial to workers that read the data by path: give data as a file path');
  return { s, trainSettings };
}

async function runAndClose(plan: Plan, record: SweepRecord, executor: Executor, ctx: SweepContext) {
  // An abort stops the trials at once (their threads end); their start lines stay, so --resume reruns them.
  const stop = () => void executor.close();
  ctx.signal?.addEventListener('abort', stop, { once: true });
  try {
    return await runSweep(plan, record, executor, ctx);
  } finally {
    ctx.signal?.removeEventListener('abort', stop);
    await executor.close();
  }
}

/**
 * Trials on threads of this machine, each with its share of the cores (and the pruning rungs); with
 * --folds K, K runs a trial, spread over the threads.
 */
function threadExecutor(
  s: SweepSettings,
  args: Parsed,
  plan: Plan,
  {
    record,
    prepared,
    folds,
    progress,
  }: { record: SweepRecord; prepared: PreparedData; folds: number; progress?: SweepHooks['progress'] },
): { executor: Executor; how: string } {
  const todo =
    plan.kind === 'all' ? plan.proposals.filter((p) => !record.finished.has(specOf(s.base, p, 0).id)).length : 1;
  const budget = threadBudget(s, Math.max(1, todo * folds));
  const rungs = s.prune ? rememberRungs(record) : undefined;
  const executor = new ThreadExecutor(shareSets(prepared, folds > 1), {
    ...budget,
    ...(typeof args['backend'] === 'string' ? { backend: args['backend'] } : {}),
    ...(rungs ? { prune: (id: string, r: number, e: number) => rungs.report(r, id, e) } : {}),
    ...(progress ? { progress } : {}),
  });
  const each = `${budget.threadsEach} kernel thread${budget.threadsEach === 1 ? '' : 's'} each`;
  return { executor, how: `${budget.parallel} at a time with ${each} (${availableParallelism()} cores)` };
}

/**
 * With --folds K, each trial runs as K fold runs on the executor: as many at once as it has threads (a
 * queue: K for each trial it would run at once), one result per trial.
 */
function withFolds(
  made: { executor: Executor; how: string },
  k: number | undefined,
  queue: boolean,
  record: SweepRecord,
): { executor: Executor; how: string } {
  if (k === undefined) return made;
  const { train, dev, splitRule } = record.identity.data;
  const units = made.executor.capacity * (queue ? k : 1);
  const executor = new FoldingExecutor(made.executor, k, units, { train, dev, splitRule });
  return { executor, how: `${made.how}; each trial as ${k} folds of train + dev` };
}

/**
 * What --folds cannot go with: pruning (a trial's dev error is known only when its folds end), and a
 * best model without --refit (a cross-validated trial keeps none of its fold models).
 */
function checkFoldOptions(s: SweepSettings, settings: TrainSettings, args: Parsed): void {
  const k = settings.folds;
  if (k === undefined) return;
  if (s.prune)
    throw new UsageError(
      `--prune compares trials' dev error while they train, and with --folds ${k} a trial's dev error is the mean of its folds, known when they end; drop --prune or --folds`,
    );
  for (const option of ['save-best', 'evaluate-test'])
    if (args[option] !== undefined && args[option] !== false && !settings.refit)
      throw new UsageError(
        `--${option} with --folds ${k} needs --refit: a cross-validated trial keeps none of its ${k} fold models, and --refit fits the best configuration on all of train + dev`,
      );
}

/** The first listed value of each swept hyperparameter: the settings the sets and the baseline come from. */
function baselineValues(s: SweepSettings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of s.axes) if (a.kind === 'values') out[a.key] = a.values[0]!;
  return out;
}

/** Every trial is judged on dev: a sweep without a dev set has nothing to rank by. */
function requireDev(prepared: PreparedData): void {
  if (!prepared.dev || prepared.dev.X.cols === 0)
    throw new UsageError(
      `a sweep judges every trial on a dev set and there is none (${prepared.sets.rule}); keep a --split with a dev share, or give --dev`,
    );
}

/** What makes this sweep this sweep: strategy, space, shared options and the data (with its bytes). */
function identityOf(s: SweepSettings, prepared: PreparedData, invocation: Invocation): SweepIdentity {
  const { data, sets } = prepared;
  const def: SweepDefinition = {
    strategy: s.strategy,
    strategyOptions: {
      prune: s.prune,
      ...(s.strategy === 'depth' ? { maxDepth: s.maxDepth, minGain: s.minGain } : {}),
      ...(s.strategy === 'random' ? { seed: String(s.base['seed'] ?? '1') } : {}),
    },
    space: s.axes,
    base: s.base,
    data: {
      source: data.source,
      m: data.X.cols,
      nx: data.X.rows,
      ...defined({ classes: data.classes }),
      hash: hashArrays([
        toMatrix(sets.train.X).data,
        sets.train.labels.data,
        toMatrix(sets.dev!.X).data,
        sets.dev!.labels.data,
      ]),
      train: sets.train.X.cols,
      dev: sets.dev!.X.cols,
      ...defined({ test: sets.test?.X.cols }),
      splitRule: sets.rule,
    },
  };
  return {
    format: SWEEP_FORMAT,
    version: SWEEP_VERSION,
    id: sweepId(def),
    createdAt: new Date().toISOString(),
    // Without --password's value or a password in --queue's URL: the record is read, copied and reported.
    command: ['lnn', ...redactedArgv(invocation.argv)],
    ...def,
  };
}

/** The trials the progress counts: all of a fixed plan, the budget of recipe, the depths of depth. */
function expectedTrials(s: SweepSettings, plan: Plan): number {
  if (plan.kind === 'all') return new Set(plan.proposals.map((p) => JSON.stringify(p.values))).size;
  return s.strategy === 'depth' ? s.maxDepth + 1 : s.trials;
}

/** A resumed sweep prunes against the rungs its earlier trials reached. */
function rememberRungs(record: SweepRecord): Rungs {
  const rungs = new Rungs();
  for (const t of record.finished.values())
    if (t.run) rungs.remember(t.id, t.run.history.evals, Number(t.run.hyperparameters['iterations']));
  return rungs;
}

/** The first lines: what is searched, how, on what, where the record goes, what a resume keeps. */
function announcement({
  settings: s,
  plan,
  prepared,
  record,
  how,
}: {
  settings: SweepSettings;
  plan: Plan;
  prepared: PreparedData;
  record: SweepRecord;
  how: string;
}): string {
  const space = s.axes.map((a) => `--${a.key} ${describeAxis(a)}`).join(', ') || 'the baseline';
  const count = plan.kind === 'all' ? `${plan.proposals.length} trials` : `up to ${expectedTrials(s, plan)} trials`;
  const { sets } = prepared;
  const lines = [
    `lnn sweep: ${s.strategy} over ${space}: ${count}, ${how}; ` +
      `${prepared.data.source}: train ${sets.train.X.cols}, dev ${sets.dev!.X.cols} (${sets.rule}); record in ${record.dir}`,
  ];
  if (plan.kind === 'all' && plan.note) lines.push(`note: ${plan.note}`);
  const done = record.finished.size;
  if (done > 0 || record.halfDone.length > 0 || record.unrun > 0)
    lines.push(
      `resuming ${record.dir}: ${done} trial${done === 1 ? '' : 's'} finished and kept` +
        (record.halfDone.length ? `, ${record.halfDone.length} half-done run again from the start` : '') +
        (record.unrun ? `, ${record.unrun} that no worker could run queued again` : '') +
        (record.repaired ? ' (a last line cut short by a crash was dropped)' : ''),
    );
  return lines.join('\n') + '\n';
}
