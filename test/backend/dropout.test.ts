// Dropout kernels (dropoutForward, dropoutBackward) on every backend against the reference: the masks
// drawn from the Philox stream are the same bytes on every backend, instruction set and thread count
// (sizes large enough for the threaded backends to cut the call, odd sizes, m = 1); the values follow
// the reference (exactly where the arithmetic is one multiplication, within the conformance suite's
// elementwise bound otherwise); and the stream itself keeps keepProb of the units.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Backend } from '../../src/backend/backend.js';
import type { Mask, Matrix } from '../../src/core/matrix.js';
import { zeros as jsZeros } from '../../src/core/matrix.js';
import { ACTIVATIONS } from '../../src/nn/activations.js';
import { allBackends, dtypes, fill, reference as ref, unitRoundoff } from './backends.js';

const cases = (await allBackends()).filter((c) => c.backend !== ref);

/** A copy of M in plain memory. */
function plain(M: Matrix): Matrix {
  const P = jsZeros(M.rows, M.cols, M.dtype);
  P.data.set(M.data);
  return P;
}

/** The index of the first byte where two masks differ, or -1. */
function firstDifference(a: Mask, b: Mask): number {
  for (let i = 0; i < a.size; i++) if (a.data[i] !== b.data[i]) return i;
  return -1;
}

/** dropoutForward on a backend: A, D and dropped for Z under the key. */
function forward(be: Backend, kind: (typeof ACTIVATIONS)[number], Z: Matrix, keepProb: number, step = 3) {
  const A = be.zeros(Z.rows, Z.cols, Z.dtype),
    D = be.zerosMask(Z.rows, Z.cols),
    dropped = be.zeros(Z.rows, Z.cols, Z.dtype);
  be.dropoutForward(kind, Z, A, D, dropped, 0.05, keepProb, { seed: 0xfedcba98, step, layer: 2 });
  return { A, D, dropped };
}

// (520, 513) and (300, 1000) have enough entries for the wasm and native backends to split the call.
const shapes: [number, number][] = [
  [1, 1],
  [3, 17],
  [7, 64],
  [20, 209],
  [10, 1],
  [520, 513],
  [300, 1000],
];

for (const { label, backend: be } of cases)
  describe(`${label}: dropout against the reference`, () => {
    for (const dt of dtypes)
      it(`masks are the reference's bytes; values follow it (${dt})`, () => {
        const tol = dt === 'float64' ? 1e-12 : 8 * unitRoundoff('float32');
        for (const [n, m] of shapes) {
          const Z = fill(be.zeros(n, m, dt), n + m, -4, 4);
          const dA = fill(be.zeros(n, m, dt), 3 * n + m);
          for (const kind of ACTIVATIONS) {
            const what = `${kind} (${n}, ${m})`;
            const got = forward(be, kind, Z, 0.7);
            const want = forward(ref, kind, plain(Z), 0.7);
            assert.equal(firstDifference(got.D, want.D), -1, `${what}: mask`);
            nearly(got.dropped, want.dropped, kind === 'relu' || kind === 'linear' ? 0 : tol, `${what}: dropped`);
            const dZ = be.zeros(n, m, dt),
              dZref = jsZeros(n, m, dt);
            be.dropoutBackward(kind, dA, Z, got.A, got.D, dZ, 0.05, 0.7);
            ref.dropoutBackward(kind, plain(dA), plain(Z), want.A, want.D, dZref, 0.05, 0.7);
            nearly(dZ, dZref, kind === 'relu' || kind === 'linear' ? 0 : 4 * tol, `${what}: dZ`, 4);
          }
        }
      });

    it('a mask given (the course-exact draws) is read, not drawn: dropped = A · D / keepProb', () => {
      const Z = fill(be.zeros(37, 70, 'float64'), 5, -2, 2);
      const D = be.zerosMask(37, 70),
        Dref = ref.zerosMask(37, 70);
      for (let i = 0; i < D.size; i++) D.data[i] = Dref.data[i] = (i * 7) % 3 === 0 ? 0 : 1;
      const A = be.zeros(37, 70, 'float64'),
        dropped = be.zeros(37, 70, 'float64');
      be.dropoutForward('relu', Z, A, D, dropped, 0, 0.4, null);
      const Aref = jsZeros(37, 70, 'float64'),
        want = jsZeros(37, 70, 'float64');
      ref.dropoutForward('relu', plain(Z), Aref, Dref, want, 0, 0.4, null);
      assert.deepEqual([...D.data], [...Dref.data], 'D unchanged');
      nearly(dropped, want, 0, 'dropped');
    });
  });

