// The rules backends derive from the kernel description (src/backend/kernel-plan.ts): shape variables
// read from the matrices and the shape errors, numeric arguments, and how a split call is cut.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Args } from '../../src/backend/kernel-plan.js';
import {
  checkShapes,
  extentArg,
  kernelPlan,
  numericArg,
  resolveDims,
  splitDim,
  splitStrides,
  splitWork,
  splittable,
} from '../../src/backend/kernel-plan.js';
import type { KernelName } from '../../src/backend/kernel-spec.js';
import { zeros } from '../../src/core/matrix.js';

const z = (r: number, c: number) => zeros(r, c, 'float32');

describe('checkShapes and resolveDims', () => {
  it('read the shape variables from the matrices, transposed ones included', () => {
    const r = resolveDims('gemm', {
      transA: true,
      transB: false,
      alpha: 1,
      A: z(5, 3),
      B: z(5, 7),
      beta: 0,
      C: z(3, 7),
    });
    assert.deepEqual(r, { dtype: 'float32', dims: { M: 3, K: 5, N: 7 } });
    assert.deepEqual(resolveDims('lossSum', { kind: 'mean-squared-error', AL: z(2, 3), Y: z(2, 3), eps: 0 }).dims, {
      n: 2,
      m: 3,
      size: 6,
    });
  });

  it('check every matrix against the first (or shapeFrom) with the shape message', () => {
    assert.throws(() => resolveDims('addBias', { Z: z(3, 4), b: z(2, 1) }), {
      name: 'ShapeError',
      message: 'addBias: b must be (3, 1) but is (2, 1)',
    });
    // activationBackward reads its shape from Z, as the Backend contract words it.
    const dA = z(2, 2);
    assert.throws(
      () => resolveDims('activationBackward', { kind: 'relu', dA, Z: z(3, 4), A: z(3, 4), dZ: z(3, 4), alpha: 0 }),
      {
        message: 'activationBackward: dA must be (3, 4) but is (2, 2)',
      },
    );
    const gemm = { transA: false, transB: false, alpha: 1, A: z(2, 3), B: z(3, 4), beta: 0 };
    assert.throws(() => resolveDims('gemm', { ...gemm, C: z(2, 5) }), {
      message: 'gemm: C must be (2, 4) but is (2, 5)',
    });
  });

  it('refuse two dtypes and a short indices buffer, naming the kernel', () => {
    assert.throws(() => resolveDims('subtract', { AL: z(1, 2), Y: zeros(1, 2, 'float64'), dZ: z(1, 2) }), {
      name: 'ShapeError',
      message: 'subtract: all matrices must share one dtype but got float32 and float64',
    });
    assert.throws(() => resolveDims('predictClasses', { A: z(3, 4), out: new Int32Array(3), threshold: 0.5 }), {
      name: 'RangeError',
      message: 'predictClasses: out has 3 slots but A has 4 columns',
    });
  });

  it("kernel-plan.ts's example: addBias marshalled in the compiled order (Z, b, n, m)", () => {
    const Z = z(3, 4),
      b = z(3, 1);
    const plan = kernelPlan('addBias'),
      dims: number[] = [],
      given = { Z, b };
    assert.equal(checkShapes(plan, given, dims), 'float32');
    const argv = plan.spec.args.map((a, i) =>
      a.kind === 'matrix' ? (given as Record<string, typeof Z>)[a.name]!.data : numericArg(plan, i, given, dims),
    );
    assert.deepEqual(argv, [Z.data, b.data, 3, 4]);
  });

  it('numericArg: strides, flags and codes as the compiled call takes them', () => {
    const plan = kernelPlan('gemm'),
      dims: number[] = [];
    const args = { transA: true, transB: false, alpha: 0.5, A: z(5, 3), B: z(5, 7), beta: 0, C: z(3, 7) };
    checkShapes(plan, args, dims);
    const at = (name: string) =>
      numericArg(
        plan,
        plan.spec.args.findIndex((a) => a.name === name),
        args,
        dims,
      );
    assert.deepEqual(
      ['transA', 'transB', 'M', 'N', 'K', 'alpha', 'lda', 'ldb', 'ldc'].map(at),
      [1, 0, 3, 7, 5, 0.5, 3, 7, 7],
    );
    const f = kernelPlan('activationForward');
    const fa = { kind: 'softmax', Z: z(2, 2), A: z(2, 2), alpha: 0 };
    checkShapes(f, fa, dims);
    assert.equal(numericArg(f, 0, fa, dims), 4, "softmax's code");
    assert.throws(() => numericArg(f, 1, fa, dims), {
      message: "activationForward: matrix argument 'Z' is not a number",
    });
  });
});

