import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { ValueError } from '../../src/core/errors.js';
import { depthPlan, widthsForDepth } from '../../src/sweep/depth.js';
import { applyMove, FIRST_L2, firstL2For, L2_TRIES, recipePlan } from '../../src/sweep/recipe.js';
import { parseAxis, type TrialValues } from '../../src/sweep/space.js';
import { gridPlan, oneAtATimePlan, randomPlan, singleValues, type Plan } from '../../src/sweep/strategies.js';
import {
  bestTrial,
  nearBest,
  rankTrials,
  trialDiagnosis,
  type Proposal,
  type TrialResult,
  type TrialSummary,
} from '../../src/sweep/trial.js';
import { rankedTable } from '../../src/cli/sweep/display.js';
import { renderSweepReport } from '../../src/report/sweep-page.js';
import { costTrend, type CostTrend } from '../../src/sweep/curve.js';
import { summaryOf } from '../../src/sweep/scheduler.js';
import { diagnose } from '../../src/evaluate/diagnose.js';
import type { RunRecord } from '../../src/train/run-record.js';

const all = (p: Plan): Proposal[] => {
  assert.equal(p.kind, 'all');
  return (p as Extract<Plan, { kind: 'all' }>).proposals;
};
const next = (p: Plan, history: TrialSummary[]) => (p as Extract<Plan, { kind: 'sequential' }>).next(history);
const throwsValue = (f: () => unknown, message: RegExp) =>
  assert.throws(f, (e: unknown) => e instanceof ValueError && message.test((e as Error).message));

/** A finished trial with these errors (and the course's 2% thresholds for the diagnosis). */
function done(
  index: number,
  values: TrialValues,
  train: number,
  dev: number,
  extra: Partial<TrialSummary> = {},
): TrialSummary {
  const avoidableBias = train,
    variance = dev - train;
  return {
    id: `t${index}`,
    index,
    values,
    status: 'ok',
    trainError: train,
    devError: dev,
    diagnosis: {
      trainError: train,
      devError: dev,
      avoidableBias,
      variance,
      highBias: avoidableBias >= 0.02,
      highVariance: variance >= 0.02,
    },
    ...extra,
  };
}

describe('grid, random and one-at-a-time', () => {
  test("grid: every combination, the first option slowest (the issue's 2 x 2 example)", () => {
    const axes = [parseAxis('lr', ['0.1', '0.01']), parseAxis('hidden', ['4', '16,8'])];
    assert.deepEqual(
      all(gridPlan(axes)).map((p) => p.values),
      [
        { lr: '0.1', hidden: '4' },
        { lr: '0.1', hidden: '16,8' },
        { lr: '0.01', hidden: '4' },
        { lr: '0.01', hidden: '16,8' },
      ],
    );
  });

  test('grid refuses an empty space, a range, and a single point', () => {
    throwsValue(() => gridPlan([]), /^the space is empty: --strategy grid needs hyperparameters to vary/);
    throwsValue(
      () => gridPlan([parseAxis('lr', ['1e-3..1e-1'])]),
      /--lr 0.001..0.1 \(log\) is a range; list values, or use --strategy random/,
    );
    throwsValue(() => gridPlan([parseAxis('lr', ['0.1'])]), /single point/);
  });

  test('random: seeded, distinct, within the space; a small space gives each point once', () => {
    const axes = [parseAxis('lr', ['1e-4..1e-1']), parseAxis('hidden', ['4', '8'])];
    const a = all(randomPlan(axes, 12, 5)).map((p) => p.values);
    assert.deepEqual(
      all(randomPlan(axes, 12, 5)).map((p) => p.values),
      a,
      'the same seed, the same trials',
    );
    assert.notDeepEqual(
      all(randomPlan(axes, 12, 6)).map((p) => p.values),
      a,
    );
    assert.equal(new Set(a.map((v) => JSON.stringify(v))).size, 12);
    for (const v of a) assert.ok(Number(v.lr) >= 1e-4 && Number(v.lr) <= 0.1 && ['4', '8'].includes(v.hidden!));
    const small = randomPlan([parseAxis('hidden', ['4', '8'])], 10, 1);
    assert.equal(all(small).length, 2);
    assert.match((small as { note?: string }).note ?? '', /only 2 distinct points/);
  });

  test('one-at-a-time: the baseline, then each other value alone', () => {
    const p = all(oneAtATimePlan([parseAxis('lr', ['0.01', '0.1']), parseAxis('hidden', ['16', '4', '64'])]));
    assert.deepEqual(
      p.map((x) => x.values),
      [
        { lr: '0.01', hidden: '16' },
        { lr: '0.1', hidden: '16' },
        { lr: '0.01', hidden: '4' },
        { lr: '0.01', hidden: '64' },
      ],
    );
    assert.match(p[2]!.reason!, /^--hidden 4, the rest at the baseline$/);
    throwsValue(() => oneAtATimePlan([parseAxis('lr', ['0.1'])]), /needs a hyperparameter with two or more values/);
  });

  test('adaptive strategies take one value of each hyperparameter', () => {
    throwsValue(
      () => singleValues([parseAxis('lr', ['0.1', '0.01'])], 'depth'),
      /--strategy depth starts from one value .* --lr has 2/,
    );
  });
});

