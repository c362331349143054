import './src/data/register.js';
import { writeFileSync } from 'node:fs';
import { loadDataset } from './src/data/load.js';
import { trainDevTestSplit } from './src/data/split.js';
import { npyHeader } from './src/data/npy.js';
const rss = (s: string) =>
  console.log(
    s,
    (process.memoryUsage.rss() / 2 ** 20).toFixed(0),
    'MB, heap',
    (process.memoryUsage().heapUsed / 2 ** 20).toFixed(0),
    'ext',
    (process.memoryUsage().arrayBuffers / 2 ** 20).toFixed(0),
  );
const m = 1_000_000,
  n = 100;
if (process.argv[2] === 'gen') {
  const x = new Float32Array(m * n).map(() => Math.random());
  writeFileSync('/tmp/sc/bx.npy', Buffer.concat([npyHeader([m, n], '<f4'), new Uint8Array(x.buffer)]));
  const y = new BigInt64Array(m).map((_, i) => BigInt(i & 1));
  writeFileSync('/tmp/sc/by.npy', Buffer.concat([npyHeader([m], '<i8'), new Uint8Array(y.buffer)]));
  process.exit(0);
}
rss('start');
const d = await loadDataset({ x: '/tmp/sc/bx.npy', y: '/tmp/sc/by.npy' });
rss('loaded');
const s = trainDevTestSplit(d, { seed: 1 });
rss('split');
(globalThis as any).gc?.();
rss('after gc');
console.log(s.sizes);
