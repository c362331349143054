// Runs peers from ../shared/peers (copied somewhere writable, and `npm install`ed for TensorFlow.js; see
// its README) in the same bench run, and reads their JSON lines: { workload, median, gflops, ... } where
// median is seconds per iteration for W1 and examples per second for W2 and W3. Also numpy's GEMM
// (bench/numpy_gemm.py), the yardstick of the native backend's GEMM target.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PeerResult {
  peer: string;
  W1?: { msPerIter: number; gflops: number };
  W2?: { examplesPerSec: number; gflops: number };
  W3?: { examplesPerSec: number; gflops: number };
  error?: string | undefined;
}

/** The Python that has Debian's python3-torch and numpy (LNN_BENCH_PYTHON overrides). */
const PYTHON = process.env.LNN_BENCH_PYTHON ?? '/usr/bin/python3';

/** Runs a peer command and reads its workload lines into `out` (or the first line of its error). */
function runPeer(out: PeerResult, cmd: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): PeerResult {
  try {
    const text = execFileSync(cmd, args, {
      cwd,
      timeout: 900_000,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
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
    const err = e as Error & { stderr?: Buffer };
    out.error = (err.stderr?.toString().trim().split('\n').pop() ?? err.message.split('\n')[0])!;
  }
  return out;
}

/** TensorFlow.js's wasm backend with hand-written backprop: its fastest use. */
export function runTfjsWasm(dir: string): PeerResult {
  const script = join(dir, 'peers/tfjs_peer.js');
  const out: PeerResult = { peer: 'tfjs-wasm-manual' };
  if (!existsSync(join(dir, 'node_modules/@tensorflow/tfjs-backend-wasm')))
    return { ...out, error: `not installed in ${dir} (npm install there)` };
  return runPeer(out, process.execPath, [script, '--backend=wasm', '--mode=manual', '--w1-iters=50'], dir);
}

/**
 * PyTorch 1.13 (Debian's python3-torch), float32, nn.Sequential + optim.SGD, its GEMMs on `threads`
 * BLAS threads (OPENBLAS_NUM_THREADS; torch's own intra-op threads left at 1, the peer's advice).
 */
export function runTorch(dir: string, threads: number): PeerResult {
  const out: PeerResult = { peer: `pytorch-1.13-f32-blas${threads}T` };
  return runPeer(out, PYTHON, [join(dir, 'peers/torch_peer.py'), '--threads=0'], dir, {
    OPENBLAS_NUM_THREADS: String(threads),
  });
}

/** PyTorch with and without nn.Dropout on W1 (ms/iter) and W2 (examples/s), from bench/torch_dropout.py. */
export interface TorchDropout {
  peer?: string;
  W1?: { plain: number; dropout: number; ratio: number };
  W2?: { plain: number; dropout: number; ratio: number };
  error?: string;
}

/** bench/torch_dropout.py on `threads` BLAS threads: PyTorch's steps with nn.Dropout beside its plain ones. */
export function runTorchDropout(threads: number, keepProb: number): TorchDropout {
  const script = fileURLToPath(new URL('./torch_dropout.py', import.meta.url));
  const out: TorchDropout = {};
  try {
    const text = execFileSync(PYTHON, [script, String(keepProb)], {
      timeout: 900_000,
      env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads) },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
    for (const line of text.split('\n').filter((l) => l.startsWith('{'))) {
      const r = JSON.parse(line) as {
        peer: string;
        workload: 'W1' | 'W2';
        plain: number;
        dropout: number;
        ratio: number;
      };
      const scale = r.workload === 'W1' ? 1000 : 1;
      out.peer = r.peer;
      out[r.workload] = { plain: r.plain * scale, dropout: r.dropout * scale, ratio: r.ratio };
    }
  } catch (e) {
    const err = e as Error & { stderr?: Buffer };
    out.error = (err.stderr?.toString().trim().split('\n').pop() ?? err.message.split('\n')[0])!;
  }
  return out;
}

export interface NumpyGemm {
  label: string;
  gflops: number;
  median: number;
}

/** numpy's float32 GEMMs (bench/numpy_gemm.py) on `threads` BLAS threads, or the reason it could not run. */
export function runNumpyGemm(threads: number, seconds: number): { threads: number; gemm: NumpyGemm[]; error?: string } {
  const script = fileURLToPath(new URL('./numpy_gemm.py', import.meta.url));
  try {
    const text = execFileSync(PYTHON, [script, String(seconds)], {
      timeout: 300_000,
      env: { ...process.env, OPENBLAS_NUM_THREADS: String(threads) },
      stdio: ['ignore', 'pipe', 'pipe'],
    }).toString();
    const gemm = text
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as NumpyGemm);
    return { threads, gemm };
  } catch (e) {
    return { threads, gemm: [], error: (e as Error).message.split('\n')[0]! };
  }
}
