// The conformance suite: every fast backend against the reference backend on random data, odd sizes
// included (1, 3, 17, 1023, and m = 1), in both dtypes, for every activation and loss the library
// exports (ACTIVATIONS, LOSSES), so that a new member is checked the moment it exists.
//
// Tolerances. float64: the reference and the wasm kernels both round in float64, so they agree to
// about K·2^-53 relative; we ask for 1e-12 relative to the magnitudes involved.
// float32: the reference accumulates in float64 and rounds once, the wasm GEMM accumulates K
// products in float32 (fused or not). The classic bound for a length-K dot product computed in
// floating point is |fl(Σ a_k b_k) − Σ a_k b_k| ≤ γ_K Σ |a_k b_k|, γ_K = K·u/(1 − K·u), u = 2^-24,
// so each C entry must lie within (K + 2)·u·(|alpha|·(|A|·|B|)_ij + |beta|·|C_ij|) of the
// reference (+2 for the alpha and beta roundings), doubled for the reference's own final rounding.
// Elementwise float32 kernels compute in float32 (a few roundings, exp/tanh within 1 ulp), so they
// get 8·u relative; column sums get m·u·Σ|x|.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DType, Matrix } from '../../src/core/matrix.js';
import { zeros as jsZeros } from '../../src/core/matrix.js';
import { ACTIVATIONS } from '../../src/nn/activations.js';
import { LOSSES } from '../../src/nn/losses.js';
import { allBackends, dtypes, fill, reference as ref, unitRoundoff } from './backends.js';

const cases = (await allBackends()).filter((c) => c.backend !== ref);

/** A copy of M in the reference backend's (plain) memory. */
function plain(M: Matrix): Matrix {
  const P = jsZeros(M.rows, M.cols, M.dtype);
  P.data.set(M.data);
  return P;
}

function abs(M: Matrix): Matrix {
  const P = plain(M);
  for (let i = 0; i < P.size; i++) P.data[i] = Math.abs(P.data[i]!);
  return P;
}

function elementwiseTol(dtype: DType): number {
  return dtype === 'float64' ? 1e-12 : 8 * unitRoundoff('float32');
}

/** Every |got - want| ≤ tol · (bound ?? max(1e-30, |want|)) + abs. */
function within(got: Matrix, want: Matrix, tol: number, what: string, bound?: Matrix): void {
  for (let i = 0; i < want.size; i++) {
    const g = got.data[i]!,
      w = want.data[i]!;
    const scale = bound ? bound.data[i]! : Math.abs(w);
    if (!(Math.abs(g - w) <= tol * scale + 1e-30))
      assert.fail(`${what}: entry ${i} is ${g}, reference ${w} (tolerance ${tol * scale})`);
  }
}

/** (M, N, K) for the GEMM comparisons: odd sizes, m = 1, and blocks past MC, KC and NC. */
const shapes: [number, number, number][] = [
  [1, 1, 1],
  [3, 17, 1],
  [17, 3, 1023],
  [1023, 3, 17],
  [3, 1023, 17],
  [1, 17, 1023],
  [17, 1, 1023],
  [130, 270, 300],
  [67, 129, 257],
  [5, 2100, 7],
  [1023, 1, 3],
  [64, 64, 64],
];

