// npm run bench [-- --json] [--backends ts,wasm,native] [--workloads W1,W2,W3,gemm,dropout] [--threads N] [--quick]
//                 [--peers /tmp/peers [--peer torch,tfjs]] [--numpy]
//
// Measures, in one process, the issue's workloads through the library's training path, per backend:
// W1 (course cat model, full batch GD: ms/iteration, float32 and float64), W2 (MNIST-sized, batch 128:
// examples/s over an epoch), W3 (wide, batch 256: examples/s), and the GEMM shapes inside them in
// GFLOP/s; and (workload `dropout`) W1 and W2 with inverted dropout, keepProb 0.8, timed in turns with
// the plain steps. Medians of repeated runs after a warm-up. A table goes to stdout, or with --json one JSON
// document. The plain TypeScript backend runs a few batches only (it is 30-100x slower); a backend that
// did not load (native without its addon) is skipped, saying why. With --peers, peers from
// ../shared/peers run right after in the same process tree, so that the comparison is made under the
// same machine conditions: PyTorch (Debian's python3-torch, BLAS on the same thread count) by default, with
// its nn.Dropout on W1 and W2 beside its plain steps (bench/torch_dropout.py),
// TensorFlow.js's wasm backend with --peer tfjs (installed in that folder). --numpy times numpy's
// float32 GEMMs (bench/numpy_gemm.py, 1024³ and the W3 shapes) on the same thread count.
import os from 'node:os';
import type { Backend } from '../src/backend/backend.js';
import { backendNames as registered, backendSummary, getBackend, initBackends } from '../src/backend/index.js';
import type { WasmBackend } from '../src/backend/wasm/index.js';
import type { DType } from '../src/core/matrix.js';
import { gemmShapes, timeGemm, type GemmResult } from './gemm.js';
import { runNumpyGemm, runTfjsWasm, runTorch, runTorchDropout, type PeerResult, type TorchDropout } from './peers.js';
import { makeBatches, stepFlops, Trainer, W1, W2, W3, type Workload } from './workloads.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const json = args.includes('--json');
const quick = args.includes('--quick');
const threadsArg = opt('threads');
const backendNames = (opt('backends') ?? 'ts,wasm,native').split(',');
const peersDir = opt('peers');
const peerNames = (opt('peer') ?? 'torch').split(',');
const numpy = args.includes('--numpy');
const only = new Set((opt('workloads') ?? 'W1,W2,W3,gemm,dropout').split(','));
const log = (s: string) => process.stderr.write(s + '\n');

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

function peakRss(): number {
  return process.resourceUsage().maxRSS * 1024;
}

/** Medians, and the best run: on a shared machine the best is the figure least disturbed by other processes. */
interface W1Result {
  msPerIter: number;
  bestMsPerIter: number;
  gflops: number;
  iterations: number;
  projected2500s?: number;
}
interface EpochResult {
  examplesPerSec: number;
  bestExamplesPerSec: number;
  gflops: number;
  examples: number;
  heapGrowthBytes?: number;
  dataBytes: number;
  modelBytes: number;
  rssBeforeMB: number;
  rssAfterMB: number;
}

/** W1: full-batch gradient descent, cost computed every iteration as the course does. */
function runW1(be: Backend, dtype: DType, iters: number, warm: number): W1Result {
  const data = makeBatches(W1, be, dtype);
  const t = new Trainer(W1, be, dtype, 0.0075);
  // Warm-up: at least `warm` steps and, for fast backends, half a second, so that V8 has tiered the
  // kernels up from its baseline compiler to its optimizing one.
  const until = performance.now() + (warm > 1 ? 500 : 0);
  for (let i = 0; i < warm || performance.now() < until; i++) t.step(data.X[0]!, data.Y[0]!, true);
  const times: number[] = [];
  for (let i = 0; i < iters; i++) {
    const t0 = performance.now();
    t.step(data.X[0]!, data.Y[0]!, true);
    times.push(performance.now() - t0);
  }
  t.dispose();
  for (const M of [...data.X, ...data.Y]) be.free(M);
  const ms = median(times);
  return {
    msPerIter: ms,
    bestMsPerIter: Math.min(...times),
    gflops: stepFlops(W1.dims, 209) / ms / 1e6,
    iterations: iters,
  };
}

