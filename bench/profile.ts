// npm run bench:profile [-- --backend native] [--steps N] [--keep-prob P]
//
// Where a training step's time goes: every Backend method is timed around its call while the issue's
// workloads (bench/workloads.ts) train, and each method's share of the step's wall time is printed with
// its calls per step and time per call. What is left over is JavaScript (nn's bookkeeping, the checks of
// kernel-plan.ts). Used to decide what is worth fusing; the figures are in bench/RESULTS.md. With
// --keep-prob, the hidden layers train with inverted dropout (masks drawn in the kernels).
import type { Backend } from '../src/backend/backend.js';
import { getBackend, initBackends } from '../src/backend/index.js';
import type { DType } from '../src/core/matrix.js';
import { makeBatches, Trainer, W1, W2, W3, type Workload } from './workloads.js';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};

/** Replaces each method of `be` with a timed wrapper; returns the totals and a function that restores it. */
function instrument(be: Backend): { ms: Map<string, number>; calls: Map<string, number>; restore: () => void } {
  const ms = new Map<string, number>(),
    calls = new Map<string, number>();
  const target = be as unknown as Record<string, unknown>;
  const originals = new Map<string, (...a: unknown[]) => unknown>();
  // Allocation and freeing are not kernels; everything else a step calls is.
  const skip = new Set(['constructor', 'zeros', 'zerosMask', 'free', 'call']);
  for (let proto = Object.getPrototypeOf(be); proto && proto !== Object.prototype; proto = Object.getPrototypeOf(proto))
    for (const name of Object.getOwnPropertyNames(proto)) {
      const f = target[name];
      if (skip.has(name) || originals.has(name) || typeof f !== 'function') continue;
      const method = f as (...a: unknown[]) => unknown;
      originals.set(name, method);
      target[name] = (...a: unknown[]) => {
        const t0 = performance.now();
        const r = method.apply(be, a);
        ms.set(name, (ms.get(name) ?? 0) + performance.now() - t0);
        calls.set(name, (calls.get(name) ?? 0) + 1);
        return r;
      };
    }
  return { ms, calls, restore: () => originals.forEach((_, name) => delete target[name]) };
}

function profile(be: Backend, w: Workload, dtype: DType, steps: number): void {
  const trainer = new Trainer(w, be, dtype, 0.01, keepProb);
  const { X, Y } = makeBatches(w, be, dtype);
  for (let i = 0; i < 20; i++) trainer.step(X[i % X.length]!, Y[i % X.length]!); // warm-up
  const { ms, calls, restore } = instrument(be);
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) trainer.step(X[i % X.length]!, Y[i % X.length]!);
  const total = performance.now() - t0;
  restore();
  const inKernels = [...ms.values()].reduce((a, b) => a + b, 0);
  console.log(
    `${w.name} ${dtype}: ${(total / steps).toFixed(3)} ms a step, ${((100 * inKernels) / total).toFixed(1)}% in kernels`,
  );
  for (const [name, t] of [...ms].sort((a, b) => b[1] - a[1])) {
    const n = calls.get(name)!;
    console.log(
      `  ${name.padEnd(20)} ${((100 * t) / total).toFixed(1).padStart(5)}%  ${(n / steps).toFixed(1)} calls a step  ${((1000 * t) / n).toFixed(1)} µs a call`,
    );
  }
  trainer.dispose();
  for (const M of [...X, ...Y]) be.free(M);
}

await initBackends({});
const be = getBackend(opt('backend') ?? 'native');
const steps = Number(opt('steps') ?? 0);
const keepProb = Number(opt('keep-prob') ?? 1);
const runs: [Workload, DType, number][] = [
  [W1, 'float32', 200],
  [W1, 'float64', 200],
  [W2, 'float32', 2 * Math.ceil(W2.examples / W2.batch)],
  [W3, 'float32', 2 * Math.ceil(W3.examples / W3.batch)],
];
console.log(`backend: ${be.name}, ${be.threads} thread(s)${keepProb < 1 ? `, dropout keepProb ${keepProb}` : ''}`);
for (const [w, dtype, n] of runs) profile(be, w, dtype, steps > 0 ? steps : n);
