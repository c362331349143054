import { printable } from '../../core/text.js';
import type { Dataset } from '../dataset.js';
import { featureSource, STATS_CHUNK } from '../features.js';
import { FeatureStats, valueStats as stats, type ValueStats } from '../stats.js';

export type { ValueStats } from '../stats.js';

/**
 * What `lnn data` prints: the sizes, the classes with their counts, the value ranges and the missing
 * values of a data set. Browser-safe: no Node imports.
 */

export interface FeatureSummary extends ValueStats {
  /** Row i of X. */
  index: number;
  name: string;
  /** Examples where this feature is missing (NaN). */
  missing: number;
}

export interface DataSummary {
  source: string;
  /** Number of examples (columns of X). */
  m: number;
  /** Number of features (rows of X). */
  nx: number;
  /** Label rows: 1 for classes, n_y for regression targets. */
  ny: number;
  task: 'classification' | 'regression';
  /** Each class with its count and share of m, by class index; null for regression. */
  classes: { index: number; name: string; count: number; fraction: number }[] | null;
  /** Over every feature value of X (missing ones left out); null when every value is missing. */
  values: ValueStats | null;
  /** Per feature when n_x ≤ `perFeatureLimit` (default 50), else null. */
  features: FeatureSummary[] | null;
  /** Regression targets' range; null for classification. */
  targets: ValueStats | null;
  missing: {
    /** Missing feature values in all of X. */
    values: number;
    /** Examples with at least one missing value. */
    examples: number;
    /** Features with at least one missing value. */
    features: number;
  };
}

/**
 * Summarizes d (X: (n_x, m), labels: (n_y, m)); NaN features count as missing.
 * @example summarizeDataset(loadBuiltin('iris')) // => { m: 150, nx: 4, classes: [{ name: 'setosa', count: 50, ... }, ...], ... }
 */
export function summarizeDataset(d: Dataset, perFeatureLimit = 50): DataSummary {
  const { labels } = d;
  const X = featureSource(d.X);
  const m = X.cols,
    nx = X.rows;
  const classification = d.classes !== undefined && labels.rows === 1;
  let classes: DataSummary['classes'] = null;
  if (classification) {
    const counts = new Array<number>(d.classes!.length).fill(0);
    for (let j = 0; j < m; j++) counts[labels.data[j]!]!++;
    classes = d.classes!.map((name, index) => ({
      index,
      name,
      count: counts[index]!,
      fraction: m === 0 ? 0 : counts[index]! / m,
    }));
  }
  // One pass over the examples, a chunk at a time: a file larger than memory is summarized from disk.
  const st = new FeatureStats(nx);
  let examplesMissing = 0;
  X.chunks(STATS_CHUNK, (values, count) => {
    st.addRows(values, count);
    for (let e = 0; e < count; e++)
      for (let i = 0; i < nx; i++)
        if (Number.isNaN(values[e * nx + i]!)) {
          examplesMissing++;
          break;
        }
  });
  let missingValues = 0,
    missingFeatures = 0;
  const perFeature: FeatureSummary[] = [];
  for (let i = 0; i < nx; i++) {
    const missing = m - st.count[i]!;
    missingValues += missing;
    if (missing > 0) missingFeatures++;
    if (nx <= perFeatureLimit) {
      const s = st.feature(i) ?? { min: NaN, max: NaN, mean: NaN, std: NaN };
      perFeature.push({ index: i, name: d.featureNames?.[i] ?? `x${i}`, missing, ...s });
    }
  }
  return {
    source: d.source,
    m,
    nx,
    ny: labels.rows,
    task: classification ? 'classification' : 'regression',
    classes,
    values: st.pooled(),
    features: nx <= perFeatureLimit ? perFeature : null,
    targets: classification ? null : stats(labels.data),
    missing: { values: missingValues, examples: examplesMissing, features: missingFeatures },
  };
}

/** A statistic in at most 10 characters: integers below 1e5 as they are, 4 significant digits otherwise. */
const num = (v: number) =>
  Number.isNaN(v)
    ? '—'
    : Number.isInteger(v) && Math.abs(v) < 1e5
      ? String(v)
      : Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3
        ? v.toExponential(3)
        : String(+v.toPrecision(4));

/** The summary as text, for the terminal. */
export function formatSummary(s: DataSummary): string {
  const lines = [
    printable(s.source),
    `  m = ${s.m} examples, n_x = ${s.nx} features → X: (${s.nx}, ${s.m}), labels: (${s.ny}, ${s.m})`,
  ];
  if (s.classes) {
    lines.push(`  ${s.classes.length} classes:`);
    const names = s.classes.map((c) => printable(c.name));
    const w = Math.max(...names.map((n) => n.length));
    for (const [k, c] of s.classes.entries())
      lines.push(
        `    ${names[k]!.padEnd(w)}  ${String(c.count).padStart(String(s.m).length)}  (${(100 * c.fraction).toFixed(1)}%)`,
      );
  } else if (s.targets)
    lines.push(
      `  regression targets: min ${num(s.targets.min)}, max ${num(s.targets.max)}, mean ${num(s.targets.mean)}`,
    );
  if (s.values)
    lines.push(
      `  feature values: min ${num(s.values.min)}, max ${num(s.values.max)}, mean ${num(s.values.mean)}, std ${num(s.values.std)}`,
    );
  lines.push(
    s.missing.values === 0
      ? '  missing values: none'
      : `  missing values: ${s.missing.values} in ${s.missing.examples} example${s.missing.examples === 1 ? '' : 's'} and ${s.missing.features} feature${s.missing.features === 1 ? '' : 's'} (--impute mean fills them from the training set's means)`,
  );
  if (s.features) {
    const names = s.features.map((f) => printable(f.name));
    const w = Math.max(7, ...names.map((n) => n.length));
    lines.push(
      '  per feature:',
      `    ${'feature'.padEnd(w)} ${['min', 'max', 'mean', 'std', 'missing'].map((h) => h.padStart(11)).join('')}`,
    );
    for (const [k, f] of s.features.entries())
      lines.push(
        `    ${names[k]!.padEnd(w)} ${[num(f.min), num(f.max), num(f.mean), num(f.std), String(f.missing)].map((v) => v.padStart(11)).join('')}`,
      );
  }
  return lines.join('\n') + '\n';
}
