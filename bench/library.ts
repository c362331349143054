// npm run bench:library [-- --runs 5] [--epochs 1] [--data builtin:mnist]
//
// The library against the command line, in one process: `await train({ data, epochs })` and `lnn train
// --data DATA --epochs N` (its main(), as bin/lnn.js runs it), alternated run after run so both meet
// the same machine load, on the backend importing lnn loads. Prints each run's wall time and the
// medians, and the ratio library / command (target: within 5%).
import { cpus, loadavg } from 'node:os';
import { main } from '../src/cli/main.js';
import { train } from '../src/index.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const runs = Number(opt('runs', '5'));
const epochs = Number(opt('epochs', '1'));
const data = opt('data', 'builtin:mnist');
const quiet = { out: () => {}, err: () => {}, errIsTTY: false };

async function viaLibrary(): Promise<number> {
  const t0 = performance.now();
  const { model } = await train({ data, epochs });
  const s = (performance.now() - t0) / 1000;
  model.dispose();
  return s;
}

async function viaCommand(): Promise<number> {
  const t0 = performance.now();
  const code = await main(['train', '--data', data, '--epochs', String(epochs), '--quiet'], quiet);
  if (code !== 0) throw new Error(`lnn train exited with ${code}`);
  return (performance.now() - t0) / 1000;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const lib: number[] = [];
const cmd: number[] = [];
await viaLibrary(); // warm-up: the data set's first load and the kernels' first use
for (let r = 0; r < runs; r++) {
  lib.push(await viaLibrary());
  cmd.push(await viaCommand());
  console.error(`run ${r + 1}: library ${lib.at(-1)!.toFixed(3)} s, command ${cmd.at(-1)!.toFixed(3)} s`);
}
const [l, c] = [median(lib), median(cmd)];
console.log(
  `${data}, ${epochs} epoch${epochs === 1 ? '' : 's'}, ${runs} runs each, ${cpus()[0]?.model} (${cpus().length} cores), load ${loadavg()[0]!.toFixed(2)}`,
);
console.log(
  `median: await train() ${l.toFixed(3)} s, lnn train ${c.toFixed(3)} s; library / command = ${(l / c).toFixed(3)}`,
);