/** A training step with dropout against the plain one, timed in alternation so that both see the same load. */
interface DropoutResult {
  keepProb: number;
  /** W1: ms per iteration; W2: examples per second. Medians. */
  plain: number;
  dropout: number;
  /** How many times longer a step with dropout takes (≤ 1.15 is the target). */
  ratio: number;
  /** Pairs of steps (W1, W2) timed. */
  rounds: number;
}

const KEEP_PROB = 0.8;

/**
 * Times f and g once each, into a and b, in the order f g on even rounds and g f on odd ones: the second
 * step of a pair finds the batch the first one read in cache, which favours whichever comes second.
 */
function timedPair(round: number, f: () => void, g: () => void, a: number[], b: number[]): void {
  const [first, second, ta, tb] = round % 2 === 0 ? [f, g, a, b] : [g, f, b, a];
  let t0 = performance.now();
  first();
  ta.push(performance.now() - t0);
  t0 = performance.now();
  second();
  tb.push(performance.now() - t0);
}

/** W1 full batch: a plain step and a step with dropout (keepProb 0.8) in turns, each timed alone. */
function runW1Dropout(be: Backend, iters: number, warm: number): DropoutResult {
  const data = makeBatches(W1, be, 'float32');
  const plain = new Trainer(W1, be, 'float32', 0.0075),
    dropped = new Trainer(W1, be, 'float32', 0.0075, KEEP_PROB);
  const until = performance.now() + (warm > 1 ? 500 : 0);
  for (let i = 0; i < warm || performance.now() < until; i++) {
    plain.step(data.X[0]!, data.Y[0]!, true);
    dropped.step(data.X[0]!, data.Y[0]!, true);
  }
  const a: number[] = [],
    b: number[] = [];
  for (let i = 0; i < iters; i++)
    timedPair(
      i,
      () => plain.step(data.X[0]!, data.Y[0]!, true),
      () => dropped.step(data.X[0]!, data.Y[0]!, true),
      a,
      b,
    );
  plain.dispose();
  dropped.dispose();
  for (const M of [...data.X, ...data.Y]) be.free(M);
  const p = median(a),
    d = median(b);
  return { keepProb: KEEP_PROB, plain: p, dropout: d, ratio: d / p, rounds: iters };
}

/**
 * W2 mini-batches: each batch stepped plain, then with dropout (keepProb 0.8), each step timed alone, over
 * `epochs` epochs; examples per second from the median step of each kind (alternating step by step keeps
 * a burst of load elsewhere on the machine from landing on one kind only).
 */
function runW2Dropout(be: Backend, epochs: number, maxBatches: number, warmBatches: number): DropoutResult {
  const data = makeBatches(W2, be, 'float32');
  const plain = new Trainer(W2, be, 'float32', 0.01),
    dropped = new Trainer(W2, be, 'float32', 0.01, KEEP_PROB);
  const nb = Math.min(maxBatches, data.X.length);
  const until = performance.now() + (warmBatches > 1 ? 500 : 0);
  for (let i = 0; i < warmBatches || performance.now() < until; i++) {
    plain.step(data.X[i % nb]!, data.Y[i % nb]!);
    dropped.step(data.X[i % nb]!, data.Y[i % nb]!);
  }
  const a: number[] = [],
    b: number[] = [];
  for (let e = 0; e < epochs; e++)
    for (let i = 0; i < nb; i++) {
      if (data.X[i]!.cols !== W2.batch) continue; // the short last batch would blur the medians
      timedPair(
        e * nb + i,
        () => plain.step(data.X[i]!, data.Y[i]!),
        () => dropped.step(data.X[i]!, data.Y[i]!),
        a,
        b,
      );
    }
  plain.dispose();
  dropped.dispose();
  for (const M of [...data.X, ...data.Y]) be.free(M);
  const p = median(a),
    d = median(b);
  return {
    keepProb: KEEP_PROB,
    plain: (1000 * W2.batch) / p,
    dropout: (1000 * W2.batch) / d,
    ratio: d / p,
    rounds: a.length,
  };
}