for (const { label, backend: be } of cases) {
  for (const dt of dtypes) {
    describe(`${label} ${dt} against the reference`, () => {
      const u = unitRoundoff(dt);

      it('gemm, all transpose forms, odd sizes, in both memories', () => {
        let seed = 1;
        for (const [M, N, K] of shapes) {
          for (const [tA, tB] of [
            [false, false],
            [false, true],
            [true, false],
            [true, true],
          ] as const) {
            // Alternate backend matrices with plain ones, so the copy-through path is tested too.
            const mk = (r: number, c: number) => (seed % 3 === 0 ? jsZeros(r, c, dt) : be.zeros(r, c, dt));
            const A = fill(mk(tA ? K : M, tA ? M : K), seed++);
            const B = fill(mk(tB ? N : K, tB ? K : N), seed++);
            const C = fill(mk(M, N), seed++);
            const alpha = 0.75,
              beta = seed % 2 ? 0 : -0.5;
            const want = plain(C);
            ref.gemm(tA, tB, alpha, plain(A), plain(B), beta, want);
            be.gemm(tA, tB, alpha, A, B, beta, C);
            // bound = |alpha|·|op(A)|·|op(B)| + |beta|·|C|
            const bound = plain(C);
            const C0 = abs(fill(jsZeros(M, N, dt), seed - 1));
            ref.gemm(tA, tB, Math.abs(alpha), abs(A), abs(B), 0, bound);
            ref.axpby(Math.abs(beta), C0, 1, bound);
            const tol = dt === 'float64' ? 1e-12 : 2 * (K + 2) * u;
            within(C, want, tol, `gemm ${tA ? 'T' : 'N'}${tB ? 'T' : 'N'} (M, N, K) = (${M}, ${N}, ${K})`, bound);
          }
        }
      });

      // (520, 513) has enough entries (≥ 2^18) for the threaded backend to split the elementwise kernels.
      for (const [n, m] of [
        [1, 1],
        [3, 17],
        [17, 1023],
        [10, 1],
        [520, 513],
      ] as const) {
        it(`elementwise and column kernels, (${n}, ${m})`, () => {
          const tol = elementwiseTol(dt);
          const Z = fill(be.zeros(n, m, dt), n + m, -6, 6);
          const dA = fill(be.zeros(n, m, dt), 7 * m);
          const b = fill(be.zeros(n, 1, dt), 3);

          const Zb = be.zeros(n, m, dt),
            want = plain(Z);
          be.copy(Z, Zb);
          be.addBias(Zb, b);
          ref.addBias(want, plain(b));
          within(Zb, want, tol, 'addBias');

          for (const kind of ACTIVATIONS) {
            const A = be.zeros(n, m, dt),
              Aref = jsZeros(n, m, dt);
            be.activationForward(kind, Z, A, 0.05);
            ref.activationForward(kind, plain(Z), Aref, 0.05);
            within(A, Aref, tol, `activationForward ${kind}`);
            const dZ = be.zeros(n, m, dt),
              dZref = jsZeros(n, m, dt);
            be.activationBackward(kind, dA, Z, A, dZ, 0.05);
            ref.activationBackward(kind, plain(dA), plain(Z), plain(A), dZref, 0.05);
            // dZ = dA·g'(Z): bounded by the magnitudes of dA times g' (at most 1 here).
            within(dZ, dZref, 4 * tol, `activationBackward ${kind}`, abs(dA));
          }

          const s = be.zeros(n, 1, dt),
            sref = jsZeros(n, 1, dt);
          be.sumColumns(dA, s, 1 / m);
          ref.sumColumns(plain(dA), sref, 1 / m);
          const sb = jsZeros(n, 1, dt);
          ref.sumColumns(abs(dA), sb, 1 / m);
          within(s, sref, dt === 'float64' ? 1e-12 : (m + 2) * u, 'sumColumns', sb);

          const probs = fill(be.zeros(n, m, dt), 11, 0.01, 0.99);
          const Y = fill(be.zeros(n, m, dt), 12, 0, 1);
          for (let i = 0; i < Y.size; i++) Y.data[i] = Y.data[i]! < 0.5 ? 0 : 1;
          for (const kind of LOSSES) {
            const l = be.lossSum(kind, probs, Y),
              lref = ref.lossSum(kind, plain(probs), plain(Y));
            assert.ok(Math.abs(l - lref) <= 1e-12 * Math.max(1, Math.abs(lref)), `lossSum ${kind}: ${l} vs ${lref}`);
            const g = be.zeros(n, m, dt),
              gref = jsZeros(n, m, dt);
            be.lossGradient(kind, probs, Y, g);
            ref.lossGradient(kind, plain(probs), plain(Y), gref);
            within(g, gref, tol, `lossGradient ${kind}`);
          }
          const d = be.zeros(n, m, dt),
            dref = jsZeros(n, m, dt);
          be.subtract(probs, Y, d);
          ref.subtract(plain(probs), plain(Y), dref);
          within(d, dref, tol, 'subtract');
          be.multiply(Z, dA, d);
          ref.multiply(plain(Z), plain(dA), dref);
          within(d, dref, tol, 'multiply');
          be.axpby(-0.3, Z, 0.7, d);
          ref.axpby(-0.3, plain(Z), 0.7, dref);
          const ab = abs(Z);
          ref.axpby(0.7, abs(dref), 0.3, ab);
          within(d, dref, 4 * tol, 'axpby', ab);
          const ss = be.sumSquares(Z),
            ssref = ref.sumSquares(plain(Z));
          assert.ok(Math.abs(ss - ssref) <= 1e-12 * ssref, `sumSquares ${ss} vs ${ssref}`);

          const out = new Int32Array(m),
            outRef = new Int32Array(m);
          be.predictClasses(Z, out, 0);
          ref.predictClasses(plain(Z), outRef, 0);
          assert.deepEqual(out, outRef, 'predictClasses');
        });
      }

      it('optimizer steps over 50 iterations stay with the reference', () => {
        const W = fill(be.zeros(17, 33, dt), 1),
          Wr = plain(W);
        const v = be.zeros(17, 33, dt),
          s = be.zeros(17, 33, dt),
          vr = jsZeros(17, 33, dt),
          sr = jsZeros(17, 33, dt);
        const W2 = fill(be.zeros(17, 33, dt), 2),
          W2r = plain(W2),
          v2 = be.zeros(17, 33, dt),
          v2r = jsZeros(17, 33, dt);
        const dW = be.zeros(17, 33, dt);
        for (let t = 1; t <= 50; t++) {
          fill(dW, 100 + t);
          be.adamStep(W, dW, v, s, 0.01, 0.9, 0.999, 1e-8, t);
          ref.adamStep(Wr, plain(dW), vr, sr, 0.01, 0.9, 0.999, 1e-8, t);
          be.momentumStep(W2, dW, v2, 0.1, 0.9);
          ref.momentumStep(W2r, plain(dW), v2r, 0.1, 0.9);
        }
        const tol = dt === 'float64' ? 1e-12 : 1e-5;
        // Absolute: W stays of order 1 and the steps of order lr.
        const ones = jsZeros(17, 33, dt).data.fill(1);
        const one = { data: ones } as Matrix;
        within(W, Wr, tol, 'adam W', one);
        within(W2, W2r, tol, 'momentum W', one);
      });
    });
  }
}
