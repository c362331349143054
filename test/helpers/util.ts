import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { zeros, type DType, type Matrix } from '../../src/core/matrix.js';
import { Rng } from '../../src/core/rng.js';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The shared data sets: $LNN_SHARED_DATA, else ../shared/data beside the repository (the developers' and
 * CI's layout); undefined when absent, and the tests that need them skip, saying why.
 */
export function sharedData(): string | undefined {
  const env = process.env['LNN_SHARED_DATA'];
  for (const dir of [...(env ? [env] : []), join(repoRoot, '../shared/data')]) if (existsSync(dir)) return dir;
  return undefined;
}

/** np.random.randn(rows, cols) after the generator `rng`. */
export function randn(rng: Rng, rows: number, cols: number, dtype: DType = 'float64'): Matrix {
  const M = zeros(rows, cols, dtype);
  for (let i = 0; i < M.size; i++) M.data[i] = rng.randn();
  return M;
}

export function assertClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  rtol: number,
  atol = 0,
  what = 'value',
): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i]!,
      e = expected[i]!;
    if (!(Math.abs(a - e) <= atol + rtol * Math.abs(e)))
      assert.fail(`${what}[${i}]: ${a} is not within rtol ${rtol}, atol ${atol} of ${e}`);
  }
}

export function flat(rows: number[][]): number[] {
  return rows.flat();
}
