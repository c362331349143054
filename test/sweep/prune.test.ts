// --prune: successive halving's rungs and decisions (src/sweep/prune.ts), apart from any sweep.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ETA, Rungs, rungAt, rungFraction, rungIterations, rungsReached } from '../../src/sweep/prune.js';

describe('successive halving', () => {
  test('rungs at 1/9 and 1/3 of the budget; a trial goes on only among the best 1/η at its rung', () => {
    assert.deepEqual(rungIterations(90), [10, 30]);
    assert.deepEqual(rungIterations(2), [1]);
    assert.equal(ETA, 3);
    const r = new Rungs();
    assert.equal(r.report(0, 'a', 0.1), true, 'fewer than η trials: nothing to compare');
    assert.equal(r.report(0, 'b', 0.2), true);
    assert.equal(r.report(0, 'c', 0.3), false, 'third of three: not in the best third');
    assert.equal(r.report(0, 'd', 0.05), true, 'the best so far goes on');
    assert.equal(r.report(1, 'd', 0.05), true, 'each rung compares on its own');
  });

  test('one evaluation reports to one rung: the last it passes (an evaluation per epoch of 3 epochs passes 1/9 and 1/3)', () => {
    // 3 epochs of 94 updates: rungs at 32 and 94, the first evaluation at 94.
    assert.deepEqual(rungIterations(282), [32, 94]);
    assert.equal(rungAt([32, 94], 94), 1);
    assert.equal(rungAt([32, 94], 40), 0);
    assert.equal(rungAt([32, 94], 94, 1), 1);
    assert.equal(rungAt([32, 94], 20), -1);
    assert.equal(rungAt([32, 94], 188, 2), -1, 'past the last rung');
    const perEpoch = [94, 188, 282].map((iteration, i) => ({ iteration, trainError: 0.1, devError: 0.2 - i / 100 }));
    assert.deepEqual(rungsReached(perEpoch, 282), [{ rung: 1, iteration: 94, devError: 0.2 }]);
    const dense = [10, 40, 100, 200].map((iteration) => ({ iteration, trainError: 0.1, devError: iteration / 1000 }));
    assert.deepEqual(rungsReached(dense, 282), [
      { rung: 0, iteration: 40, devError: 0.04 },
      { rung: 1, iteration: 100, devError: 0.1 },
    ]);
    // A resumed sweep remembers the same: the 3-epoch trial at rung 2 only, so rung 1 still has room.
    const r = new Rungs();
    r.remember('a', perEpoch, 282);
    r.remember('b', perEpoch, 282);
    assert.equal(r.report(0, 'c', 0.9), true, 'rung 1 holds no trial yet');
    assert.equal(r.report(1, 'c', 0.9), false, 'rung 2 holds a and b, both better');
  });

  test('a short budget: rungs before the first update or at its end are dropped, and a rung is not counted twice', () => {
    assert.deepEqual(rungIterations(1), [], 'one update: no rung before it ends');
    assert.deepEqual(rungIterations(3), [1], '1/9 and 1/3 of 3 both round up to 1');
    assert.deepEqual(rungIterations(9), [1, 3]);
    assert.deepEqual(rungIterations(10), [2, 4]);
    assert.deepEqual([rungFraction(0), rungFraction(1)], ['1/9', '1/3']);
  });

  test('of six trials at a rung, the best two go on; a diverged one (NaN) is the worst', () => {
    const r = new Rungs();
    const errors = [0.3, 0.1, 0.5, 0.2, 0.4];
    const verdicts = errors.map((e, i) => r.report(0, `t${i}`, e));
    // At each report: n = 1, 2 (nothing to compare), 3 (keep 1: 0.5 has two better), 4 (keep 1: 0.2 has
    // 0.1 better), 5 (keep 1: 0.4 has three better).
    assert.deepEqual(verdicts, [true, true, false, false, false]);
    assert.equal(r.report(0, 'nan', NaN), false, 'a NaN dev error counts as the worst');
    assert.equal(r.report(0, 'best', 0.15), true, 'seven at the rung, keep two: only 0.1 is better');
    assert.equal(r.report(0, 't1', 0.1), true, 'a trial reporting again is compared with the others, not itself');
  });

  test('past the last rung every trial goes on; a resumed sweep skips what did not measure dev error', () => {
    const r = new Rungs();
    assert.equal(r.report(2, 'a', 0.9), true);
    r.remember('a', [{ iteration: 30, trainError: 0.1 }], 90);
    r.remember('b', [{ iteration: 30, trainError: 0.1, devError: Infinity }], 90);
    r.remember('c', [{ iteration: 30, trainError: 0.1, devError: 0.2 }], 90);
    // Rung 1 holds only c (a has no dev error, b's is not finite): fewer than η, nothing to compare.
    assert.equal(r.report(1, 'd', 0.9), true);
    assert.equal(r.report(1, 'e', 0.95), false, 'now three: e is not the best third');
  });
});
