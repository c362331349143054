/**
 * What `lnn train` and `lnn sweep` draw on a terminal, played on a fake one (test/cli/fake-terminal.ts)
 * at 60 and 160 columns: a lasting line per epoch under a bar that fits the width, and for a sweep a
 * live line per running trial; after the run, the lines stay and the live ones are gone.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { lnnOnTerminal } from './fake-terminal.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-terminal-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const BAR = /^\[[#-]+\] +\d+% /;

describe('on a terminal', () => {
  for (const columns of [60, 160])
    test(`lnn train at ${columns} columns: a lasting line per epoch, a bar that fits, gone at the end`, async () => {
      const { code, stdout, term } = await lnnOnTerminal(
        ['train', '--data', 'builtin:iris', '--hidden', '8', '--epochs', '5'],
        columns,
      );
      assert.equal(code, 0);
      assert.match(stdout, /^finished 115 iterations/);
      const screen = term.screen();
      // In full where it fits; in short, not to wrap, where it does not.
      const line =
        columns === 160
          ? /^epoch \d\/5 \(iteration \d+\) cost [\d.]+ train err [\d.]+% dev err [\d.]+%$/
          : /^epoch \d\/5 cost [\d.]+ train [\d.]+% dev [\d.]+%$/;
      const epochs = screen.filter((l) => line.test(l));
      assert.equal(epochs.length, 5, screen.join('\n'));
      assert.ok(!screen.some((l) => BAR.test(l)), 'no bar left behind');
      // Every bar drawn fit on its row (a wrapped one would end before its ETA), with the errors where there was room.
      const bars = term.frames.map((f) => f[f.length - 1]!).filter((l) => BAR.test(l));
      assert.ok(bars.length >= 5, `${bars.length} bars`);
      for (const b of bars) assert.ok(b.length <= columns - 1 && /ETA \S+$/.test(b), b);
      const last = bars[bars.length - 1]!;
      if (columns === 160)
        assert.match(last, /epoch 5\/5 cost [\d.]+ train err [\d.]+% dev err [\d.]+% [\d.]+k? ex\/s mem /);
      else assert.match(last, /epoch 5\/5 .*dev err [\d.]+% ETA/);
    });

  test('lnn sweep: a live line per running trial (epoch, dev and train error so far), the finished lines stay', async () => {
    const { code, term } = await lnnOnTerminal(
      [
        'sweep',
        '--data',
        'builtin:iris',
        ...['--lr', '0.01', '--lr', '0.003', '--lr', '0.001'],
        ...['--epochs', '30', '--parallel', '2', '--dir', join(dir, 'sweep')],
      ],
      100,
    );
    assert.equal(code, 0);
    const seen = term.frames.flat();
    assert.ok(
      seen.some((l) =>
        /^trial \d \[[#-]{10}\] epoch \d+\/30 dev [\d.]+% train [\d.]+% [\d.]+ s {2}--lr 0\.0\d+ --epochs 30$/.test(l),
      ),
      'a running trial with its errors so far',
    );
    assert.ok(seen.some((l) => /^sweep: \d of 3 trials done, \d running; [\d.]+ s elapsed, ETA/.test(l)));
    for (const f of term.frames) for (const l of f) assert.ok(l.length <= 100);
    const screen = term.screen();
    assert.equal(screen.filter((l) => /^trial \d \([0-9a-f]{8}\) --lr/.test(l)).length, 3, screen.join('\n'));
    assert.ok(!screen.some((l) => /^trial \d (\[|running)|^sweep:/.test(l)), screen.join('\n'));
  });

  test('--quiet draws nothing', async () => {
    const { code, term } = await lnnOnTerminal(['train', '--data', 'builtin:iris', '--epochs', '2', '--quiet'], 80);
    assert.equal(code, 0);
    assert.deepEqual(term.screen(), []);
  });
});
