/** The library's sweep(): lnn sweep from a program, on rows and labels, resumable and abortable. */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { AbortError, sweep, ValueError } from '../../src/index.js';
import { irisRows } from '../helpers/iris.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-sweep-lib-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sweep() from a program', { concurrency: false }, () => {
  const iris = irisRows();
  const space = { lr: [0.05, 0.005], hidden: [[8], [16, 8]] };

  test('a grid on rows and labels: ranked trials, the best model loaded, a record that resume continues', async () => {
    const record = join(dir, 'grid');
    const seen: number[] = [];
    const out = await sweep({ data: iris, space, iterations: 300, dir: record, onTrialEnd: (t) => seen.push(t.index) });
    try {
      assert.equal(out.trials.length, 4);
      assert.equal(out.ran, 4);
      assert.deepEqual([...seen].sort(), [1, 2, 3, 4]);
      assert.equal(out.best, out.trials[0]);
      assert.ok(out.trials.every((t, i) => i === 0 || (t.devError ?? 1) >= (out.trials[0]!.devError ?? 0)));
      assert.equal(out.dir, record);
      assert.deepEqual(Object.keys(out.best!.values).sort(), ['hidden', 'lr']);
      assert.equal(out.model!.predict([iris.rows[0]!])[0], 'setosa');
      assert.ok(existsSync(join(record, 'trials.jsonl')));
    } finally {
      out.model?.dispose();
    }
    const again = await sweep({ data: iris, space, iterations: 300, dir: record, resume: true });
    again.model?.dispose();
    assert.equal(again.ran, 0, 'resuming a finished sweep trains nothing');
    assert.equal(again.trials.length, 4);
  });

  test('onTrialProgress: each trial at each of its evaluations, its errors beside its update', async () => {
    const seen = new Map<number, { iteration: number; total: number; devError?: number }[]>();
    const out = await sweep({
      data: iris,
      space: { lr: [0.05, 0.005] },
      iterations: 200,
      evalEvery: 50,
      dir: join(dir, 'progress'),
      onTrialProgress: (trial, p) => seen.set(trial.index, [...(seen.get(trial.index) ?? []), p]),
    });
    out.model?.dispose();
    assert.deepEqual([...seen.keys()].sort(), [1, 2]);
    for (const [index, points] of seen) {
      const evaluated = points.filter((p) => p.devError !== undefined).map((p) => p.iteration);
      // Evaluated before the first update, every 50, and after the last (iterations counted from 0).
      assert.deepEqual(evaluated, [0, 50, 100, 150, 199], `trial ${index}`);
      assert.ok(points.every((p) => p.total === 200));
      assert.equal(points.at(-1)!.devError, out.trials.find((t) => t.index === index)!.devError);
    }
  });

  test('abort stops the sweep with an AbortError; resume then runs the rest', async () => {
    const record = join(dir, 'aborted');
    const ac = new AbortController();
    await assert.rejects(
      sweep({
        data: iris,
        space,
        iterations: 2000,
        parallel: 1,
        dir: record,
        signal: ac.signal,
        onTrialEnd: () => ac.abort(),
      }),
      (e: unknown) => e instanceof AbortError && /sweep aborted after 1 trial; those recorded are kept/.test(e.message),
    );
    const rest = await sweep({ data: iris, space, iterations: 2000, parallel: 1, dir: record, resume: true });
    rest.model?.dispose();
    assert.equal(rest.trials.length, 4);
    assert.equal(rest.ran, 3);
  });

  test("a bad space or option is a ValueError in the caller's words", async () => {
    await assert.rejects(
      sweep({ data: iris, space: { lrate: [0.1] } }),
      (e: unknown) =>
        e instanceof ValueError &&
        /^space: unknown hyperparameter 'lrate' \(did you mean lr\?\); a sweep varies lr, /.test((e as Error).message),
    );
    await assert.rejects(
      sweep({ data: iris, space: { keepProb: [1.5, 0.5] } }),
      (e: unknown) =>
        e instanceof ValueError && /^keepProb must be a number in \(0, 1\] but is '1.5'/.test((e as Error).message),
    );
    await assert.rejects(
      sweep({ data: iris, space, queue: 'redis://127.0.0.1:1' }),
      (e: unknown) =>
        e instanceof ValueError &&
        /queue sends each trial to workers that read the data by path/.test((e as Error).message),
    );
  });
});
