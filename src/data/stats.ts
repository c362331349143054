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

/**
 * Per-feature statistics in one streaming pass over chunks of examples (the data need not fit in memory):
 * count, min, max, mean and population variance of the present (non-NaN) values of each of n features,
 * and, with `sums`, the plain running sum of each feature's present values in visiting order (what mean
 * imputation divides). Each chunk's mean and sum of squared deviations come from two passes over the
 * chunk (it is in cache), and are merged into the running ones by Chan, Golub and LeVeque's update —
 * Welford's algorithm a chunk at a time, which keeps the variance accurate where the naive
 * Σx² − (Σx)²/n cancels.
 *
 * Without overflow: values are divided by a power of two s near the largest magnitude seen so far
 * (exact), so deviations stay below 4 in magnitude even near float64's limit of 1e308; when a larger
 * value arrives, the running mean and squared deviations are rescaled by the exact ratio of the two
 * powers. The same chunks in the same order give the same results bit for bit, whether they were read
 * from memory or from disk.
 * @example
 * const st = new FeatureStats(2);
 * st.addRows([1, 10, 3, 30], 2);   // two examples of two features, example-major
 * st.feature(1)                    // => { min: 10, max: 30, mean: 20, std: 10 }
 */
export class FeatureStats {
  readonly count: Float64Array;
  readonly min: Float64Array;
  readonly max: Float64Array;
  /** Running mean of x / scale[i]. */
  private readonly meanScaled: Float64Array;
  /** Running Σ (x / scale[i] − mean)². */
  private readonly m2Scaled: Float64Array;
  private readonly scale: Float64Array;
  /** Σ of present values per feature, in visiting order (only when asked for: it can overflow, by design). */
  readonly sums: Float64Array | undefined;
  /** Mean and variance too (false: min, max and count only, one pass a chunk). */
  private readonly moments: boolean;
  // Per-chunk accumulators, reused.
  private readonly cCount: Float64Array;
  private readonly cMin: Float64Array;
  private readonly cMax: Float64Array;
  private readonly cMean: Float64Array;
  private readonly cM2: Float64Array;

  constructor(
    readonly n: number,
    options: { sums?: boolean; moments?: boolean } = {},
  ) {
    this.count = new Float64Array(n);
    this.min = new Float64Array(n).fill(Infinity);
    this.max = new Float64Array(n).fill(-Infinity);
    this.meanScaled = new Float64Array(n);
    this.m2Scaled = new Float64Array(n);
    this.scale = new Float64Array(n).fill(1);
    this.sums = options.sums ? new Float64Array(n) : undefined;
    this.moments = options.moments ?? true;
    this.cCount = new Float64Array(n);
    this.cMin = new Float64Array(n);
    this.cMax = new Float64Array(n);
    this.cMean = new Float64Array(n);
    this.cM2 = new Float64Array(n);
  }

  /**
   * Adds `count` examples held example-major: feature i of example e is values[e·n + i] (a chunk of rows
   * as a file holds them, in any numeric typed array). Each pass runs along the rows, so the chunk is
   * read in order.
   */
  addRows(values: ArrayLike<number>, count: number): void {
    const n = this.n;
    const { cCount, cMin, cMax, cMean, cM2, sums } = this;
    cCount.fill(0);
    cMin.fill(Infinity);
    cMax.fill(-Infinity);
    for (let e = 0, t = 0; e < count; e++)
      for (let i = 0; i < n; i++, t++) {
        const v = values[t]!;
        if (v !== v) continue; // NaN: missing
        cCount[i] = cCount[i]! + 1;
        if (v < cMin[i]!) cMin[i] = v;
        if (v > cMax[i]!) cMax[i] = v;
        if (sums) sums[i] = sums[i]! + v;
      }
    for (let i = 0; i < n; i++) {
      if (cCount[i] === 0) continue;
      if (cMin[i]! < this.min[i]!) this.min[i] = cMin[i]!;
      if (cMax[i]! > this.max[i]!) this.max[i] = cMax[i]!;
    }
    if (!this.moments) {
      for (let i = 0; i < n; i++) this.count[i] = this.count[i]! + cCount[i]!;
      return;
    }
    for (let i = 0; i < n; i++)
      this.rescale(i, powerOfTwoNear(Math.max(Math.abs(this.min[i]!), Math.abs(this.max[i]!))));
    const scale = this.scale;
    cMean.fill(0);
    cM2.fill(0);
    for (let e = 0, t = 0; e < count; e++)
      for (let i = 0; i < n; i++, t++) {
        const v = values[t]!;
        if (v === v) cMean[i] = cMean[i]! + v / scale[i]!;
      }
    for (let i = 0; i < n; i++) if (cCount[i]! > 0) cMean[i] = cMean[i]! / cCount[i]!;
    for (let e = 0, t = 0; e < count; e++)
      for (let i = 0; i < n; i++, t++) {
        const v = values[t]!;
        if (v === v) cM2[i] = cM2[i]! + (v / scale[i]! - cMean[i]!) ** 2;
      }
    for (let i = 0; i < n; i++) if (cCount[i]! > 0) this.mergeScaled(i, cCount[i]!, cMean[i]!, cM2[i]!);
  }

  /** Chan et al.: merges a group of k values (mean and M2 of x / scale[i]) into feature i's running figures. */
  private mergeScaled(i: number, k: number, mean: number, m2: number): void {
    const na = this.count[i]!,
      nab = na + k;
    const delta = mean - this.meanScaled[i]!;
    this.meanScaled[i] = this.meanScaled[i]! + (delta * k) / nab;
    this.m2Scaled[i] = this.m2Scaled[i]! + m2 + ((delta * delta * na) / nab) * k;
    this.count[i] = nab;
  }

  /** Moves feature i's running figures to the scale `s` (a power of two ≥ the old one: exact). */
  private rescale(i: number, s: number): void {
    const old = this.scale[i]!;
    if (s <= old) return;
    const r = old / s;
    this.meanScaled[i] = this.meanScaled[i]! * r;
    this.m2Scaled[i] = this.m2Scaled[i]! * r * r;
    this.scale[i] = s;
  }

  /** Feature i's statistics, or null when none of its values was present (mean and std NaN without moments). */
  feature(i: number): ValueStats | null {
    const n = this.count[i]!;
    if (n === 0) return null;
    const s = this.scale[i]!;
    return {
      min: this.min[i]!,
      max: this.max[i]!,
      mean: this.moments ? this.meanScaled[i]! * s : NaN,
      std: this.moments ? Math.sqrt(this.m2Scaled[i]! / n) * s : NaN,
    };
  }

  /** Every feature's values pooled (the figures `lnn data` prints for "feature values"), or null. */
  pooled(): ValueStats | null {
    const all = new FeatureStats(1);
    for (let i = 0; i < this.n; i++) {
      const n = this.count[i]!;
      if (n === 0) continue;
      if (this.min[i]! < all.min[0]!) all.min[0] = this.min[i]!;
      if (this.max[i]! > all.max[0]!) all.max[0] = this.max[i]!;
      all.rescale(0, Math.max(this.scale[i]!, powerOfTwoNear(Math.max(Math.abs(all.min[0]!), Math.abs(all.max[0]!)))));
      // scale[i] ≤ the pooled scale, both powers of two: moving feature i's figures to it is exact.
      const r = this.scale[i]! / all.scale[0]!;
      all.mergeScaled(0, n, this.meanScaled[i]! * r, this.m2Scaled[i]! * r * r);
    }
    return all.feature(0);
  }
}
