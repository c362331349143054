/**
 * `npm run bench:quality`: what `lnn train --data FILE --label y` gives with no other option on small
 * real data sets (scikit-learn's bundled iris, wine and breast cancer, as CSVs under test/fixtures/data),
 * beside scikit-learn's MLPClassifier with standard scaling and its defaults, run through Debian's
 * python3-sklearn when it is there (`LNN_PYTHON` names another interpreter). Through the built command
 * (`npm run build` first), as a user runs it.
 *
 * For each set and each --seed s of 1..5: `lnn train --data FILE --label y [--seed s] --save M`, then
 * `lnn eval --model M --data FILE` scores the test part the model held back (its recorded split); `lnn
 * split --seed s --format csv` writes the same split for scikit-learn, which fits on train (the rows lnn
 * trains on) and on train + dev, with random_state 0..4, and scores the same test rows.
 *
 * The target (issue 16): lnn's test accuracy with no option (seed 1) at least scikit-learn's median over
 * its 5 states on the same split, within one test example. `-- --json` prints one JSON document;
 * `-- --sets iris,wine` runs some of them; `-- --seeds N` (default 5).
 *
 * The second target (issue 16, items 4 and 5): a sweep that refits its best configuration on train +
 * dev, scored on the same held-back test part, at least scikit-learn's GridSearchCV(MLPClassifier, cv=5)
 * (refit on train + dev, its default) over the same grid, median over its states, within one test
 * example. Two sweeps on the seed-1 split: `lnn sweep --strategy recipe --refit` (no other option), and
 * `lnn sweep --folds 5 --refit` over GRID (with --normalize standard, as scikit-learn's pipeline scales);
 * then `lnn eval` on the test part (bench/quality_gridsearch.py is scikit-learn's side). `-- --only
 * train` or `-- --only sweep` runs one of the two comparisons.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const option = (name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);
const asJson = args.includes('--json');
const sets = (option('--sets') ?? 'iris,wine,breast-cancer').split(',');
const seeds = Number(option('--seeds') ?? 5);
const only = option('--only');
/** The grid both sides search for the second target: hidden widths, and L2 (scikit-learn's alpha). */
const GRID = { hidden: ['16', '100', '256,128'], l2: ['0.0001', '0.01', '1'] };
const bin = join(root, 'bin/lnn.js');
if (!existsSync(join(root, 'dist/cli/bin.js'))) {
  process.stderr.write('bench:quality: dist/ is missing; run `npm run build` first\n');
  process.exit(1);
}

