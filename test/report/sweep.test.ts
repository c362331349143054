/**
 * The sweep report's pieces on trials built by hand, where each figure can be worked out on paper:
 * importance (η²), the colourings, the rung of a pruned trial, and the marks of each chart.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { etaSquared, groupsOf, importance } from '../../src/report/importance.js';
import { errorTop } from '../../src/report/plot.js';
import { renderSweepReport, type SweepReportInput } from '../../src/report/sweep-page.js';
import { prunedRung, sweepView } from '../../src/report/sweep-view.js';
import type { TrialValues } from '../../src/sweep/space.js';
import type { TrialResult } from '../../src/sweep/trial.js';
import type { RunRecord } from '../../src/train/run-record.js';

/** A finished trial: its values, train and dev error, a diagnosis by the course's 2% thresholds, a curve. */
function trial(
  index: number,
  values: TrialValues,
  train: number,
  dev: number,
  extra: Partial<TrialResult> = {},
): TrialResult {
  const evals = [100, 200, 300].map((iteration, i) => ({
    iteration,
    trainError: train + (2 - i) * 0.05,
    devError: dev + (2 - i) * 0.05,
  }));
  const run = {
    format: 'lnn-run',
    version: 1,
    hyperparameters: { iterations: 300 },
    data: { nx: 4, train: 90, dev: 30, classes: ['a', 'b'] },
    history: {
      costs: [
        { iteration: 0, cost: 0.7 },
        { iteration: 300, cost: 0.2 },
      ],
      evals,
    },
    result: { iterations: 300, seconds: 1 },
  } as unknown as RunRecord;
  return {
    id: `${index}`.padStart(16, '0'),
    index,
    values,
    status: 'ok',
    trainError: train,
    devError: dev,
    diagnosis: {
      trainError: train,
      devError: dev,
      avoidableBias: train,
      variance: dev - train,
      highBias: train >= 0.02,
      highVariance: dev - train >= 0.02,
    },
    run,
    seconds: 1,
    ranOn: 'local',
    finishedAt: '2026-12-07T00:00:00.000Z',
    ...extra,
  };
}

/** A pruned trial: stopped after its evaluation at 100 of 900 iterations (rung 1 at 100, rung 2 at 300). */
function pruned(index: number, values: TrialValues, dev: number): TrialResult {
  const t = trial(index, values, dev - 0.01, dev, {
    status: 'pruned',
    error: 'pruned at iteration 100 of 900 (rung 1, …)',
  });
  t.run!.hyperparameters['iterations'] = 900;
  t.run!.history.evals = [{ iteration: 100, trainError: dev - 0.01, devError: dev }];
  return t;
}

function input(trials: TrialResult[], space: SweepReportInput['identity']['space'] = []): SweepReportInput {
  return {
    identity: {
      id: '0123456789abcdef',
      strategy: 'grid',
      space,
      data: { source: 'iris', m: 150, nx: 4, classes: ['a', 'b'], hash: 'x', train: 90, dev: 30, splitRule: 'auto' },
    },
    trials,
    halfDone: 0,
  };
}

describe('importance', () => {
  test('η² is the between-group sum of squares over the total', () => {
    assert.equal(etaSquared([0.1, 0.1, 0.3, 0.3], [0, 0, 1, 1]), 1);
    assert.equal(etaSquared([0.1, 0.3, 0.1, 0.3], [0, 0, 1, 1]), 0);
    // y = 1, 2, 3, 6: mean 3, total 14; groups {1, 2} and {3, 6}: means 1.5 and 4.5, between 2·2.25·2 = 9.
    assert.ok(Math.abs(etaSquared([1, 2, 3, 6], [0, 0, 1, 1]) - 9 / 14) < 1e-12);
    assert.equal(etaSquared([0.2, 0.2, 0.2], [0, 1, 2]), 0, 'no variance to explain');
  });

  test('few values are their own groups; a range falls into equal-count bins, ties kept together', () => {
    assert.deepEqual(groupsOf(['16', '8,4', '16', '4']), [0, 1, 0, 2]);
    const draws = ['0.1', '0.02', '0.5', '0.003', '0.07', '0.9', '0.2', '0.011', '0.04'];
    const g = groupsOf(draws);
    assert.equal(new Set(g).size, 3, '9 trials: ⌊9 / 3⌋ = 3 bins');
    // Bins follow the order of the values: the smallest three share the first bin.
    assert.deepEqual(
      [0.003, 0.011, 0.02].map((v) => g[draws.indexOf(String(v))]),
      [0, 0, 0],
    );
    assert.deepEqual(groupsOf(['1', '1', '1', '1', '2', '2', '3', '4', '5', '6']).slice(0, 4), [0, 0, 0, 0]);
  });

  test('a 3 × 2 grid where dev error follows lr alone: lr explains it all, hidden nothing', () => {
    const trials = ['0.1', '0.01', '0.001'].flatMap((lr, i) =>
      ['4', '8'].map((hidden) => ({ values: { lr, hidden }, y: 0.05 * (i + 1) })),
    );
    assert.deepEqual(importance(trials, ['hidden', 'lr']), [
      { key: 'lr', share: 1, groups: 3 },
      { key: 'hidden', share: 0, groups: 2 },
    ]);
    assert.equal(importance(trials.slice(0, 3), ['lr']), undefined, 'fewer than 4 trials');
  });
});

