/** The library's sweep({ refit, folds }): the best configuration fit on train + dev; trials judged on folds. */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { sweep, ValueError } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-sweep-refit-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sweep({ refit, folds })', { concurrency: false }, () => {
  const space = { lr: [0.05, 0.002] };

  test('refit: the model returned is the best configuration fit on train + dev, tested once', async () => {
    const out = await sweep({
      data: 'builtin:iris',
      space,
      hidden: [8],
      iterations: 200,
      refit: true,
      evaluateTest: true,
      dir: join(dir, 'refit'),
    });
    try {
      assert.equal(out.refit!.train, 120);
      assert.equal(out.refit!.sets, 'train + dev of the split (90 + 30)');
      assert.equal(out.model!.split!.refit, true);
      assert.equal(out.test!.m, 30);
      const kept = JSON.parse(readFileSync(join(dir, 'refit', 'sweep.json'), 'utf8'));
      assert.equal(kept.refit.trial, out.best!.id);
      assert.equal(kept.test.refit, true);
      assert.equal(kept.test.error, out.test!.error);
    } finally {
      out.model?.dispose();
    }
  });

  test("refit: an early-stopped best trains to its early-stopping epoch, in the trial's batch size", async () => {
    const out = await sweep({
      data: 'builtin:iris',
      space: { lr: [0.01, 0.003] },
      hidden: [16],
      epochs: 60,
      earlyStop: 3,
      refit: true,
      dir: join(dir, 'early'),
    });
    try {
      const run = out.best!.run!;
      const best = run.result.bestIteration!;
      assert.ok(best < run.result.iterations, run.result.stopped);
      const epochs = best / Math.ceil(90 / 4); // batches of 4: 23 updates an epoch on 90 examples
      assert.equal(out.refit!.length, `the first fit's early-stopping epoch (${epochs})`);
      assert.equal(out.refit!.epochs, epochs);
      assert.equal(out.refit!.iterations, epochs * 30, '120 examples in batches of 4');
    } finally {
      out.model?.dispose();
    }
  });

  test('folds: each trial is the mean of its folds (run side by side on the threads), then the refit', async () => {
    const out = await sweep({
      data: 'builtin:iris',
      space,
      hidden: [8],
      iterations: 150,
      folds: 3,
      refit: true,
      parallel: 2,
      dir: join(dir, 'folds'),
    });
    try {
      assert.equal(out.trials.length, 2);
      for (const t of out.trials) {
        const f = t.run!.folds!;
        assert.equal(f.k, 3);
        assert.deepEqual(
          f.each.map((e) => e.fold),
          [1, 2, 3],
        );
        assert.equal(t.devError, f.devError);
        assert.equal(t.diagnosis!.devSize, 120);
      }
      assert.equal(out.refit!.train, 120);
      assert.equal(out.model!.split!.refit, true);
    } finally {
      out.model?.dispose();
    }
  });

  test('the same folds on every run: a sweep trial gives the figures lnn train --folds gives', async () => {
    const { train } = await import('../../src/index.js');
    const alone = await train({ data: 'builtin:iris', hidden: [8], lr: 0.05, iterations: 150, folds: 3 });
    alone.model.dispose();
    const out = await sweep({
      data: 'builtin:iris',
      space,
      hidden: [8],
      iterations: 150,
      folds: 3,
      dir: join(dir, 'same'),
    });
    const trial = out.trials.find((t) => t.values['lr'] === '0.05')!;
    const figures = (e: { train: number; dev: number; devError: number }[]) =>
      e.map((x) => [x.train, x.dev, x.devError]);
    assert.deepEqual(figures(trial.run!.folds!.each), figures(alone.folds!.each));
    assert.equal(out.model, undefined, 'without refit, a cross-validated trial keeps no model');
  });

  test("the rules, in the caller's words", async () => {
    await assert.rejects(
      sweep({ data: 'builtin:iris', space, folds: 3, evaluateTest: true, dir: join(dir, 'no') }),
      (e: unknown) =>
        e instanceof ValueError &&
        /^evaluateTest with folds 3 needs refit: a cross-validated trial keeps none of its 3 fold models/.test(
          (e as Error).message,
        ),
    );
    await assert.rejects(
      sweep({ data: 'builtin:iris', space, folds: 3, prune: true, dir: join(dir, 'no') }),
      /^ValueError: prune compares trials' dev error while they train/,
    );
    await assert.rejects(
      sweep({
        data: 'builtin:iris',
        space: { lr: [1e6, 1e7] },
        optimizer: 'gd',
        normalize: 'none',
        iterations: 300,
        refit: true,
        dir: join(dir, 'no-winner'),
      }),
      (e: unknown) =>
        e instanceof ValueError &&
        /^refit needs a sweep winner, the best trial to fit again on train \+ dev/.test((e as Error).message),
    );
  });
});
