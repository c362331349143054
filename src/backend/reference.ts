import type { DType, FloatArray, Mask, Matrix } from '../core/matrix.js';
import { zeros as jsZeros, zerosMask as jsZerosMask } from '../core/matrix.js';
import type { ActivationKind, Backend, DropoutKey, LossKind, UniformSource } from './backend.js';
import { assertNever } from '../core/assert.js';
import { expectShape } from '../core/matrix.js';
import { dropoutWords, keepThreshold } from '../core/philox.js';
import { checkDropout, checkGemm } from './checks.js';

/**
 * The plain TypeScript backend: the truth every faster backend is tested against. Written for
 * clarity first, then for cache order (i-k-j loops, no transposes), with float64 accumulation
 * so that its float32 results are as close to exact as float32 storage allows.
 */
export class ReferenceBackend implements Backend {
  readonly name = 'ts';
  readonly threads = 1;
  private scratch = new Float64Array(0);

  zeros(rows: number, cols: number, dtype: DType): Matrix {
    return jsZeros(rows, cols, dtype);
  }

  zerosMask(rows: number, cols: number): Mask {
    return jsZerosMask(rows, cols);
  }

  free(_M: Matrix | Mask): void {}

  private buffer(n: number): Float64Array {
    if (this.scratch.length < n) this.scratch = new Float64Array(Math.max(n, 2 * this.scratch.length));
    return this.scratch;
  }

  gemm(transA: boolean, transB: boolean, alpha: number, A: Matrix, B: Matrix, beta: number, C: Matrix): void {
    const { M, N, K } = checkGemm(transA, transB, A, B, C);
    const a = A.data,
      b = B.data,
      c = C.data;
    const acc = this.buffer(M * N);
    acc.fill(0, 0, M * N);
    if (!transA && !transB) {
      // acc[i,:] += A[i,k] · B[k,:]
      for (let i = 0; i < M; i++) {
        const ci = i * N;
        for (let k = 0; k < K; k++) {
          const aik = a[i * K + k]!;
          if (aik === 0) continue;
          const bk = k * N;
          for (let j = 0; j < N; j++) acc[ci + j]! += aik * b[bk + j]!;
        }
      }
    } else if (!transA && transB) {
      // acc[i,j] = A[i,:] · B[j,:]
      for (let i = 0; i < M; i++) {
        const ai = i * K;
        for (let j = 0; j < N; j++) {
          const bj = j * K;
          let s = 0;
          for (let k = 0; k < K; k++) s += a[ai + k]! * b[bj + k]!;
          acc[i * N + j] = s;
        }
      }
    } else if (transA && !transB) {
      // acc[i,:] += A[k,i] · B[k,:]
      for (let k = 0; k < K; k++) {
        const ak = k * M,
          bk = k * N;
        for (let i = 0; i < M; i++) {
          const aki = a[ak + i]!;
          if (aki === 0) continue;
          const ci = i * N;
          for (let j = 0; j < N; j++) acc[ci + j]! += aki * b[bk + j]!;
        }
      }
    } else {
      for (let i = 0; i < M; i++)
        for (let j = 0; j < N; j++) {
          let s = 0;
          for (let k = 0; k < K; k++) s += a[k * M + i]! * b[j * K + k]!;
          acc[i * N + j] = s;
        }
    }
    const n = M * N;
    if (beta === 0) for (let x = 0; x < n; x++) c[x] = alpha * acc[x]!;
    else for (let x = 0; x < n; x++) c[x] = alpha * acc[x]! + beta * c[x]!;
  }

  addBias(Z: Matrix, b: Matrix): void {
    expectShape('addBias', 'b', b, Z.rows, 1);
    const z = Z.data,
      m = Z.cols;
    for (let i = 0; i < Z.rows; i++) {
      const bi = b.data[i]!;
      for (let j = i * m, e = j + m; j < e; j++) z[j]! += bi;
    }
  }

