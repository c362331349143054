import { readFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { defined } from '../../core/defined.js';
import { DataError, fsReason } from '../../core/errors.js';
import { isDirectory } from '../../io/regular-file.js';
import { planOutputs } from '../../io/outputs.js';
import { commitWithSignals } from '../command-outputs.js';
import { renderComparisonReport } from '../../report/compare.js';
import { firstNonFiniteCost, renderReport } from '../../report/html.js';
import { checkRunRecord, readRunDocument } from '../../report/run-file.js';
import { renderSweepReport } from '../../report/sweep-page.js';
import { readSweep } from '../../sweep/record.js';
import type { RunRecord } from '../../train/run-record.js';
import { type Command } from '../command.js';
import { UsageError } from '../../workflow/parse.js';

/** Reads one run record or model file (a model checked against its checksum); every failure names the file. */
function readRunFile(file: string, onNote: (text: string) => void): RunRecord {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`${file}: cannot read (${fsReason(e)})`, file);
  }
  return readRunDocument(text, file, onNote);
}

/** Names for the runs of a comparison: the file names, made unique by their folders when they clash. */
function labels(files: readonly string[]): string[] {
  const names = files.map((f) => basename(f));
  return names.map((n, i) => (names.filter((m) => m === n).length > 1 ? files[i]! : n));
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'write a self-contained HTML report of a training run or a sweep: curves, diagnosis, hyperparameters',
  usage: 'RUN_OR_MODEL [MORE_RUNS...] [-o FILE] [options]  |  SWEEP_DIR [-o FILE]',
  options: {
    output: {
      type: 'string',
      short: 'o',
      value: 'FILE',
      description: 'the HTML file to write (default: the input name with .report.html; required for several runs)',
    },
    title: { type: 'string', value: 'TEXT', description: 'the page title and heading' },
    json: {
      type: 'boolean',
      description: 'print one JSON document ({"output": FILE, "bytes": N, "runs": [...]}) instead of text',
    },
  },
  details: [
    'RUN_OR_MODEL is a run record (lnn train --record FILE) or a model file saved by lnn train --save (its record is under "run").',
    'With several files, the report compares them: cost and dev-error curves overlaid, hyperparameters side by side.',
    "SWEEP_DIR is a sweep's record (lnn sweep --dir): the optimization history (dev error by trial, the best so far),",
    'hyperparameter importance (the share of the variance of dev error each one explains, η², its method on the page),',
    'parallel coordinates (drag along an axis to filter the table), the trials in a table you can sort and filter,',
    'train vs dev error per trial (the bias/variance map), dev error against each hyperparameter, and the best',
    "trials' train and dev curves; every scatter can be coloured by the diagnosis, the status or a hyperparameter,",
    'and pruned trials are drawn hollow at the dev error of the rung where they stopped.',
    'The page needs no network: styles, charts (inline SVG) and its small script are all inside the file.',
    '',
    'Examples:',
    '  lnn report cat.json -o cat.html',
    '  lnn report lr-0.01.json lr-0.1.json lr-1.json -o lr.html --title "learning rate"',
    '  lnn report sweep-1a2b3c4d -o sweep.html',
  ].join('\n'),
  positionals: 'RUN_OR_MODEL [MORE_RUNS...]',
  async run(args, io, { positionals }) {
    if (positionals.length === 0) throw new UsageError('give a run record or model file to report on');
    const title = args['title'] === undefined ? undefined : String(args['title']);
    if (title !== undefined && title.trim() === '') throw new UsageError('--title must not be empty');
    if (positionals.length === 1 && isDirectory(positionals[0]!))
      return reportSweep(
        positionals[0]!,
        {
          output: args['output'] === undefined ? undefined : String(args['output']),
          title,
          json: Boolean(args['json']),
        },
        io,
      );
    let output = args['output'] === undefined ? undefined : String(args['output']);
    if (output === undefined) {
      if (positionals.length > 1) throw new UsageError('-o FILE is required when comparing several runs');
      const input = positionals[0]!;
      output = join(dirname(input), `${basename(input, extname(input))}.report.html`);
    }
    const plan = planOutputs(
      [{ option: '-o', path: output }],
      positionals.map((f) => ({ option: 'input', path: f })),
    );
    if (output === '-' && args['json']) throw new UsageError('-o - and --json both write to stdout; give -o a file');
    const results = output === '-' ? io.err : io.out;
    const runs = positionals.map((f) => readRunFile(f, (s) => io.err(`note: ${s}\n`)));
    const generatedAt = new Date().toISOString();
    const html =
      runs.length === 1
        ? renderReport(runs[0]!, defined({ generatedAt, title }))
        : renderComparisonReport(
            labels(positionals).map((label, i) => ({ label, run: runs[i]! })),
            defined({ generatedAt, title }),
          );
    await commitWithSignals(plan, { '-o': html }, io.out);
    const bytes = Buffer.byteLength(html);
    const summary = runs.map((run, i) => ({
      file: positionals[i]!,
      source: run.data.source,
      iterations: run.result.iterations,
      costs: run.history.costs.length,
      evals: run.history.evals.length,
      diverged: firstNonFiniteCost(run) !== undefined,
    }));
    if (args['json']) {
      results(JSON.stringify({ output, bytes, comparison: runs.length > 1, runs: summary }) + '\n');
    } else {
      const what = runs.length === 1 ? `run on ${runs[0]!.data.source || positionals[0]}` : `${runs.length} runs`;
      results(`Wrote ${output} (${(bytes / 1024).toFixed(1)} KiB): report of the ${what}\n`);
      for (const s of summary)
        if (s.diverged) io.err(`lnn report: note: ${s.file}: the cost diverged (NaN or ∞); the report marks where\n`);
    }
  },
};

/** `lnn report DIR`: the page of a sweep, every trial's run record checked as a run file's would be. */
async function reportSweep(
  dir: string,
  { output, title, json }: { output: string | undefined; title: string | undefined; json: boolean },
  io: { out: (s: string) => void; err: (s: string) => void },
): Promise<void> {
  const out = output ?? `${dir.replace(/[\\/]+$/, '')}.report.html`;
  const plan = planOutputs([{ option: '-o', path: out }]);
  if (out === '-' && json) throw new UsageError('-o - and --json both write to stdout; give -o a file');
  const sweep = readSweep(dir);
  for (const t of sweep.trials)
    if (t.run) t.run = checkRunRecord(t.run, join(dir, 'trials.jsonl'), `trial ${t.index}: run.`);
  const html = renderSweepReport(
    { identity: sweep.identity, trials: sweep.trials, halfDone: sweep.halfDone.length },
    defined({ generatedAt: new Date().toISOString(), title }),
  );
  await commitWithSignals(plan, { '-o': html }, io.out);
  const bytes = Buffer.byteLength(html);
  const results = out === '-' ? io.err : io.out;
  if (json)
    results(JSON.stringify({ output: out, bytes, sweep: sweep.identity.id, trials: sweep.trials.length }) + '\n');
  else
    results(
      `Wrote ${out} (${(bytes / 1024).toFixed(1)} KiB): report of the sweep in ${dir} (${sweep.trials.length} trials)\n`,
    );
}