/** |got - want| ≤ tol · |want| (scaled by `bound`'s magnitude when given) at every entry. */
function nearly(got: Matrix, want: Matrix, tol: number, what: string, bound = 1): void {
  for (let i = 0; i < want.size; i++) {
    const g = got.data[i]!,
      w = want.data[i]!;
    if (!(g === w || Math.abs(g - w) <= tol * bound * Math.max(Math.abs(w), 1)))
      assert.fail(`${what}: entry ${i} is ${g}, reference ${w}`);
  }
}

describe('the Philox dropout stream', () => {
  it('keeps keepProb of 10^6 units, within 4 standard errors, on every backend alike', () => {
    for (const p of [0.8, 0.5, 0.1]) {
      const Z = jsZeros(1000, 1000, 'float32');
      Z.data.fill(1);
      const want = forward(ref, 'linear', Z, p);
      let kept = 0;
      for (let i = 0; i < 1e6; i++) kept += want.D.data[i]!;
      const se = Math.sqrt((p * (1 - p)) / 1e6);
      assert.ok(Math.abs(kept / 1e6 - p) <= 4 * se, `keepProb ${p}: kept ${kept / 1e6} (4 SE = ${4 * se})`);
      for (const { label, backend: be } of cases) {
        const X = be.zeros(1000, 1000, 'float32');
        X.data.fill(1);
        assert.equal(firstDifference(forward(be, 'linear', X, p).D, want.D), -1, `${label}, keepProb ${p}`);
      }
    }
  });

  it('the extremes: keepProb 1 keeps every unit (dropped = A), below 2^-32 none (dropped = 0)', () => {
    for (const be of [ref, ...cases.map((c) => c.backend)]) {
      const Z = fill(be.zeros(9, 70, 'float64'), 3, -2, 2);
      const all = forward(be, 'relu', Z, 1),
        none = forward(be, 'relu', Z, 1e-12);
      assert.ok(all.D.data.every((d) => d === 1) && none.D.data.every((d) => d === 0), be.name);
      assert.deepEqual([...all.dropped.data], [...all.A.data], be.name);
      assert.ok(
        none.dropped.data.every((v) => Object.is(v, 0)),
        be.name,
      );
    }
  });

  it("a unit's mask depends on its row and column only: not on m, the batch's other columns or its split", () => {
    const whole = forward(ref, 'relu', fill(jsZeros(5, 300, 'float32'), 1), 0.5).D;
    for (const m of [1, 63, 64, 65, 129]) {
      const part = forward(ref, 'relu', fill(jsZeros(5, m, 'float32'), 2), 0.5).D;
      for (let i = 0; i < 5; i++)
        for (let j = 0; j < m; j++)
          assert.equal(part.data[i * m + j], whole.data[i * 300 + j], `(${i}, ${j}) at m = ${m}`);
    }
  });

  it('another step, layer or seed draws another mask', () => {
    const Z = fill(jsZeros(20, 50, 'float32'), 1);
    const masks = [
      { seed: 1, step: 0, layer: 1 },
      { seed: 1, step: 1, layer: 1 },
      { seed: 1, step: 0, layer: 2 },
      { seed: 2, step: 0, layer: 1 },
      { seed: 1, step: 2 ** 32, layer: 1 },
    ].map((key) => {
      const D = ref.zerosMask(20, 50);
      ref.dropoutForward('linear', Z, jsZeros(20, 50, 'float32'), D, jsZeros(20, 50, 'float32'), 0, 0.5, key);
      return [...D.data].join('');
    });
    assert.equal(new Set(masks).size, masks.length);
  });

  it('bad keepProb and keys are refused by name, before any kernel runs', () => {
    for (const be of [ref, ...cases.map((c) => c.backend)]) {
      const Z = be.zeros(2, 3, 'float32'),
        D = be.zerosMask(2, 3);
      const call =
        (p: number, key = { seed: 1, step: 0, layer: 1 }) =>
        () =>
          be.dropoutForward('relu', Z, be.zeros(2, 3, 'float32'), D, be.zeros(2, 3, 'float32'), 0, p, key);
      for (const p of [0, 1.5, NaN])
        assert.throws(call(p), {
          name: 'ValueError',
          message: `dropoutForward: keepProb must be in (0, 1] but is ${p}`,
        });
      assert.throws(call(0.5, { seed: -1, step: 0, layer: 1 }), {
        message: "dropoutForward: the key's seed must be an integer in [0, 2^32) but is -1",
      });
      assert.throws(call(0.5, { seed: 1, step: 0.5, layer: 1 }), {
        message: "dropoutForward: the key's step must be an integer in [0, 2^53) but is 0.5",
      });
      assert.throws(() => be.dropoutBackward('relu', Z, Z, Z, be.zerosMask(3, 2), be.zeros(2, 3, 'float32'), 0, 0.5), {
        name: 'ShapeError',
        message: 'dropoutBackward: D must be (2, 3) but is (3, 2)',
      });
    }
  });
});