  activationForward(kind: ActivationKind, Z: Matrix, A: Matrix, alpha: number): void {
    expectShape('activationForward', 'A', A, Z.rows, Z.cols);
    const z = Z.data,
      a = A.data,
      n = Z.size;
    switch (kind) {
      case 'relu':
        for (let x = 0; x < n; x++) a[x] = z[x]! > 0 ? z[x]! : 0;
        return;
      case 'leaky-relu':
        for (let x = 0; x < n; x++) a[x] = z[x]! > 0 ? z[x]! : alpha * z[x]!;
        return;
      case 'tanh':
        for (let x = 0; x < n; x++) a[x] = Math.tanh(z[x]!);
        return;
      case 'sigmoid':
        // The course's 1/(1+e^-z): e^-z overflows to Infinity for z < -709 and gives 0, never NaN.
        for (let x = 0; x < n; x++) a[x] = 1 / (1 + Math.exp(-z[x]!));
        return;
      case 'linear':
        if (a !== z) a.set(z);
        return;
      case 'softmax':
        softmaxColumns(z, a, Z.rows, Z.cols, this.buffer(2 * Z.cols));
        return;
      default:
        return assertNever(kind, 'activation');
    }
  }

  activationBackward(kind: ActivationKind, dA: Matrix, Z: Matrix, A: Matrix, dZ: Matrix, alpha: number): void {
    const r = Z.rows,
      cN = Z.cols;
    expectShape('activationBackward', 'dA', dA, r, cN);
    expectShape('activationBackward', 'A', A, r, cN);
    expectShape('activationBackward', 'dZ', dZ, r, cN);
    const da = dA.data,
      z = Z.data,
      a = A.data,
      dz = dZ.data,
      n = Z.size;
    switch (kind) {
      case 'relu':
        for (let x = 0; x < n; x++) dz[x] = z[x]! > 0 ? da[x]! : 0;
        return;
      case 'leaky-relu':
        for (let x = 0; x < n; x++) dz[x] = z[x]! > 0 ? da[x]! : alpha * da[x]!;
        return;
      case 'tanh':
        for (let x = 0; x < n; x++) dz[x] = da[x]! * (1 - a[x]! * a[x]!);
        return;
      case 'sigmoid':
        for (let x = 0; x < n; x++) dz[x] = da[x]! * a[x]! * (1 - a[x]!);
        return;
      case 'linear':
        if (dz !== da) dz.set(da);
        return;
      case 'softmax': {
        // dZ = A ⊙ (dA − 1·(Σ_i dA_i A_i)) per column.
        const dot = this.buffer(cN);
        dot.fill(0, 0, cN);
        for (let i = 0; i < r; i++) for (let j = 0; j < cN; j++) dot[j]! += da[i * cN + j]! * a[i * cN + j]!;
        for (let i = 0; i < r; i++)
          for (let j = 0; j < cN; j++) dz[i * cN + j] = a[i * cN + j]! * (da[i * cN + j]! - dot[j]!);
        return;
      }
      default:
        return assertNever(kind, 'activation');
    }
  }

  sumColumns(X: Matrix, out: Matrix, scale: number): void {
    expectShape('sumColumns', 'out', out, X.rows, 1);
    const x = X.data,
      m = X.cols;
    for (let i = 0; i < X.rows; i++) {
      let s = 0;
      for (let j = i * m, e = j + m; j < e; j++) s += x[j]!;
      out.data[i] = scale * s;
    }
  }

  lossSum(kind: LossKind, AL: Matrix, Y: Matrix): number {
    expectShape('lossSum', 'Y', Y, AL.rows, AL.cols);
    const a = AL.data,
      y = Y.data,
      n = AL.size,
      eps = logFloor(AL.dtype);
    let s = 0;
    switch (kind) {
      case 'binary-cross-entropy':
        for (let x = 0; x < n; x++) {
          const yx = y[x]!,
            ax = a[x]!;
          // Terms with a zero weight are skipped: 0·log(0) is 0 here, not NaN.
          if (yx !== 0) s -= yx * Math.log(Math.max(ax, eps));
          if (yx !== 1) s -= (1 - yx) * Math.log(Math.max(1 - ax, eps));
        }
        return s;
      case 'categorical-cross-entropy':
        for (let x = 0; x < n; x++) if (y[x] !== 0) s -= y[x]! * Math.log(Math.max(a[x]!, eps));
        return s;
      case 'mean-squared-error':
        for (let x = 0; x < n; x++) s += 0.5 * (a[x]! - y[x]!) ** 2;
        return s;
      default:
        return assertNever(kind, 'loss');
    }
  }

