/**
 * What a sweep shows: a line per trial as it finishes (with its rank, the progress and the ETA), the
 * ranked table, and the JSON document. `lnn runs` shows a record with the same table.
 */
import { defined } from '../../core/defined.js';
import { formatPercent, printable } from '../../core/text.js';
import { errorText, valuesText } from '../../sweep/trial-text.js';
import { verdictLabel } from '../../evaluate/diagnose.js';
import type { SweepIdentity } from '../../sweep/record.js';
import type { TrialValues } from '../../sweep/space.js';
import { nearBest, rankTrials, type TrialResult, type TrialSummary } from '../../sweep/trial.js';
import { formatEta } from '../progress-format.js';

export { errorText, valuesText };

/** The keys whose values differ between trials (the ones worth a column), in the order first seen. */
function variedKeys(trials: readonly TrialSummary[]): string[] {
  const keys: string[] = [];
  for (const t of trials) for (const k of Object.keys(t.values)) if (!keys.includes(k)) keys.push(k);
  const valueOf = (t: TrialSummary, k: string) => t.values[k as keyof TrialValues];
  return keys.filter((k) => trials.length < 2 || trials.some((t) => valueOf(t, k) !== valueOf(trials[0]!, k)));
}

/**
 * The ranked table: rank, trial, id, status, dev and train error, diagnosis, time, then the values; a
 * trial within one standard error of the best is marked ≈, with a line under the table saying why.
 */
export function rankedTable(trials: readonly TrialResult[], classification: boolean): string {
  const ranked = rankTrials(trials);
  const { near, best } = nearBest(ranked);
  const keys = variedKeys(ranked);
  const head = ['rank', 'trial', 'id', 'status', 'dev', 'train', 'diagnosis', 'time', ...keys.map((k) => `--${k}`)];
  const rows = ranked.map((t, i) => [
    String(i + 1),
    String(t.index),
    t.id.slice(0, 8),
    t.infrastructure ? 'no worker' : t.status,
    `${errorText(t.devError, classification)}${near.has(t) ? ' ≈' : ''}`,
    errorText(t.trainError, classification),
    verdictLabel(t.diagnosis),
    `${t.seconds.toFixed(1)} s`,
    ...keys.map((k) => printable(t.values[k as keyof TrialValues] ?? '')),
  ]);
  const width = head.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((s, c) => s.padEnd(width[c]!))
      .join('  ')
      .trimEnd();
  const note =
    near.size > 0 && best
      ? [
          `≈ within one standard error of the best (${formatPercent(best.devError, 2)} ± ${formatPercent(best.se, 2)} on ${best.devSize} dev examples): this dev set does not tell ${near.size === 1 ? 'it' : 'them'} from the best`,
        ]
      : [];
  return [line(head), ...rows.map(line), ...note].join('\n') + '\n';
}

/** Progress after a trial: how many of how many, time so far and the ETA. */
export class SweepProgress {
  private readonly t0: number;
  private done = 0;

  constructor(
    private readonly total: number,
    private readonly alreadyDone: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.t0 = now();
  }

  private times(): { elapsed: number; eta: number } {
    const elapsed = (this.now() - this.t0) / 1000;
    const left = Math.max(0, this.total - this.alreadyDone - this.done);
    return { elapsed, eta: left === 0 ? 0 : this.done === 0 ? NaN : (elapsed / this.done) * left };
  }

  /** '[3/8] 25.0 s elapsed, ETA 42s' after one more trial. */
  step(): string {
    this.done++;
    const { elapsed, eta } = this.times();
    return `[${this.alreadyDone + this.done}/${this.total}] ${elapsed.toFixed(1)} s elapsed, ETA ${formatEta(eta)}`;
  }

  /** '3 of 8 trials done, 2 running; 25.0 s elapsed, ETA 42s': the sweep while trials run. */
  status(running: number): string {
    const { elapsed, eta } = this.times();
    return `${this.alreadyDone + this.done} of ${this.total} trials done, ${running} running; ${elapsed.toFixed(1)} s elapsed, ETA ${formatEta(eta)}`;
  }
}

/** One finished trial, as it comes: its figures, its rank among those finished, the progress. */
export function trialLine(
  t: TrialResult,
  { rank, of, classification, progress }: { rank: number; of: number; classification: boolean; progress: string },
): string {
  const what =
    t.status === 'ok'
      ? `dev ${errorText(t.devError, classification)}, train ${errorText(t.trainError, classification)}, ${verdictLabel(t.diagnosis)}; rank ${rank} of ${of}`
      : `${t.status}: ${printable(t.error ?? '')}`;
  return `trial ${t.index} (${t.id.slice(0, 8)}) ${valuesText(t.values)}: ${what} (${t.seconds.toFixed(1)} s) ${progress}\n`;
}

/** One trial of `--json`: what it tried, what came of it, and for recipe and depth why it ran. */
export function trialJson(t: TrialResult, rank: number): Record<string, unknown> {
  const hp = t.run?.hyperparameters;
  return {
    rank,
    index: t.index,
    id: t.id,
    status: t.status,
    values: t.values,
    hyperparameters: hp ?? t.values,
    ...defined({ trainError: t.trainError, devError: t.devError }),
    diagnosis: t.diagnosis ?? null,
    ...(t.reason ? { reason: t.reason } : {}),
    ...(t.parent ? { parent: t.parent } : {}),
    ...(t.error ? { error: t.error } : {}),
    ...(t.infrastructure ? { infrastructure: true } : {}),
    seconds: t.seconds,
    ...(hp ? { backend: hp['backend'], threads: hp['threads'] } : {}),
    ranOn: t.ranOn,
  };
}

/** Whether the sweep's data has classes (errors as percentages) or is a regression (errors as costs). */
export function isClassification(identity: SweepIdentity): boolean {
  return identity.data.classes !== undefined;
}