/** W2, W3: epochs of mini-batch SGD (or, for slow backends, the first `maxBatches` batches). */
function runEpochs(
  w: Workload,
  be: Backend,
  dtype: DType,
  epochs: number,
  maxBatches: number,
  warmBatches: number,
): EpochResult {
  const rssBefore = peakRss();
  const data = makeBatches(w, be, dtype);
  const t = new Trainer(w, be, dtype, 0.01);
  const nb = Math.min(maxBatches, data.X.length);
  const until = performance.now() + (warmBatches > 1 ? 500 : 0);
  for (let i = 0; i < warmBatches || performance.now() < until; i++)
    t.step(data.X[i % data.X.length]!, data.Y[i % data.X.length]!);
  // Both batch sizes (the last batch is smaller) have their workspace now: memory must stay flat from here.
  if (nb === data.X.length) t.step(data.X[nb - 1]!, data.Y[nb - 1]!);
  const heap0 = (be as Partial<WasmBackend>).memoryBytes;
  const rates: number[] = [];
  let examples = 0;
  for (let e = 0; e < epochs; e++) {
    examples = 0;
    const t0 = performance.now();
    for (let i = 0; i < nb; i++) {
      t.step(data.X[i]!, data.Y[i]!);
      examples += data.X[i]!.cols;
    }
    rates.push(examples / ((performance.now() - t0) / 1000));
  }
  const heap1 = (be as Partial<WasmBackend>).memoryBytes;
  const r = median(rates);
  const result: EpochResult = {
    examplesPerSec: r,
    bestExamplesPerSec: Math.max(...rates),
    gflops: ((stepFlops(w.dims, w.batch) / w.batch) * r) / 1e9,
    examples,
    dataBytes: data.bytes,
    modelBytes: t.modelBytes(w.batch),
    rssBeforeMB: rssBefore / 2 ** 20,
    rssAfterMB: peakRss() / 2 ** 20,
  };
  if (heap0 !== undefined && heap1 !== undefined) result.heapGrowthBytes = heap1 - heap0;
  t.dispose();
  for (const M of [...data.X, ...data.Y]) be.free(M);
  return result;
}