  lossGradient(kind: LossKind, AL: Matrix, Y: Matrix, dAL: Matrix): void {
    expectShape('lossGradient', 'Y', Y, AL.rows, AL.cols);
    expectShape('lossGradient', 'dAL', dAL, AL.rows, AL.cols);
    const a = AL.data,
      y = Y.data,
      d = dAL.data,
      n = AL.size,
      eps = logFloor(AL.dtype);
    switch (kind) {
      case 'binary-cross-entropy':
        for (let x = 0; x < n; x++) d[x] = -(y[x]! / Math.max(a[x]!, eps) - (1 - y[x]!) / Math.max(1 - a[x]!, eps));
        return;
      case 'categorical-cross-entropy':
        for (let x = 0; x < n; x++) d[x] = -y[x]! / Math.max(a[x]!, eps);
        return;
      case 'mean-squared-error':
        for (let x = 0; x < n; x++) d[x] = a[x]! - y[x]!;
        return;
      default:
        return assertNever(kind, 'loss');
    }
  }

  subtract(AL: Matrix, Y: Matrix, dZ: Matrix): void {
    expectShape('subtract', 'Y', Y, AL.rows, AL.cols);
    expectShape('subtract', 'dZ', dZ, AL.rows, AL.cols);
    const a = AL.data,
      y = Y.data,
      d = dZ.data;
    for (let x = 0; x < AL.size; x++) d[x] = a[x]! - y[x]!;
  }

  axpby(alpha: number, X: Matrix, beta: number, Y: Matrix): void {
    expectShape('axpby', 'Y', Y, X.rows, X.cols);
    const x = X.data,
      y = Y.data;
    for (let i = 0; i < X.size; i++) y[i] = alpha * x[i]! + beta * y[i]!;
  }

  multiply(X: Matrix, D: Matrix, out: Matrix): void {
    expectShape('multiply', 'D', D, X.rows, X.cols);
    expectShape('multiply', 'out', out, X.rows, X.cols);
    const x = X.data,
      d = D.data,
      o = out.data;
    for (let i = 0; i < X.size; i++) o[i] = x[i]! * d[i]!;
  }

  dropoutMask(D: Mask, keepProb: number, rng: UniformSource): void {
    checkDropout('dropoutMask', keepProb, null);
    drawDropoutMask(D, keepProb, rng);
  }

  dropoutForward(
    kind: ActivationKind,
    Z: Matrix,
    A: Matrix,
    D: Mask,
    dropped: Matrix,
    alpha: number,
    keepProb: number,
    key: DropoutKey | null,
  ): void {
    checkDropout('dropoutForward', keepProb, key);
    expectShape('dropoutForward', 'D', D, Z.rows, Z.cols);
    expectShape('dropoutForward', 'dropped', dropped, Z.rows, Z.cols);
    this.activationForward(kind, Z, A, alpha);
    if (key) drawPhiloxMask(D, keepProb, key);
    applyMask(A, D, keepProb, dropped);
  }

  dropoutBackward(
    kind: ActivationKind,
    dA: Matrix,
    Z: Matrix,
    A: Matrix,
    D: Mask,
    dZ: Matrix,
    alpha: number,
    keepProb: number,
  ): void {
    checkDropout('dropoutBackward', keepProb, null);
    expectShape('dropoutBackward', 'dA', dA, Z.rows, Z.cols);
    expectShape('dropoutBackward', 'D', D, Z.rows, Z.cols);
    expectShape('dropoutBackward', 'dZ', dZ, Z.rows, Z.cols);
    applyMask(dA, D, keepProb, dZ);
    this.activationBackward(kind, dZ, Z, A, dZ, alpha);
  }

  sumSquares(X: Matrix): number {
    const x = X.data;
    let s = 0;
    for (let i = 0; i < X.size; i++) s += x[i]! * x[i]!;
    return s;
  }

  copy(src: Matrix, dst: Matrix): void {
    expectShape('copy', 'dst', dst, src.rows, src.cols);
    dst.data.set(src.data);
  }

  momentumStep(W: Matrix, dW: Matrix, v: Matrix, lr: number, beta: number): void {
    expectShape('momentumStep', 'dW', dW, W.rows, W.cols);
    expectShape('momentumStep', 'v', v, W.rows, W.cols);
    const w = W.data,
      g = dW.data,
      vv = v.data;
    for (let i = 0; i < W.size; i++) {
      vv[i] = beta * vv[i]! + (1 - beta) * g[i]!;
      w[i]! -= lr * vv[i]!;
    }
  }

