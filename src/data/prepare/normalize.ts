import { ValueError } from '../../core/errors.js';
import { printable } from '../../core/text.js';
import { Matrix, zeros } from '../../core/matrix.js';
import { featureSource, STATS_CHUNK, type Features } from '../features.js';
import type { Affine } from '../gather.js';
import { FeatureStats } from '../stats.js';

/**
 * Feature scaling, fitted on the training set only and stored in the model, applied the same way to
 * dev, test and new data: x' = (x - shift[i]) / scale[i] for feature (row) i.
 * - none:      x
 * - standard:  (x - mean) / std   (std 0 → 1, so constant features stay finite)
 * - minmax:    (x - min) / (max - min)  (range 0 → 1)
 * - scale:k    x / k   (scale:255 is exactly the course's X/255)
 */
export type NormalizeKind = 'none' | 'standard' | 'minmax' | { scale: number };

export interface Normalization {
  kind: 'none' | 'standard' | 'minmax' | 'scale';
  /** Per-feature shift and scale (n_x entries each); for 'scale', one divisor. */
  shift?: number[];
  scale?: number[];
  divisor?: number;
}

export function parseNormalize(text: string): NormalizeKind {
  const t = text.trim().toLowerCase();
  if (t === 'none' || t === 'standard' || t === 'minmax') return t;
  const m = /^scale:(.+)$/.exec(t);
  if (m) {
    const k = Number(m[1]);
    if (!Number.isFinite(k) || k === 0)
      throw new ValueError(`--normalize scale:<k> needs a non-zero number k but got '${printable(m[1]!)}'`);
    return { scale: k };
  }
  throw new ValueError(`normalize must be none, standard, minmax or scale:<k> but is '${printable(text)}'`);
}

export function normalizeName(n: Normalization): string {
  return n.kind === 'scale' ? `scale:${n.divisor}` : n.kind;
}

/**
 * Fits the statistics on X: (n_x, m), the training set, in one streaming pass over chunks of examples
 * (FeatureStats: min and max, and for 'standard' the mean and standard deviation by Welford's update),
 * so X may be a file on disk; `fill` (mean imputation) is applied to the values first.
 */
export function fitNormalization(X: Features, kind: NormalizeKind, fill?: ArrayLike<number>): Normalization {
  if (kind === 'none') return { kind: 'none' };
  if (typeof kind === 'object') return { kind: 'scale', divisor: kind.scale };
  const src = featureSource(X);
  const n = src.rows;
  if (src.cols === 0) throw new ValueError('normalization: cannot fit on an empty training set');
  const stats = new FeatureStats(n, { moments: kind === 'standard' });
  src.chunks(STATS_CHUNK, (values, count) => stats.addRows(fill ? filled(values, count, n, fill) : values, count));
  const shift: number[] = [],
    scale: number[] = [];
  for (let i = 0; i < n; i++) {
    const st = stats.feature(i) ?? { min: 0, max: 0, mean: 0, std: 0 };
    if (kind === 'standard') {
      shift.push(st.mean);
      scale.push(st.std > 0 ? st.std : 1);
    } else {
      const range = st.max - st.min;
      if (!Number.isFinite(range))
        throw new ValueError(
          `normalization: feature ${i} ranges from ${st.min} to ${st.max}, wider than float64 can hold (max - min overflows); use --normalize standard, or rescale the feature first`,
        );
      shift.push(st.min);
      scale.push(range > 0 ? range : 1);
    }
  }
  return { kind, shift, scale };
}

/** A chunk with its missing values (NaN) filled from `fill`, as the imputer fills them in a batch. */
function filled(values: ArrayLike<number>, count: number, n: number, fill: ArrayLike<number>): Float64Array {
  const out = Float64Array.from({ length: count * n }, (_, t) => values[t]!);
  for (let t = 0; t < out.length; t++) if (out[t] !== out[t]) out[t] = fill[t % n]!;
  return out;
}

/**
 * The normalization (and mean imputation) as the per-feature affine map a batch is gathered with:
 * x' = (fill(x) − shift[i]) / scale[i]; 'none' is shift 0, scale 1 and 'scale:k' shift 0, scale k,
 * which give exactly x and x / k (see src/data/gather.ts).
 */
export function normalizationAffine(norm: Normalization | undefined, n: number, fill?: ArrayLike<number>): Affine {
  const shift = new Float64Array(n),
    scale = new Float64Array(n).fill(1);
  if (norm?.kind === 'scale') scale.fill(norm.divisor!);
  else if (norm && norm.kind !== 'none') {
    if (norm.shift!.length !== n)
      throw new ValueError(`normalization: fitted on n_x = ${norm.shift!.length} features but the data has n_x = ${n}`);
    shift.set(norm.shift!);
    scale.set(norm.scale!);
  }
  return { shift, scale, ...(fill ? { fill: Float64Array.from(fill) } : {}) };
}

/** X' = normalized copy of X: (n_x, m) in float64 (or in `out`, any dtype, same shape). */
export function applyNormalization(norm: Normalization, X: Matrix, out?: Matrix): Matrix {
  const n = X.rows,
    m = X.cols,
    x = X.data;
  const y = out ?? zeros(n, m, 'float64');
  if (y.rows !== n || y.cols !== m)
    throw new ValueError(`normalization: output must be (${n}, ${m}) but is (${y.rows}, ${y.cols})`);
  const d = y.data;
  if (norm.kind === 'none') {
    d.set(x);
    return y;
  }
  if (norm.kind === 'scale') {
    const k = norm.divisor!;
    for (let t = 0; t < x.length; t++) d[t] = x[t]! / k;
    return y;
  }
  const shift = norm.shift!,
    scale = norm.scale!;
  if (shift.length !== n)
    throw new ValueError(`normalization: fitted on n_x = ${shift.length} features but the data has n_x = ${n}`);
  for (let i = 0; i < n; i++) {
    const s = shift[i]!,
      k = scale[i]!;
    for (let t = i * m, e = t + m; t < e; t++) d[t] = (x[t]! - s) / k;
  }
  return y;
}

/** Reads a stored normalization, checking its fields. */
export function normalizationFromJSON(json: unknown, where: string, nx: number): Normalization {
  const o = json as Partial<Normalization> | undefined;
  if (!o || typeof o !== 'object') throw new ValueError(`${where}: normalization must be an object`);
  if (o.kind === 'none') return { kind: 'none' };
  if (o.kind === 'scale') {
    if (typeof o.divisor !== 'number' || !Number.isFinite(o.divisor) || o.divisor === 0)
      throw new ValueError(`${where}: normalization.divisor must be a non-zero number`);
    return { kind: 'scale', divisor: o.divisor };
  }
  if (o.kind === 'standard' || o.kind === 'minmax') {
    for (const f of ['shift', 'scale'] as const) {
      const a = o[f];
      if (!Array.isArray(a) || a.length !== nx || !a.every((v) => typeof v === 'number' && Number.isFinite(v)))
        throw new ValueError(`${where}: normalization.${f} must hold n_x = ${nx} finite numbers`);
    }
    if (o.scale!.some((v) => v === 0)) throw new ValueError(`${where}: normalization.scale must not contain 0`);
    return { kind: o.kind, shift: o.shift!, scale: o.scale! };
  }
  throw new ValueError(
    `${where}: normalization.kind must be none, standard, minmax or scale but is ${printable(JSON.stringify(o.kind)?.slice(0, 40) ?? 'missing')}`,
  );
}
