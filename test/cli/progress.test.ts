import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgress } from '../../src/cli/progress.js';
import {
  estimateEta,
  formatBarLine,
  formatEta,
  formatEvaluationLine,
  renderBar,
} from '../../src/cli/progress-format.js';
import { fakeIo } from './fake-io.js';

describe('progress formatting', () => {
  it('renderBar fills in proportion and clamps', () => {
    assert.equal(renderBar(0.45, 20), '[#########-----------]');
    assert.equal(renderBar(0, 10), '[----------]');
    assert.equal(renderBar(1, 10), '[##########]');
    assert.equal(renderBar(1.7, 4), '[####]');
    assert.equal(renderBar(0.99, 20), '[###################-]', 'full only when done');
    assert.equal(renderBar(-1, 4), '[----]');
    assert.equal(renderBar(NaN, 4), '[----]');
  });

  it('formatEta: seconds, minutes, hours, unknown', () => {
    assert.equal(formatEta(0), '0s');
    assert.equal(formatEta(0.4), '0s');
    assert.equal(formatEta(12.2), '12s');
    assert.equal(formatEta(59.6), '1m00s');
    assert.equal(formatEta(185), '3m05s');
    assert.equal(formatEta(3720), '1h02m');
    assert.equal(formatEta(NaN), '--');
    assert.equal(formatEta(Infinity), '--');
    assert.equal(formatEta(-1), '--');
  });

  it('estimateEta = elapsed · (1 − f) / f', () => {
    assert.equal(estimateEta(10, 0.5), 10);
    assert.equal(estimateEta(10, 0.25), 30);
    assert.equal(estimateEta(10, 1), 0);
    assert.ok(Number.isNaN(estimateEta(10, 0)));
  });

  it('formats the bar line as documented', () => {
    const line = formatBarLine(
      { iteration: 1125, cost: 0.42131, devError: 0.032 },
      { total: 2500, unit: 'iteration', etaSeconds: 12 },
    );
    assert.equal(line, '[#########-----------] 45% iter 1125/2500 cost 0.4213 dev err 3.2% ETA 12s');
    // no dev set: train error instead; NaN cost shown as NaN
    assert.equal(
      formatBarLine(
        { iteration: 5, cost: NaN, trainError: 0.5 },
        { total: 10, unit: 'iteration', etaSeconds: NaN, barWidth: 4 },
      ),
      '[##--] 50% iter 5/10 cost NaN train err 50.0% ETA --',
    );
    // epochs; regression errors as values
    assert.equal(
      formatBarLine(
        { iteration: 300, epoch: 3, cost: 2.5, devError: 3.25 },
        { total: 20, unit: 'epoch', etaSeconds: 65, barWidth: 4, errorFormat: 'value' },
      ),
      '[----] 15% epoch 3/20 cost 2.5000 dev err 3.2500 ETA 1m05s',
    );
  });

  it('formats the evaluation line as documented', () => {
    assert.equal(
      formatEvaluationLine(
        { iteration: 100, cost: 0.6720534, trainError: 0.12, devError: 0.153 },
        { total: 2500, unit: 'iteration' },
      ),
      'iteration 100/2500 cost 0.672053 train err 12.0% dev err 15.3%',
    );
    assert.equal(
      formatEvaluationLine(
        { iteration: 1200, epoch: 2.5, cost: Infinity, trainError: 0.1 },
        { total: 20, unit: 'epoch' },
      ),
      'epoch 2.5/20 (iteration 1200) cost Infinity train err 10.0%',
    );
  });
});