  adamStep(
    W: Matrix,
    dW: Matrix,
    v: Matrix,
    s: Matrix,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    t: number,
  ): void {
    expectShape('adamStep', 'dW', dW, W.rows, W.cols);
    expectShape('adamStep', 'v', v, W.rows, W.cols);
    expectShape('adamStep', 's', s, W.rows, W.cols);
    const w = W.data,
      g = dW.data,
      vv = v.data,
      ss = s.data;
    const c1 = 1 - beta1 ** t,
      c2 = 1 - beta2 ** t;
    for (let i = 0; i < W.size; i++) {
      vv[i] = beta1 * vv[i]! + (1 - beta1) * g[i]!;
      ss[i] = beta2 * ss[i]! + (1 - beta2) * g[i]! * g[i]!;
      w[i]! -= (lr * (vv[i]! / c1)) / (Math.sqrt(ss[i]! / c2) + eps);
    }
  }

  predictClasses(A: Matrix, out: Int32Array, threshold: number): void {
    const a = A.data,
      r = A.rows,
      m = A.cols;
    if (out.length < m) throw new RangeError(`predictClasses: out has ${out.length} slots but A has ${m} columns`);
    if (r === 1) {
      for (let j = 0; j < m; j++) out[j] = a[j]! > threshold ? 1 : 0;
      return;
    }
    for (let j = 0; j < m; j++) {
      let best = 0,
        bv = a[j]!;
      for (let i = 1; i < r; i++) if (a[i * m + j]! > bv) ((bv = a[i * m + j]!), (best = i));
      out[j] = best;
    }
  }
}

/** The smallest argument log sees in losses: far below any ordinary prediction, far above 0. */
export function logFloor(dtype: DType): number {
  return dtype === 'float64' ? 1e-300 : 1e-38;
}

/** Column-wise softmax of z: (r, m) into a, subtracting each column's max first so exp cannot overflow. */
function softmaxColumns(z: FloatArray, a: FloatArray, r: number, m: number, buf: Float64Array): void {
  const max = buf.subarray(0, m),
    sum = buf.subarray(m, 2 * m);
  max.fill(-Infinity);
  sum.fill(0);
  for (let i = 0; i < r; i++) for (let j = 0; j < m; j++) if (z[i * m + j]! > max[j]!) max[j] = z[i * m + j]!;
  for (let i = 0; i < r; i++)
    for (let j = 0; j < m; j++) {
      const e = Math.exp(z[i * m + j]! - max[j]!);
      a[i * m + j] = e;
      sum[j]! += e;
    }
  for (let i = 0; i < r; i++) for (let j = 0; j < m; j++) a[i * m + j]! /= sum[j]!;
}

/**
 * D = (u < keepProb), the course's mask, with one draw per entry from the caller's generator in storage
 * order. Every backend fills the mask with this (on the calling thread: the generator is a sequence),
 * so a seed gives the same mask everywhere.  D: (n[l], m).
 */
export function drawDropoutMask(D: Mask, keepProb: number, rng: UniformSource): void {
  const d = D.data;
  for (let i = 0; i < D.size; i++) d[i] = rng.random() < keepProb ? 1 : 0;
}

/**
 * D[i, j] = 1 when unit (i, j)'s Philox word is below ⌊keepProb · 2^32⌋ (core/philox.ts), row by row in
 * blocks of 64 columns: the mask the compiled kernels draw in place.  D: (n[l], m).
 */
export function drawPhiloxMask(D: Mask, keepProb: number, key: DropoutKey): void {
  const T = keepThreshold(keepProb),
    m = D.cols,
    d = D.data,
    u = new Uint32Array(64);
  for (let i = 0; i < D.rows; i++)
    for (let j0 = 0; j0 < m; j0 += 64) {
      dropoutWords(key.seed, key.layer, key.step, i, j0 / 64, u);
      for (let j = j0, e = Math.min(m, j0 + 64); j < e; j++) d[i * m + j] = u[j - j0]! < T ? 1 : 0;
    }
}

/** out = X ⊙ D / keepProb: X · s where D is 1, with s = 1/keepProb rounded to the dtype, and exactly 0 where D is 0. */
function applyMask(X: Matrix, D: Mask, keepProb: number, out: Matrix): void {
  const s = X.dtype === 'float32' ? Math.fround(1 / keepProb) : 1 / keepProb;
  const x = X.data,
    d = D.data,
    o = out.data;
  for (let i = 0; i < X.size; i++) o[i] = d[i] !== 0 ? x[i]! * s : 0;
}
