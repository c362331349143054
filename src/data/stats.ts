/**
 * Statistics of feature values that do not overflow: values near float64's limit (1e308) have a finite
 * mean and standard deviation, but their plain sum or sum of squares is Infinity. Browser-safe.
 */

/** min / max / mean / population standard deviation of the present (non-NaN) values. */
export interface ValueStats {
  min: number;
  max: number;
  mean: number;
  std: number;
}

/**
 * Stats of values[start], values[start + step], ... up to `end` (exclusive), NaN left out; null when
 * none is present. Two passes over values divided by a power of two near their largest magnitude: the
 * division is exact, so for ordinary data the results equal the plain two-pass formulas bit for bit,
 * and for data near 1e308 nothing overflows (|x / s| < 2, so the sums stay below 2·count).
 * @example valueStats([1e308, -1e308]) // => { min: -1e308, max: 1e308, mean: 0, std: 1e308 }
 */
export function valueStats(values: ArrayLike<number>, start = 0, end = values.length, step = 1): ValueStats | null {
  let min = Infinity,
    max = -Infinity,
    n = 0;
  for (let k = start; k < end; k += step) {
    const v = values[k]!;
    if (Number.isNaN(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
    n++;
  }
  if (n === 0) return null;
  const s = powerOfTwoNear(Math.max(Math.abs(min), Math.abs(max)));
  let sum = 0;
  for (let k = start; k < end; k += step) {
    const v = values[k]!;
    if (!Number.isNaN(v)) sum += v / s;
  }
  const meanScaled = sum / n;
  let sq = 0;
  for (let k = start; k < end; k += step) {
    const v = values[k]!;
    if (!Number.isNaN(v)) sq += (v / s - meanScaled) ** 2;
  }
  return { min, max, mean: meanScaled * s, std: Math.sqrt(sq / n) * s };
}

/**
 * The largest power of two ≤ a (1 for 0 or a non-finite a), so that a / s is in [1, 2) exactly. Values
 * below 1 keep s = 1: scaling them up gains nothing and would change results by rounding near 0.
 */
function powerOfTwoNear(a: number): number {
  if (!(a >= 2) || !Number.isFinite(a)) return 1;
  let e = Math.floor(Math.log2(a));
  // log2 can round up just below a power of two; step back so that 2^e ≤ a.
  while (e > 0 && 2 ** e > a) e--;
  return 2 ** e;
}
