import { toMatrix } from '../data/features.js';
/**
 * What `lnn worker` does with a job: checks it as untrusted input (only `lnn train` options, only files
 * under the operator's --data-root, the sweep's exact data), makes the sets once per data set, and
 * trains the trial in a worker thread with every core.
 */
import { realpathSync, statSync } from 'node:fs';
import { sep } from 'node:path';
import { DataError, fsReason, RefusedFileError } from '../core/errors.js';
import { printable } from '../core/text.js';
import { checked } from '../core/schema.js';
import { canonicalJson, hashArrays } from '../core/hash.js';
import { trialJob } from './record-schema.js';
import { RefusedJob, type TrialJob } from './queue.js';
import type { TrialRun } from './scheduler.js';
import { UsageError, type Io, type Parsed } from '../workflow/parse.js';
import { trainOptions } from '../workflow/options.js';
import { prepareData } from '../workflow/prepare.js';
import { parseTrainSettings } from '../workflow/settings.js';
import { valuesText } from './trial-text.js';
import { ThreadExecutor } from './trial-pool.js';
import { FILE_OPTIONS, isFileValue } from './redis-options.js';
import { shareSets } from './shared-data.js';

/** Options a job may carry: `lnn train`'s, without those that write files or print. */
const JOB_OPTIONS = new Set(
  Object.keys(trainOptions).filter(
    (k) => !['save', 'record', 'json', 'quiet', 'backend', 'evaluate-test', 'refit'].includes(k),
  ),
);
/** The defaults of those options, as `lnn train`'s parser fills them in. */
const JOB_DEFAULTS: Record<string, string | boolean> = Object.fromEntries(
  [...JOB_OPTIONS].flatMap((k) => {
    const d = trainOptions[k]!.default;
    return d === undefined ? [] : [[k, d]];
  }),
);
/** The options that make a trial's sets (a new value means loading and splitting again). */
const SET_OPTIONS = [
  ...FILE_OPTIONS.filter((o) => o !== 'init'),
  'label',
  'x-key',
  'y-key',
  'classes-key',
  'dev-keys',
  'test-keys',
  'impute',
  'split',
  'seed',
  'output',
  // Folds are rebuilt from train + dev as read (before imputation), which the thread then holds too.
  'folds',
];

/** Each --data-root, as its real path; a missing one, or a file, is refused. */
export function dataRoots(given: readonly string[]): string[] {
  return given.map((d) => {
    let real: string;
    try {
      real = realpathSync(d);
    } catch (e) {
      throw new DataError(`--data-root ${d}: cannot use (${fsReason(e)})`, d);
    }
    if (!statSync(real).isDirectory()) throw new DataError(`--data-root ${d}: is not a directory`, d);
    return real;
  });
}

/**
 * Refuses a job that is not a trial of lnn sweep (every member checked: ids of hex digits, values a
 * sweep varies, option values as texts), or one that asks for options a worker does not run.
 */
function checkShape(raw: unknown): TrialJob {
  let job: TrialJob;
  try {
    job = checked(trialJob, raw, 'not a trial of lnn sweep') as TrialJob;
  } catch (e) {
    if (e instanceof DataError) throw new RefusedJob(e.message);
    throw e;
  }
  for (const k of Object.keys(job.spec.args))
    if (!JOB_OPTIONS.has(k)) throw new RefusedJob(`the job asks for --${printable(k)}, which a worker does not run`);
  return job;
}

/** Every file the trial reads must lie under one of the roots (real paths: a symlink cannot lead out). */
function checkFiles(args: Record<string, string | boolean>, roots: readonly string[]): void {
  for (const o of FILE_OPTIONS) {
    const v = args[o];
    if (typeof v !== 'string' || !isFileValue(o, v)) continue;
    if (roots.length === 0)
      throw new RefusedJob(
        `--${o} ${printable(v)}: this worker reads only built-in data sets (start it with --data-root DIR)`,
      );
    let real: string;
    try {
      real = realpathSync(v);
    } catch (e) {
      throw new RefusedJob(`--${o} ${printable(v)}: cannot read it on this worker (${fsReason(e)})`);
    }
    if (!roots.some((r) => real === r || real.startsWith(r.endsWith(sep) ? r : r + sep)))
      throw new RefusedJob(`--${o} ${printable(v)}: outside this worker's --data-root (${roots.join(', ')})`);
  }
}

