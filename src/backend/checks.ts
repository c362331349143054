import { ShapeError, ValueError, fmtShape } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';
import type { DropoutKey } from './backend.js';

/** Shapes of op(A): (M, K), op(B): (K, N), C: (M, N); throws the tinygrad-style "cannot multiply" otherwise. */
export function checkGemm(
  transA: boolean,
  transB: boolean,
  A: Matrix,
  B: Matrix,
  C: Matrix,
): { M: number; N: number; K: number } {
  const M = transA ? A.cols : A.rows;
  const K = transA ? A.rows : A.cols;
  const Kb = transB ? B.cols : B.rows;
  const N = transB ? B.rows : B.cols;
  const opA = `${transA ? 'Aᵀ' : 'A'}${fmtShape(M, K)}`;
  const opB = `${transB ? 'Bᵀ' : 'B'}${fmtShape(Kb, N)}`;
  if (K !== Kb) throw new ShapeError(`gemm: cannot multiply ${opA} by ${opB}: inner dimensions ${K} and ${Kb} differ`);
  if (C.rows !== M || C.cols !== N)
    throw new ShapeError(`gemm: C must be ${fmtShape(M, N)} for ${opA}·${opB} but is ${fmtShape(C.rows, C.cols)}`);
  if (A.dtype !== B.dtype || A.dtype !== C.dtype)
    throw new ShapeError(`gemm: A, B and C must share one dtype but are ${A.dtype}, ${B.dtype}, ${C.dtype}`);
  return { M, N, K };
}

/**
 * The domain of a dropout call, checked before any kernel runs: keepProb in (0, 1]; a key's seed and
 * layer 32-bit integers, its step an integer below 2^53 (the kernels split it into two 32-bit words).
 */
export function checkDropout(op: string, keepProb: number, key: DropoutKey | null): void {
  if (!(keepProb > 0 && keepProb <= 1)) throw new ValueError(`${op}: keepProb must be in (0, 1] but is ${keepProb}`);
  if (key === null) return;
  const u32 = (v: number) => Number.isInteger(v) && v >= 0 && v <= 0xffffffff;
  if (!u32(key.seed)) throw new ValueError(`${op}: the key's seed must be an integer in [0, 2^32) but is ${key.seed}`);
  if (!u32(key.layer))
    throw new ValueError(`${op}: the key's layer must be an integer in [0, 2^32) but is ${key.layer}`);
  if (!Number.isSafeInteger(key.step) || key.step < 0)
    throw new ValueError(`${op}: the key's step must be an integer in [0, 2^53) but is ${key.step}`);
}
