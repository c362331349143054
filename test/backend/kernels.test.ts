// Every kernel of the Backend interface against plain formulas on small hand-checked cases, for
// every backend and both dtypes; then the shape errors, with their messages.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ActivationKind, LossKind } from '../../src/backend/backend.js';
import type { Matrix } from '../../src/core/matrix.js';
import { ACTIVATIONS } from '../../src/nn/activations.js';
import { allBackends, dtypes, mat } from './backends.js';

const cases = await allBackends();

/** Values equal to `expected` within a relative tolerance fit for the dtype (a few roundings). */
function near(M: Matrix | ArrayLike<number>, expected: number[], what: string): void {
  const data = 'data' in M ? M.data : M;
  const dtypeTol = 'data' in M && M.dtype === 'float64' ? 1e-14 : 1e-6;
  assert.equal(data.length, expected.length, `${what}: length`);
  for (let i = 0; i < expected.length; i++) {
    const e = expected[i]!,
      a = data[i]!;
    assert.ok(Math.abs(a - e) <= dtypeTol * Math.max(1, Math.abs(e)), `${what}[${i}] = ${a}, expected ${e}`);
  }
}

const sig = (z: number) => 1 / (1 + Math.exp(-z));

/** Leaky ReLU's slope in these tests. */
const SLOPE = 0.1;

/**
 * g(z) and g'(z) of each elementwise activation, the formulas every backend must match; softmax is
 * checked on whole columns. A new ActivationKind fails to compile here until its formulas are written.
 */
const formulas = {
  relu: { g: (z) => Math.max(z, 0), dg: (z) => (z > 0 ? 1 : 0) },
  'leaky-relu': { g: (z) => (z > 0 ? z : SLOPE * z), dg: (z) => (z > 0 ? 1 : SLOPE) },
  tanh: { g: Math.tanh, dg: (z) => 1 - Math.tanh(z) ** 2 },
  sigmoid: { g: sig, dg: (z) => sig(z) * (1 - sig(z)) },
  linear: { g: (z) => z, dg: () => 1 },
  softmax: 'column-wise',
} as const satisfies Record<ActivationKind, { g(z: number): number; dg(z: number): number } | 'column-wise'>;

