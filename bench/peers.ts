// Runs a peer from ../shared/peers (copied somewhere writable and `npm install`ed, see its README)
// in the same bench run, and reads its JSON lines: { workload, median, gflops, ... } where median is
// seconds per iteration for W1 and examples per second for W2 and W3.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export interface PeerResult {
  peer: string;
  W1?: { msPerIter: number; gflops: number };
  W2?: { examplesPerSec: number; gflops: number };
  W3?: { examplesPerSec: number; gflops: number };
  error?: string | undefined;
}

/** TensorFlow.js's wasm backend with hand-written backprop: its fastest use, the yardstick. */
export function runTfjsWasm(dir: string): PeerResult {
  const script = join(dir, 'peers/tfjs_peer.js');
  const out: PeerResult = { peer: 'tfjs-wasm-manual' };
  if (!existsSync(script)) return { ...out, error: `${script} not found` };
  try {
    const text = execFileSync(process.execPath, [script, '--backend=wasm', '--mode=manual', '--w1-iters=50'], {
      cwd: dir,
      timeout: 600_000,
      stdio: ['ignore', 'pipe', 'ignore'],
    }).toString();
    for (const line of text.split('\n')) {
      if (!line.trim().startsWith('{')) continue;
      const r = JSON.parse(line) as { workload?: string; median?: number; gflops?: number };
      if (r.workload === 'W1' && r.median !== undefined)
        out.W1 = { msPerIter: r.median * 1000, gflops: r.gflops ?? NaN };
      if ((r.workload === 'W2' || r.workload === 'W3') && r.median !== undefined)
        out[r.workload] = { examplesPerSec: r.median, gflops: r.gflops ?? NaN };
    }
  } catch (e) {
    out.error = (e as Error).message.split('\n')[0];
  }
  return out;
}