/** Runs every workload on one backend. */
function runBackend(be: Backend, gemms: GemmResult[]): Record<string, unknown> {
  const slow = be.name === 'ts';
  const isa = 'isa' in be ? `, ${String(be.isa)}` : '';
  const relaxed = 'relaxedSimd' in be ? `, relaxed-SIMD ${String((be as WasmBackend).relaxedSimd)}` : '';
  log(`bench: ${be.name}${isa}, ${be.threads} thread(s)${relaxed}`);
  const r: Record<string, unknown> = { backend: be.name, threads: be.threads };
  if ('relaxedSimd' in be) r.relaxedSimd = (be as WasmBackend).relaxedSimd;
  if ('isa' in be) r.isa = be.isa;
  if (only.has('W1')) {
    r.W1 = runW1(be, 'float32', slow ? 3 : quick ? 15 : 40, slow ? 1 : 5);
    log(`  W1 float32 ${(r.W1 as W1Result).msPerIter.toFixed(2)} ms/iter`);
    const f64 = runW1(be, 'float64', slow ? 2 : quick ? 10 : 25, slow ? 1 : 3);
    f64.projected2500s = (f64.msPerIter * 2500) / 1000;
    r.W1f64 = f64;
    log(`  W1 float64 ${f64.msPerIter.toFixed(2)} ms/iter (2500 iterations ≈ ${f64.projected2500s.toFixed(1)} s)`);
  }
  if (only.has('W2')) {
    r.W2 = runEpochs(W2, be, 'float32', slow ? 1 : quick ? 2 : 5, slow ? 8 : Infinity, slow ? 1 : 80);
    log(`  W2 ${(r.W2 as EpochResult).examplesPerSec.toFixed(0)} examples/s`);
  }
  if (only.has('dropout') && only.has('W1')) {
    const d = runW1Dropout(be, slow ? 3 : quick ? 15 : 60, slow ? 1 : 5);
    r.W1dropout = d;
    log(
      `  W1 keepProb ${d.keepProb}: ${d.dropout.toFixed(2)} against ${d.plain.toFixed(2)} ms/iter (${d.ratio.toFixed(3)}x)`,
    );
  }
  if (only.has('dropout') && only.has('W2')) {
    const d = runW2Dropout(be, slow ? 1 : quick ? 3 : 9, slow ? 8 : Infinity, slow ? 1 : 80);
    r.W2dropout = d;
    log(
      `  W2 keepProb ${d.keepProb}: ${d.dropout.toFixed(0)} against ${d.plain.toFixed(0)} examples/s (${d.ratio.toFixed(3)}x)`,
    );
  }
  if (only.has('W3')) {
    r.W3 = runEpochs(W3, be, 'float32', slow ? 1 : quick ? 1 : 3, slow ? 2 : Infinity, slow ? 1 : 4);
    log(`  W3 ${(r.W3 as EpochResult).examplesPerSec.toFixed(0)} examples/s`);
  }
  if (only.has('gemm')) for (const s of gemmShapes) gemms.push(timeGemm(be, s, slow ? 0.3 : quick ? 0.1 : 0.25));
  return r;
}

/** How many times faster lnn's backend is than a peer, per workload (W1 by time, W2/W3 by rate). */
function speedups(best: Record<string, unknown>, p: PeerResult) {
  const w1 = best.W1 as W1Result | undefined;
  const rate = (k: 'W2' | 'W3') => (best[k] as EpochResult | undefined)?.examplesPerSec;
  return {
    W1: p.W1 && w1 ? p.W1.msPerIter / w1.msPerIter : undefined,
    W2: p.W2 && rate('W2') ? rate('W2')! / p.W2.examplesPerSec : undefined,
    W3: p.W3 && rate('W3') ? rate('W3')! / p.W3.examplesPerSec : undefined,
  };
}