describe('splitting a call', () => {
  /** Strides by argument name, for a call cut along the dimension splitDim picks. */
  function cut(kernel: KernelName, args: Args): { dim: string; work: number; strides: Record<string, number> } {
    const plan = kernelPlan(kernel),
      dims: number[] = [];
    checkShapes(plan, args, dims);
    const d = splitDim(plan, dims);
    assert.equal(plan.spec.args[extentArg(plan, d)]!.name, plan.slots[d], 'the extent argument is the cut dimension');
    const s = splitStrides(plan, d, args);
    const strides = Object.fromEntries(
      plan.spec.args.flatMap((a, i) => (a.kind === 'matrix' ? [[a.name, s[i]!]] : [])),
    );
    return { dim: plan.slots[d]!, work: splitWork(plan, dims), strides };
  }

  it('gemm: cut along the longer of M and N; A, B and C advance by their stored strides', () => {
    // Wᵀ·dZ: A = W stored (K, M) = (20, 300), B (20, 50), C (300, 50): cut along M (rows of C).
    const tn = { transA: true, transB: false, alpha: 1, A: z(20, 300), B: z(20, 50), beta: 0, C: z(300, 50) };
    assert.deepEqual(cut('gemm', tn), { dim: 'M', work: 300 * 50 * 20, strides: { A: 1, B: 0, C: 50 } });
    // dZ·A_prevᵀ: B = A_prev stored (N, K); cut along N advances B by rows of K.
    const nt = { transA: false, transB: true, alpha: 1, A: z(20, 40), B: z(500, 40), beta: 0, C: z(20, 500) };
    assert.deepEqual(cut('gemm', nt).strides, { A: 0, B: 40, C: 1 });
    // W·A_prev, square: on a tie the first listed dimension (N).
    const nn = { transA: false, transB: false, alpha: 1, A: z(64, 64), B: z(64, 64), beta: 0, C: z(64, 64) };
    assert.deepEqual(cut('gemm', nn), { dim: 'N', work: 64 ** 3, strides: { A: 0, B: 1, C: 1 } });
  });

  it('row-wise kernels advance by rows, elementwise ones by entries', () => {
    assert.deepEqual(cut('addBias', { Z: z(6, 9), b: z(6, 1) }), { dim: 'n', work: 54, strides: { Z: 9, b: 1 } });
    const axpby = cut('axpby', { alpha: 1, X: z(6, 9), beta: 1, Y: z(6, 9) });
    assert.deepEqual(axpby, { dim: 'size', work: 54, strides: { X: 1, Y: 1 } });
  });

  it('column-wise kinds (softmax) never split; kernels without a split never do', () => {
    const args = (kind: string) => ({ kind, Z: z(4, 4), A: z(4, 4), alpha: 0 });
    assert.equal(splittable(kernelPlan('activationForward'), args('relu')), true);
    assert.equal(splittable(kernelPlan('activationForward'), args('softmax')), false);
    assert.equal(
      splittable(kernelPlan('lossSum'), { kind: 'mean-squared-error', AL: z(1, 1), Y: z(1, 1), eps: 0 }),
      false,
    );
  });
});
