/**
 * A sweep's trials as folds: fold × configuration spread over the executor's slots, one result per trial
 * from its folds (a failed fold fails the trial), and a fold a trial does not have refused.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultBackend } from '../../src/backend/index.js';
import '../../src/index.js';
import { FoldingExecutor } from '../../src/sweep/fold-trials.js';
import { runTrial } from '../../src/sweep/run-trial.js';
import type { Executor, TrialRun, TrialSpec } from '../../src/sweep/scheduler.js';
import { prepareData } from '../../src/workflow/prepare.js';
import { parseTrainSettings } from '../../src/workflow/settings.js';
import { argsFrom } from '../../src/workflow/camel.js';
import { trainOptions } from '../../src/workflow/options.js';

const quiet = { out: () => {}, err: () => {}, errIsTTY: false };
const spec = (index: number, args: Record<string, string | boolean>): TrialSpec => ({
  id: `${index}`.padStart(16, '0'),
  index,
  values: {},
  args,
});

async function irisPrepared(extra: Record<string, unknown> = {}) {
  const args = argsFrom({ data: 'builtin:iris', hidden: [4], iterations: 40, folds: 3, ...extra }, trainOptions);
  const settings = parseTrainSettings(args);
  return { args, prepared: await prepareData(args, settings, quiet) };
}

test('fold runs of several trials share the slots: never more at once than the executor has', async () => {
  const { args, prepared } = await irisPrepared();
  const sargs = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)) as Record<string, string>;
  let running = 0;
  let most = 0;
  const seen: string[] = [];
  const inner: Executor = {
    capacity: 2,
    async run(s: TrialSpec): Promise<TrialRun> {
      running++;
      most = Math.max(most, running);
      seen.push(`${s.index}.${s.fold}`);
      // A turn of the event loop: the other runs the slots allow start meanwhile.
      await new Promise((r) => setImmediate(r));
      const run = await runTrial(s, { prepared, backend: defaultBackend(), ranOn: 'test' });
      running--;
      return run;
    },
    close: async () => {},
  };
  const folds = new FoldingExecutor(inner, 3, 2, { train: 90, dev: 30, splitRule: 'auto' });
  const [a, b] = await Promise.all([folds.run(spec(1, sargs)), folds.run(spec(2, sargs))]);
  assert.equal(most, 2, 'two fold runs at a time, from both trials');
  assert.deepEqual(seen.sort(), ['1.1', '1.2', '1.3', '2.1', '2.2', '2.3']);
  for (const r of [a, b]) {
    assert.equal(r.result.status, 'ok', r.result.error);
    assert.equal(r.model, undefined, "a cross-validated trial keeps no fold's model");
    const f = r.result.run!.folds!;
    assert.equal(f.each.length, 3);
    assert.equal(r.result.devError, f.devError);
    assert.deepEqual(
      f.each.map((e) => e.train + e.dev),
      [120, 120, 120],
    );
    assert.equal(r.result.run!.data.train, 90, "the trial's record names the sweep's sets");
  }
});

test('a failed fold fails the trial, saying which; a fold the trial does not have is refused', async () => {
  const { args, prepared } = await irisPrepared();
  const sargs = Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)) as Record<string, string>;
  const wrong = await runTrial({ ...spec(1, sargs), fold: 4 }, { prepared, backend: defaultBackend(), ranOn: 'test' });
  assert.equal(wrong.result.status, 'failed');
  assert.equal(wrong.result.error, 'fold 4 is not a fold of this trial (its options ask for --folds 3)');
  const inner: Executor = {
    capacity: 1,
    run: async (s) =>
      s.fold === 2
        ? {
            result: {
              ...wrong.result,
              id: s.id,
              index: s.index,
              error: 'its thread exited with code 1',
              infrastructure: true,
            },
          }
        : runTrial(s, { prepared, backend: defaultBackend(), ranOn: 'test' }),
    close: async () => {},
  };
  const r = await new FoldingExecutor(inner, 3, 1, { train: 90, dev: 30 }).run(spec(1, sargs));
  assert.equal(r.result.status, 'failed');
  assert.equal(r.result.error, 'fold 2 of 3: its thread exited with code 1');
  assert.equal(r.result.infrastructure, true, 'no worker could run a fold: --resume runs the trial again');
});