for (const { label, backend: be } of cases) {
  for (const dt of dtypes) {
    describe(`${label} ${dt}: kernels against formulas`, () => {
      const A = () =>
        mat(
          be,
          [
            [1, 2],
            [3, 4],
          ],
          dt,
        );
      const B = () =>
        mat(
          be,
          [
            [5, 6],
            [7, 8],
          ],
          dt,
        );

      it('gemm: the four transpose forms', () => {
        const C = be.zeros(2, 2, dt);
        be.gemm(false, false, 1, A(), B(), 0, C);
        near(C, [19, 22, 43, 50], 'A·B');
        be.gemm(true, false, 1, A(), B(), 0, C);
        near(C, [26, 30, 38, 44], 'Aᵀ·B');
        be.gemm(false, true, 1, A(), B(), 0, C);
        near(C, [17, 23, 39, 53], 'A·Bᵀ');
        be.gemm(true, true, 1, A(), B(), 0, C);
        near(C, [23, 31, 34, 46], 'Aᵀ·Bᵀ');
      });

      it('gemm: alpha, beta, beta = 0 drops NaN, K = 0, rectangular', () => {
        const C = mat(
          be,
          [
            [1, 1],
            [1, 1],
          ],
          dt,
        );
        be.gemm(false, false, 2, A(), B(), 0.5, C);
        near(C, [38.5, 44.5, 86.5, 100.5], '2·A·B + 0.5·C');
        const D = mat(
          be,
          [
            [NaN, Infinity],
            [NaN, 1],
          ],
          dt,
        );
        be.gemm(false, false, 1, A(), B(), 0, D);
        near(D, [19, 22, 43, 50], 'beta = 0 over NaN');
        const E = mat(be, [[3, 4]], dt);
        be.gemm(false, false, 1, be.zeros(1, 0, dt), be.zeros(0, 2, dt), 0.5, E);
        near(E, [1.5, 2], 'K = 0 scales C by beta');
        // (1, 3)·(3, 2): a row vector times a matrix.
        const F = be.zeros(1, 2, dt);
        be.gemm(
          false,
          false,
          1,
          mat(be, [[1, 2, 3]], dt),
          mat(
            be,
            [
              [1, 0],
              [0, 1],
              [1, 1],
            ],
            dt,
          ),
          0,
          F,
        );
        near(F, [4, 5], '(1, 3)·(3, 2)');
      });

      it('addBias broadcasts b over the columns', () => {
        const Z = mat(
          be,
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          dt,
        );
        be.addBias(Z, mat(be, [[10], [20]], dt));
        near(Z, [11, 12, 13, 24, 25, 26], 'Z + b');
      });

      it('activationForward: A = g(Z) for every activation, softmax per column', () => {
        const z = [-2, -0.5, 0, 0.5, 3, 40];
        const Z = mat(be, [z], dt);
        const Aout = be.zeros(1, 6, dt);
        for (const kind of ACTIVATIONS) {
          const f = formulas[kind];
          if (f === 'column-wise') continue;
          be.activationForward(kind, Z, Aout, SLOPE);
          near(Aout, z.map(f.g), kind);
        }
        // Softmax per column; the second column would overflow exp without the max subtracted.
        const S = mat(
          be,
          [
            [1, 1000],
            [2, 1000],
            [3, 999],
          ],
          dt,
        );
        be.activationForward('softmax', S, S, 0);
        const e = [Math.exp(1), Math.exp(2), Math.exp(3)],
          s = e[0]! + e[1]! + e[2]!;
        const t = 2 + Math.exp(-1);
        near(S, [e[0]! / s, 1 / t, e[1]! / s, 1 / t, e[2]! / s, Math.exp(-1) / t], 'softmax in place');
      });

      it("activationBackward: dZ = dA * g'(Z) for every activation, softmax's Jacobian-vector product", () => {
        const z = [-1, 2, 0.5, 0],
          da = [3, -4, 5, 6];
        const Z = mat(be, [z], dt);
        const dA = mat(be, [da], dt);
        const dZ = be.zeros(1, 4, dt);
        const Aout = be.zeros(1, 4, dt);
        for (const kind of ACTIVATIONS) {
          const f = formulas[kind];
          if (f === 'column-wise') continue;
          // Sigmoid and tanh read A = g(Z) from the cache; the others read Z.
          be.activationForward(kind, Z, Aout, SLOPE);
          be.activationBackward(kind, dA, Z, Aout, dZ, SLOPE);
          near(
            dZ,
            z.map((v, i) => da[i]! * f.dg(v)),
            kind,
          );
        }
        // Softmax, one column a = (0.2, 0.3, 0.5), dA = (1, 2, 3): Σ dA·a = 2.3, dZ = a·(dA - 2.3).
        const As = mat(be, [[0.2], [0.3], [0.5]], dt);
        const dAs = mat(be, [[1], [2], [3]], dt);
        const dZs = be.zeros(3, 1, dt);
        be.activationBackward('softmax', dAs, As, As, dZs, 0);
        near(dZs, [0.2 * -1.3, 0.3 * -0.3, 0.5 * 0.7], 'softmax');
      });
      it('sumColumns, sumSquares, copy, subtract, axpby, multiply', () => {
        const X = mat(
          be,
          [
            [1, 2, 3],
            [4, 5, 6],
          ],
          dt,
        );
        const out = be.zeros(2, 1, dt);
        be.sumColumns(X, out, 0.5);
        near(out, [3, 7.5], 'sumColumns');
        assert.equal(be.sumSquares(X), 91);
        const Y = be.zeros(2, 3, dt);
        be.copy(X, Y);
        near(Y, [1, 2, 3, 4, 5, 6], 'copy');
        be.subtract(
          X,
          mat(
            be,
            [
              [1, 1, 1],
              [2, 2, 2],
            ],
            dt,
          ),
          Y,
        );
        near(Y, [0, 1, 2, 2, 3, 4], 'subtract');
        be.axpby(2, X, -1, Y);
        near(Y, [2, 3, 4, 6, 7, 8], 'axpby');
        be.multiply(
          X,
          mat(
            be,
            [
              [0, 2, 0],
              [1, 0, 0.5],
            ],
            dt,
          ),
          Y,
        );
        near(Y, [0, 4, 0, 4, 0, 3], 'multiply');
      });

      it('lossSum and lossGradient for the three losses', () => {
        const AL = mat(be, [[0.8, 0.4]], dt),
          Y = mat(be, [[1, 0]], dt);
        near([be.lossSum('binary-cross-entropy', AL, Y)], [-(Math.log(0.8) + Math.log(0.6))], 'binary loss');
        const dAL = be.zeros(1, 2, dt);
        be.lossGradient('binary-cross-entropy', AL, Y, dAL);
        near(dAL, [-1 / 0.8, 1 / 0.6], 'binary dAL');
        // log(0) is clamped, and 0·log(0) is 0: a perfect prediction costs 0.
        assert.equal(be.lossSum('binary-cross-entropy', mat(be, [[1, 0]], dt), Y), 0);
        const P = mat(be, [[0.7], [0.2], [0.1]], dt),
          T = mat(be, [[0], [1], [0]], dt);
        near([be.lossSum('categorical-cross-entropy', P, T)], [-Math.log(0.2)], 'categorical loss');
        const dP = be.zeros(3, 1, dt);
        be.lossGradient('categorical-cross-entropy', P, T, dP);
        near(dP, [0, -5, 0], 'categorical dAL');
        near([be.lossSum('mean-squared-error', AL, Y)], [0.5 * (0.04 + 0.16)], 'mse loss');
        be.lossGradient('mean-squared-error', AL, Y, dAL);
        near(dAL, [-0.2, 0.4], 'mse dAL');
      });

      it('momentumStep and adamStep', () => {
        const W = mat(be, [[1, 2]], dt),
          dW = mat(be, [[0.5, -1]], dt),
          v = mat(be, [[0.1, 0.2]], dt);
        be.momentumStep(W, dW, v, 0.1, 0.9);
        const v1 = [0.9 * 0.1 + 0.1 * 0.5, 0.9 * 0.2 - 0.1];
        near(v, v1, 'momentum v');
        near(W, [1 - 0.1 * v1[0]!, 2 - 0.1 * v1[1]!], 'momentum W');
        const W2 = mat(be, [[1, 2]], dt),
          va = be.zeros(1, 2, dt),
          s = be.zeros(1, 2, dt);
        be.adamStep(W2, dW, va, s, 0.01, 0.9, 0.999, 1e-8, 1);
        // At t = 1 the bias-corrected v and s are dW and dW², so the step is lr·sign(dW) (up to eps).
        near(va, [0.05, -0.1], 'adam v');
        near(s, [0.001 * 0.25, 0.001], 'adam s');
        near(W2, [1 - 0.01 * (0.5 / (0.5 + 1e-8)), 2 + 0.01 * (1 / (1 + 1e-8))], 'adam W');
      });

      it('predictClasses and dropoutMask', () => {
        const out = new Int32Array(3);
        be.predictClasses(
          mat(
            be,
            [
              [0.1, 0.5, 0.3],
              [0.7, 0.5, 0.3],
              [0.2, 0, 0.3],
            ],
            dt,
          ),
          out,
          0.5,
        );
        assert.deepEqual([...out], [1, 0, 0], 'argmax, first on ties');
        be.predictClasses(mat(be, [[0.2, 0.6, 0.5]], dt), out, 0.5);
        assert.deepEqual([...out], [0, 1, 0], 'one row: above the threshold');
        const u = [0.1, 0.9, 0.5, 0.79];
        let i = 0;
        const D = be.zerosMask(2, 2);
        be.dropoutMask(D, 0.8, { random: () => u[i++]! });
        assert.deepEqual([...D.data], [1, 0, 1, 1], 'mask: u < keepProb, in storage order');
      });
    });
  }

  describe(`${label}: shape errors name the kernel, the argument and both shapes`, () => {
    const z = (r: number, c: number) => be.zeros(r, c, 'float32');
    it('gemm', () => {
      assert.throws(() => be.gemm(false, false, 1, z(2, 3), z(2, 2), 0, z(2, 2)), {
        name: 'ShapeError',
        message: 'gemm: cannot multiply A(2, 3) by B(2, 2): inner dimensions 3 and 2 differ',
      });
      assert.throws(() => be.gemm(true, false, 1, z(2, 3), z(2, 2), 0, z(2, 2)), {
        message: 'gemm: C must be (3, 2) for Aᵀ(3, 2)·B(2, 2) but is (2, 2)',
      });
      assert.throws(() => be.gemm(false, false, 1, z(2, 2), z(2, 2), 0, be.zeros(2, 2, 'float64')), {
        message: 'gemm: A, B and C must share one dtype but are float32, float32, float64',
      });
    });
    it('elementwise kernels', () => {
      assert.throws(() => be.addBias(z(3, 4), z(2, 1)), { message: 'addBias: b must be (3, 1) but is (2, 1)' });
      assert.throws(() => be.activationForward('relu', z(3, 4), z(4, 3), 0), {
        message: 'activationForward: A must be (3, 4) but is (4, 3)',
      });
      assert.throws(() => be.activationBackward('relu', z(3, 4), z(3, 4), z(3, 4), z(3, 5), 0), {
        message: 'activationBackward: dZ must be (3, 4) but is (3, 5)',
      });
      assert.throws(() => be.sumColumns(z(3, 4), z(4, 1), 1), {
        message: 'sumColumns: out must be (3, 1) but is (4, 1)',
      });
      assert.throws(() => be.lossSum('binary-cross-entropy', z(1, 4), z(1, 5)), {
        message: 'lossSum: Y must be (1, 4) but is (1, 5)',
      });
      assert.throws(() => be.subtract(z(1, 4), z(1, 4), z(2, 4)), {
        message: 'subtract: dZ must be (1, 4) but is (2, 4)',
      });
      assert.throws(() => be.axpby(1, z(2, 2), 1, z(2, 3)), { message: 'axpby: Y must be (2, 2) but is (2, 3)' });
      assert.throws(() => be.copy(z(2, 2), z(2, 3)), { message: 'copy: dst must be (2, 2) but is (2, 3)' });
      assert.throws(() => be.adamStep(z(2, 2), z(2, 2), z(2, 2), z(1, 2), 1, 0.9, 0.999, 1e-8, 1), {
        message: 'adamStep: s must be (2, 2) but is (1, 2)',
      });
      assert.throws(() => be.predictClasses(z(3, 4), new Int32Array(3), 0.5), {
        name: 'RangeError',
        message: 'predictClasses: out has 3 slots but A has 4 columns',
      });
    });
    it('an activation or loss from outside its set (an untyped caller) is refused by name', () => {
      // Not silently run as another kind: the wasm kernels would otherwise get some code and run it.
      const unknownActivation = 'no-such-activation' as ActivationKind,
        unknownLoss = 'no-such-loss' as LossKind;
      assert.throws(() => be.activationForward(unknownActivation, z(2, 2), z(2, 2), 0), {
        message: "unhandled activation 'no-such-activation'",
      });
      assert.throws(() => be.activationBackward(unknownActivation, z(2, 2), z(2, 2), z(2, 2), z(2, 2), 0), {
        message: "unhandled activation 'no-such-activation'",
      });
      assert.throws(() => be.lossSum(unknownLoss, z(1, 2), z(1, 2)), { message: "unhandled loss 'no-such-loss'" });
      assert.throws(() => be.lossGradient(unknownLoss, z(1, 2), z(1, 2), z(1, 2)), {
        message: "unhandled loss 'no-such-loss'",
      });
    });
  });
}
