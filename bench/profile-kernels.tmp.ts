import { getBackend, initBackends } from '../src/backend/index.js';
import { makeBatches, Trainer, W1, W2, W3 } from './workloads.js';
await initBackends({});
const be = getBackend('native');
for (const [w, dtype] of [[W1, 'float32'], [W1, 'float64'], [W2, 'float32'], [W3, 'float32']] as const) {
  const t = new Trainer(w, be, dtype);
  const b = makeBatches(w, be, dtype);
  const times = new Map<string, number>();
  const counts = new Map<string, number>();
  const proto = Object.getPrototypeOf(be);
  const wrapped: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(proto)).concat(Object.getOwnPropertyNames(proto))) {
    const f = (be as any)[name];
    if (typeof f !== 'function' || name === 'constructor' || ['zeros','free','call','fromArray'].includes(name)) continue;
    wrapped[name] = f;
    (be as any)[name] = (...a: unknown[]) => { const s = process.hrtime.bigint(); const r = f.apply(be, a); const e = Number(process.hrtime.bigint() - s) / 1e6; times.set(name, (times.get(name) ?? 0) + e); counts.set(name, (counts.get(name) ?? 0) + 1); return r; };
  }
  const steps = w === W1 ? 200 : b.X.length * 2;
  for (let i = 0; i < 20; i++) t.step(b.X[i % b.X.length]!, b.Y[i % b.X.length]!);
  times.clear(); counts.clear();
  const s0 = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) t.step(b.X[i % b.X.length]!, b.Y[i % b.X.length]!);
  const total = Number(process.hrtime.bigint() - s0) / 1e6;
  for (const [k, f] of Object.entries(wrapped)) (be as any)[k] = f;
  const inK = [...times.values()].reduce((a, c) => a + c, 0);
  console.log(`${w.name} ${dtype}: ${(total / steps).toFixed(3)} ms/step, in kernels ${(100 * inK / total).toFixed(1)}%`);
  for (const [k, v] of [...times].sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(22)} ${(100 * v / total).toFixed(1).padStart(5)}%  ${(counts.get(k)! / steps).toFixed(1)} calls/step  ${(1000 * v / counts.get(k)!).toFixed(1)} µs/call`);
  t.dispose();
}