function run(cmd: string, argv: string[]): string {
  const r = spawnSync(cmd, argv, { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return r.stdout;
}

const lnn = (argv: string[]) => run(process.execPath, [bin, ...argv]);

/** The first interpreter that imports sklearn: LNN_PYTHON, python3, then Debian's own. */
function findPython(): string | undefined {
  const candidates = [process.env['LNN_PYTHON'], 'python3', '/usr/bin/python3'].filter((p): p is string => !!p);
  return candidates.find((p) => spawnSync(p, ['-c', 'import sklearn'], { encoding: 'utf8' }).status === 0);
}

interface LnnRun {
  seed: number;
  test: number;
  m: number;
  dev: number;
  seconds: number;
}

/** `lnn train` with no option but the seed (none for seed 1), then `lnn eval` on its held-back test part. */
function lnnRun(file: string, seed: number, dir: string): LnnRun {
  const model = join(dir, `model-${seed}.json`);
  const t0 = performance.now();
  const trained = JSON.parse(
    lnn([
      'train',
      '--data',
      file,
      '--label',
      'y',
      ...(seed === 1 ? [] : ['--seed', String(seed)]),
      '--save',
      model,
      '--json',
      '--quiet',
    ]),
  );
  const seconds = (performance.now() - t0) / 1000;
  const e = JSON.parse(lnn(['eval', '--model', model, '--data', file, '--json']));
  if (e.subset !== 'test') throw new Error(`lnn eval scored ${e.subset}, not the test part`);
  return { seed, test: e.accuracy, m: e.m, dev: trained.devAccuracy, seconds };
}

interface SklearnRun {
  m: { train: number; dev: number; test: number };
  train: number[];
  trainDev: number[];
}

function sklearnRun(python: string, file: string, seed: number, dir: string): SklearnRun {
  const out = join(dir, `split-${seed}`);
  lnn(['split', '--data', file, '--label', 'y', '--seed', String(seed), '--format', 'csv', '--out', out, '--json']);
  return JSON.parse(run(python, [join(root, 'bench/quality_sklearn.py'), out, String(seeds)]));
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

interface SetResult {
  set: string;
  m: number;
  lnn: LnnRun[];
  sklearn?: SklearnRun[];
  target?: { lnn: number; sklearn: number; oneExample: number; met: boolean };
}

function benchSet(name: string, python: string | undefined): SetResult {
  const file = join(root, 'test/fixtures/data', `${name}.csv`);
  const dir = mkdtempSync(join(os.tmpdir(), `lnn-bench-quality-${name}-`));
  try {
    const runs = Array.from({ length: seeds }, (_, i) => lnnRun(file, i + 1, dir));
    const sk = python ? runs.map((r) => sklearnRun(python, file, r.seed, dir)) : undefined;
    const first = runs[0]!;
    const m = first.m;
    if (sk && sk[0]!.m.test !== m)
      throw new Error(`${name}: lnn split's test has ${sk[0]!.m.test} rows, lnn eval's ${m}`);
    const target = sk
      ? {
          lnn: first.test,
          sklearn: median(sk[0]!.train),
          oneExample: 1 / m,
          met: first.test >= median(sk[0]!.train) - 1 / m - 1e-12,
        }
      : undefined;
    return { set: name, m: first.m, lnn: runs, ...(sk ? { sklearn: sk } : {}), ...(target ? { target } : {}) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface SweepRun {
  how: string;
  command: string;
  test: number;
  m: number;
  best: string;
  refit: { train: number; length: string };
  seconds: number;
}

/** A sweep that refits its best on train + dev (--save-best), then `lnn eval` on the held-back test part. */
function sweepRun(file: string, how: string, extra: string[], dir: string): SweepRun {
  const model = join(dir, `${how}.json`);
  const argv = ['sweep', '--data', file, '--label', 'y', ...extra, '--refit', '--save-best', model];
  const t0 = performance.now();
  const out = JSON.parse(lnn([...argv, '--dir', join(dir, how), '--json', '--quiet']));
  const seconds = (performance.now() - t0) / 1000;
  const e = JSON.parse(lnn(['eval', '--model', model, '--data', file, '--json']));
  if (e.subset !== 'test') throw new Error(`lnn eval scored ${e.subset}, not the test part`);
  const best = Object.entries(out.best.values as Record<string, string>)
    .map(([k, v]) => `--${k} ${v}`)
    .join(' ');
  const command = ['lnn', ...argv.map((a) => (a === file ? 'FILE' : a === model ? 'M' : a))].join(' ');
  return {
    how,
    command,
    test: e.accuracy,
    m: e.m,
    best,
    refit: { train: out.refit.train, length: out.refit.length },
    seconds,
  };
}

interface GridSearchRun {
  m: { trainDev: number; test: number };
  test: number[];
  chosen: { hidden: number[]; l2: number }[];
  cv: number[];
}

interface SweepResult {
  set: string;
  recipe: SweepRun;
  folds: SweepRun;
  sklearn?: GridSearchRun;
  target?: { sklearn: number; oneExample: number; recipe: boolean; folds: boolean };
}

function benchSweeps(name: string, python: string | undefined): SweepResult {
  const file = join(root, 'test/fixtures/data', `${name}.csv`);
  const dir = mkdtempSync(join(os.tmpdir(), `lnn-bench-quality-sweep-${name}-`));
  try {
    const recipe = sweepRun(file, 'recipe', ['--strategy', 'recipe'], dir);
    const grid = [...GRID.hidden.flatMap((h) => ['--hidden', h]), ...GRID.l2.flatMap((l) => ['--l2', l])];
    const folds = sweepRun(file, 'folds', [...grid, '--normalize', 'standard', '--folds', '5'], dir);
    let sklearn: GridSearchRun | undefined;
    if (python) {
      const split = join(dir, 'split');
      lnn(['split', '--data', file, '--label', 'y', '--format', 'csv', '--out', split, '--json']);
      const hidden = GRID.hidden.join(';');
      sklearn = JSON.parse(
        run(python, [join(root, 'bench/quality_gridsearch.py'), split, String(seeds), hidden, GRID.l2.join(',')]),
      ) as GridSearchRun;
      if (sklearn.m.test !== recipe.m)
        throw new Error(`${name}: the split's test has ${sklearn.m.test} rows, lnn eval's ${recipe.m}`);
    }
    const target = sklearn && {
      sklearn: median(sklearn.test),
      oneExample: 1 / recipe.m,
      recipe: recipe.test >= median(sklearn.test) - 1 / recipe.m - 1e-12,
      folds: folds.test >= median(sklearn.test) - 1 / recipe.m - 1e-12,
    };
    return { set: name, recipe, folds, ...(sklearn ? { sklearn } : {}), ...(target ? { target } : {}) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function sweepTable(results: SweepResult[]): string {
  const lines = [
    '| set (test m) | lnn sweep --strategy recipe --refit | lnn sweep --folds 5 --refit, the grid | sklearn GridSearchCV cv=5, the grid (median of states; each) | target |',
    '|---|---|---|---|---|',
  ];
  const cell = (r: SweepRun) => `${pct(r.test)} (${r.best}; ${r.seconds.toFixed(0)} s)`;
  for (const r of results) {
    const sk = r.sklearn;
    const t = r.target;
    const verdict = (ok: boolean) => (ok ? 'met' : 'not met');
    lines.push(
      `| ${r.set} (${r.recipe.m}) | ${cell(r.recipe)} | ${cell(r.folds)} | ${sk ? `${pct(median(sk.test))} (${sk.test.map(pct).join(', ')})` : '–'} | ${t ? `recipe ${verdict(t.recipe)}, folds ${verdict(t.folds)}` : 'no sklearn'} |`,
    );
  }
  return lines.join('\n');
}

function table(results: SetResult[]): string {
  const lines = [
    '| set (test m) | lnn, no option (seed 1) | lnn, median of --seed 1..5 | sklearn on train, seed 1 split (median of 5 states) | sklearn on train, median over splits 1..5 | sklearn on train + dev, seed 1 split | target |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const lnnMedian = median(r.lnn.map((x) => x.test));
    const sk = r.sklearn;
    const cells = sk
      ? [
          pct(median(sk[0]!.train)),
          pct(median(sk.map((s) => median(s.train)))),
          pct(median(sk[0]!.trainDev)),
          r.target!.met
            ? 'met'
            : `not met (${pct(r.target!.sklearn - r.target!.lnn)} short, one example ${pct(r.target!.oneExample)})`,
        ]
      : ['–', '–', '–', 'no sklearn'];
    lines.push(
      `| ${r.set} (${r.m}) | ${pct(r.lnn[0]!.test)} (${r.lnn[0]!.seconds.toFixed(1)} s) | ${pct(lnnMedian)} | ${cells.join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

const python = findPython();
if (!python)
  process.stderr.write('bench:quality: no python with sklearn (apt-get install python3-sklearn); lnn alone\n');
const results = only === 'sweep' ? [] : sets.map((s) => benchSet(s, python));
const sweeps = only === 'train' ? [] : sets.map((s) => benchSweeps(s, python));
process.stdout.write(
  asJson
    ? JSON.stringify({ seeds, python: python ?? null, results, sweeps, grid: GRID }) + '\n'
    : [results.length ? table(results) : '', sweeps.length ? sweepTable(sweeps) : ''].filter(Boolean).join('\n\n') +
        '\n',
);
