// The GEMM shapes inside the workloads' training steps, timed alone: Z = W·A_prev (NN),
// dW = dZ·A_prevᵀ (NT), dA_prev = Wᵀ·dZ (TN), for the big layer of each workload.
import type { Backend } from '../src/backend/backend.js';

export interface GemmShape {
  label: string;
  transA: boolean;
  transB: boolean;
  M: number;
  N: number;
  K: number;
}

export interface GemmResult {
  label: string;
  backend: string;
  threads: number;
  gflops: number;
  ms: number;
}

function layer(name: string, nOut: number, nIn: number, m: number): GemmShape[] {
  return [
    { label: `${name} W·A (${nOut}, ${m}, ${nIn}) NN`, transA: false, transB: false, M: nOut, N: m, K: nIn },
    { label: `${name} dZ·Aᵀ (${nOut}, ${nIn}, ${m}) NT`, transA: false, transB: true, M: nOut, N: nIn, K: m },
    { label: `${name} Wᵀ·dZ (${nIn}, ${m}, ${nOut}) TN`, transA: true, transB: false, M: nIn, N: m, K: nOut },
  ];
}

export const gemmShapes: GemmShape[] = [
  { label: '1024³ NN', transA: false, transB: false, M: 1024, N: 1024, K: 1024 },
  ...layer('W1 l1', 20, 12288, 209),
  ...layer('W2 l1', 128, 784, 128),
  ...layer('W3 l2', 1024, 1024, 256),
];

/** Median GFLOP/s of repeated C = op(A)·op(B) for about `seconds` in all, after one warm-up call. */
export function timeGemm(be: Backend, s: GemmShape, seconds: number): GemmResult {
  const A = s.transA ? be.zeros(s.K, s.M, 'float32') : be.zeros(s.M, s.K, 'float32');
  const B = s.transB ? be.zeros(s.N, s.K, 'float32') : be.zeros(s.K, s.N, 'float32');
  const C = be.zeros(s.M, s.N, 'float32');
  for (let i = 0; i < A.size; i++) A.data[i] = Math.sin(i);
  for (let i = 0; i < B.size; i++) B.data[i] = Math.cos(i);
  be.gemm(s.transA, s.transB, 1, A, B, 0, C);
  const times: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  do {
    const t0 = performance.now();
    be.gemm(s.transA, s.transB, 1, A, B, 0, C);
    times.push(performance.now() - t0);
  } while (performance.now() < deadline || times.length < 3);
  times.sort((a, b) => a - b);
  const ms = times[times.length >> 1]!;
  for (const M of [A, B, C]) be.free(M);
  return { label: s.label, backend: be.name, threads: be.threads, ms, gflops: (2 * s.M * s.N * s.K) / ms / 1e6 };
}