async function main(): Promise<void> {
  const threads = threadsArg ? Number(threadsArg) : undefined;
  await initBackends(threads ? { threads } : {});
  const summary = await backendSummary();
  log(`bench: ${summary}`);
  const rssBaseline = peakRss();
  const loadBefore = os.loadavg()[0]!;
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  const results: Record<string, Record<string, unknown>> = {};
  const gemms: GemmResult[] = [];
  const skipped: Record<string, string> = {};
  for (const name of backendNames) {
    if (!registered().includes(name)) {
      skipped[name] = name === 'native' ? summary : `not registered (${registered().join(', ')} are)`;
      log(`bench: ${name} skipped: ${skipped[name]}`);
      continue;
    }
    results[name] = runBackend(getBackend(name), gemms);
  }
  const best = results.native ?? results.wasm ?? Object.values(results)[0]!;
  const peerThreads = threads ?? (best.threads as number);
  const peers: PeerResult[] = [];
  let torchDropout: TorchDropout | undefined;
  if (peersDir) {
    if (peerNames.includes('torch')) {
      log(`bench: PyTorch peer from ${peersDir}, BLAS on ${peerThreads} thread(s)`);
      peers.push(runTorch(peersDir, peerThreads));
      if (only.has('dropout')) {
        log(`bench: PyTorch with nn.Dropout (bench/torch_dropout.py), BLAS on ${peerThreads} thread(s)`);
        torchDropout = runTorchDropout(peerThreads, KEEP_PROB);
      }
    }
    if (peerNames.includes('tfjs')) {
      log(`bench: TensorFlow.js wasm peer from ${peersDir}`);
      peers.push(runTfjsWasm(peersDir));
    }
  }
  let numpyGemm: ReturnType<typeof runNumpyGemm> | undefined;
  if (numpy) {
    log(`bench: numpy GEMMs on ${peerThreads} BLAS thread(s)`);
    numpyGemm = runNumpyGemm(peerThreads, quick ? 0.2 : 0.5);
  }
  const ts = results.ts;
  const speedup = (k: 'W2' | 'W3') =>
    ts?.[k] && best[k] ? (best[k] as EpochResult).examplesPerSec / (ts[k] as EpochResult).examplesPerSec : undefined;
  const doc = {
    date: new Date().toISOString().slice(0, 10),
    // The 1-minute load average before and after: above the core count, other processes were
    // competing for the cores and every figure here is low (threads suffer most).
    machine: {
      cpu,
      cores: os.cpus().length,
      node: process.version,
      loadavg: { before: loadBefore, after: os.loadavg()[0]! },
    },
    summary,
    backend: best.backend,
    threads: best.threads,
    W1: best.W1,
    W1f64: best.W1f64,
    W2: best.W2,
    W3: best.W3,
    speedupOverTs:
      ts && ts !== best
        ? {
            W1: ts.W1 ? (ts.W1 as W1Result).msPerIter / (best.W1 as W1Result).msPerIter : undefined,
            W2: speedup('W2'),
            W3: speedup('W3'),
          }
        : undefined,
    gemm: gemms,
    peers: peers.map((p) => ({ ...p, speedup: speedups(best, p) })),
    torchDropout,
    numpyGemm,
    targets: [...targets(best, gemms, peers, numpyGemm), ...dropoutTargets(results, best, torchDropout)],
    skipped,
    backends: results,
    rss: { baselineMB: rssBaseline / 2 ** 20, peakMB: peakRss() / 2 ** 20 },
  };
  if (json) {
    process.stdout.write(JSON.stringify(doc, null, 2) + '\n');
    return;
  }
  printTable(results, gemms, doc.rss);
  const out = (line: string) => process.stdout.write(line + '\n');
  out(
    `\n${cpu}, ${os.cpus().length} cores, Node ${process.version}, load average ${loadBefore.toFixed(1)} → ${doc.machine.loadavg.after.toFixed(1)}`,
  );
  out(summary);
  for (const p of doc.peers) {
    if (p.error) out(`\npeer ${p.peer}: ${p.error}`);
    else
      out(
        `\n| ${p.peer} (same run) | W1 ${p.W1?.msPerIter.toFixed(2)} ms/iter | W2 ${p.W2?.examplesPerSec.toFixed(0)} ex/s | W3 ${p.W3?.examplesPerSec.toFixed(0)} ex/s |\n` +
          `| lnn ${best.backend as string} speedup | ${p.speedup.W1?.toFixed(2)}x | ${p.speedup.W2?.toFixed(2)}x | ${p.speedup.W3?.toFixed(2)}x |`,
      );
  }
  printDropout(results, torchDropout);
  if (numpyGemm) {
    if (numpyGemm.error) out(`\nnumpy GEMM: ${numpyGemm.error}`);
    else for (const g of numpyGemm.gemm) out(`numpy ${numpyGemm.threads}T ${g.label}: ${g.gflops.toFixed(1)} GFLOP/s`);
  }
  if (doc.targets.length) {
    out('\n| target | measured |\n|---|---|');
    for (const t of doc.targets) out(`| ${t.target} | ${t.measured} |`);
  }
}

