import { ValueError } from './errors.js';

/**
 * A seeded random generator: MT19937 with numpy's legacy `RandomState` algorithms, so that
 * `new Rng(1).randn()` gives the same numbers as `np.random.seed(1); np.random.randn()`
 * (1.6243453636632417, -0.6117564136500754, ...). That lets `--init course --seed 1` rebuild the
 * course's initial parameters bit for bit, and makes every run repeatable from its seed alone.
 */
export class Rng {
  private readonly mt = new Uint32Array(624);
  private mti = 625;
  private hasGauss = false;
  private gauss = 0;

  constructor(seed = 0) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
      throw new ValueError(`Rng: seed must be an integer in [0, 2^32 - 1] but is ${seed}`);
    }
    this.mt[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const prev = this.mt[i - 1]! ^ (this.mt[i - 1]! >>> 30);
      // 1812433253 * prev + i, in 32-bit arithmetic (Knuth's initializer, numpy's `mt19937_seed`).
      this.mt[i] = (Math.imul(1812433253, prev) + i) >>> 0;
    }
    this.mti = 624;
  }

  /** A uniformly distributed 32-bit unsigned integer. */
  nextUint32(): number {
    const mt = this.mt;
    if (this.mti >= 624) {
      for (let k = 0; k < 624; k++) {
        const y = (mt[k]! & 0x80000000) | (mt[(k + 1) % 624]! & 0x7fffffff);
        mt[k] = mt[(k + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
      }
      this.mti = 0;
    }
    let y = mt[this.mti++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits (numpy's `random_sample`). */
  random(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** Standard normal, numpy's legacy polar method (`np.random.randn`), one cached value per pair. */
  randn(): number {
    if (this.hasGauss) {
      this.hasGauss = false;
      return this.gauss;
    }
    let x1: number, x2: number, r2: number;
    do {
      x1 = 2 * this.random() - 1;
      x2 = 2 * this.random() - 1;
      r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1 || r2 === 0);
    const f = Math.sqrt((-2 * Math.log(r2)) / r2);
    this.gauss = f * x1;
    this.hasGauss = true;
    return f * x2;
  }

  /** An integer in [0, n), unbiased (rejection on the 32-bit draw). */
  int(n: number): number {
    if (!Number.isInteger(n) || n <= 0 || n > 0x100000000)
      throw new ValueError(`Rng.int: n must be an integer in [1, 2^32] but is ${n}`);
    const limit = 0x100000000 - (0x100000000 % n);
    let x: number;
    do x = this.nextUint32();
    while (x >= limit);
    return x % n;
  }

  /** A seeded Fisher–Yates permutation of 0..n-1. */
  permutation(n: number): Int32Array {
    const p = new Int32Array(n);
    for (let i = 0; i < n; i++) p[i] = i;
    for (let i = n - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = p[i]!;
      p[i] = p[j]!;
      p[j] = t;
    }
    return p;
  }

  /** A child seed, so that independent streams (init, shuffling, dropout) stay repeatable on their own. */
  fork(): Rng {
    return new Rng(this.nextUint32());
  }
}
