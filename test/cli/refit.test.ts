/**
 * lnn train --refit / --folds and lnn sweep --refit / --folds from the command line: what they print,
 * what the record and the saved model say, what lnn runs and lnn report DIR show, and every refusal in
 * one line naming its rule.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { lnnInProcess } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-refit-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => join(dir, name);
const IRIS = ['--data', 'builtin:iris', '--quiet'];

async function ok(args: string[]): Promise<{ stdout: string; stderr: string }> {
  const r = await lnnInProcess(args);
  assert.equal(r.code, 0, r.stderr);
  return r;
}

describe('lnn train --refit and --folds', { concurrency: true }, () => {
  test('--refit: the saved model is fit on train + dev; the first fit dev figures stay, labelled', async () => {
    const model = f('refit.json');
    const { stdout } = await ok([
      'train',
      ...IRIS,
      '--hidden',
      '8',
      '--lr',
      '0.02',
      '--iterations',
      '300',
      '--refit',
      '--save',
      model,
    ]);
    assert.match(stdout, /^dev: {3}accuracy .* \(the first fit, on train alone\)$/m);
    assert.match(
      stdout,
      /^refit: the model kept is fit on train \+ dev of the split \(90 \+ 30\), 120 examples, 300 full-batch iterations \(the first fit's 300 iterations\) in .* s: train \+ dev accuracy /m,
    );
    const saved = JSON.parse(readFileSync(model, 'utf8'));
    assert.equal(saved.run.refit.train, 120);
    assert.equal(saved.run.data.split.refit, true);
    // Its dev examples are ones it trained on now: scoring them says so.
    const dev = await lnnInProcess(['eval', '--model', model, '--data', 'builtin:iris', '--subset', 'dev']);
    assert.equal(dev.code, 0, dev.stderr);
    assert.match(
      dev.stderr,
      /warning: these are the 30 dev examples .* was refit on \(train \+ dev\): their error is a training error/,
    );
    const all = await lnnInProcess(['eval', '--model', model, '--data', 'builtin:iris', '--subset', 'all']);
    assert.match(all.stderr, /warning: 120 of these 150 examples are ones .* trained on \(.*, refit on train \+ dev\)/);
    // The report of its record says what the model is.
    const page = await ok(['report', model, '-o', f('refit.html')]);
    assert.equal(page.stderr, '');
    assert.match(
      readFileSync(f('refit.html'), 'utf8'),
      /id="refit"><strong>Refit:<\/strong> the model is this configuration fit again on train \+ dev of the split \(90 \+ 30\), 120 examples/,
    );
  });

  test('--folds K --json: each fold, the mean with its standard error, the refit', async () => {
    const { stdout } = await ok(['train', ...IRIS, '--hidden', '8', '--iterations', '100', '--folds', '3', '--json']);
    const out = JSON.parse(stdout);
    assert.equal(out.folds.k, 3);
    assert.equal(out.folds.each.length, 3);
    assert.deepEqual(
      out.folds.each.map((e: { train: number; dev: number }) => e.train + e.dev),
      [120, 120, 120],
    );
    assert.equal(out.devError, out.folds.devError);
    assert.equal(out.refit.train, 120);
    const text = await ok([
      'train',
      ...IRIS,
      '--hidden',
      '8',
      '--iterations',
      '100',
      '--folds',
      '3',
      '--record',
      f('folds-run.json'),
    ]);
    await ok(['report', f('folds-run.json'), '-o', f('folds.html')]);
    assert.match(
      readFileSync(f('folds.html'), 'utf8'),
      /id="folds"><strong>3-fold cross-validation:<\/strong> train and dev figures are the means over 3 folds of 120 train \+ dev examples/,
    );
    assert.match(
      text.stdout,
      /^3-fold cross-validation of 120 train \+ dev examples \(stratified, seed 1\): dev error .* ± .* \(mean ± standard error over the folds\)/m,
    );
    assert.match(text.stdout, /^ {2}fold 2: trained on 80, judged on 40: dev error/m);
  });

  test('refusals name their rule', async () => {
    const fails = async (args: string[], code: number, message: RegExp) => {
      const r = await lnnInProcess(['train', ...IRIS, ...args]);
      assert.equal(r.code, code, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, message);
    };
    await fails(
      ['--folds', '1'],
      2,
      /^lnn train: --folds must be an integer ≥ 2 \(K folds: each is judged by a model trained on the other K − 1\) but is '1'/,
    );
    await fails(['--folds', 'five'], 2, /--folds must be an integer ≥ 2 .* but is 'five'/);
    await fails(
      ['--folds', '41', '--iterations', '5'],
      2,
      /^lnn train: --folds: 41 is more than the 40 examples of class 'setosa' in train \+ dev \(stratified folds put every class in every fold\); use --folds 40 or fewer/,
    );
    await fails(
      ['--refit', '--split', 'none', '--iterations', '5'],
      2,
      /^lnn train: --refit fits again on train \+ dev after the dev evaluation, and there is no dev set \(no split: training on all examples\); keep a --split with a dev share, or give --dev/,
    );
    await ok(['convert', '--data', 'examples/data/flowers.csv', '--label', 'species', '--out', f('npy'), '--quiet']);
    const r = await lnnInProcess([
      'train',
      '--x',
      f('npy/x.npy'),
      '--y',
      f('npy/y.npy'),
      '--stream',
      '--refit',
      '--iterations',
      '5',
      '--quiet',
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^lnn train: --refit holds train \+ dev in memory as one set, and the training set is streamed from disk/,
    );
  });
});

describe('lnn sweep --refit and --folds', { concurrency: false }, () => {
  test('--refit: the best configuration fit on train + dev, saved, tested once, noted in sweep.json, runs and the report', async () => {
    const record = f('sweep-refit');
    const args = [...IRIS, '--lr', '0.05', '--lr', '0.001', '--hidden', '8', '--iterations', '200', '--dir', record];
    const { stdout } = await ok([
      'sweep',
      ...args,
      '--refit',
      '--evaluate-test',
      '--save-best',
      f('best.json'),
      '--json',
    ]);
    const out = JSON.parse(stdout);
    assert.equal(out.refit.train, 120);
    assert.equal(out.refit.iterations, 200);
    const sweep = JSON.parse(readFileSync(join(record, 'sweep.json'), 'utf8'));
    assert.equal(sweep.refit.index, out.best.index);
    assert.equal(sweep.refit.train, 120);
    assert.equal(sweep.test.refit, true, 'the test figure is the refit model');
    assert.equal(sweep.test.error, out.test.testError);
    const best = JSON.parse(readFileSync(f('best.json'), 'utf8'));
    assert.equal(best.run.refit.train, 120);
    assert.equal(best.run.testError ?? best.run.result.testError, out.test.testError);
    assert.equal(best.run.result.devError, out.best.devError, "the trial's dev figure, which chose it");
    // The trial's own model in the record stays the trial's (no test figure of another model).
    const own = JSON.parse(readFileSync(join(record, 'models', `${out.best.id}.json`), 'utf8'));
    assert.equal(own.run.refit, undefined);
    assert.equal(own.run.result.testError, undefined);
    const runs = await ok(['runs', record]);
    assert.match(
      runs.stdout,
      /^refit: trial \d's configuration fit again on train \+ dev of the split \(90 \+ 30\), 120 examples, 200 iterations \(the first fit's 200 iterations\): train \+ dev error /m,
    );
    assert.match(runs.stdout, /^test \(the refit model, once\): error .* on 30 examples$/m);
    await ok(['report', record, '-o', f('sweep.html')]);
    const page = readFileSync(f('sweep.html'), 'utf8');
    assert.match(page, /id="refit">Refit \(--refit\): trial \d&#39;s configuration fit again on train \+ dev/);
    assert.match(page, /on trial \d&#39;s configuration refit on train \+ dev\): accuracy/);
    // --resume keeps what sweep.json says (a resumed sweep without --refit trains nothing and keeps it).
    await ok(['sweep', ...args, '--resume']);
    assert.deepEqual(JSON.parse(readFileSync(join(record, 'sweep.json'), 'utf8')).refit, sweep.refit);
  });

  test('--folds K: each trial the mean of its folds, each fold kept in its record; --refit then fits on all', async () => {
    const record = f('sweep-folds');
    const { stdout } = await ok([
      'sweep',
      ...IRIS,
      '--lr',
      '0.05',
      '--lr',
      '0.005',
      '--hidden',
      '8',
      '--iterations',
      '150',
      '--folds',
      '3',
      '--refit',
      '--dir',
      record,
      '--save-best',
      f('folds-best.json'),
      '--json',
    ]);
    const out = JSON.parse(stdout);
    assert.equal(out.trials.length, 2);
    const trials = readFileSync(join(record, 'trials.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((e) => e.event === 'finish');
    for (const t of trials) {
      assert.equal(t.run.folds.k, 3);
      assert.equal(t.run.folds.each.length, 3);
      assert.equal(t.devError, t.run.folds.devError);
      assert.equal(t.run.data.train, 90, "the sweep's own sets, whatever the fold");
    }
    assert.equal(out.refit.train, 120);
    assert.match(out.refit.length, /^the folds' mean iterations \(150, 150, 150 → 150\)$/);
    const detail = await ok(['runs', record, String(out.best.index)]);
    assert.match(
      detail.stdout,
      /^folds: {5}3 of 120 train \+ dev examples, stratified: dev error .* ± .* \(mean ± standard error\)$/m,
    );
  });

  test('refusals name their rule', async () => {
    const fails = async (args: string[], code: number, message: RegExp) => {
      const r = await lnnInProcess(['sweep', ...IRIS, '--lr', '0.1', '--lr', '0.01', ...args]);
      assert.equal(r.code, code, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, message);
    };
    await fails(['--folds', '1'], 2, /^lnn sweep: --folds must be an integer ≥ 2/);
    await fails(
      ['--folds', '3', '--prune'],
      2,
      /^lnn sweep: --prune compares trials' dev error while they train, and with --folds 3 a trial's dev error is the mean of its folds/,
    );
    await fails(
      ['--folds', '3', '--save-best', f('x.json')],
      2,
      /^lnn sweep: --save-best with --folds 3 needs --refit: a cross-validated trial keeps none of its 3 fold models/,
    );
    await fails(['--folds', '3', '--evaluate-test'], 2, /^lnn sweep: --evaluate-test with --folds 3 needs --refit/);
    await fails(
      ['--folds', '41', '--dir', f('never')],
      2,
      /^lnn sweep: --folds: 41 is more than the 40 examples of class 'setosa'/,
    );
    // No trial finishes (each diverges): there is no winner to refit.
    const r = await lnnInProcess([
      'sweep',
      ...IRIS,
      '--lr',
      '1e6',
      '--lr',
      '1e7',
      '--optimizer',
      'gd',
      '--normalize',
      'none',
      '--iterations',
      '300',
      '--refit',
      '--dir',
      f('no-winner'),
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /^lnn sweep: --refit needs a sweep winner, the best trial to fit again on train \+ dev, and there is none \(all 2 failed; see lnn runs .*no-winner\)/m,
    );
  });
});
