// Progress of long epochs (issue 11): examples per second and the memory in use, on the bar and, off
// a terminal, in a line now and then between evaluations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createProgress } from '../../src/cli/progress.js';
import { formatBarLine, formatMemory, formatRate, formatThroughputLine } from '../../src/cli/progress-format.js';
import { fakeIo } from './fake-io.js';

describe('throughput in progress', () => {
  it('formats examples per second and bytes short', () => {
    assert.equal(formatRate(850.4), '850');
    assert.equal(formatRate(123456), '123k');
    assert.equal(formatRate(12345), '12.3k');
    assert.equal(formatRate(1.254e6), '1.25M');
    assert.equal(formatRate(NaN), '--');
    assert.equal(formatMemory(6.12e8), '612 MB');
    assert.equal(formatMemory(1.44e9), '1.4 GB');
    assert.equal(
      formatThroughputLine(
        { iteration: 2600, epoch: 0.42 },
        { total: 1, unit: 'epoch', examplesPerSecond: 123456, memoryBytes: 6.12e8, etaSeconds: 185 },
      ),
      'epoch 0.4/1 (iteration 2600): 123k examples/s, 612 MB in use, ETA 3m05s',
    );
    assert.equal(
      formatBarLine(
        { iteration: 10, epoch: 0.5, cost: 0.5 },
        { total: 1, unit: 'epoch', etaSeconds: 9, rate: { examplesPerSecond: 45000, memoryBytes: 4.3e8 } },
      ),
      '[##########----------] 50% epoch 0.5/1 cost 0.5000 45k ex/s mem 430 MB ETA 9s',
    );
  });

  it('off a terminal: a line every 30 s of a long epoch, none between evaluations of short ones', () => {
    const f = fakeIo(false);
    const p = createProgress({
      total: 2,
      unit: 'epoch',
      io: f.io,
      now: f.now,
      throughput: { examplesPerIteration: 64, memory: () => 5e8 },
    });
    // 1000 iterations an epoch, 50 ms each: 50 s an epoch.
    for (let i = 1; i <= 2000; i++) {
      f.advance(50);
      p.update({ iteration: i, epoch: i / 1000 });
      if (i % 1000 === 0) p.evaluation({ iteration: i, epoch: i / 1000, cost: 0.5, trainError: 0.1 });
    }
    p.done();
    assert.deepEqual(f.writes, [
      'epoch 0.6/2 (iteration 600): 1.28k examples/s, 500 MB in use, ETA 1m10s\n',
      'epoch 1/2 (iteration 1000) cost 0.500000 train err 10.0%\n',
      'epoch 1.6/2 (iteration 1600): 1.28k examples/s, 500 MB in use, ETA 20s\n',
      'epoch 2/2 (iteration 2000) cost 0.500000 train err 10.0%\n',
    ]);
  });

  it('on a terminal: the bar shows the speed and the memory', () => {
    const f = fakeIo(true);
    const p = createProgress({
      total: 1,
      unit: 'epoch',
      io: f.io,
      now: f.now,
      throughput: { examplesPerIteration: 100, memory: () => 2e9 },
    });
    f.advance(1000);
    p.update({ iteration: 50, epoch: 0.5 });
    assert.match(f.writes.at(-1)!, /epoch 0\.5\/1 5k ex\/s mem 2\.0 GB ETA 1s$/);
  });
});
