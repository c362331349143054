import { availableParallelism } from 'node:os';
import { parseErrorRate } from '../evaluate/diagnose.js';
import { axesFromJson, mergeAxes, parseAxis, SWEEP_KEYS, type Axis } from './space.js';
import { STRATEGIES, type StrategyName } from './strategies.js';
import { readJsonFile } from '../io/files.js';
import {
  UsageError,
  choiceOption,
  numberOption,
  optionValue,
  type Invocation,
  type Parsed,
} from '../workflow/parse.js';
import { threadsFromEnvironment } from '../workflow/inputs.js';
import { baseArgs } from './sweep-options.js';

/** Everything `lnn sweep` was asked, checked before any data is read. */
export interface SweepSettings {
  strategy: StrategyName;
  axes: Axis[];
  /** The `lnn train` options every trial shares. */
  base: Record<string, string | boolean>;
  /** random: draws; recipe: budget. */
  trials: number;
  maxDepth: number;
  /** A fraction: 0.005 = 0.5 percentage points. */
  minGain: number;
  prune: boolean;
  /** Trials at once, as asked (undefined: one per core). */
  parallel: number | undefined;
  /** Cores the trials share: LNN_THREADS, else every core. */
  cores: number;
  dir: string | undefined;
  resume: boolean;
  queue: string | undefined;
}

const DEFAULT_TRIALS: Partial<Record<StrategyName, number>> = { random: 10, recipe: 8 };

/** Parses the sweep's options and its space (command line and --space file). */
export function parseSweepSettings(args: Parsed, invocation: Invocation): SweepSettings {
  const strategy = choiceOption(args, 'strategy', STRATEGIES)!;
  const cli = SWEEP_KEYS.filter((k) => invocation.repeated[k] !== undefined).map((k) =>
    optionValue(`--${k}`, () => parseAxis(k, invocation.repeated[k]!)),
  );
  const file = typeof args['space'] === 'string' ? args['space'] : undefined;
  const fromFile = file !== undefined ? optionValue('--space', () => axesFromJson(readJsonFile(file), file)) : [];
  const axes = optionValue('--space', () =>
    mergeAxes([
      { where: 'the command line', axes: cli },
      ...(file !== undefined ? [{ where: file, axes: fromFile }] : []),
    ]),
  );
  const only = (option: string, strategies: StrategyName[]) => {
    if (args[option] !== undefined && args[option] !== false && !strategies.includes(strategy))
      throw new UsageError(`--${option} is for --strategy ${strategies.join(' or ')}, not ${strategy}`);
  };
  only('trials', ['random', 'recipe']);
  only('max-depth', ['depth']);
  only('min-gain', ['depth']);
  const trials = numberOption(args, 'trials', { integer: true, min: 1 }) ?? DEFAULT_TRIALS[strategy] ?? 0;
  const minGain =
    args['min-gain'] === undefined
      ? 0.005
      : optionValue('--min-gain', () => parseErrorRate(String(args['min-gain']), '--min-gain'));
  const cores = threadsFromEnvironment() ?? availableParallelism();
  return {
    strategy,
    axes,
    base: baseArgs(args, new Set(axes.map((a) => a.key))),
    trials,
    maxDepth: numberOption(args, 'max-depth', { integer: true, min: 0 }) ?? 4,
    minGain,
    prune: Boolean(args['prune']),
    parallel: numberOption(args, 'parallel', { integer: true, min: 1 }),
    cores,
    dir: typeof args['dir'] === 'string' ? args['dir'] : undefined,
    resume: Boolean(args['resume']),
    queue: typeof args['queue'] === 'string' ? args['queue'] : undefined,
  };
}

/**
 * Trials at once and kernel threads each: --parallel N (default one per core), never more than the
 * strategy can run at once; the cores split evenly (at least 1 thread, at most 8, the wasm backend's).
 */
export function threadBudget(s: SweepSettings, concurrent: number): { parallel: number; threadsEach: number } {
  const parallel = Math.max(1, Math.min(s.parallel ?? s.cores, concurrent));
  return { parallel, threadsEach: Math.max(1, Math.min(8, Math.floor(s.cores / parallel))) };
}
