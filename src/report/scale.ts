/**
 * Scales and axis ticks for the report's charts: data values → SVG user units. Browser-safe.
 */

/** A map from data values to pixels, with the ticks to label its axis. */
export interface Scale {
  (v: number): number;
  /** The data interval actually shown (after widening a degenerate one and rounding to ticks). */
  domain: [number, number];
  range: [number, number];
  kind: 'linear' | 'log';
  /** Values to draw grid lines and labels at, inside the domain. */
  ticks: number[];
}

/**
 * Widens an interval that is a single value (one cost point, a flat curve) so that a scale over it is
 * defined: [v, v] → [v − |v|/2, v + |v|/2], or [0, 1] for v = 0.
 */
export function widen(min: number, max: number): [number, number] {
  if (max > min) return [min, max];
  if (min === 0) return [0, 1];
  const h = Math.abs(min) / 2;
  return [min - h, max + h];
}

/**
 * "Nice" tick values (1, 2, 5 × 10^k steps) covering [min, max], about `count` of them.
 * @example niceTicks(0, 0.69, 5) // => [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]
 */
export function niceTicks(min: number, max: number, count = 5): number[] {
  [min, max] = widen(min, max);
  const raw = (max - min) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => (max - min) / s <= count * 1.5) ?? 10 * mag;
  const start = Math.floor(min / step + 1e-9) * step;
  const ticks: number[] = [];
  for (let v = start; v <= max + step * 1e-9 + (max - min) * 1e-12; v += step) {
    // Snap away float noise (0.30000000000000004).
    ticks.push(Number((Math.round(v / step) * step).toPrecision(12)));
    if (ticks.length > 100) break;
  }
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

/**
 * A linear scale from [d0, d1] to [r0, r1]. With `nice`, the domain is extended to whole ticks.
 * @example linearScale([0, 10], [0, 100])(2.5) // => 25
 */
export function linearScale(
  domain: [number, number],
  range: [number, number],
  opts: { nice?: boolean; tickCount?: number } = {},
): Scale {
  let [d0, d1] = widen(domain[0], domain[1]);
  let ticks = niceTicks(d0, d1, opts.tickCount ?? 5);
  if (opts.nice) {
    d0 = ticks[0]!;
    d1 = ticks[ticks.length - 1]!;
  } else ticks = ticks.filter((t) => t >= d0 - (d1 - d0) * 1e-9 && t <= d1 + (d1 - d0) * 1e-9);
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  const f = ((v: number) => r0 + (v - d0) * k) as Scale;
  f.domain = [d0, d1];
  f.range = [r0, r1];
  f.kind = 'linear';
  f.ticks = ticks;
  return f;
}

/**
 * A base-10 logarithmic scale over positive values; the domain is extended to whole decades when `nice`.
 * Ticks are the powers of ten (with 2 and 5 between them when the domain spans less than two decades).
 * Values ≤ 0 map to NaN (and are drawn as gaps).
 */
export function logScale(domain: [number, number], range: [number, number], opts: { nice?: boolean } = {}): Scale {
  let [d0, d1] = domain;
  if (!(d0 > 0) || !(d1 > 0)) throw new RangeError(`logScale: the domain must be positive but is [${d0}, ${d1}]`);
  if (d1 <= d0) [d0, d1] = [d0 / 2, d0 * 2];
  let l0 = Math.log10(d0);
  let l1 = Math.log10(d1);
  if (opts.nice) {
    l0 = Math.floor(l0 + 1e-9);
    l1 = Math.ceil(l1 - 1e-9);
    if (l1 === l0) l1 = l0 + 1;
  }
  const ticks: number[] = [];
  const multipliers = l1 - l0 < 2 ? [1, 2, 5] : [1];
  for (let e = Math.floor(l0); e <= Math.ceil(l1); e++)
    for (const m of multipliers) {
      const v = Number((m * 10 ** e).toPrecision(12));
      const lv = Math.log10(v);
      if (lv >= l0 - 1e-9 && lv <= l1 + 1e-9) ticks.push(v);
    }
  const [r0, r1] = range;
  const k = (r1 - r0) / (l1 - l0);
  const f = ((v: number) => (v > 0 ? r0 + (Math.log10(v) - l0) * k : NaN)) as Scale;
  f.domain = [10 ** l0, 10 ** l1];
  f.range = [r0, r1];
  f.kind = 'log';
  f.ticks = ticks;
  return f;
}