describe('createProgress', () => {
  it('off a terminal: one line per evaluation, nothing per iteration', () => {
    const f = fakeIo(false);
    const p = createProgress({ total: 300, unit: 'iteration', io: f.io, now: f.now });
    for (let i = 1; i <= 300; i++) {
      p.update({ iteration: i, cost: 1 / i });
      if (i % 100 === 0) p.evaluation({ iteration: i, cost: 1 / i, trainError: 0.1, devError: 0.2 });
    }
    p.log('cost after iteration 300: 0.003333');
    p.done();
    assert.deepEqual(f.writes, [
      'iteration 100/300 cost 0.010000 train err 10.0% dev err 20.0%\n',
      'iteration 200/300 cost 0.005000 train err 10.0% dev err 20.0%\n',
      'iteration 300/300 cost 0.003333 train err 10.0% dev err 20.0%\n',
      'cost after iteration 300: 0.003333\n',
    ]);
  });

  it('--quiet: nothing at all', () => {
    for (const tty of [true, false]) {
      const f = fakeIo(tty);
      const p = createProgress({ total: 10, unit: 'iteration', io: f.io, quiet: true, now: f.now });
      p.update({ iteration: 1, cost: 1 });
      p.evaluation({ iteration: 1, cost: 1, trainError: 0.5 });
      p.log('hello');
      p.done();
      assert.deepEqual(f.writes, []);
    }
  });

  it('on a terminal: redraws in place at most every 100 ms, always at the end, and erases itself', () => {
    const f = fakeIo(true);
    const p = createProgress({ total: 1000, unit: 'iteration', io: f.io, now: f.now });
    for (let i = 1; i <= 1000; i++) {
      f.advance(1); // 1 ms per iteration: 1 s in all
      p.update({ iteration: i, cost: 1 / i });
    }
    // first update draws; then one draw per 100 ms; the last iteration forces a draw
    assert.ok(f.writes.length >= 10 && f.writes.length <= 12, `${f.writes.length} draws`);
    for (const w of f.writes) {
      assert.ok(w.startsWith('\r\x1b[2K'), JSON.stringify(w));
      assert.ok(!w.includes('\n'), 'the bar never ends a line');
    }
    assert.match(f.writes[f.writes.length - 1]!, /\[#{20}\] 100% iter 1000\/1000 cost 0\.0010 ETA 0s$/);
    p.done();
    assert.equal(f.writes[f.writes.length - 1], '\r\x1b[2K');
    const n = f.writes.length;
    p.update({ iteration: 1000 });
    p.done();
    assert.equal(f.writes.length, n, 'nothing after done');
  });

  it('on a terminal: a lasting line per evaluation above the bar, which keeps the last errors and an ETA', () => {
    const f = fakeIo(true);
    const p = createProgress({ total: 100, unit: 'iteration', io: f.io, now: f.now, columns: 200 });
    f.advance(5000);
    p.evaluation({ iteration: 50, cost: 0.5, trainError: 0.1, devError: 0.2 });
    assert.equal(
      f.writes.pop(),
      '\r\x1b[2Kiteration 50/100 cost 0.500000 train err 10.0% dev err 20.0%\n' +
        '[##########----------] 50% iter 50/100 cost 0.5000 train err 10.0% dev err 20.0% ETA 5s',
    );
    f.advance(1000);
    p.update({ iteration: 60, cost: 0.4 });
    assert.match(f.writes.pop()!, /60% iter 60\/100 cost 0\.4000 train err 10\.0% dev err 20\.0% ETA 4s$/);
    p.log('Cost after iteration 60: 0.4');
    assert.deepEqual(f.writes.splice(0), [
      '\r\x1b[2KCost after iteration 60: 0.4\n[############--------] 60% iter 60/100 cost 0.4000 train err 10.0% dev err 20.0% ETA 4s',
    ]);
    p.done();
    assert.deepEqual(f.writes, ['\r\x1b[2K'], 'the bar goes; the lines above it stay');
  });

  it('fits the bar to the terminal: fields go from the right, the ETA stays, it never wraps', () => {
    const state = { iteration: 1125, epoch: 9, cost: 0.42131, trainError: 0.021, devError: 0.032 };
    const opts = {
      total: 20,
      unit: 'epoch' as const,
      etaSeconds: 12,
      rate: { examplesPerSecond: 45000, memoryBytes: 4.3e8 },
    };
    const at = (columns: number) => formatBarLine(state, { ...opts, columns });
    assert.equal(
      at(160),
      '[#########-----------] 45% epoch 9/20 cost 0.4213 train err 2.1% dev err 3.2% 45k ex/s mem 430 MB ETA 12s',
    );
    for (let columns = 20; columns <= 200; columns++) {
      const line = at(columns);
      assert.ok(line.length <= columns - 1, `${columns}: ${line}`);
      if (columns >= 30) assert.match(line, /ETA 12s$/, `${columns}: ${line}`);
    }
  });

  it('reads the terminal width at each draw (a resized terminal)', () => {
    const f = fakeIo(true);
    let columns = 160;
    const p = createProgress({ total: 100, unit: 'iteration', io: f.io, now: f.now, columns: () => columns });
    p.update({ iteration: 1, cost: 0.5, devError: 0.25 });
    columns = 30;
    f.advance(200);
    p.update({ iteration: 2, cost: 0.5, devError: 0.25 });
    const [wide, narrow] = f.writes.map((w) => w.slice('\r\x1b[2K'.length));
    assert.match(wide!, /^\[-{20}\]  1% iter 1\/100 cost 0\.5000 dev err 25\.0% ETA \S+$/);
    assert.ok(narrow!.length <= 29 && /ETA \S+$/.test(narrow!), narrow);
  });

  it('counts epochs when the unit is epoch', () => {
    const f = fakeIo(false);
    const p = createProgress({ total: 4, unit: 'epoch', io: f.io, now: f.now });
    p.evaluation({ iteration: 250, epoch: 1, cost: 0.3, trainError: 0.05 });
    assert.deepEqual(f.writes, ['epoch 1/4 (iteration 250) cost 0.300000 train err 5.0%\n']);
  });
});
