import { readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { DataError, fsReason } from '../../core/errors.js';
import { planOutputs } from '../../io/outputs.js';
import { commitWithSignals } from '../outputs.js';
import { renderComparisonReport } from '../../report/compare.js';
import { firstNonFiniteCost, renderReport } from '../../report/html.js';
import { readRunDocument } from '../../report/run-file.js';
import type { RunRecord } from '../../train/record.js';
import { UsageError, type Command } from '../command.js';

/** Reads one run record or model file; every failure names the file. */
export function readRunFile(file: string): RunRecord {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`${file}: cannot read (${fsReason(e)})`, file);
  }
  return readRunDocument(text, file);
}

/** Names for the runs of a comparison: the file names, made unique by their folders when they clash. */
function labels(files: readonly string[]): string[] {
  const names = files.map((f) => basename(f));
  return names.map((n, i) => (names.filter((m) => m === n).length > 1 ? files[i]! : n));
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'write a self-contained HTML report of a training run: curves, diagnosis, hyperparameters, data',
  usage: 'RUN_OR_MODEL [MORE_RUNS...] [-o FILE] [options]',
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
    'The page needs no network: styles, charts (inline SVG) and its small script are all inside the file.',
    '',
    'Examples:',
    '  lnn report cat.json -o cat.html',
    '  lnn report lr-0.01.json lr-0.1.json lr-1.json -o lr.html --title "learning rate"',
  ].join('\n'),
  positionals: 'RUN_OR_MODEL [MORE_RUNS...]',
  async run(args, io, { positionals }) {
    if (positionals.length === 0) throw new UsageError('give a run record or model file to report on');
    const title = args['title'] === undefined ? undefined : String(args['title']);
    if (title !== undefined && title.trim() === '') throw new UsageError('--title must not be empty');
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
    const runs = positionals.map((f) => readRunFile(f));
    const generatedAt = new Date().toISOString();
    const html =
      runs.length === 1
        ? renderReport(runs[0]!, { generatedAt, ...(title !== undefined ? { title } : {}) })
        : renderComparisonReport(
            labels(positionals).map((label, i) => ({ label, run: runs[i]! })),
            { generatedAt, ...(title !== undefined ? { title } : {}) },
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
