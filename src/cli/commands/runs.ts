import { printable } from '../../core/text.js';
import { isDirectory } from '../../io/regular-file.js';
import { findTrial, readSweep, type SweepContents } from '../../sweep/record.js';
import { describeAxis } from '../../sweep/space.js';
import { bestTrial, rankTrials } from '../../sweep/trial.js';
import type { EvalPoint } from '../../train/run-record.js';
import { formatCommand } from '../../report/html.js';
import { type Command } from '../command.js';
import { UsageError, type Io } from '../../workflow/parse.js';
import { verdictLabel } from '../../evaluate/diagnose.js';
import { rankedTable, trialJson } from '../sweep/display.js';
import { errorText, valuesText } from '../../sweep/trial-text.js';
import type { FoldsRecord } from '../../train/run-record.js';

export const runsCommand: Command = {
  name: 'runs',
  summary: "list a sweep's trials ranked by dev error, show one trial, or compare sweeps side by side",
  usage: 'DIR [TRIAL] | DIR DIR... [--json]',
  positionals: 'DIR [TRIAL | MORE_DIRS...]',
  options: {
    json: { type: 'boolean', description: 'print one JSON document instead of text' },
  },
  details: `DIR is a sweep's record (lnn sweep --dir DIR). TRIAL is a trial's number or the start of its id.

Examples:
  lnn runs sweep-1a2b3c4d              the trials, best first
  lnn runs sweep-1a2b3c4d 3            trial 3: its options, result, diagnosis and why it ran
  lnn runs lr-sweep depth-sweep        the two sweeps side by side`,
  async run(args, io, { positionals }) {
    if (positionals.length === 0) throw new UsageError('give a sweep directory (lnn sweep --dir DIR)');
    const first = readSweep(positionals[0]!);
    const rest = positionals.slice(1);
    if (rest.length === 1 && !isDirectory(rest[0]!)) return showTrial(first, rest[0]!, io, Boolean(args['json']));
    const sweeps = [first, ...rest.map((d) => readSweep(d))];
    if (sweeps.length === 1) return listTrials(first, io, Boolean(args['json']));
    return compareSweeps(sweeps, io, Boolean(args['json']));
  },
};

const classificationOf = (s: SweepContents) => s.identity.data.classes !== undefined;

/** 'grid over --lr 0.1 | 0.01 on builtin:iris (train 90, dev 30)'. */
function headline(s: SweepContents): string {
  const { identity: id } = s;
  const space = id.space.map((a) => `--${a.key} ${describeAxis(a)}`).join(', ') || 'the baseline';
  return `${id.strategy} over ${space} on ${printable(id.data.source)} (train ${id.data.train}, dev ${id.data.dev})`;
}

function listTrials(s: SweepContents, io: Io, json: boolean): void {
  const ranked = rankTrials(s.trials);
  if (json) {
    io.out(
      JSON.stringify({
        dir: s.dir,
        sweep: s.identity.id,
        strategy: s.identity.strategy,
        trials: ranked.map((t, i) => trialJson(t, i + 1)),
        best: bestTrial(s.trials)?.id ?? null,
        halfDone: s.halfDone.map((h) => ({ index: h.index, id: h.id, values: h.values })),
        ...(s.identity.refit ? { refit: s.identity.refit } : {}),
        ...(s.identity.test ? { test: s.identity.test } : {}),
      }) + '\n',
    );
    return;
  }
  const lines = [`${s.dir}: ${headline(s)}`, ''];
  lines.push(s.trials.length ? rankedTable(s.trials, classificationOf(s)).trimEnd() : 'no trial has finished yet');
  for (const h of s.halfDone)
    lines.push(`trial ${h.index} (${h.id.slice(0, 8)}) ${valuesText(h.values)}: started, not finished`);
  lines.push(...keptLines(s));
  io.out(lines.join('\n') + '\n');
}

/** What the end of the sweep kept in sweep.json: the refit (--refit) and the test figure (--evaluate-test). */
function keptLines(s: SweepContents): string[] {
  const { refit, test } = s.identity;
  const c = classificationOf(s);
  const best = bestTrial(s.trials);
  const stale = (index: number) => (best && best.index !== index ? ` (trial ${best.index} is the best now)` : '');
  const lines: string[] = [];
  if (refit)
    lines.push(
      `refit: trial ${refit.index}'s configuration fit again on ${printable(refit.sets)}, ${refit.train} examples, ${refit.epochs !== undefined ? `${+refit.epochs.toFixed(2)} epochs` : `${refit.iterations} iterations`} (${printable(refit.length)}): train + dev error ${errorText(refit.trainError, c)}${stale(refit.index)}`,
    );
  if (test)
    lines.push(
      `test (${test.refit ? 'the refit model' : `trial ${test.index}'s model`}, once): error ${errorText(test.error, c)} on ${test.m} examples${stale(test.index)}`,
    );
  return lines.length ? ['', ...lines] : [];
}