describe('the sweep page on trials built by hand', () => {
  const trials = [
    trial(1, { lr: '0.1', hidden: '4' }, 0.2, 0.25),
    trial(2, { lr: '0.01', hidden: '4' }, 0.01, 0.1),
    trial(3, { lr: '0.001', hidden: '8' }, 0.01, 0.02),
    pruned(4, { lr: '0.0001', hidden: '8' }, 0.5),
    { ...trial(5, { lr: '10', hidden: '8' }, 0.5, 0.5), status: 'failed' as const, error: 'diverged' },
  ];
  delete trials[4]!.devError;

  test('the view: ranked, diagnoses, the rung of a pruned trial, colourings by value', () => {
    const view = sweepView(trials, true);
    assert.deepEqual(
      view.trials.map((t) => t.trial.index),
      [3, 2, 1, 4, 5],
    );
    assert.deepEqual(
      view.trials.map((t) => t.diagnosis),
      ['neither', 'variance', 'both', 'bias', 'none'],
    );
    assert.equal(prunedRung(trials[3]!), 1);
    assert.equal(prunedRung(trials[0]!), undefined);
    assert.deepEqual(view.keys, ['lr', 'hidden']);
    const hidden = view.colourings.find((k) => k.key === 'hidden')!;
    assert.deepEqual(hidden.classes, ['k-c1', 'k-c0', 'k-c0', 'k-c1', 'k-c1']);
    assert.deepEqual(
      hidden.legend.map((l) => l.text),
      ['4', '8'],
    );
    const dev = view.colourings.find((k) => k.key === 'dev')!;
    assert.deepEqual(dev.classes, ['k-q0', 'k-q1', 'k-q3', 'k-q7', 'k-none']);
    assert.deepEqual(dev.sequential, { low: '2.00%', high: '50.00%' });
    assert.deepEqual(
      view.colourings.map((k) => k.key),
      ['diagnosis', 'status', 'dev', 'order', 'lr', 'hidden'],
    );
  });

  test('the marks: a dot per trial with a dev error, pruned hollow, the failed one a ×, the best so far', () => {
    const page = renderSweepReport(input(trials), { generatedAt: null });
    const history = /<svg class="chart scatter history" id="history-chart"[\s\S]*?<\/svg>/.exec(page)![0];
    assert.equal((history.match(/<circle class="dot/g) ?? []).length, 4);
    assert.equal((history.match(/<circle class="dot [^"]*hollow/g) ?? []).length, 1);
    assert.equal((history.match(/<path class="fail-mark k-none" data-t="4"/g) ?? []).length, 1);
    // Trials 1, 2, 3 each beat the one before: two steps down.
    assert.match(history, /<path class="best-line" d="M[\d.]+ [\d.]+H[\d.]+V[\d.]+H[\d.]+V[\d.]+H[\d.]+"\/>/);
    assert.ok(/<td>pruned \(rung 1\)<\/td>/.test(page), 'page: <td>pruned \(rung 1\)<\/td>/');
    assert.ok(
      /1 trial without a dev error \(failed\): in the table, as × in the history, not in the other charts\./.test(page),
      'page: 1 trial without a dev error \(failed\):',
    );
    assert.ok(
      /3 trials finished, 1 pruned, 1 failed; best: trial 3 \(--lr 0\.001 --hidden 8\), dev error 2\.00%/.test(page),
      'page: 3 trials finished, 1 pruned, 1 failed; ',
    );
    const map = /id="train-dev-chart"[\s\S]*?<\/svg>/.exec(page)![0];
    assert.equal((map.match(/<circle class="dot/g) ?? []).length, 4);
    assert.match(map, /<circle class="dot k-neither" data-t="0"/);
    assert.match(map, /<circle class="dot k-bias hollow" data-t="3"/);
    // The hover text of each trial, by data-t, for the page's script.
    const data = JSON.parse(/<script type="application\/json" id="sweep-data">(.*?)<\/script>/.exec(page)![1]!);
    assert.deepEqual(data.trials[3], [
      'trial 4 · rank 4 · pruned at rung 1 (a shortened run)',
      'dev 50.00% · train 49.00% · high bias',
      '--lr 0.0001',
      '--hidden 8',
    ]);
    assert.equal(data.parallel.lines.length, 4);
    assert.deepEqual(data.parallel.axes, ['--lr', '--hidden', 'dev error']);
  });

  test('a runaway error is drawn on the top edge, off the scale, so it does not flatten the rest', () => {
    assert.deepEqual(errorTop([0.1, 0.11, 0.12, 0.1, 0.13, 40]), { top: 1.5 * 0.13, clipped: true });
    assert.deepEqual(errorTop([0.1, 0.2]), { top: 0.2 * 1.05, clipped: false });
    const runaway = [0.1, 0.11, 0.12, 0.1, 0.13].map((dev, i) => trial(i + 1, { lr: `0.0${i + 1}` }, dev - 0.05, dev));
    runaway.push(trial(6, { lr: '5' }, 40, 40));
    const page = renderSweepReport(input(runaway), { generatedAt: null });
    const slice = /id="dev-vs-lr"[\s\S]*?<\/svg>/.exec(page)![0];
    assert.equal((slice.match(/<circle class="dot [^"]* off"/g) ?? []).length, 1);
    assert.match(slice, /dashed: above the scale/);
  });

  test('no trial yet: the page says so', () => {
    assert.match(renderSweepReport(input([]), { generatedAt: null }), /No trial has finished yet\./);
  });
});
