/**
 * Runs a sweep: asks the strategy for trials, hands them to an executor (threads on this machine, or
 * workers behind a queue), and writes each start and result to the record as it happens. Trials the
 * record already holds are never run again; a half-done one runs from the start.
 */
import { applicableArgs } from './conditional.js';
import { AbortError } from '../core/errors.js';
import type { SweepRecord } from './record.js';
import { trialId, type SweepDefinition } from './record.js';
import { costTrend } from './curve.js';
import type { TrialProgress } from './run-trial.js';
import type { Plan } from './strategies.js';
import { bestTrial, type Proposal, type TrialResult, type TrialSummary } from './trial.js';

/** One trial to run: the proposal, its id and index, and the `lnn train` options it trains with. */
export interface TrialSpec extends Proposal {
  id: string;
  index: number;
  /** The shared options with the trial's values over them, as `lnn train` would parse them. */
  args: Record<string, string | boolean>;
  /**
   * With --folds K: the fold (1..K) this run trains on the others and judges on itself; a thread or a
   * worker rebuilds the same folds from the sets, K and the seed. Absent: the whole trial.
   */
  fold?: number;
}

/** A finished trial and, when it trained to the end, its model (the text of a model file). */
export interface TrialRun {
  result: TrialResult;
  model?: string;
}

/** What a trial's result repeats of its spec: id, index, values, and why and from which trial it was proposed. */
export function trialIdentity(
  spec: TrialSpec,
): Pick<TrialResult, 'id' | 'index' | 'values' | 'reason' | 'parent' | 'move'> {
  return {
    id: spec.id,
    index: spec.index,
    values: spec.values,
    ...(spec.reason ? { reason: spec.reason } : {}),
    ...(spec.parent ? { parent: spec.parent } : {}),
    ...(spec.move ? { move: spec.move } : {}),
  };
}

/** A trial that failed before it trained (its thread died, its job failed): `error` says why, `ranOn` where. */
export function failedTrial(spec: TrialSpec, error: string, ranOn: string): TrialRun {
  return {
    result: {
      ...trialIdentity(spec),
      status: 'failed',
      error,
      seconds: 0,
      ranOn,
      finishedAt: new Date().toISOString(),
    },
  };
}

/** Where trials run. */
export interface Executor {
  /** How many trials may run at once. */
  readonly capacity: number;
  run(spec: TrialSpec): Promise<TrialRun>;
  /** Called once the trial's result is on disk (a queue then drops the job). */
  recorded?(spec: TrialSpec): Promise<void>;
  close(): Promise<void>;
}

export interface SweepHooks {
  started?(spec: TrialSpec): void;
  /** Where a running trial stands (trials on this machine's threads; a queue's workers do not tell). */
  progress?(spec: TrialSpec, p: TrialProgress): void;
  /** After the result is on disk. `recorded` is false for a trial the record already held. */
  finished?(result: TrialResult, recorded: boolean): void;
}

export interface SweepOutcome {
  /** Trials this invocation trained and recorded. */
  ran: number;
  /** Why the sweep ended, in words. */
  stopped: string;
}

/** The `lnn train` options of a trial: the shared ones, its values over them. */
export function trialArgs(base: SweepDefinition['base'], p: Proposal): Record<string, string | boolean> {
  return applicableArgs({ ...base, ...p.values }, p.values.optimizer !== undefined);
}

export function specOf(base: SweepDefinition['base'], p: Proposal, index: number): TrialSpec {
  return { ...p, id: trialId(base, p.values), index, args: trialArgs(base, p) };
}

/**
 * Runs the plan to its end. Every start and finish goes to the record before the next step; the best
 * trial's model is written before its finish line (and the previous best's removed after it), so the
 * record's best always has its model.
 */
export async function runSweep(
  plan: Plan,
  record: SweepRecord,
  executor: Executor,
  { hooks = {}, signal }: { hooks?: SweepHooks | undefined; signal?: AbortSignal | undefined } = {},
): Promise<SweepOutcome> {
  const base = record.identity.base;
  const state = { ran: 0 };
  const runOne = async (spec: TrialSpec) => {
    stopIfAborted(signal, state.ran);
    record.start(spec.id, spec.index, proposalOf(spec));
    hooks.started?.(spec);
    const { result, model } = await executor.run(spec);
    // A trial cut off by the abort is not a result: its start line stays, and --resume runs it again.
    stopIfAborted(signal, state.ran);
    keep(record, result, model, state);
    await executor.recorded?.(spec);
    hooks.finished?.(result, true);
  };
  if (plan.kind === 'all') {
    const specs = dedupe(plan.proposals.map((p, i) => specOf(base, p, i + 1)));
    const todo = specs.filter((s) => !record.finished.has(s.id));
    await pool(todo, executor.capacity, runOne);
    return { ...state, stopped: `all ${specs.length} trials finished` };
  }
  for (;;) {
    const history = [...record.finished.values()].sort((a, b) => a.index - b.index);
    const next = plan.next(history.map(summaryOf));
    if ('stop' in next) return { ...state, stopped: next.stop };
    const spec = specOf(base, next, history.length + 1);
    if (record.finished.has(spec.id))
      return { ...state, stopped: `trial ${spec.index} repeats an earlier one; stopping` };
    await runOne(spec);
  }
}

function stopIfAborted(signal: AbortSignal | undefined, ran: number): void {
  if (!signal?.aborted) return;
  if (signal.reason instanceof Error && signal.reason.name !== 'AbortError') throw signal.reason;
  throw new AbortError(
    `sweep aborted after ${ran} trial${ran === 1 ? '' : 's'}; those recorded are kept, and resume runs the rest`,
    { cause: signal.reason },
  );
}

/** Records a result; the model goes to disk first when the trial is the new best. */
function keep(record: SweepRecord, result: TrialResult, model: string | undefined, state: { ran: number }): void {
  if (record.finished.has(result.id)) return;
  const before = bestTrial([...record.finished.values()]);
  const isBest = model !== undefined && bestTrial([...record.finished.values(), result]) === result;
  if (isBest) record.saveModel(result.id, model);
  if (record.finish(result)) state.ran++;
  if (isBest && before) record.pruneModels(result.id);
}

function proposalOf(spec: TrialSpec): Proposal {
  const { values, reason, parent, move } = spec;
  return { values, ...(reason ? { reason } : {}), ...(parent ? { parent } : {}), ...(move ? { move } : {}) };
}

/** What strategies read of a result: no curves, but how the cost curve ended. */
export function summaryOf(t: TrialResult): TrialSummary {
  const { run, seconds: _s, ranOn: _r, finishedAt: _f, ...summary } = t;
  const cost = run ? costTrend(run.history.costs) : undefined;
  return cost ? { ...summary, cost } : summary;
}

function dedupe(specs: TrialSpec[]): TrialSpec[] {
  const seen = new Set<string>();
  return specs.filter((s) => !seen.has(s.id) && seen.add(s.id));
}

/** Runs `work` on every item, at most `capacity` at a time; the first failure is thrown after all settle. */
async function pool<T>(items: readonly T[], capacity: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  let failure: unknown;
  const lane = async () => {
    while (next < items.length && failure === undefined) {
      const item = items[next++]!;
      try {
        await work(item);
      } catch (e) {
        failure ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(capacity, items.length)) }, lane));
  if (failure !== undefined) throw failure;
}