function showTrial(s: SweepContents, which: string, io: Io, json: boolean): void {
  const t = findTrial(s, which);
  const rank = rankTrials(s.trials).indexOf(t) + 1;
  if (json) {
    io.out(JSON.stringify({ dir: s.dir, ...trialJson(t, rank), run: t.run ?? null }) + '\n');
    return;
  }
  const c = classificationOf(s);
  const lines = [
    `trial ${t.index} of ${s.dir} (id ${t.id}), rank ${rank} of ${s.trials.length}: ${t.status}`,
    `values:    ${valuesText(t.values)}`,
  ];
  if (t.reason) lines.push(`why:       ${printable(t.reason)}`);
  if (t.error) lines.push(`${t.status === 'pruned' ? 'pruned:  ' : 'failed:  '} ${printable(t.error)}`);
  lines.push(
    `dev error: ${errorText(t.devError, c)}    train error: ${errorText(t.trainError, c)}    ${t.seconds.toFixed(1)} s on ${printable(t.ranOn)}`,
  );
  if (t.run) {
    const hp = t.run.hyperparameters;
    lines.push(
      `network:   [${(hp['dims'] as number[] | undefined)?.join(', ') ?? '?'}] ${String(hp['optimizer'])} α=${String(hp['learningRate'])}, ${String(hp['iterations'])} iterations, batch ${String(hp['batchSize'])}, L2 ${String(hp['l2'])}, keep ${String(hp['keepProb'])}; ${String(hp['backend'])} with ${String(hp['threads'])} thread(s)`,
    );
    // A pruned trial's stop is its pruning note, already shown.
    if (t.run.result.stopped !== t.error) lines.push(`stopped:   ${printable(t.run.result.stopped ?? '—')}`);
    const curve = curveLine(t.run.history.evals, c);
    if (curve) lines.push(`curve:     ${curve}`);
  }
  if (t.run?.folds) lines.push(...foldLines(t.run.folds, c));
  if (t.run?.diagnosis) lines.push('', t.run.diagnosis.verdict, ...t.run.diagnosis.advice.map((a) => `  - ${a}`));
  if (t.run?.command) lines.push('', `alone: ${formatCommand(t.run.command)}`);
  io.out(lines.join('\n') + '\n');
}

/** How many of a curve's dev errors `lnn runs DIR TRIAL` shows, the last ones. */
const CURVE_SHOWN = 6;

/**
 * '3 evaluations (iterations 94 to 282); dev error 10.20% → 9.55% → 8.50%', or for a longer curve
 * '26 evaluations (iterations 0 to 2499); dev error, the last 6: …'; undefined without a dev error.
 */
export function curveLine(evals: readonly EvalPoint[], classification: boolean): string | undefined {
  const dev = evals.filter((e) => e.devError !== undefined);
  if (dev.length === 0) return undefined;
  const n = dev.length;
  const span =
    n === 1 ? `iteration ${dev[0]!.iteration}` : `iterations ${dev[0]!.iteration} to ${dev[n - 1]!.iteration}`;
  const shown = dev.slice(-CURVE_SHOWN).map((e) => errorText(e.devError, classification));
  const which = n > CURVE_SHOWN ? `, the last ${CURVE_SHOWN}:` : '';
  return `${n} evaluation${n === 1 ? '' : 's'} (${span}); dev error${which} ${shown.join(' → ')}`;
}

/** A cross-validated trial: the folds' mean with its standard error, then each fold. */
function foldLines(f: FoldsRecord, c: boolean): string[] {
  return [
    `folds:     ${f.k} of ${f.examples} train + dev examples${f.stratified ? ', stratified' : ''}: dev error ${errorText(f.devError, c)} ± ${errorText(f.devSE, c)} (mean ± standard error)`,
    ...f.each.map(
      (e) =>
        `  fold ${e.fold}: trained on ${e.train}, judged on ${e.dev}: dev error ${errorText(e.devError, c)}, train error ${errorText(e.trainError, c)}`,
    ),
  ];
}

function compareSweeps(sweeps: SweepContents[], io: Io, json: boolean): void {
  const bests = sweeps.map((s) => bestTrial(s.trials));
  if (json) {
    io.out(
      JSON.stringify({
        sweeps: sweeps.map((s, i) => ({
          dir: s.dir,
          sweep: s.identity.id,
          strategy: s.identity.strategy,
          trials: s.trials.length,
          halfDone: s.halfDone.length,
          best: bests[i] ? trialJson(bests[i], 1) : null,
        })),
      }) + '\n',
    );
    return;
  }
  const rows: [string, (s: SweepContents, i: number) => string][] = [
    ['strategy', (s) => s.identity.strategy],
    ['space', (s) => s.identity.space.map((a) => `--${a.key} ${describeAxis(a)}`).join(', ') || '—'],
    [
      'data',
      (s) => `${printable(s.identity.data.source)} (train ${s.identity.data.train}, dev ${s.identity.data.dev})`,
    ],
    ['trials', (s) => `${s.trials.length} finished${s.halfDone.length ? `, ${s.halfDone.length} half-done` : ''}`],
    ['best trial', (_s, i) => (bests[i] ? `${bests[i].index} (${bests[i].id.slice(0, 8)})` : '—')],
    ['best dev error', (s, i) => errorText(bests[i]?.devError, classificationOf(s))],
    ['its train error', (s, i) => errorText(bests[i]?.trainError, classificationOf(s))],
    ['its diagnosis', (_s, i) => (bests[i] ? verdictLabel(bests[i].diagnosis) : '—')],
    ['its values', (_s, i) => (bests[i] ? valuesText(bests[i].values) : '—')],
  ];
  const table = [
    ['', ...sweeps.map((s) => s.dir)],
    ...rows.map(([name, f]) => [name, ...sweeps.map((s, i) => f(s, i))]),
  ];
  const width = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
  io.out(
    table
      .map((r) =>
        r
          .map((cell, c) => cell.padEnd(width[c]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n',
  );
}
