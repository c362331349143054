// End to end through nn: the small network of the browser test, trained on every backend, gives
// the reference backend's costs. float32 throughout; the reference accumulates its sums in float64
// and the wasm GEMM in float32, a difference of about K·2^-24 relative per product sum (K ≤ 256
// here), which 40 steps of gradient descent carry into the costs at around 1e-6; we allow 1e-4.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { trainSmall } from '../browser/train-small.js';
import { allBackends, reference } from './backends.js';

const cases = await allBackends();
const want = trainSmall(reference);

describe('training through nn on every backend', () => {
  for (const { label, backend } of cases) {
    it(`${label}: the reference's costs`, () => {
      const got = trainSmall(backend);
      assert.equal(got.length, want.length);
      for (let i = 0; i < want.length; i++) {
        assert.ok(Math.abs(got[i]! - want[i]!) <= 1e-4 * want[i]!, `cost ${i}: ${got[i]} vs reference ${want[i]}`);
      }
      assert.ok(want[want.length - 1]! < 0.8 * want[0]!, `the cost goes down: ${want.join(', ')}`);
    });
  }
});
