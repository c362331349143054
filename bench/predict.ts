// npm run bench:predict [-- --m 4000000] [--n 16] [--cli dist/cli/bin.js] [--old] [--dir DIR] [--json]
//
// `lnn predict` at scale, measured on a compiled CLI as a user runs it, each run in its own process under
// /usr/bin/time -v: peak RSS and wall time of predicting m examples of an (m, n) float32 .npy with a small
// classifier (n → 32 → 1, sigmoid), written to a file (-o) as CSV and as JSON, with the features held in
// memory (the default below half of the free memory) and streamed from disk (--stream), against the same
// command on 1,000 examples (the baseline: Node, the kernels, the model). --cli names another build (the
// code before a change, for a before/after); --old leaves out the options that build lacks (--stream).
// The files are generated in DIR (default: the system's temporary directory) and deleted at the end, also
// after a failure or Ctrl-C; the model is trained by the measured CLI on the first 20,000 examples.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npyHeader } from '../src/data/read/npy.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = resolve(opt('cli') ?? join(root, 'dist/cli/bin.js'));
const m = Number(opt('m') ?? 4_000_000);
const n = Number(opt('n') ?? 16);
const old = args.includes('--old');
const log = (s: string) => process.stderr.write(s + '\n');

/** X.npy (rows, n) float32, uniform in [−1, 1) from a seeded LCG, and Y.npy (rows,) int64: x0 > 0. */
function generate(dir: string, name: string, rows: number): { x: string; y: string } {
  const x = join(dir, `${name}_x.npy`),
    y = join(dir, `${name}_y.npy`);
  const fx = openSync(x, 'w'),
    fy = openSync(y, 'w');
  writeSync(fx, npyHeader([rows, n], '<f4'));
  writeSync(fy, npyHeader([rows], '<i8'));
  const piece = 65536;
  const values = new Float32Array(piece * n);
  const labels = new BigInt64Array(piece);
  let s = 7;
  for (let r = 0; r < rows; r += piece) {
    const count = Math.min(piece, rows - r);
    for (let t = 0; t < count * n; t++) {
      s = (s * 1103515245 + 12345) % 2147483648;
      values[t] = (s / 2147483648) * 2 - 1;
    }
    for (let e = 0; e < count; e++) labels[e] = values[e * n]! > 0 ? 1n : 0n;
    writeSync(fx, new Uint8Array(values.buffer, 0, count * n * 4));
    writeSync(fy, new Uint8Array(labels.buffer, 0, count * 8));
  }
  closeSync(fx);
  closeSync(fy);
  return { x, y };
}

interface Run {
  peakRssMB: number;
  wallSeconds: number;
  outputMB: number;
  /** Wall seconds per 1,000,000 examples, beyond the baseline run's (start, loading the model). */
  secondsPerMillion: number;
  failed?: string;
}

function lnn(argv: string[]): { status: number | null; stderr: string } {
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, cli, ...argv], { encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr };
}

function predict(model: string, x: string, rows: number, out: string, extra: string[], baseSeconds = 0): Run {
  const t0 = performance.now();
  const r = lnn(['predict', '--model', model, '--x', x, '-o', out, ...extra]);
  const wallSeconds = (performance.now() - t0) / 1000;
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  const outputMB = existsSync(out) ? statSync(out).size / 2 ** 20 : 0;
  rmSync(out, { force: true });
  const run = {
    peakRssMB: kb / 1024,
    wallSeconds,
    outputMB,
    secondsPerMillion: ((wallSeconds - baseSeconds) / rows) * 1e6,
  };
  if (r.status !== 0)
    return { ...run, failed: /lnn predict: .*|\w*Error: .*/.exec(r.stderr)?.[0] ?? `exit ${r.status}` };
  return run;
}

function main(): void {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first`);
  const dir = mkdtempSync(join(opt('dir') ?? os.tmpdir(), 'lnn-bench-predict-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => {
      cleanup();
      process.exit(130);
    });
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: `${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    cli,
    m,
    n,
    loadBefore: os.loadavg()[0],
  };
  try {
    const train = generate(dir, 'train', 20_000);
    const model = join(dir, 'model.json');
    const saved = lnn([
      'train',
      '--x',
      train.x,
      '--y',
      train.y,
      '--hidden',
      '32',
      '--iterations',
      '50',
      '--quiet',
      '--save',
      model,
    ]);
    if (saved.status !== 0) throw new Error(`training the model failed:\n${saved.stderr.slice(-2000)}`);
    const small = generate(dir, 'small', 1000);
    const big = generate(dir, 'big', m);
    log(`data: ${m} × ${n} float32, ${(statSync(big.x).size / 2 ** 20).toFixed(0)} MiB`);
    const out = join(dir, 'predictions');
    const cases: [string, string[]][] = [
      ['csv', []],
      ['json', ['--json']],
      ...(old ? [] : ([['csv --stream', ['--stream']]] as [string, string[]][])),
    ];
    for (const [name, extra] of cases) {
      const baseline = predict(model, small.x, 1000, out, extra);
      const run = predict(model, big.x, m, out, extra, baseline.wallSeconds);
      log(
        `${name}: peak RSS ${run.peakRssMB.toFixed(0)} MiB (baseline ${baseline.peakRssMB.toFixed(0)} MiB), ${run.wallSeconds.toFixed(1)} s = ${run.secondsPerMillion.toFixed(2)} s per million examples, output ${run.outputMB.toFixed(0)} MiB${run.failed ? `; FAILED: ${run.failed}` : ''}`,
      );
      results[name] = { baselinePeakRssMB: baseline.peakRssMB, ...run };
    }
  } finally {
    cleanup();
  }
  results['loadAfter'] = os.loadavg()[0];
  if (args.includes('--json')) process.stdout.write(JSON.stringify(results, null, 1) + '\n');
}

main();
