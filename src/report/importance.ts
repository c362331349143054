/**
 * How much each hyperparameter matters for dev error, with the method stated on the page: the share of
 * the variance of dev error across trials that grouping the trials by the hyperparameter's value
 * explains — η², the between-group sum of squares over the total (one-way ANOVA per hyperparameter).
 * On a full grid the groups are balanced and η² is exactly the main effect of a functional ANOVA
 * (fANOVA, as Optuna's importance estimates it with a random forest); the shares then sum to at most 1,
 * the rest being interactions. Browser-safe.
 */

/** One trial as importance sees it: its values and the dev error it is judged by. */
export interface ImportanceInput {
  values: Record<string, string>;
  y: number;
}

export interface ImportanceItem {
  key: string;
  /** η² in [0, 1]. */
  share: number;
  /** How many groups the trials fell into (values, or bins of a range). */
  groups: number;
}

/** At most this many bins for a hyperparameter drawn from a range (each with ≥ 3 trials when it can). */
export const MAX_BINS = 5;
/** Fewer trials than this say nothing about importance. */
export const MIN_TRIALS = 4;

/**
 * The group of each trial for one hyperparameter: its value when the values are few (≤ MAX_BINS, or
 * texts such as widths), else equal-count bins of the sorted numbers (ranks, so a log range needs no
 * special case): min(MAX_BINS, ⌊n / 3⌋) of them.
 */
export function groupsOf(values: readonly string[]): number[] {
  const distinct = [...new Set(values)];
  const nums = values.map(Number);
  if (distinct.length <= MAX_BINS || !nums.every(Number.isFinite)) return values.map((v) => distinct.indexOf(v));
  const bins = Math.max(2, Math.min(MAX_BINS, Math.floor(values.length / 3)));
  const order = nums.map((x, i) => [x, i] as const).sort((a, b) => a[0] - b[0]);
  const group = new Array<number>(values.length);
  // Equal values share a bin: a bin boundary never splits a tie.
  let bin = 0;
  order.forEach(([x, i], rank) => {
    const want = Math.floor((rank * bins) / values.length);
    if (want > bin && x !== order[rank - 1]![0]) bin = want;
    group[i] = bin;
  });
  return group;
}

/**
 * η² = SS_between / SS_total of y grouped by `groups`; 0 when y does not vary.
 * @example etaSquared([0.1, 0.1, 0.3, 0.3], [0, 0, 1, 1]) // => 1 (the groups explain everything)
 */
export function etaSquared(y: readonly number[], groups: readonly number[]): number {
  const n = y.length;
  const mean = y.reduce((a, b) => a + b, 0) / n;
  let total = 0;
  for (const v of y) total += (v - mean) ** 2;
  if (!(total > 1e-15)) return 0;
  const sums = new Map<number, { s: number; n: number }>();
  groups.forEach((g, i) => {
    const e = sums.get(g) ?? { s: 0, n: 0 };
    e.s += y[i]!;
    e.n++;
    sums.set(g, e);
  });
  let between = 0;
  for (const { s, n: k } of sums.values()) between += k * (s / k - mean) ** 2;
  return Math.min(1, Math.max(0, between / total));
}

/** Each hyperparameter's η² for y, largest first; undefined with fewer than MIN_TRIALS trials. */
export function importance(trials: readonly ImportanceInput[], keys: readonly string[]): ImportanceItem[] | undefined {
  const used = trials.filter((t) => Number.isFinite(t.y));
  if (used.length < MIN_TRIALS) return undefined;
  const y = used.map((t) => t.y);
  return keys
    .map((key) => {
      const groups = groupsOf(used.map((t) => t.values[key] ?? ''));
      return { key, share: etaSquared(y, groups), groups: new Set(groups).size };
    })
    .sort((a, b) => b.share - a.share || a.key.localeCompare(b.key));
}
