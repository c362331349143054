// npm run bench:scale [-- --json] [--dir DIR] [--only float32,uint8,stream] [--quick]
//
// The figures of issue 11 (training on millions of examples), measured on the compiled CLI
// (`npm run build` first) as a user runs it, each run in its own process under /usr/bin/time -v:
//   float32  1,000,000 × 100 float32 .npy (400 MB), `lnn train --hidden 64 --epochs 2`: peak RSS
//            against the data, over a fixed baseline (the same command on 1,000 examples);
//   uint8    200,000 × 784 uint8 .npy (157 MB), `--hidden 32 --epochs 1 --normalize scale:255`: the same;
//   stream   4,000,000 × 784 uint8 (3.1 GB) streamed with `--memory 1g`, one epoch: peak RSS, and
//            examples/s against the same network in memory on a 400,000-example subset.
// The files are generated in DIR (default: the system's temporary directory) and deleted at the end,
// also after a failure or Ctrl-C. --quick divides every m by 10 (a check that the script runs).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npyHeader } from '../src/data/read/npy.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const json = args.includes('--json');
const quick = args.includes('--quick');
const only = new Set((opt('only') ?? 'float32,uint8,stream').split(','));
const log = (s: string) => process.stderr.write(s + '\n');
const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist/cli/bin.js');
const scale = quick ? 10 : 1;

/** A seeded xorshift32, for data that is cheap to make and the same on every run. */
function xorshift(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/**
 * Writes X.npy (m, n) of `dtype` and Y.npy (m,) int64 with 2 or 10 classes, in 16 MB pieces (the bench
 * itself stays small). The label depends on the first feature, so training has something to learn.
 */
function generate(dir: string, name: string, m: number, n: number, dtype: 'f4' | 'u1', classes: number) {
  const x = join(dir, `${name}_x.npy`),
    y = join(dir, `${name}_y.npy`);
  const size = dtype === 'f4' ? 4 : 1;
  const next = xorshift(m + n);
  const fx = openSync(x, 'w'),
    fy = openSync(y, 'w');
  writeSync(fx, npyHeader([m, n], dtype === 'f4' ? '<f4' : '|u1'));
  writeSync(fy, npyHeader([m], '<i8'));
  const rows = Math.max(1, Math.floor(2 ** 24 / (n * size)));
  const buf = new ArrayBuffer(rows * n * size);
  const values = dtype === 'f4' ? new Float32Array(buf) : new Uint8Array(buf);
  const labels = new BigInt64Array(rows);
  for (let r = 0; r < m; r += rows) {
    const count = Math.min(rows, m - r);
    for (let t = 0; t < count * n; t++) values[t] = dtype === 'f4' ? (next() / 2 ** 32) * 2 - 1 : next() & 255;
    for (let e = 0; e < count; e++) {
      const first = values[e * n]!;
      const k = dtype === 'f4' ? (first > 0 ? 1 : 0) : Math.min(classes - 1, Math.floor((first * classes) / 256));
      labels[e] = BigInt(classes === 2 ? k & 1 : k);
    }
    writeSync(fx, new Uint8Array(buf, 0, count * n * size));
    writeSync(fy, new Uint8Array(labels.buffer, 0, count * 8));
  }
  closeSync(fx);
  closeSync(fy);
  return { x, y, bytes: m * n * size };
}

interface Run {
  peakRssMB: number;
  wallSeconds: number;
  trainingSeconds: number;
  examplesPerSecond: number;
  mTrain: number;
  streamed?: { buffers: number; count: number; seconds: number };
  note?: string;
}

/** Runs `lnn train` under /usr/bin/time -v: peak RSS, wall time, and the run's own figures (--json). */
function train(xy: { x: string; y: string }, extra: string[]): Run {
  // Not --quiet: the note of automatic streaming is read from stderr.
  const argv = [cli, 'train', '--x', xy.x, '--y', xy.y, '--json', ...extra];
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-v', process.execPath, ...argv], { encoding: 'utf8', maxBuffer: 2 ** 28 });
  const wallSeconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`lnn ${argv.slice(1).join(' ')} failed (${r.status}):\n${r.stderr.slice(-2000)}`);
  const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr)?.[1]);
  const out = JSON.parse(r.stdout) as {
    trainingSeconds: number;
    iterations: number;
    sizes: { train: number };
    hyperparameters: { batchSize: number };
    streamed?: Run['streamed'];
  };
  const examples = out.iterations * out.hyperparameters.batchSize;
  const note = /note: (.*)/.exec(r.stderr)?.[1];
  return {
    peakRssMB: kb / 1024,
    wallSeconds,
    trainingSeconds: out.trainingSeconds,
    examplesPerSecond: examples / out.trainingSeconds,
    mTrain: out.sizes.train,
    ...(out.streamed ? { streamed: out.streamed } : {}),
    ...(note ? { note } : {}),
  };
}

const mb = (b: number) => b / 2 ** 20;

/** Peak RSS against the data: (peak − baseline) / data, the baseline being the command on 1,000 examples. */
function inMemory(
  dir: string,
  name: string,
  m: number,
  n: number,
  dtype: 'f4' | 'u1',
  classes: number,
  extra: string[],
) {
  const small = generate(dir, `${name}-small`, 1000, n, dtype, classes);
  const base = train(small, extra);
  rmSync(small.x);
  rmSync(small.y);
  const big = generate(dir, name, m, n, dtype, classes);
  const run = train(big, extra);
  rmSync(big.x);
  rmSync(big.y);
  const dataMB = mb(big.bytes);
  return {
    m,
    n,
    dtype,
    dataMB,
    baselineMB: base.peakRssMB,
    peakRssMB: run.peakRssMB,
    ratioOverBaseline: (run.peakRssMB - base.peakRssMB) / dataMB,
    examplesPerSecond: run.examplesPerSecond,
    wallSeconds: run.wallSeconds,
  };
}

