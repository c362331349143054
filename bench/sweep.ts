/**
 * `npm run bench:sweep`: the issue's MNIST demonstrations of `lnn sweep`, run through the built command
 * (`npm run build` first) exactly as a user runs it, each in a fresh temporary record directory:
 *
 *   grid      8 trials (--lr x2, --hidden x2, --epochs x2) with --parallel 1, then --parallel 2, back to back,
 *             `--repeat N` times (default 3): wall times, their medians and the ratio
 *   depth     logistic regression, 1, 2, ... hidden layers until dev error stops improving
 *   recipe    from a deliberately small network (--hidden 8 --epochs 2)
 *   regular   the recipe from a large unregularized network (it should move toward regularization)
 *
 * `-- --only grid,depth` runs some of them; `-- --json` prints one JSON document. Timings are wall
 * clock on a shared machine: read the ratio of the two grid runs, measured back to back.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1]!.split(',') : undefined;
const asJson = args.includes('--json');
/** Grid pairs (--parallel 1, then 2) to run back to back; the medians are compared. */
const repeat = args.includes('--repeat') ? Number(args[args.indexOf('--repeat') + 1]) : 3;
const bin = join(root, 'bin/lnn.js');
if (!existsSync(join(root, 'dist/cli/bin.js'))) {
  process.stderr.write('bench:sweep: dist/ is missing; run `npm run build` first\n');
  process.exit(1);
}

interface Trial {
  index: number;
  status: string;
  values: Record<string, string>;
  devError?: number;
  trainError?: number;
  reason?: string;
  seconds: number;
  threads?: number;
}
interface Result {
  name: string;
  wallSeconds: number;
  stopped: string;
  trials: Trial[];
  best: Trial | null;
}

function sweep(name: string, options: string[]): Result {
  const dir = mkdtempSync(join(os.tmpdir(), `lnn-bench-sweep-${name}-`));
  try {
    const t0 = performance.now();
    const r = spawnSync(
      process.execPath,
      [bin, 'sweep', '--data', 'builtin:mnist', ...options, '--dir', join(dir, 'record'), '--json', '--quiet'],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 26,
      },
    );
    const wallSeconds = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${name}: lnn sweep exited ${r.status}: ${r.stderr}`);
    const out = JSON.parse(r.stdout) as { trials: Trial[]; best: Trial | null; stopped: string };
    return { name, wallSeconds, stopped: out.stopped, trials: out.trials, best: out.best };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const pct = (v: number | undefined) => (v === undefined ? '—' : `${(100 * v).toFixed(2)}%`);
const values = (t: Trial) =>
  Object.entries(t.values)
    .map(([k, v]) => `--${k} ${v}`)
    .join(' ');
const byIndex = (r: Result) => [...r.trials].sort((a, b) => a.index - b.index);

const GRID = ['--lr', '0.001', '--lr', '0.003', '--hidden', '32', '--hidden', '64', '--epochs', '2', '--epochs', '4'];
const runs: Record<string, () => Result[]> = {
  grid: () =>
    Array.from({ length: repeat }, () => [
      sweep('grid-parallel-1', [...GRID, '--parallel', '1']),
      sweep('grid-parallel-2', [...GRID, '--parallel', '2']),
    ]).flat(),
  depth: () => [sweep('depth', ['--strategy', 'depth', '--hidden', '64', '--epochs', '4', '--max-depth', '4'])],
  recipe: () => [sweep('recipe-small', ['--strategy', 'recipe', '--hidden', '8', '--epochs', '2', '--trials', '8'])],
  regular: () => [
    sweep('recipe-large', ['--strategy', 'recipe', '--hidden', '512,256', '--epochs', '15', '--trials', '5']),
  ],
};

const results: Result[] = [];
for (const [name, run] of Object.entries(runs)) {
  if (only && !only.includes(name)) continue;
  process.stderr.write(`bench:sweep: ${name} ...\n`);
  for (const r of run()) {
    results.push(r);
    if (asJson) continue;
    console.log(`\n## ${r.name}: ${r.trials.length} trials in ${r.wallSeconds.toFixed(1)} s wall; ${r.stopped}`);
    const list = r.name.startsWith('grid') ? r.trials : byIndex(r);
    for (const t of list)
      console.log(
        `  trial ${t.index} ${t.status.padEnd(6)} dev ${pct(t.devError).padStart(7)} train ${pct(t.trainError).padStart(7)} ${t.seconds.toFixed(1).padStart(5)} s ${t.threads ?? '?'} thr  ${values(t)}${t.reason ? `\n      why: ${t.reason}` : ''}`,
      );
    if (r.best) console.log(`  best: trial ${r.best.index}, dev ${pct(r.best.devError)}`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)]!;
const walls = (name: string) => results.filter((r) => r.name === name).map((r) => r.wallSeconds);
const [p1, p2] = [walls('grid-parallel-1'), walls('grid-parallel-2')];
const summary = {
  machine: `${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} cores, node ${process.version}`,
  date: new Date().toISOString(),
  loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
  ...(p1.length && p2.length
    ? {
        gridWallSeconds: {
          parallel1: p1.map((x) => Number(x.toFixed(1))),
          parallel2: p2.map((x) => Number(x.toFixed(1))),
          medianRatio: Number((median(p1) / median(p2)).toFixed(2)),
          pairRatios: p1.map((x, i) => Number((x / p2[i]!).toFixed(2))),
        },
      }
    : {}),
};
if (asJson) console.log(JSON.stringify({ ...summary, results }));
else console.log(`\n${JSON.stringify(summary)}`);
