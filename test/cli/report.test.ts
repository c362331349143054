import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { lnn, lnnInProcess } from './run.js';
import { classificationRun, divergedRun, regressionRun, savedModel } from '../report/fixtures.js';

// The first case starts a real `lnn` process (end to end); the rest run `main` in-process.
describe('lnn report', { concurrency: true }, () => {
  let dir: string;
  const path = (name: string) => join(dir, name);

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lnn-report-cli-'));
    writeFileSync(path('run.json'), JSON.stringify(classificationRun()));
    writeFileSync(path('model.json'), JSON.stringify(savedModel(divergedRun())));
    // A model whose record was edited by hand: lnn eval refuses it (checksum), and so must report.
    const edited = savedModel(classificationRun()) as { run: { result: { devError: number } } };
    edited.run.result.devError = 0.001;
    writeFileSync(path('edited-model.json'), JSON.stringify(edited));
    writeFileSync(path('regression.json'), JSON.stringify(regressionRun()));
    writeFileSync(path('truncated.json'), JSON.stringify(classificationRun()).slice(0, 3000));
    writeFileSync(path('foreign.json'), JSON.stringify({ format: 'keras', layers: [] }));
    writeFileSync(path('bare-model.json'), JSON.stringify(savedModel()));
    writeFileSync(
      path('bad-field.json'),
      JSON.stringify({ ...classificationRun(), result: { iterations: 'many', seconds: 1 } }),
    );
    writeFileSync(path('empty.json'), '');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** Files in the folder that look like a temporary or partial `out` (other tests write beside it at the same time). */
  const leftovers = (out: string) =>
    readdirSync(dir).filter((f) => f.includes(basename(out)) && (f.endsWith('.tmp') || f.startsWith('.')));

  it('writes a self-contained report of a run record', async () => {
    const r = await lnn(['report', path('run.json'), '-o', path('run.html')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^Wrote .*run\.html \([\d.]+ KiB\): report of the run on catvnoncat\/train_catvnoncat\.h5\n$/,
    );
    assert.equal(r.stderr, '');
    const html = readFileSync(path('run.html'), 'utf8');
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<svg class="chart" id="cost-chart"/);
    assert.match(html, /<svg class="chart" id="error-chart"/);
    assert.match(html, /<svg class="chart" id="bias-variance-chart"/);
  });

  it('reads the record inside a model file; --json prints the output and its size', async () => {
    const r = await lnnInProcess([
      'report',
      path('model.json'),
      '-o',
      path('model.html'),
      '--json',
      '--title',
      'lr = 5 <diverged>',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.output, path('model.html'));
    assert.equal(out.bytes, statSync(path('model.html')).size);
    assert.equal(out.comparison, false);
    assert.deepEqual(out.runs, [
      { file: path('model.json'), source: 'builtin:mnist', iterations: 300, costs: 301, evals: 4, diverged: true },
    ]);
    const html = readFileSync(path('model.html'), 'utf8');
    assert.match(html, /<title>lr = 5 &lt;diverged&gt;<\/title>/);
    assert.match(html, /Training diverged/);
  });

  it('names the output after the input when -o is left out', async () => {
    const r = await lnnInProcess(['report', path('regression.json')]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(existsSync(path('regression.report.html')));
  });

  it('compares several runs on one page', async () => {
    const r = await lnnInProcess([
      'report',
      path('run.json'),
      path('model.json'),
      path('regression.json'),
      '-o',
      path('cmp.html'),
      '--json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).comparison, true);
    const html = readFileSync(path('cmp.html'), 'utf8');
    assert.match(html, /<h1>Comparison of 3 runs<\/h1>/);
    assert.equal([...html.matchAll(/<path class="series[^"]*" data-series="\d+"/g)].length >= 6, true);
  });

  const bad: [string, string[], number, RegExp][] = [
    ['a missing file', ['nope.json'], 1, /^lnn report: .*nope\.json: cannot read \(no such file or directory\)\n$/],
    [
      'a truncated file',
      ['truncated.json'],
      1,
      /^lnn report: .*truncated\.json: not valid JSON (at line 1, column \d+ )?\(truncated or corrupted\?\): .*\n$/,
    ],
    [
      'an empty file',
      ['empty.json'],
      1,
      /^lnn report: .*empty\.json: the file is empty; expected an lnn run record or model \(JSON\)\n$/,
    ],
    [
      'a foreign file',
      ['foreign.json'],
      1,
      /^lnn report: .*foreign\.json: not an lnn run record or model: "format" must be "lnn-run" or "lnn-model" but is "keras"\n$/,
    ],
    [
      'a model without a record',
      ['bare-model.json'],
      1,
      /^lnn report: .*bare-model\.json: this model file holds no training record \("run"\).*\n$/,
    ],
    [
      'a model edited after saving',
      ['edited-model.json'],
      1,
      /^lnn report: .*edited-model\.json: the file does not match its checksum \("fnv1a32:[0-9a-f]{8}" vs fnv1a32:[0-9a-f]{8}\): it was edited or damaged\n$/,
    ],
    [
      'a field of the wrong type',
      ['bad-field.json'],
      1,
      /^lnn report: .*bad-field\.json: result\.iterations must be a finite number but is "many"\n$/,
    ],
    [
      'a good file beside a bad one',
      ['run.json', 'foreign.json'],
      1,
      /^lnn report: .*foreign\.json: not an lnn run record/,
    ],
  ];
  for (const [what, inputs, code, message] of bad)
    it(`rejects ${what}: one line naming the file, exit ${code}, no output left`, async () => {
      const out = path(`out-${what.replace(/\W+/g, '-')}.html`);
      const r = await lnnInProcess(['report', ...inputs.map(path), '-o', out]);
      assert.equal(r.code, code);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.equal(r.stdout, '');
      assert.ok(!existsSync(out), 'no output file');
      assert.deepEqual(leftovers(out), []);
    });

  it('a failed report leaves an existing output file as it was', async () => {
    writeFileSync(path('keep.html'), 'the old report');
    const r = await lnnInProcess(['report', path('truncated.json'), '-o', path('keep.html')]);
    assert.equal(r.code, 1);
    assert.equal(readFileSync(path('keep.html'), 'utf8'), 'the old report');
  });

  it('says when the output folder does not exist', async () => {
    const r = await lnnInProcess(['report', path('run.json'), '-o', path('no/such/dir/r.html')]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^lnn report: -o .*no\/such\/dir\/r\.html: cannot write \(the directory .*no\/such\/dir does not exist\)\n$/,
    );
  });

  const usage: [string, () => string[], RegExp][] = [
    ['no input', () => [], /give a run record or model file/],
    [
      'several runs without -o',
      () => [path('run.json'), path('model.json')],
      /-o FILE is required when comparing several runs/,
    ],
    ['an unknown option', () => [path('run.json'), '--colour'], /Unknown option '--colour'/],
  ];
  for (const [what, args, message] of usage)
    it(`usage error for ${what}: exit 2`, async () => {
      const r = await lnnInProcess(['report', ...args()]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, message);
      assert.match(r.stderr, /\(lnn report --help\)\n$/);
    });

  it('-o naming an input is refused and leaves the input untouched', async () => {
    const before = readFileSync(path('run.json'), 'utf8');
    const r = await lnnInProcess(['report', path('run.json'), '-o', `${dir}/./run.json`]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^lnn report: -o .*run\.json: is also the input .*run\.json; writing it would destroy that input\n$/,
    );
    assert.equal(readFileSync(path('run.json'), 'utf8'), before);
  });

  it('-o naming a folder is refused', async () => {
    const r = await lnnInProcess(['report', path('run.json'), '-o', dir]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^lnn report: -o .*: is a directory; name the file to write\n$/);
  });

  it('--help lists the options', async () => {
    const r = await lnnInProcess(['report', '--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^lnn report — /);
    assert.match(r.stdout, /-o, --output FILE/);
    assert.match(r.stdout, /--title TEXT/);
    assert.match(r.stdout, /--json/);
  });
});
