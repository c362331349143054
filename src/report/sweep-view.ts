/**
 * The sweep report's view of its trials: ranked, with what each chart and the table show of them (dev
 * and train error, diagnosis, the rung a pruned trial stopped at, the hover text), and the colourings
 * a reader can pick for the points and lines (diagnosis, status, dev error, trial number, each varied
 * hyperparameter). Browser-safe.
 */
import { defined } from '../core/defined.js';
import { verdictLabel } from '../evaluate/diagnose.js';
import { rungsReached } from '../sweep/prune.js';
import type { TrialValues } from '../sweep/space.js';
import { nearBest, rankTrials, type TrialResult } from '../sweep/trial.js';
import { formatNumber, formatPercent } from './format.js';

/** The diagnosis as the charts colour it. */
export type DiagnosisKind = 'both' | 'bias' | 'variance' | 'noise' | 'neither' | 'none';

export interface TrialView {
  trial: TrialResult;
  /** Position in the ranked list, 0-based: the `data-t` of its marks and its table row. */
  v: number;
  near: boolean;
  /** Dev and train error when finite. */
  dev?: number;
  train?: number;
  diagnosis: DiagnosisKind;
  /** A pruned trial's rung, 1-based. */
  rung?: number;
  /** The hover text, line by line. */
  lines: string[];
}

export interface LegendItem {
  cls: string;
  text: string;
}

/** One way to colour the trials: a class per trial (k-…), and the legend that names them. */
export interface Colouring {
  key: string;
  label: string;
  classes: string[];
  legend: LegendItem[];
  /** Sequential colourings read from low to high: the legend says so. */
  sequential?: { low: string; high: string };
}

export interface SweepView {
  trials: TrialView[];
  /** The hyperparameters whose values differ between trials. */
  keys: string[];
  classification: boolean;
  /** An error as the page writes it: a percentage, or a cost for regression. */
  fmt: (v: number | undefined) => string;
  colourings: Colouring[];
  near: ReturnType<typeof nearBest>;
  /** Human-level error and the thresholds the diagnoses used (from a trial that recorded them). */
  human: number;
  thresholds?: { bias: number; variance: number };
}

const CATEGORIES = 8;

/** The value of a hyperparameter in a trial, as written ('' when the trial does not set it). */
export function valueOf(t: TrialResult, key: string): string {
  return t.values[key as keyof TrialValues] ?? '';
}

/** The hyperparameters whose values differ between the trials, in the order first seen. */
export function variedKeys(trials: readonly TrialResult[]): string[] {
  const keys: string[] = [];
  for (const t of trials) for (const k of Object.keys(t.values)) if (!keys.includes(k)) keys.push(k);
  return keys.filter((k) => trials.some((t) => valueOf(t, k) !== valueOf(trials[0]!, k)));
}

/** Whether numbers spread over more than a decade, all positive: a log axis (learning rates, L2). */
export function isLogSpread(nums: readonly number[]): boolean {
  const lo = Math.min(...nums),
    hi = Math.max(...nums);
  return lo > 0 && hi / lo > 10;
}

/** The distinct values of a key, numbers in numeric order ('4' before '16,8'), else as first seen. */
export function orderedValues(values: readonly string[]): string[] {
  const distinct = [...new Set(values)];
  return distinct.sort((a, b) => (Number.parseFloat(a) || 0) - (Number.parseFloat(b) || 0));
}

function diagnosisKind(t: TrialResult): DiagnosisKind {
  const d = t.diagnosis;
  if (!d || t.status === 'failed') return 'none';
  if (d.highBias && d.highVariance) return 'both';
  if (d.highBias) return 'bias';
  if (d.highVariance) return 'variance';
  return d.biasWithinNoise || d.varianceWithinNoise ? 'noise' : 'neither';
}

/** The rung a pruned trial stopped at (1-based), from its recorded curve and budget. */
export function prunedRung(t: TrialResult): number | undefined {
  if (t.status !== 'pruned' || !t.run) return undefined;
  const total = Number(t.run.hyperparameters['iterations']);
  const reached = Number.isFinite(total) ? rungsReached(t.run.history.evals, total) : [];
  return reached.length ? reached[reached.length - 1]!.rung + 1 : undefined;
}

const finite = (v: number | undefined) => (v !== undefined && Number.isFinite(v) ? v : undefined);