describe('depth', () => {
  const plan = depthPlan({ baseline: { lr: '0.01' }, widths: [64, 32], maxDepth: 4, minGain: 0.005 });

  test('logistic regression first, then 1, 2, ... hidden layers of the given widths', () => {
    const first = next(plan, []) as Proposal;
    assert.deepEqual(first.values, { lr: '0.01', hidden: 'none' });
    assert.equal(first.reason, 'logistic regression (no hidden layer)');
    const h = [done(1, first.values, 0.08, 0.1)];
    const second = next(plan, h) as Proposal;
    assert.equal(second.values.hidden, '64');
    assert.match(second.reason!, /^1 hidden layer \[64\] \(after dev 10.00% with logistic regression\)$/);
    h.push(done(2, second.values, 0.02, 0.05));
    assert.equal((next(plan, h) as Proposal).values.hidden, '64,32');
    assert.deepEqual(widthsForDepth([64, 32], 4), [64, 32, 32, 32]);
  });

  test('stops when a layer gains less than --min-gain over the shallower networks', () => {
    const h = [
      done(1, { hidden: 'none' }, 0.08, 0.1),
      done(2, { hidden: '64' }, 0.02, 0.05),
      done(3, { hidden: '64,32' }, 0.01, 0.047),
    ];
    const r = next(plan, h) as { stop: string };
    assert.equal(r.stop, '2 hidden layers: dev 4.70% is not 0.5 points better than 5.00% (1 hidden layer) → stop');
  });

  test('stops at --max-depth, and when a depth fails', () => {
    const shallow = depthPlan({ baseline: {}, widths: [8], maxDepth: 1, minGain: 0.005 });
    const h = [done(1, { hidden: 'none' }, 0.2, 0.2), done(2, { hidden: '8' }, 0.05, 0.06)];
    assert.deepEqual(next(shallow, h), { stop: 'reached --max-depth 1' });
    const failed = [
      done(1, { hidden: 'none' }, 0.2, 0.2),
      { id: 'x', index: 2, values: { hidden: '8' }, status: 'failed' as const, error: 'diverged' },
    ];
    assert.deepEqual(next(plan, failed), { stop: '1 hidden layer failed (diverged); stopping' });
  });
});

