/**
 * Trials on worker threads (ThreadExecutor): a trial's result from its thread, the progress and pruning
 * questions it sends, a thread that cannot start, and a thread that ends under a trial.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { loadBuiltin } from '../../src/data/read/builtin.js';
import { specOf, type TrialSpec } from '../../src/sweep/scheduler.js';
import type { TrialProgress } from '../../src/sweep/run-trial.js';
import { shareSets, type SharedSets } from '../../src/sweep/shared-data.js';
import { ThreadExecutor } from '../../src/sweep/trial-pool.js';
import { argsFrom } from '../../src/workflow/camel.js';
import { trainOptions } from '../../src/workflow/options.js';
import type { Io } from '../../src/workflow/parse.js';
import { prepareData } from '../../src/workflow/prepare.js';
import { parseTrainSettings } from '../../src/workflow/settings.js';

const QUIET: Io = { out: () => {}, err: () => {}, errIsTTY: false };

/** `lnn train`'s options over their defaults, as a sweep's base (absent ones left out). */
function base(options: Record<string, unknown>): Record<string, string | boolean> {
  const args = argsFrom({ hidden: '4', ...options }, trainOptions);
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | boolean
  >;
}

/** Iris's train and dev sets in shared memory. */
async function irisSets(): Promise<SharedSets> {
  const args = base({});
  const prepared = await prepareData(args, parseTrainSettings(args), QUIET, { dataset: loadBuiltin('iris') });
  return shareSets(prepared);
}

const open: ThreadExecutor[] = [];
after(() => Promise.all(open.map((e) => e.close())));

function executor(sets: SharedSets, options: ConstructorParameters<typeof ThreadExecutor>[1]): ThreadExecutor {
  const e = new ThreadExecutor(sets, options);
  open.push(e);
  return e;
}

describe('ThreadExecutor', { concurrency: false }, async () => {
  const sets = await irisSets();
  const spec = (options: Record<string, unknown>, index = 1): TrialSpec =>
    specOf(base(options), { values: { lr: '0.01' } }, index);

  test('a trial runs on its thread: the result names the trial and where it ran; the thread takes the next', async () => {
    const pool = executor(sets, { parallel: 1, threadsEach: 1, backend: 'ts', ranOn: 'box' });
    assert.equal(pool.capacity, 1);
    const one = spec({ iterations: 20 });
    const run = await pool.run(one);
    assert.equal(run.result.status, 'ok');
    assert.equal(run.result.id, one.id);
    assert.equal(run.result.index, 1);
    assert.deepEqual(run.result.values, { lr: '0.01' });
    assert.equal(run.result.ranOn, 'box');
    assert.equal(run.result.run!.result.iterations, 20);
    assert.equal(run.result.run!.hyperparameters['backend'], 'ts');
    assert.equal(run.result.run!.hyperparameters['learningRate'], 0.01);
    assert.equal(JSON.parse(run.model!).format, 'lnn-model');
    const two = await pool.run(spec({ iterations: 10 }, 2));
    assert.equal(two.result.index, 2);
    assert.equal(two.result.run!.result.iterations, 10);
  });

  test("progress comes with its trial's spec; pruning asks at each rung and a no prunes the trial", async () => {
    const seen: { id: string; p: TrialProgress }[] = [];
    const asked: [string, number, number][] = [];
    const pool = executor(sets, {
      parallel: 1,
      threadsEach: 1,
      backend: 'ts',
      progress: (s, p) => seen.push({ id: s.id, p }),
      prune: (id, r, devError) => {
        asked.push([id, r, devError]);
        return r === 0;
      },
    });
    const trial = spec({ iterations: 90, evalEvery: 10 });
    const run = await pool.run(trial);
    assert.equal(run.result.status, 'pruned');
    assert.match(
      run.result.error!,
      /^pruned at iteration 30 of 90 \(rung 2, at 1\/3 of the budget: dev error [\d.]+% is not among the best third\)$/,
    );
    assert.equal(run.model, undefined, 'a pruned trial keeps no model');
    assert.deepEqual(
      asked.map(([id, r]) => [id, r]),
      [
        [trial.id, 0],
        [trial.id, 1],
      ],
    );
    const evals = run.result.run!.history.evals;
    assert.equal(asked[0]![2], evals.find((e) => e.iteration === 10)!.devError);
    assert.equal(asked[1]![2], evals.find((e) => e.iteration === 30)!.devError);
    assert.ok(seen.length > 0);
    assert.ok(seen.every((s) => s.id === trial.id && s.p.total === 90));
    for (const e of evals.filter((e) => e.iteration > 0))
      assert.ok(
        seen.some((s) => s.p.iteration === e.iteration && s.p.devError === e.devError),
        `progress at ${e.iteration}`,
      );
  });

  test('a thread that cannot start its kernels fails the run with the reason', async () => {
    const pool = executor(sets, { parallel: 1, threadsEach: 1, backend: 'nope' });
    await assert.rejects(
      pool.run(spec({ iterations: 5 })),
      (e: unknown) => e instanceof Error && /^backend must be one of ts(, \w+)* but is 'nope'$/.test(e.message),
    );
  });

  test('a thread that ends under a trial fails that trial, not the sweep; a new thread runs the next', async () => {
    const pool = executor(sets, { parallel: 1, threadsEach: 1, backend: 'ts' });
    let stopping: Promise<void> | undefined;
    const killed = executor(sets, {
      parallel: 1,
      threadsEach: 1,
      backend: 'ts',
      ranOn: 'box',
      progress: () => void (stopping ??= killed.close()),
    });
    const run = await killed.run(spec({ iterations: 1_000_000, evalEvery: 1 }));
    await stopping;
    assert.equal(run.result.status, 'failed');
    assert.equal(run.result.error, 'the trial stopped: its thread exited with code 1');
    assert.equal(run.result.ranOn, 'box', 'the failure says where it ran, as a result does');
    assert.equal(run.result.seconds, 0);
    const next = await pool.run(spec({ iterations: 5 }, 2));
    assert.equal(next.result.status, 'ok');
  });
});
