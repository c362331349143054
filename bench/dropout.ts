// npm run bench:dropout [-- --reps N]
//
// Backward with dropout: reuse the mask forward stored (a byte a unit), or draw it again from its
// Philox counters? Timed on the hidden layers of W1 and W2 (bench/workloads.ts), one thread, float32,
// ReLU, keepProb 0.8, through the real kernels:
//   draw   = dropoutForward drawing the mask − dropoutForward reading a given one: what drawing costs,
//            which a backward that regenerates the mask would pay again;
//   read   = dropoutBackward (which reads the stored mask) − activationBackward: what reading it costs.
// A regenerating backward would take about activationBackward + draw, the stored one takes
// activationBackward + read. Medians of `reps` timings of many calls each, per layer, summed per step.
import type { Backend } from '../src/backend/backend.js';
import { createNativeBackend } from '../src/backend/native/index.js';
import { loadAddon } from '../src/backend/native/addon.js';
import { createWasmBackend } from '../src/backend/wasm/index.js';
import { W1, W2, type Workload } from './workloads.js';

const args = process.argv.slice(2);
const reps = Number(args[args.indexOf('--reps') + 1] ?? 15) || 15;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1]!;
}

/** µs per call of f, median of `reps` rounds of enough calls to take about 2 ms. */
function time(f: () => void, entries: number): number {
  const calls = Math.max(20, Math.ceil(2e6 / entries));
  const t: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    for (let i = 0; i < calls; i++) f();
    t.push(((performance.now() - t0) * 1000) / calls);
  }
  return median(t);
}

/** The five timings of one (n, m) hidden layer, µs per call. */
function layer(be: Backend, n: number, m: number) {
  const Z = be.zeros(n, m, 'float32');
  for (let i = 0; i < Z.size; i++) Z.data[i] = Math.sin(i * 1.7);
  const A = be.zeros(n, m, 'float32'),
    dropped = be.zeros(n, m, 'float32'),
    dA = be.zeros(n, m, 'float32'),
    dZ = be.zeros(n, m, 'float32'),
    D = be.zerosMask(n, m);
  const key = { seed: 1, step: 7, layer: 1 };
  const size = n * m;
  const r = {
    activationForward: time(() => be.activationForward('relu', Z, A, 0), size),
    drawn: time(() => be.dropoutForward('relu', Z, A, D, dropped, 0, 0.8, key), size),
    given: time(() => be.dropoutForward('relu', Z, A, D, dropped, 0, 0.8, null), size),
    activationBackward: time(() => be.activationBackward('relu', dA, Z, A, dZ, 0), size),
    dropoutBackward: time(() => be.dropoutBackward('relu', dA, Z, A, D, dZ, 0, 0.8), size),
  };
  for (const M of [Z, A, dropped, dA, dZ, D]) be.free(M);
  return r;
}

async function main(): Promise<void> {
  const backends: Backend[] = [await createWasmBackend({ threads: 1 })];
  if (!('reason' in (await loadAddon()))) backends.unshift(await createNativeBackend({ threads: 1 }));
  const out = (s: string) => process.stdout.write(s + '\n');
  out(
    '| backend | workload: hidden layers | draw (µs/step) | read (µs/step) | backward, stored mask | backward, regenerated (est.) |',
  );
  out('|---|---|---|---|---|---|');
  for (const be of backends) {
    const isa = 'isa' in be ? ` ${String(be.isa)}` : '';
    for (const w of [W1, W2] as Workload[]) {
      const hidden = w.dims.slice(1, -1);
      let draw = 0,
        read = 0,
        stored = 0,
        plainBack = 0;
      for (const n of hidden) {
        const t = layer(be, n, w.batch);
        draw += t.drawn - t.given;
        read += t.dropoutBackward - t.activationBackward;
        stored += t.dropoutBackward;
        plainBack += t.activationBackward;
      }
      out(
        `| ${be.name}${isa}, 1 thread | ${w.name}: ${hidden.map((n) => `(${n}, ${w.batch})`).join(', ')} | ${draw.toFixed(1)} | ` +
          `${read.toFixed(1)} | ${stored.toFixed(1)} | ${(plainBack + draw).toFixed(1)} |`,
      );
    }
  }
  process.exit(0);
}

await main();
