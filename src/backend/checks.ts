import { ShapeError, fmtShape } from '../core/errors.js';
import type { Matrix } from '../core/matrix.js';

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
