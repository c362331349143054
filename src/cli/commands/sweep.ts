import { toMatrix } from '../../data/features.js';
import { availableParallelism } from 'node:os';
import { printable } from '../../core/text.js';
import { hashArrays } from '../../sweep/hash.js';
import { Rungs } from '../../sweep/prune.js';
import {
  SWEEP_FORMAT,
  SWEEP_VERSION,
  SweepRecord,
  sweepId,
  type SweepDefinition,
  type SweepIdentity,
} from '../../sweep/record.js';
import { runSweep, specOf, type Executor } from '../../sweep/scheduler.js';
import { describeAxis } from '../../sweep/space.js';
import type { Plan } from '../../sweep/strategies.js';
import { rankTrials } from '../../sweep/trial.js';
import { type Command } from '../command.js';
import { UsageError, type Invocation, type Io, type Parsed } from '../../workflow/parse.js';
import { planCommandOutputs } from '../outputs.js';
import { chooseBackend } from '../../workflow/inputs.js';
import { prepareData, type PreparedData } from '../../workflow/prepare.js';
import { TRAIN_INPUTS } from '../../workflow/options.js';
import { parseTrainSettings, type TrainSettings } from '../../workflow/settings.js';
import type { OutputPlan } from '../../io/outputs.js';
import { SweepProgress, trialLine } from '../sweep/display.js';
import { finishSweep } from '../../sweep/finish.js';
import { SWEEP_DETAILS, sweepOptions } from '../../sweep/options.js';
import { checkTrial, knownTrials, makePlan } from '../../sweep/plan.js';
import { ThreadExecutor } from '../../sweep/pool.js';
import { redactedArgv } from '../../sweep/redis-options.js';
import { parseSweepSettings, threadBudget, type SweepSettings } from '../../sweep/settings.js';
import { shareSets } from '../../sweep/shared-data.js';

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'search hyperparameters: grid, random, one-at-a-time, depth or the basic recipe, ranked by dev error',
  usage: '(--data FILE | --x X.npy --y Y.npy) [--lr A --lr B ...] [--strategy NAME] [options]',
  options: sweepOptions,
  details: SWEEP_DETAILS,
  run: (args, io, invocation) => runSweepCommand(args, io, invocation),
};

/** The files a sweep reads: an output equal to one of them is refused before any trial. */
const SWEEP_INPUTS = [...TRAIN_INPUTS, 'space'];

async function runSweepCommand(args: Parsed, io: Io, invocation: Invocation): Promise<number> {
  const t0 = performance.now();
  // Options, the space and the output locations first: a typo fails before any data is read.
  const s = parseSweepSettings(args, invocation);
  const settings = parseTrainSettings({
    ...s.base,
    ...baselineValues(s),
    'evaluate-test': Boolean(args['evaluate-test']),
  });
  const outputs = planCommandOutputs(args, ['save-best'], SWEEP_INPUTS);
  if (s.queue === undefined) {
    // The Redis options mean nothing without a queue: a forgotten --queue must not run the sweep here.
    const given = ['password', 'tls-ca', 'secret-file'].find((o) => args[o] !== undefined);
    if (given)
      throw new UsageError(`--${given} is for the Redis of --queue; add --queue rediss://HOST:PORT or drop it`);
  } else {
    const { runQueuedSweep } = await import('../../sweep/queued.js');
    return runQueuedSweep(args, io, invocation, s, settings, outputs, t0);
  }
  return sweepWith(args, io, invocation, s, settings, outputs, t0, ({ plan, record, prepared }) => {
    const todo =
      plan.kind === 'all' ? plan.proposals.filter((p) => !record.finished.has(specOf(s.base, p, 0).id)).length : 1;
    const budget = threadBudget(s, Math.max(1, todo));
    const rungs = s.prune ? rememberRungs(record) : undefined;
    const executor = new ThreadExecutor(shareSets(prepared), {
      ...budget,
      ...(typeof args['backend'] === 'string' ? { backend: args['backend'] } : {}),
      ...(rungs ? { prune: (id: string, r: number, e: number) => rungs.report(r, id, e) } : {}),
    });
    const each = `${budget.threadsEach} kernel thread${budget.threadsEach === 1 ? '' : 's'} each`;
    return { executor, how: `${budget.parallel} at a time with ${each} (${availableParallelism()} cores)` };
  });
}