function streamed(dir: string) {
  const m = 4_000_000 / scale,
    n = 784;
  const extra = ['--hidden', '32', '--epochs', '1', '--normalize', 'scale:255'];
  const subset = generate(dir, 'subset', 400_000 / scale, n, 'u1', 10);
  const memory = train(subset, extra);
  // The same order as the streamed run's (blocks), for a comparison of the reading alone.
  const memoryBlocks = train(subset, [...extra, '--shuffle', 'blocks']);
  rmSync(subset.x);
  rmSync(subset.y);
  log(
    `  in memory, ${400_000 / scale} examples: ${memory.examplesPerSecond.toFixed(0)} examples/s (--shuffle blocks: ${memoryBlocks.examplesPerSecond.toFixed(0)})`,
  );
  const big = generate(dir, 'big', m, n, 'u1', 10);
  log(`  generated ${(big.bytes / 1e9).toFixed(2)} GB`);
  // The full size exceeds --memory 1g and streams by itself (with a note); --quick's smaller file is asked to.
  const stream = train(big, [...extra, '--memory', '1g', ...(quick ? ['--stream'] : [])]);
  rmSync(big.x);
  rmSync(big.y);
  return {
    m,
    n,
    dataGB: big.bytes / 1e9,
    peakRssMB: stream.peakRssMB,
    examplesPerSecond: stream.examplesPerSecond,
    inMemoryExamplesPerSecond: memory.examplesPerSecond,
    inMemoryBlocksExamplesPerSecond: memoryBlocks.examplesPerSecond,
    ratio: stream.examplesPerSecond / memory.examplesPerSecond,
    ratioBlocks: stream.examplesPerSecond / memoryBlocks.examplesPerSecond,
    waits: stream.streamed,
    note: stream.note,
    trainingSeconds: stream.trainingSeconds,
    wallSeconds: stream.wallSeconds,
  };
}

function main(): void {
  if (!existsSync(cli)) throw new Error('dist/ is missing: run `npm run build` first');
  const dir = mkdtempSync(join(opt('dir') ?? os.tmpdir(), 'lnn-bench-scale-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  for (const sig of ['SIGINT', 'SIGTERM'] as const)
    process.on(sig, () => {
      cleanup();
      process.exit(130);
    });
  const load = os.loadavg()[0]!;
  const results: Record<string, unknown> = {
    date: new Date().toISOString(),
    machine: `${os.cpus()[0]?.model ?? 'unknown'}, ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`,
    loadBefore: load,
  };
  try {
    if (only.has('float32')) {
      log(`float32: ${1_000_000 / scale} × 100, --hidden 64 --epochs 2`);
      results['float32'] = inMemory(dir, 'f32', 1_000_000 / scale, 100, 'f4', 2, ['--hidden', '64', '--epochs', '2']);
    }
    if (only.has('uint8')) {
      log(`uint8: ${200_000 / scale} × 784, --hidden 32 --epochs 1 --normalize scale:255`);
      results['uint8'] = inMemory(dir, 'u8', 200_000 / scale, 784, 'u1', 10, [
        '--hidden',
        '32',
        '--epochs',
        '1',
        '--normalize',
        'scale:255',
      ]);
    }
    if (only.has('stream')) {
      log(`stream: ${4_000_000 / scale} × 784 uint8 with --memory 1g, one epoch, --hidden 32`);
      results['stream'] = streamed(dir);
    }
  } finally {
    cleanup();
  }
  results['loadAfter'] = os.loadavg()[0];
  if (json) process.stdout.write(JSON.stringify(results, null, 1) + '\n');
  else process.stdout.write(table(results));
}

function table(r: Record<string, unknown>): string {
  const lines = [
    `${r['date']}  ${r['machine']}  load ${Number(r['loadBefore']).toFixed(1)} → ${Number(r['loadAfter']).toFixed(1)}`,
  ];
  for (const key of ['float32', 'uint8'] as const) {
    const x = r[key] as ReturnType<typeof inMemory> | undefined;
    if (x)
      lines.push(
        `${key}: ${x.m} × ${x.n}, data ${x.dataMB.toFixed(0)} MB: peak RSS ${x.peakRssMB.toFixed(0)} MB = baseline ${x.baselineMB.toFixed(0)} MB + ${x.ratioOverBaseline.toFixed(2)} × data; ${x.examplesPerSecond.toFixed(0)} examples/s`,
      );
  }
  const s = r['stream'] as ReturnType<typeof streamed> | undefined;
  if (s)
    lines.push(
      `stream: ${s.m} × ${s.n} uint8 (${s.dataGB.toFixed(2)} GB), --memory 1g: peak RSS ${s.peakRssMB.toFixed(0)} MB; ${s.examplesPerSecond.toFixed(0)} examples/s = ${(100 * s.ratio).toFixed(0)}% of ${s.inMemoryExamplesPerSecond.toFixed(0)} in memory (${(100 * s.ratioBlocks).toFixed(0)}% of ${s.inMemoryBlocksExamplesPerSecond.toFixed(0)} with --shuffle blocks); waited for the disk ${s.waits?.count ?? 0} times of ${s.waits?.buffers ?? 0} buffers, ${(s.waits?.seconds ?? 0).toFixed(2)} s of ${s.trainingSeconds.toFixed(1)} s`,
    );
  return lines.join('\n') + '\n';
}

main();
