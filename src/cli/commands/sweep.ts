/**
 * `lnn sweep`: parse → `runSweepJob` (the library's sweep) with a line per finished trial (and on a terminal a
 * live line per running one) → the ranked table, the best.
 */
import { rankTrials } from '../../sweep/trial.js';
import { runSweepJob, type SweepContext } from '../../sweep/run-sweep.js';
import { SWEEP_DETAILS, sweepOptions } from '../../sweep/sweep-options.js';
import type { SweepRecord } from '../../sweep/record.js';
import { TRAIN_INPUTS } from '../../workflow/options.js';
import type { Invocation, Io, Parsed } from '../../workflow/parse.js';
import type { Command } from '../command.js';
import { planCommandOutputs } from '../command-outputs.js';
import { SweepProgress, trialLine } from '../sweep/display.js';
import { finishSweep } from '../sweep/finish.js';
import { SweepLive } from '../sweep/live.js';
import { terminalColumns } from '../progress.js';

export const sweepCommand: Command = {
  name: 'sweep',
  summary: 'search hyperparameters: grid, random, one-at-a-time, depth or the basic recipe, ranked by dev error',
  usage: '(--data FILE | --x X.npy --y Y.npy) [--lr A --lr B ...] [--strategy NAME] [options]',
  options: sweepOptions,
  details: SWEEP_DETAILS,
  run: (args, io, invocation) => runSweepCommand(args, io, invocation),
};

/** The files a sweep reads: an output equal to one of them is refused before any trial. */
const SWEEP_INPUTS = [...TRAIN_INPUTS, 'space'];

/** What `lnn sweep` shows while it runs; `live` holds the terminal's lines once the record is open. */
interface SweepDisplay {
  record?: SweepRecord;
  progress?: SweepProgress;
  live?: SweepLive;
}

async function runSweepCommand(args: Parsed, io: Io, invocation: Invocation): Promise<number> {
  const t0 = performance.now();
  const quiet = Boolean(args['quiet']);
  const outputs = planCommandOutputs(args, ['save-best'], SWEEP_INPUTS);
  const display: SweepDisplay = {};
  try {
    return await runSweepJob(args, invocation, displayedContext(io, quiet, display), (job) => {
      display.live?.done();
      return finishSweep(job, outputs, io, {
        json: Boolean(args['json']),
        quiet,
        saveBest: typeof args['save-best'] === 'string' ? args['save-best'] : undefined,
        evaluateTest: job.trainSettings.evaluateTest,
        seconds: (performance.now() - t0) / 1000,
      });
    });
  } finally {
    display.live?.done();
  }
}

/**
 * The announcement and a line per finished trial on stderr (none with --quiet); on a terminal, each
 * running trial gets a live line under the finished trials' lines.
 */
function displayedContext(io: Io, quiet: boolean, display: SweepDisplay): SweepContext {
  const terminal = io.errIsTTY && !quiet;
  const say = (line: string, finished?: number) =>
    display.live ? display.live.print(line, finished) : void io.err(line);
  return {
    io,
    onAnnounce: (text) => void (quiet || io.err(text)),
    hooks: {
      started: (spec) => {
        if (quiet) return;
        if (spec.reason) say(`trial ${spec.index}: ${spec.reason}\n`);
        display.live?.started(spec);
      },
      ...(terminal ? { progress: (spec, p) => display.live?.progress(spec, p) } : {}),
      finished: (result) => {
        const { record, progress } = display;
        if (quiet || !record || !progress) return;
        const ranked = rankTrials([...record.finished.values()]);
        const classification = record.identity.data.classes !== undefined;
        say(
          trialLine(result, {
            rank: ranked.indexOf(result) + 1,
            of: ranked.length,
            classification,
            progress: progress.step(),
          }),
          result.index,
        );
      },
    },
    onRecord: (record, expected) => {
      display.record = record;
      display.progress = new SweepProgress(Math.max(expected, record.finished.size), record.finished.size);
      if (terminal)
        display.live = new SweepLive({
          write: io.err,
          columns: () => terminalColumns(io),
          classification: record.identity.data.classes !== undefined,
          overall: display.progress,
        });
    },
  };
}