/** The native backend's targets (issue 10) as far as this run measured them. */
function targets(
  best: Record<string, unknown>,
  gemms: GemmResult[],
  peers: PeerResult[],
  numpyGemm: ReturnType<typeof runNumpyGemm> | undefined,
): { target: string; measured: string }[] {
  const out: { target: string; measured: string }[] = [];
  const name = best.backend as string;
  const torch = peers.find((p) => p.peer.startsWith('pytorch') && !p.error);
  if (torch) {
    const s = speedups(best, torch);
    const fmt = (x: number | undefined) => (x === undefined ? '-' : `${x.toFixed(2)}x`);
    out.push({
      target: `≥ 1.0x PyTorch on W1, W2, W3 (${name})`,
      measured: `${fmt(s.W1)}, ${fmt(s.W2)}, ${fmt(s.W3)}`,
    });
  }
  const ref = numpyGemm?.gemm.find((g) => g.label.startsWith('1024^3'));
  const w3 = gemms.filter((g) => g.backend === name && g.label.startsWith('W3'));
  if (ref && w3.length)
    out.push({
      target: `W3 GEMMs ≥ 85% of numpy's ${numpyGemm!.threads}-thread 1024³ (${ref.gflops.toFixed(1)} GFLOP/s)`,
      measured: w3.map((g) => `${((100 * g.gflops) / ref.gflops).toFixed(0)}%`).join(', '),
    });
  const f64 = best.W1f64 as W1Result | undefined;
  if (f64?.projected2500s !== undefined)
    out.push({ target: 'W1 float64, 2500 iterations, under 10 s', measured: `${f64.projected2500s.toFixed(1)} s` });
  return out;
}

/** Issue 18's targets: a step with keepProb 0.8 at most 1.15x the plain one (native, wasm), and ≥ 1.0x PyTorch's. */
function dropoutTargets(
  results: Record<string, Record<string, unknown>>,
  best: Record<string, unknown>,
  torch: TorchDropout | undefined,
): { target: string; measured: string }[] {
  const out: { target: string; measured: string }[] = [];
  for (const name of ['native', 'wasm']) {
    const w1 = results[name]?.W1dropout as DropoutResult | undefined,
      w2 = results[name]?.W2dropout as DropoutResult | undefined;
    if (w1 || w2)
      out.push({
        target: `keepProb ${KEEP_PROB} step ≤ 1.15x the plain step, W1 (full batch), W2 (mini-batch) (${name})`,
        measured: `${w1 ? `${w1.ratio.toFixed(3)}x` : '-'}, ${w2 ? `${w2.ratio.toFixed(3)}x` : '-'}`,
      });
  }
  const w1 = best.W1dropout as DropoutResult | undefined,
    w2 = best.W2dropout as DropoutResult | undefined;
  if (torch && !torch.error && (w1 || w2))
    out.push({
      target: `with dropout ≥ 1.0x PyTorch's nn.Dropout on W1, W2 (${best.backend as string})`,
      measured: `${w1 && torch.W1 ? `${(torch.W1.dropout / w1.dropout).toFixed(2)}x` : '-'}, ${w2 && torch.W2 ? `${(w2.dropout / torch.W2.dropout).toFixed(2)}x` : '-'}`,
    });
  return out;
}

