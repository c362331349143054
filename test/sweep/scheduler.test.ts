// The scheduler alone (src/sweep/scheduler.ts): which trials run, how many at once, in what order the
// record, the hooks and the executor hear of them, and how an abort or a failure ends a sweep.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import {
  SWEEP_FORMAT,
  SWEEP_VERSION,
  SweepRecord,
  sweepId,
  type SweepDefinition,
  type SweepIdentity,
} from '../../src/sweep/record.js';
import {
  failedTrial,
  runSweep,
  specOf,
  summaryOf,
  trialArgs,
  trialIdentity,
  type Executor,
  type TrialRun,
  type TrialSpec,
} from '../../src/sweep/scheduler.js';
import { parseAxis } from '../../src/sweep/space.js';
import type { Plan } from '../../src/sweep/strategies.js';
import type { Proposal, TrialResult, TrialSummary } from '../../src/sweep/trial.js';

const root = mkdtempSync(join(tmpdir(), 'lnn-scheduler-'));
after(() => rmSync(root, { recursive: true, force: true }));

const BASE = { data: 'builtin:iris', seed: '1' };
let records = 0;

/** A fresh record in a directory of its own. */
function openRecord(): SweepRecord {
  const def: SweepDefinition = {
    strategy: 'grid',
    strategyOptions: { prune: false },
    space: [parseAxis('lr', ['0.1', '0.01'])],
    base: BASE,
    data: {
      source: 'builtin:iris',
      m: 150,
      nx: 4,
      hash: '0123456789abcdef',
      train: 90,
      dev: 30,
      test: 30,
      splitRule: 'auto',
    },
  };
  const identity: SweepIdentity = {
    format: SWEEP_FORMAT,
    version: SWEEP_VERSION,
    id: sweepId(def),
    createdAt: 'now',
    command: ['lnn'],
    ...def,
  };
  return SweepRecord.open(join(root, `r${++records}`), identity, { resume: false });
}