/** How a worker trains: where its data may come from, its threads, its backend, its name in the records. */
export interface TrialServerSetup {
  /** The real paths of --data-root: a job's files must lie under one (none: built-in sets only). */
  roots: readonly string[];
  /** Kernel threads a trial. */
  threads: number;
  /** The backend --backend named; absent: each trial's own choice. */
  backend: string | undefined;
  /** host:pid, what each result's ranOn says. */
  name: string;
}

/** Trains the trials of jobs; keeps the sets (and the thread) of the last data set for the next job. */
export class TrialServer {
  private current: { key: string; executor: ThreadExecutor } | undefined;

  constructor(
    private readonly setup: TrialServerSetup,
    private readonly io: Io,
  ) {}

  async run(raw: TrialJob): Promise<TrialRun> {
    const checkedJob = checkShape(raw);
    // A job from another client may leave options out: they take lnn train's defaults, as on the command line.
    const spec = { ...checkedJob.spec, args: { ...JOB_DEFAULTS, ...checkedJob.spec.args } };
    const job = { ...checkedJob, spec };
    const args = spec.args;
    // A refusal (RefusedJob) is one line on this terminal, by serveTrials, naming the job.
    checkFiles(args, this.setup.roots);
    const executor = await this.executorFor(job, args);
    const which = `trial ${spec.index}${spec.fold !== undefined ? `, fold ${spec.fold},` : ''} (${spec.id.slice(0, 8)})`;
    this.io.err(`lnn worker: ${which} of sweep ${job.sweep.slice(0, 8)} started: ${valuesText(spec.values)}\n`);
    const run = await executor.run(spec);
    run.result.ranOn = this.setup.name;
    const r = run.result;
    this.io.err(
      `lnn worker: ${which} ${r.status}${r.error ? `: ${printable(r.error)}` : ''} in ${r.seconds.toFixed(1)} s\n`,
    );
    return run;
  }

  /** The thread for this job's sets, made (and checked against the sweep's data) when the sets change. */
  private async executorFor(job: TrialJob, args: Record<string, string | boolean>): Promise<ThreadExecutor> {
    const key = canonicalJson({ sets: Object.fromEntries(SET_OPTIONS.map((o) => [o, args[o]])), hash: job.data.hash });
    if (this.current?.key === key) return this.current.executor;
    await this.close();
    let settings;
    try {
      settings = parseTrainSettings(args as Parsed);
    } catch (e) {
      if (e instanceof UsageError) throw new RefusedJob(`the job's options are not valid: ${e.message}`);
      throw e;
    }
    const quiet: Io = { out: () => {}, err: () => {}, errIsTTY: false };
    let prepared;
    try {
      // Confined: no file the job names may lead HDF5 to another file (outside the root, or anywhere).
      prepared = await prepareData({ ...args, quiet: true }, settings, quiet, { confined: true });
    } catch (e) {
      if (e instanceof RefusedFileError) throw new RefusedJob(e.message);
      throw e;
    }
    const { sets } = prepared;
    const hash = sets.dev
      ? hashArrays([
          toMatrix(sets.train.X).data,
          sets.train.labels.data,
          toMatrix(sets.dev.X).data,
          sets.dev.labels.data,
        ])
      : '';
    if (hash !== job.data.hash)
      throw new RefusedJob(
        `the data this worker reads for ${printable(prepared.data.source)} (m = ${prepared.data.X.cols}) is not the sweep's (m = ${job.data.m}): give every worker the same files`,
      );
    const executor = new ThreadExecutor(shareSets(prepared, settings.folds !== undefined), {
      parallel: 1,
      threadsEach: this.setup.threads,
      ranOn: this.setup.name,
      ...(this.setup.backend !== undefined ? { backend: this.setup.backend } : {}),
    });
    this.current = { key, executor };
    return executor;
  }

  async close(): Promise<void> {
    await this.current?.executor.close();
    this.current = undefined;
  }
}