/** The dropout rows: each backend's plain and keepProb 0.8 medians, and PyTorch's. */
function printDropout(results: Record<string, Record<string, unknown>>, torch: TorchDropout | undefined): void {
  const rows: string[] = [];
  const row = (who: string, w1?: { plain: number; dropout: number; ratio: number }, w2?: typeof w1) =>
    rows.push(
      `| ${who} | ${w1 ? `${w1.plain.toFixed(2)} → ${w1.dropout.toFixed(2)} (${w1.ratio.toFixed(3)}x)` : '-'} | ` +
        `${w2 ? `${w2.plain.toFixed(0)} → ${w2.dropout.toFixed(0)} (${w2.ratio.toFixed(3)}x)` : '-'} |`,
    );
  for (const r of Object.values(results))
    if (r.W1dropout || r.W2dropout)
      row(r.backend as string, r.W1dropout as DropoutResult | undefined, r.W2dropout as DropoutResult | undefined);
  if (torch?.error) rows.push(`| ${torch.peer ?? 'PyTorch'} | ${torch.error} | |`);
  else if (torch) row(torch.peer ?? 'PyTorch', torch.W1, torch.W2);
  if (rows.length === 0) return;
  const out = (s: string) => process.stdout.write(s + '\n');
  out(`\n| keepProb ${KEEP_PROB}, plain → dropout | W1 ms/iter | W2 examples/s |`);
  out('|---|---|---|');
  for (const r of rows) out(r);
}

function printTable(
  results: Record<string, Record<string, unknown>>,
  gemms: GemmResult[],
  rss: { baselineMB: number; peakMB: number },
): void {
  const out = (s: string) => process.stdout.write(s + '\n');
  out('| backend | threads | W1 f32 ms/iter | W1 f64 ms/iter (2500 it.) | W2 ex/s | W3 ex/s |');
  out('|---|---|---|---|---|---|');
  for (const r of Object.values(results)) {
    const w1 = r.W1 as W1Result | undefined,
      f64 = r.W1f64 as W1Result | undefined;
    const w2 = r.W2 as EpochResult | undefined,
      w3 = r.W3 as EpochResult | undefined;
    out(
      `| ${r.backend as string} | ${r.threads as number} | ${w1 ? `${w1.msPerIter.toFixed(2)} (${w1.gflops.toFixed(1)} GFLOP/s; best ${w1.bestMsPerIter.toFixed(2)})` : '-'} | ` +
        `${f64 ? `${f64.msPerIter.toFixed(2)} (${f64.projected2500s!.toFixed(1)} s; best ${f64.bestMsPerIter.toFixed(2)})` : '-'} | ` +
        `${w2 ? `${w2.examplesPerSec.toFixed(0)} (${w2.gflops.toFixed(1)} GFLOP/s; best ${w2.bestExamplesPerSec.toFixed(0)})` : '-'} | ` +
        `${w3 ? `${w3.examplesPerSec.toFixed(0)} (${w3.gflops.toFixed(1)} GFLOP/s; best ${w3.bestExamplesPerSec.toFixed(0)})` : '-'} |`,
    );
  }
  out('');
  out('| GEMM (M, N, K) form | ' + Object.keys(results).join(' GFLOP/s | ') + ' GFLOP/s |');
  out(
    '|---|' +
      Object.keys(results)
        .map(() => '---|')
        .join(''),
  );
  const keys = [...new Set(gemms.map((g) => g.label))];
  for (const k of keys)
    out(
      `| ${k} | ${Object.keys(results)
        .map((b) => gemms.find((g) => g.label === k && g.backend === b)?.gflops.toFixed(1) ?? '-')
        .join(' | ')} |`,
    );
  out('');
  out(`RSS: baseline ${rss.baselineMB.toFixed(0)} MB, peak ${rss.peakMB.toFixed(0)} MB`);
  const w2 = (results.native?.W2 ?? results.wasm?.W2 ?? undefined) as EpochResult | undefined;
  if (w2) {
    out(
      `W2 memory: data ${(w2.dataBytes / 2 ** 20).toFixed(1)} MB, parameters + one batch's activations ${(w2.modelBytes / 2 ** 20).toFixed(2)} MB, ` +
        `peak RSS ${w2.rssBeforeMB.toFixed(0)} → ${w2.rssAfterMB.toFixed(0)} MB, kernel heap growth over the timed epochs ${w2.heapGrowthBytes ?? 0} bytes`,
    );
  }
}

await main();