/** Where a sweep's trials run, and how the announcement says it. */
export type ExecutorFactory = (sweep: {
  plan: ReturnType<typeof makePlan>;
  record: SweepRecord;
  prepared: PreparedData;
}) => { executor: Executor; how: string };

/**
 * A sweep from its settings, wherever its trials run (threads here, or a queue): the sets made once,
 * every known trial checked before the first one trains, the record opened (or resumed), the trials run
 * with the ranked display, then the best saved and reported.
 */
export async function sweepWith(
  args: Parsed,
  io: Io,
  invocation: Invocation,
  s: SweepSettings,
  settings: TrainSettings,
  outputs: OutputPlan,
  t0: number,
  executorFor: ExecutorFactory,
): Promise<number> {
  const backend = await chooseBackend(args);
  const prepared = await prepareData(args, settings, io);
  requireDev(prepared);
  const plan = makePlan(s, settings, prepared);
  knownTrials(plan).forEach((p, i) => checkTrial(s.base, p, i + 1, prepared, backend));
  const identity = identityOf(s, prepared, invocation);
  const record = SweepRecord.open(s.dir ?? `sweep-${identity.id.slice(0, 8)}`, identity, { resume: s.resume });
  try {
    const saveBest = args['save-best'];
    if (typeof saveBest === 'string' && record.ownsFile(saveBest))
      throw new UsageError(
        `--save-best ${printable(saveBest)}: is a file of the sweep's own record in ${printable(record.dir)}; save the model elsewhere`,
      );
    const { executor, how } = executorFor({ plan, record, prepared });
    if (!args['quiet']) io.err(announcement(s, plan, prepared, record, how));
    const outcome = await runWithDisplay(plan, record, executor, io, Boolean(args['quiet']), expectedTrials(s, plan));
    return await finishSweep(record, outcome, prepared, backend, outputs, io, {
      json: Boolean(args['json']),
      saveBest: typeof args['save-best'] === 'string' ? args['save-best'] : undefined,
      evaluateTest: settings.evaluateTest,
      seconds: (performance.now() - t0) / 1000,
    });
  } finally {
    record.close();
  }
}

/** The first listed value of each swept hyperparameter: the settings the sets and the baseline come from. */
function baselineValues(s: SweepSettings): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of s.axes) if (a.kind === 'values') out[a.key] = a.values[0]!;
  return out;
}

/** Every trial is judged on dev: a sweep without a dev set has nothing to rank by. */
export function requireDev(prepared: PreparedData): void {
  if (!prepared.dev || prepared.dev.X.cols === 0)
    throw new UsageError(
      `a sweep judges every trial on a dev set and there is none (${prepared.sets.rule}); keep a --split with a dev share, or give --dev`,
    );
}

/** What makes this sweep this sweep: strategy, space, shared options and the data (with its bytes). */
export function identityOf(s: SweepSettings, prepared: PreparedData, invocation: Invocation): SweepIdentity {
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
      ...(data.classes ? { classes: data.classes } : {}),
      hash: hashArrays([
        toMatrix(sets.train.X).data,
        sets.train.labels.data,
        toMatrix(sets.dev!.X).data,
        sets.dev!.labels.data,
      ]),
      train: sets.train.X.cols,
      dev: sets.dev!.X.cols,
      ...(sets.test ? { test: sets.test.X.cols } : {}),
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
export function expectedTrials(s: SweepSettings, plan: Plan): number {
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

/** The first lines on stderr: what is searched, how, on what, where the record goes. */
export function announcement(
  s: SweepSettings,
  plan: Plan,
  prepared: PreparedData,
  record: SweepRecord,
  how: string,
): string {
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

/** Runs the sweep, printing each trial's reason when it starts and its line when it finishes. */
export async function runWithDisplay(
  plan: Plan,
  record: SweepRecord,
  executor: Executor,
  io: Io,
  quiet: boolean,
  expected: number,
) {
  const classification = record.identity.data.classes !== undefined;
  const progress = new SweepProgress(Math.max(expected, record.finished.size), record.finished.size);
  try {
    return await runSweep(plan, record, executor, {
      started: (spec) => {
        if (!quiet && spec.reason) io.err(`trial ${spec.index}: ${spec.reason}\n`);
      },
      finished: (result) => {
        if (quiet) return;
        const ranked = rankTrials([...record.finished.values()]);
        io.err(trialLine(result, ranked.indexOf(result) + 1, ranked.length, classification, progress.step()));
      },
    });
  } finally {
    await executor.close();
  }
}