/** The record's events, in the order written. */
const events = (rec: SweepRecord) =>
  readFileSync(join(rec.dir, 'trials.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { event: string; index: number });

const ok = (spec: TrialSpec, devError = Number(spec.values.lr)): TrialResult => ({
  ...trialIdentity(spec),
  status: 'ok',
  trainError: devError / 2,
  devError,
  seconds: 0,
  ranOn: 'test',
  finishedAt: 'now',
});

const all = (...lrs: string[]): Plan => ({ kind: 'all', proposals: lrs.map((lr) => ({ values: { lr } })) });

/**
 * An executor whose trials end when the test says: `running` holds the trials started and not yet
 * ended; `end(lr)` ends one with its result.
 */
class HeldExecutor implements Executor {
  readonly running = new Map<string, { spec: TrialSpec; resolve: (run: TrialRun) => void }>();
  readonly log: string[] = [];
  most = 0;
  private changed = () => {};
  constructor(readonly capacity: number) {}
  run(spec: TrialSpec): Promise<TrialRun> {
    this.log.push(`run ${spec.index}`);
    return new Promise((resolve) => {
      this.running.set(spec.values.lr!, { spec, resolve });
      this.most = Math.max(this.most, this.running.size);
      this.changed();
    });
  }
  async recorded(spec: TrialSpec): Promise<void> {
    this.log.push(`recorded ${spec.index}`);
  }
  /** Resolves when `n` trials run at once. */
  runningCount(n: number): Promise<void> {
    return new Promise((resolve) => {
      this.changed = () => this.running.size >= n && resolve();
      this.changed();
    });
  }
  end(lr: string): void {
    const { spec, resolve } = this.running.get(lr)!;
    this.running.delete(lr);
    resolve({ result: ok(spec) });
  }
  async close(): Promise<void> {}
}

/** Runs every trial at once with its result; remembers the order. */
class InstantExecutor implements Executor {
  readonly ran: string[] = [];
  constructor(
    readonly capacity = 1,
    private readonly fail?: (spec: TrialSpec) => boolean,
  ) {}
  async run(spec: TrialSpec): Promise<TrialRun> {
    this.ran.push(spec.values.lr!);
    if (this.fail?.(spec)) throw new Error(`trial ${spec.index} broke`);
    return { result: ok(spec), model: `{"lr": "${spec.values.lr}"}` };
  }
  async close(): Promise<void> {}
}

describe('the pieces of a trial', () => {
  test('a spec is the proposal with its id, index and the shared options under its values', () => {
    const p: Proposal = { values: { lr: '0.1', hidden: '8' }, reason: 'why', parent: 2, move: 'units' };
    const spec = specOf({ ...BASE, lr: '0.5' }, p, 3);
    assert.deepEqual(spec.args, { data: 'builtin:iris', seed: '1', lr: '0.1', hidden: '8' });
    assert.equal(spec.index, 3);
    assert.match(spec.id, /^[0-9a-f]{16}$/);
    assert.equal(specOf(BASE, { values: { hidden: '8', lr: '0.1' } }, 9).id, specOf(BASE, p, 3).id, 'id: values only');
    assert.deepEqual(trialArgs(BASE, p), { ...BASE, lr: '0.1', hidden: '8' });
    assert.deepEqual(trialIdentity(spec), {
      id: spec.id,
      index: 3,
      values: p.values,
      reason: 'why',
      parent: 2,
      move: 'units',
    });
    assert.deepEqual(Object.keys(trialIdentity(specOf(BASE, { values: {} }, 1))), ['id', 'index', 'values']);
  });

  test('a failed trial says why and where, trained nothing and took no time', () => {
    const spec = specOf(BASE, { values: { lr: '0.1' } }, 1);
    const { result, model } = failedTrial(spec, 'its thread died', 'host:12');
    assert.equal(model, undefined);
    assert.deepEqual(
      { ...result, finishedAt: 'when' },
      {
        id: spec.id,
        index: 1,
        values: { lr: '0.1' },
        status: 'failed',
        error: 'its thread died',
        seconds: 0,
        ranOn: 'host:12',
        finishedAt: 'when',
      },
    );
    assert.ok(!Number.isNaN(Date.parse(result.finishedAt)));
  });

  test("what a strategy reads of a result: no times, no place, no curves, but the cost curve's end", () => {
    const spec = specOf(BASE, { values: { lr: '0.1' } }, 1);
    const bare = summaryOf(ok(spec));
    assert.deepEqual(Object.keys(bare).sort(), ['devError', 'id', 'index', 'status', 'trainError', 'values']);
    const costs = Array.from({ length: 20 }, (_, i) => ({ iteration: i * 10, cost: 1 / (i + 1) }));
    const withRun = summaryOf({
      ...ok(spec),
      run: { history: { costs } } as unknown as NonNullable<TrialResult['run']>,
    });
    assert.equal('run' in withRun, false);
    assert.ok(withRun.cost, 'the trend of the cost curve');
  });
});

describe('runSweep: a plan of all its trials', () => {
  test('runs each distinct trial once, never more at once than the executor has room for', async () => {
    const rec = openRecord();
    const ex = new HeldExecutor(2);
    const done = runSweep(all('0.3', '0.2', '0.3', '0.1'), rec, ex);
    await ex.runningCount(2);
    assert.deepEqual([...ex.running.keys()], ['0.3', '0.2']);
    ex.end('0.3');
    await ex.runningCount(2);
    assert.deepEqual([...ex.running.keys()], ['0.2', '0.1'], 'the repeated 0.3 is not run again');
    ex.end('0.1');
    ex.end('0.2');
    assert.deepEqual(await done, { ran: 3, stopped: 'all 3 trials finished' });
    assert.equal(ex.most, 2);
    rec.close();
  });

  test("start on the record, then the hook; the result on the record, then the executor's and the hook's turn", async () => {
    const rec = openRecord();
    const ex = new HeldExecutor(1);
    const heard: string[] = [];
    const done = runSweep(all('0.1'), rec, ex, {
      hooks: {
        started: (s) => heard.push(`started ${s.index}: ${events(rec).map((e) => e.event)}`),
        finished: (r, recorded) => heard.push(`finished ${r.index} ${recorded}: ${events(rec).map((e) => e.event)}`),
      },
    });
    await ex.runningCount(1);
    ex.end('0.1');
    await done;
    assert.deepEqual(heard, ['started 1: start', 'finished 1 true: start,finish']);
    assert.deepEqual(ex.log, ['run 1', 'recorded 1']);
    rec.close();
  });

  test('trials the record holds are not run again, and keep their index', async () => {
    const rec = openRecord();
    await runSweep(all('0.1'), rec, new InstantExecutor());
    const ex = new InstantExecutor();
    const out = await runSweep(all('0.1', '0.01'), rec, ex);
    assert.deepEqual(ex.ran, ['0.01']);
    assert.equal(out.ran, 1);
    assert.deepEqual(
      [...rec.finished.values()].map((t) => [t.index, t.values.lr]),
      [
        [1, '0.1'],
        [2, '0.01'],
      ],
    );
    rec.close();
  });

  test("one trial's failure: the trials running beside it end and are recorded, no other starts, and it is thrown", async () => {
    const rec = openRecord();
    const ex = new InstantExecutor(2, (s) => s.index === 1);
    await assert.rejects(runSweep(all('0.3', '0.2', '0.1'), rec, ex), /trial 1 broke/);
    assert.deepEqual(ex.ran, ['0.3', '0.2']);
    assert.deepEqual(
      [...rec.finished.values()].map((t) => t.index),
      [2],
    );
    rec.close();
  });

  test('the best model is on disk before its finish line, and only the best keeps one', async () => {
    const rec = openRecord();
    const ex = new InstantExecutor();
    const seen: boolean[] = [];
    await runSweep(all('0.3', '0.1', '0.2'), rec, ex, {
      hooks: { finished: (r) => seen.push(existsSync(rec.modelFile(r.id))) },
    });
    assert.deepEqual(seen, [true, true, false], 'a new best keeps its model, a worse trial none');
    const best = [...rec.finished.values()].find((t) => t.values.lr === '0.1')!;
    assert.equal(readFileSync(rec.modelFile(best.id), 'utf8'), '{"lr": "0.1"}');
    rec.close();
  });
});

describe('runSweep: an abort', () => {
  test('before a trial starts: an AbortError that counts the trials kept, and nothing starts', async () => {
    const rec = openRecord();
    const ac = new AbortController();
    ac.abort();
    const ex = new InstantExecutor();
    await assert.rejects(runSweep(all('0.1'), rec, ex, { signal: ac.signal }), {
      name: 'AbortError',
      message: 'sweep aborted after 0 trials; those recorded are kept, and resume runs the rest',
    });
    assert.deepEqual(ex.ran, []);
    rec.close();
  });

  test('during a trial: its result is not recorded (its start line stays, for --resume)', async () => {
    const rec = openRecord();
    const ac = new AbortController();
    const ex = new HeldExecutor(1);
    const done = runSweep(all('0.2', '0.1'), rec, ex, { signal: ac.signal });
    await ex.runningCount(1);
    ex.end('0.2');
    await ex.runningCount(1);
    ac.abort();
    ex.end('0.1');
    await assert.rejects(done, { name: 'AbortError', message: /^sweep aborted after 1 trial;/ });
    assert.deepEqual(
      events(rec).map((e) => `${e.event} ${e.index}`),
      ['start 1', 'finish 1', 'start 2'],
    );
    rec.close();
  });

  test("an abort with another reason (a timeout's, a caller's error) throws that reason", async () => {
    const rec = openRecord();
    const reason = new RangeError('the caller gave up');
    await assert.rejects(
      runSweep(all('0.1'), rec, new InstantExecutor(), { signal: AbortSignal.abort(reason) }),
      reason,
    );
    rec.close();
  });
});

describe('runSweep: a sequential plan', () => {
  test('asks the plan with the history so far, by index, until it stops', async () => {
    const rec = openRecord();
    const asked: string[][] = [];
    const plan: Plan = {
      kind: 'sequential',
      next: (history: readonly TrialSummary[]) => {
        asked.push(history.map((t) => `${t.index}:${t.values.lr}`));
        return history.length < 3 ? { values: { lr: String(0.1 / 10 ** history.length) } } : { stop: 'enough' };
      },
    };
    const ex = new InstantExecutor();
    assert.deepEqual(await runSweep(plan, rec, ex), { ran: 3, stopped: 'enough' });
    assert.deepEqual(asked, [[], ['1:0.1'], ['1:0.1', '2:0.01'], ['1:0.1', '2:0.01', '3:0.001']]);
    rec.close();
  });

  test('stops when the plan proposes a trial it already ran', async () => {
    const rec = openRecord();
    const plan: Plan = { kind: 'sequential', next: () => ({ values: { lr: '0.1' } }) };
    const ex = new InstantExecutor();
    assert.deepEqual(await runSweep(plan, rec, ex), { ran: 1, stopped: 'trial 2 repeats an earlier one; stopping' });
    assert.deepEqual(ex.ran, ['0.1']);
    rec.close();
  });
});