/** The trials of a sweep as the page shows them, best first, with their colourings. */
export function sweepView(trials: readonly TrialResult[], classification: boolean): SweepView {
  const fmt = (v: number | undefined) =>
    v === undefined ? '—' : classification ? formatPercent(v, 2) : formatNumber(v, 4);
  const ranked = rankTrials(trials);
  const near = nearBest(ranked);
  const keys = variedKeys(ranked);
  const views: TrialView[] = ranked.map((t, v) => {
    const dev = finite(t.devError),
      train = finite(t.trainError);
    const rung = prunedRung(t);
    const status = t.status === 'pruned' ? `pruned${rung ? ` at rung ${rung}` : ''} (a shortened run)` : t.status;
    const lines = [
      `trial ${t.index} · rank ${v + 1} · ${status}`,
      `dev ${fmt(dev)}${near.near.has(t) ? ' ≈ best' : ''} · train ${fmt(train)} · ${verdictLabel(t.diagnosis)}`,
      ...keys.map((k) => `--${k} ${valueOf(t, k)}`),
    ];
    if (t.status === 'failed' && t.error) lines.push(t.error.slice(0, 120));
    return {
      trial: t,
      v,
      near: near.near.has(t),
      ...defined({ dev, train }),
      diagnosis: diagnosisKind(t),
      ...(rung ? { rung } : {}),
      lines,
    };
  });
  const withDiagnosis = ranked.find((t) => t.run?.diagnosis)?.run?.diagnosis;
  const anyDiagnosis = ranked.find((t) => t.diagnosis)?.diagnosis;
  const human =
    withDiagnosis?.humanError ?? (anyDiagnosis ? Math.max(0, anyDiagnosis.trainError - anyDiagnosis.avoidableBias) : 0);
  return {
    trials: views,
    keys,
    classification,
    fmt,
    colourings: colourings(views, keys, fmt),
    near,
    human: Math.round(human * 1e12) / 1e12,
    ...(withDiagnosis
      ? { thresholds: { bias: withDiagnosis.biasThreshold, variance: withDiagnosis.varianceThreshold } }
      : {}),
  };
}

const DIAGNOSIS_LEGEND: Record<DiagnosisKind, string> = {
  both: 'high bias + variance',
  bias: 'high bias',
  variance: 'high variance',
  noise: 'within noise',
  neither: 'neither',
  none: 'no diagnosis',
};

/** Every colouring the page offers; the first is the default. */
function colourings(views: readonly TrialView[], keys: readonly string[], fmt: (v: number) => string): Colouring[] {
  const out: Colouring[] = [];
  const kinds = (Object.keys(DIAGNOSIS_LEGEND) as DiagnosisKind[]).filter((k) => views.some((t) => t.diagnosis === k));
  if (kinds.some((k) => k !== 'none'))
    out.push({
      key: 'diagnosis',
      label: 'diagnosis',
      classes: views.map((t) => `k-${t.diagnosis}`),
      legend: kinds.map((k) => ({ cls: `k-${k}`, text: DIAGNOSIS_LEGEND[k] })),
    });
  const statuses = (['ok', 'pruned', 'failed'] as const).filter((s) => views.some((t) => t.trial.status === s));
  out.push({
    key: 'status',
    label: 'status',
    classes: views.map((t) => `k-${t.trial.status}`),
    legend: statuses.map((s) => ({ cls: `k-${s}`, text: s === 'ok' ? 'finished' : s })),
  });
  const devs = views.map((t) => t.dev);
  out.push(sequential('dev', 'dev error', devs, { log: false, fmt }));
  out.push(
    sequential(
      'order',
      'trial number',
      views.map((t) => t.trial.index),
      { log: false, fmt: (v) => String(Math.round(v)) },
    ),
  );
  for (const k of keys) out.push(byValue(k, views));
  return out;
}

/** A hyperparameter's colouring: one colour per value (up to 8 values), else a sequential scale. */
function byValue(key: string, views: readonly TrialView[]): Colouring {
  const values = views.map((t) => valueOf(t.trial, key));
  const order = orderedValues(values);
  const nums = order.map(Number);
  if (order.length > CATEGORIES && nums.every(Number.isFinite))
    return sequential(
      key,
      `--${key}`,
      values.map((v) => (v === '' ? undefined : Number(v))),
      { log: isLogSpread(nums), fmt: (v) => formatNumber(v, 3) },
    );
  const index = (v: string) => order.indexOf(v) % CATEGORIES;
  return {
    key,
    label: `--${key}`,
    classes: values.map((v) => `k-c${index(v)}`),
    legend: order.slice(0, CATEGORIES).map((v) => ({ cls: `k-c${index(v)}`, text: v === '' ? '(unset)' : v })),
  };
}

/** 8 equal bins from the lowest value to the highest (on a log scale when `log`); no value: k-none. */
function sequential(
  key: string,
  label: string,
  values: readonly (number | undefined)[],
  { log, fmt }: { log: boolean; fmt: (v: number) => string },
): Colouring {
  const f = (v: number) => (log ? Math.log10(v) : v);
  const known = values.filter((v): v is number => v !== undefined && Number.isFinite(v) && (!log || v > 0));
  const lo = known.length ? Math.min(...known) : 0,
    hi = known.length ? Math.max(...known) : 1;
  const bin = (v: number | undefined) => {
    if (v === undefined || !Number.isFinite(v) || (log && v <= 0)) return 'k-none';
    const x = hi > lo ? (f(v) - f(lo)) / (f(hi) - f(lo)) : 0;
    return `k-q${Math.min(CATEGORIES - 1, Math.floor(x * CATEGORIES))}`;
  };
  return {
    key,
    label,
    classes: values.map(bin),
    legend: Array.from({ length: CATEGORIES }, (_, i) => ({ cls: `k-q${i}`, text: '' })),
    sequential: { low: known.length ? fmt(lo) : '—', high: known.length ? fmt(hi) : '—' },
  };
}