describe('recipe', () => {
  const baseline: TrialValues = { lr: '0.001', hidden: '8', l2: '0', 'keep-prob': '1', epochs: '2' };
  const plan = recipePlan({ baseline, budget: 6 });

  test('the moves of the basic recipe', () => {
    assert.equal(applyMove('units', baseline)!.hidden, '16');
    assert.equal(applyMove('layer', baseline)!.hidden, '8,8');
    assert.equal(applyMove('layer', { ...baseline, hidden: 'none' })!.hidden, '32');
    assert.equal(applyMove('units', { ...baseline, hidden: 'none' }), undefined, 'no hidden layer to widen');
    assert.equal(applyMove('longer', baseline)!.epochs, '4');
    assert.equal(applyMove('l2', baseline)!.l2, String(FIRST_L2));
    assert.equal(applyMove('l2', { ...baseline, l2: '0.01' })!.l2, '0.1');
    assert.equal(applyMove('l2', baseline, firstL2For(6000))!.l2, '0.6', 'λ/m = 1e-4 for m = 6,000');
    assert.equal(firstL2For(90), 0.009);
    assert.equal(applyMove('dropout', baseline)!['keep-prob'], '0.8');
    assert.equal(applyMove('dropout', { ...baseline, 'keep-prob': '0.8' })!['keep-prob'], '0.6');
    assert.equal(applyMove('dropout', { ...baseline, 'keep-prob': '0.6' }), undefined, 'dropout stops at keep 0.5');
    assert.equal(applyMove('smaller', { ...baseline, hidden: '64,9' })!.hidden, '32,5');
  });

  test('high bias → a bigger network, with the reason recorded; a move that helped is tried again first', () => {
    const first = next(plan, []) as Proposal;
    assert.deepEqual(first, { values: baseline, reason: 'baseline' });
    const h = [done(1, baseline, 0.12, 0.13)];
    const second = next(plan, h) as Proposal;
    assert.equal(second.reason, 'high bias in trial 1 (train 12.00%, dev 13.00%) → --hidden 16');
    assert.deepEqual([second.parent, second.move], [1, 'units']);
    h.push(done(2, second.values, 0.06, 0.07, { parent: 1, move: 'units' }));
    const third = next(plan, h) as Proposal;
    assert.equal(third.move, 'units');
    assert.equal(third.values.hidden, '32');
  });

  test('a move that did not help gives way to the next one; high variance → L2, then dropout', () => {
    const big = { ...baseline, hidden: '512' };
    const h = [done(1, big, 0.001, 0.06)];
    const l2 = next(plan, h) as Proposal;
    assert.equal(l2.reason, `high variance in trial 1 (train 0.10%, dev 6.00%) → --l2 ${FIRST_L2}`);
    for (const [i, lambda] of ['0.01', '0.1', '1'].entries()) {
      const step = next(plan, h) as Proposal;
      assert.deepEqual([step.move, step.values.l2], ['l2', lambda]);
      h.push(done(i + 2, step.values, 0.002, 0.065, { parent: 1, move: 'l2' }));
    }
    const dropout = next(plan, h) as Proposal;
    assert.equal(dropout.move, 'dropout');
    assert.equal(dropout.parent, 1, 'from the best trial, not the last');
    assert.equal(dropout.values['keep-prob'], '0.8');
  });

  test('L2 is searched: 10x while it still overfits, then between the strongest that overfits and the weakest too far', () => {
    const big = { ...baseline, hidden: '512' };
    const p = recipePlan({ baseline: big, budget: 10, firstL2: 0.6 });
    const h = [done(1, big, 0.0, 0.041)];
    const first = next(p, h) as Proposal;
    assert.equal(first.values.l2, '0.6');
    h.push(done(2, first.values, 0.037, 0.0625, { parent: 1, move: 'l2' })); // high bias now: too far
    const middle = next(p, h) as Proposal;
    assert.equal(middle.move, 'l2');
    assert.equal(middle.values.l2, '0.2', 'sqrt(0.6 x 0.06)');
    h.push(done(3, middle.values, 0.011, 0.048, { parent: 1, move: 'l2' })); // still overfits, not better
    const between = next(p, h) as Proposal;
    assert.equal(between.values.l2, '0.3', 'between 0.2 (still overfits) and 0.6 (too far), never past 0.6');
    h.push(done(4, between.values, 0.02, 0.05, { parent: 1, move: 'l2' }));
    assert.equal((next(p, h) as Proposal).move, 'dropout', `after ${L2_TRIES} L2 steps, dropout`);
  });

  test('stops when neither is high, when no move helps, and at the budget', () => {
    assert.deepEqual(next(plan, [done(1, baseline, 0.01, 0.02)]), {
      stop: 'neither high bias nor high variance in trial 1 (train 1.00%, dev 2.00%) → stop',
    });
    const h = [done(1, baseline, 0.12, 0.13)];
    for (const [i, move] of ['units', 'layer', 'longer'].entries())
      h.push(done(i + 2, applyMove(move as 'units', baseline)!, 0.2, 0.2, { parent: 1, move }));
    assert.match((next(plan, h) as { stop: string }).stop, /^no move from trial 1 improved dev error \(high bias/);
    const long = Array.from({ length: 6 }, (_, i) =>
      done(i + 1, { ...baseline, hidden: String(8 << i) }, 0.1 / (i + 1), 0.12 / (i + 1)),
    );
    assert.deepEqual(next(plan, long), { stop: 'the budget of 6 trials is spent' });
  });

  test('a failed baseline (diverged) is retried with a tenth of its rate', () => {
    const h: TrialSummary[] = [
      { id: 'a', index: 1, values: { ...baseline, lr: '10' }, status: 'failed', error: 'diverged at iteration 3' },
    ];
    const r = next(plan, h) as Proposal;
    assert.equal(r.values.lr, '1');
    assert.equal(r.reason, 'trial 1 failed (diverged at iteration 3) → --lr 1');
  });
});

describe('recipe: the curve and the noise', () => {
  const baseline: TrialValues = { lr: '0.001', hidden: '8', l2: '0', 'keep-prob': '1', epochs: '2' };
  const plan = recipePlan({ baseline, budget: 10 });
  const falling: CostTrend = { kind: 'falling', lastDrop: 0.041 };
  const flat: CostTrend = { kind: 'flat', lastDrop: 0.001 };

  test("the cost curve's end: falling, flat, or stalled (never fell, or rose back above its low)", () => {
    const curve = (...c: number[]) => c.map((cost, i) => ({ iteration: 100 * i, cost }));
    const f = costTrend(curve(1, 0.8, 0.6, 0.5, 0.45, 0.4))!;
    assert.equal(f.kind, 'falling');
    assert.ok(Math.abs(f.lastDrop - 0.05 / 0.45) < 1e-12);
    assert.equal(costTrend(curve(1, 0.5, 0.3, 0.3, 0.3, 0.2999))!.kind, 'flat');
    assert.deepEqual(costTrend(curve(1, 0.5, 0.3, 0.3, 0.3, 0.4)), {
      kind: 'stalled',
      lastDrop: (0.3 - 0.4) / 0.3,
      why: 'it rose 33.3% above its low',
    });
    assert.equal(costTrend(curve(0.69, 0.69, 0.68, 0.68, 0.67, 0.67))!.why, 'it never fell below 97.1% of its start');
    // Two epochs of mini-batches: the second epoch's mean against the first's, scaled to a fifth of training.
    const epochs = [
      { iteration: 94, cost: 0.8, epoch: 1 },
      { iteration: 188, cost: 0.4, epoch: 2 },
    ];
    assert.deepEqual(costTrend(epochs), { kind: 'falling', lastDrop: 0.5 / 5 });
    assert.equal(costTrend([epochs[0]!]), undefined, 'one point: nothing to compare');
    assert.equal(costTrend([{ iteration: 0, cost: NaN }, epochs[0]!]), undefined);
  });

  test('high bias while the cost still falls → train longer before a bigger network; then, flat → bigger', () => {
    const h = [done(1, baseline, 0.12, 0.13, { cost: falling })];
    const longer = next(plan, h) as Proposal;
    assert.equal(longer.move, 'longer');
    assert.equal(
      longer.reason,
      'high bias in trial 1 (train 12.00%, dev 13.00%); its cost still falling (4.1% over the last fifth of training) → --epochs 4',
    );
    h.push(done(2, longer.values, 0.08, 0.09, { parent: 1, move: 'longer', cost: falling }));
    assert.equal((next(plan, h) as Proposal).values.epochs, '8', 'still falling: longer again');
    h.push(done(3, { ...longer.values, epochs: '8' }, 0.06, 0.07, { parent: 2, move: 'longer', cost: flat }));
    const bigger = next(plan, h) as Proposal;
    assert.deepEqual([bigger.move, bigger.values.hidden, bigger.parent], ['units', '16', 3]);
    assert.equal(bigger.reason, 'high bias in trial 3 (train 6.00%, dev 7.00%) → --hidden 16', 'flat: no trend note');
  });

  test('a trial that diverged or a cost that stalled tries a smaller learning rate', () => {
    const h: TrialSummary[] = [
      done(1, baseline, 0.12, 0.13),
      {
        id: 'x',
        index: 2,
        values: { ...baseline, hidden: '16' },
        status: 'failed',
        error: 'diverged at iteration 40: cost NaN',
        parent: 1,
        move: 'units',
      },
    ];
    const retry = next(plan, h) as Proposal;
    assert.deepEqual(retry, {
      values: { ...baseline, hidden: '16', lr: '0.0001' },
      reason: 'trial 2 diverged (diverged at iteration 40: cost NaN) → --lr 0.0001',
      parent: 2,
      move: 'lr',
    });
    // A failure no worker caused is not a divergence: the recipe goes on from the best.
    const lost = [h[0]!, { ...h[1]!, infrastructure: true as const, error: 'no worker' }];
    assert.equal((next(plan, lost) as Proposal).move, 'layer');
    const stalled = [
      done(1, baseline, 0.3, 0.31, { cost: { kind: 'stalled', lastDrop: -0.2, why: 'it rose 25.0% above its low' } }),
    ];
    const lr = next(plan, stalled) as Proposal;
    assert.deepEqual([lr.move, lr.values.lr], ['lr', '0.0001']);
    assert.equal(
      lr.reason,
      'high bias in trial 1 (train 30.00%, dev 31.00%); its cost stalled (it rose 25.0% above its low) → --lr 0.0001',
    );
  });

  test('stops when the difference is within noise, or the next move could not gain beyond it', () => {
    const sized = (t: TrialSummary, devSize: number) => ({
      ...t,
      diagnosis: { ...t.diagnosis!, trainSize: 3 * devSize, devSize },
    });
    // Iris: 2 errors of 90 training examples, 2 of 30 dev examples: nothing the sets resolve.
    const d = diagnose({ trainError: 2 / 90, devError: 2 / 30, trainSize: 90, devSize: 30 });
    const iris = { ...done(1, baseline, 2 / 90, 2 / 30), diagnosis: trialDiagnosis(d) };
    assert.deepEqual(next(plan, [iris]), {
      stop: 'within noise in trial 1 (train 2.22%, dev 6.67%): neither avoidable bias nor variance is beyond what m = 30 dev examples resolve → stop (a larger dev set, or cross-validation with --folds, would tell smaller differences apart)',
    });
    // High bias on 200 dev examples, but at most 3% to gain, under the 4.1% they resolve between two trials.
    const small = sized(done(1, baseline, 0.03, 0.035), 200);
    assert.match(
      (next(plan, [small]) as { stop: string }).stop,
      /^the next move's gain is within noise: at most the avoidable bias, 3\.00%, under the [\d.]+% that m = 200 dev examples resolve between two trials \(2 standard errors of a difference\) in trial 1 \(train 3\.00%, dev 3\.50%\) → stop/,
    );
    // The same errors on 20,000 dev examples: resolved, the recipe moves on.
    assert.equal((next(plan, [sized(done(1, baseline, 0.03, 0.035), 20_000)]) as Proposal).move, 'units');
  });

  test('a sweep reads the curve from the trial run record (summaryOf), the same on resume', () => {
    const run = {
      history: { costs: [0.9, 0.7, 0.6, 0.5, 0.45, 0.4].map((cost, i) => ({ iteration: 100 * i, cost })), evals: [] },
    } as unknown as RunRecord;
    const t: TrialResult = { ...done(1, baseline, 0.1, 0.1), run, seconds: 1, ranOn: 'local', finishedAt: '' };
    const s = summaryOf(t);
    assert.equal(s.cost?.kind, 'falling');
    assert.equal('run' in s, false);
  });
});

describe('ranking and pruning', () => {
  test('finished trials by dev error; pruned after them; failed (diverged) last, never the best', () => {
    const trials: TrialSummary[] = [
      { id: 'a', index: 1, values: {}, status: 'failed', error: 'diverged' },
      { ...done(2, {}, 0.1, 0.2) },
      { ...done(3, {}, 0.1, 0.05), status: 'pruned' },
      { ...done(4, {}, 0.1, 0.1) },
    ];
    assert.deepEqual(
      rankTrials(trials).map((t) => t.index),
      [4, 2, 3, 1],
    );
    assert.equal(bestTrial(trials)!.index, 4);
    assert.equal(bestTrial([trials[0]!]), undefined);
  });

  test('trials within one standard error of the best are marked, in the table and with the reason under it', () => {
    const sized = (t: TrialSummary): TrialResult => ({
      ...t,
      diagnosis: { ...t.diagnosis!, trainSize: 90, devSize: 30 },
      seconds: 1,
      ranOn: 'local',
      finishedAt: '2026-12-07T00:00:00.000Z',
    });
    // 30 dev examples, best 1/30: one standard error is √(p̃(1 − p̃)/34) with p̃ = 3/34, 4.9%.
    const trials = [
      sized(done(1, { lr: '0.1' }, 0, 1 / 30)),
      sized(done(2, { lr: '0.01' }, 0, 2 / 30)),
      sized(done(3, { lr: '0.001' }, 0, 3 / 30)),
      sized({ ...done(4, { lr: '1' }, 0, 1 / 30), status: 'pruned' }),
    ];
    const { near, best } = nearBest(trials);
    assert.deepEqual(
      [...near].map((t) => t.index),
      [2],
    );
    assert.ok(Math.abs(best!.se - Math.sqrt(((3 / 34) * (31 / 34)) / 34)) < 1e-15);
    const table = rankedTable(trials, true).split('\n');
    assert.match(table[2]!, /^2 +2 +t2 +ok +6\.67% ≈ /);
    assert.doesNotMatch(table[3]!, /≈/);
    assert.match(
      table.at(-2)!,
      /^≈ within one standard error of the best \(3\.33% ± 4\.86% on 30 dev examples\): this dev set does not tell it from the best$/,
    );
    // The report page marks the same trials.
    const page = renderSweepReport(
      {
        identity: {
          id: '0123456789abcdef',
          strategy: 'grid',
          space: [],
          data: {
            source: 'iris',
            m: 150,
            nx: 4,
            classes: ['a', 'b', 'c'],
            hash: '0123456789abcdef',
            train: 90,
            dev: 30,
            splitRule: 'auto',
          },
        },
        trials,
        halfDone: 0,
      },
      { generatedAt: null },
    );
    assert.match(
      page,
      /<tr class="near-best" data-t="1" data-id="t2"><td class="num" data-v="2">2<\/td><td class="num" data-v="2">2<\/td><td>ok<\/td><td class="num" data-v="0\.0666\d*">6\.67% ≈<\/td>/,
    );
    assert.match(
      page,
      /<p class="muted" id="near-best">≈ within one standard error of the best \(3\.33% ± 4\.86% on 30 dev examples\)/,
    );
    // Without the dev set's size (older records, regression), nothing is marked.
    assert.equal(nearBest(trials.map((t) => ({ ...t, diagnosis: done(1, {}, 0, 0).diagnosis! }))).near.size, 0);
    assert.doesNotMatch(rankedTable([], true), /≈/);
  });
});
