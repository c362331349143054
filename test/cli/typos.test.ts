/**
 * Typos and other tools' habits get the nearest lnn name (by edit distance) or a one-line pointer:
 * options, commands and choices such as --strategy, each refused in one line with exit code 2.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { lnnInProcess } from './run.js';

const CASES: [string[], RegExp][] = [
  [['train', '--epoch', '5'], /^lnn train: Unknown option '--epoch' \(did you mean --epochs\?\)/],
  [['train', '--hiden', '16'], /^lnn train: Unknown option '--hiden' \(did you mean --hidden\?\)/],
  [['train', '--learning-rate', '0.1'], /^lnn train: Unknown option '--learning-rate' \(did you mean --lr\?\)/],
  [['sweep', '--learning_rate', '0.1'], /^lnn sweep: Unknown option '--learning_rate' \(did you mean --lr\?\)/],
  [['train', '--batchsize', '4'], /^lnn train: Unknown option '--batchsize' \(did you mean --batch-size\?\)/],
  [
    ['train', '--validation-split', '0.2'],
    /^lnn train: Unknown option '--validation-split' \(lnn keeps a dev set by --split, e\.g\. --split 80,20,0, or takes one with --dev FILE\)/,
  ],
  [['train', '--verbose'], /^lnn train: Unknown option '--verbose' \(progress goes to stderr; --quiet turns it off\)/],
  [['trian', '--data', 'x'], /^lnn: unknown command 'trian' \(did you mean lnn train\?\); commands: train, eval,/],
  [['fit', '--data', 'x'], /^lnn: unknown command 'fit' \(did you mean lnn train\?\)/],
  [
    ['sweep', '--data', 'builtin:iris', '--strategy', 'randm'],
    /^lnn sweep: --strategy must be one of grid, random, one-at-a-time, depth, recipe but is 'randm' \(did you mean random\?\)/,
  ],
  [
    ['train', '--data', 'builtin:iris', '--optimizer', 'adma'],
    /^lnn train: --optimizer must be one of gd, momentum, adam but is 'adma' \(did you mean adam\?\)/,
  ],
];

describe('typos and habits', { concurrency: true }, () => {
  for (const [args, message] of CASES)
    test(args.join(' '), async () => {
      const r = await lnnInProcess(args);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, message);
    });

  test('a name far from every option gets no guess', async () => {
    const r = await lnnInProcess(['train', '--zzzzzz']);
    assert.match(r.stderr, /^lnn train: Unknown option '--zzzzzz' \(lnn train --help\)$/m);
    const c = await lnnInProcess(['qqqq']);
    assert.match(c.stderr, /^lnn: unknown command 'qqqq'; commands:/);
  });
});
