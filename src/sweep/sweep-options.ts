import { SWEEPABLE, SWEEP_KEYS, isSweepKey, type SweepKey } from './space.js';
import { STRATEGIES } from './strategies.js';
import type { Options } from '../workflow/parse.js';
import { trainOptions } from '../workflow/options.js';

/** `lnn train` options a sweep does not take: each trial's model and record live in the sweep's record. */
const NOT_FOR_SWEEPS = ['save', 'record'];

/** The options of `lnn sweep` itself. */
/** How a sweep and a worker reach the queue's Redis, beyond its address: the same options for both. */
export const redisAccessOptions: Options = {
  password: { type: 'string', value: 'PASSWORD', description: 'the Redis password (or set REDIS_PASSWORD)' },
  'tls-ca': {
    type: 'string',
    value: 'FILE.pem',
    description: "rediss://: trust the server's certificate when this CA signed it (PEM; instead of the system's CAs)",
  },
};

const sweepOnly: Options = {
  strategy: {
    type: 'string',
    value: 'NAME',
    description: `${STRATEGIES.join(', ')} (see below)`,
    default: 'grid',
  },
  space: {
    type: 'string',
    value: 'FILE.json',
    description: 'the space as JSON: {"lr": [0.1, 0.01], "hidden": ["16", "32,16"], "l2": "0..0.1"}',
  },
  trials: {
    type: 'string',
    value: 'N',
    description: 'random: how many trials (default 10); recipe: the most trials (default 8)',
  },
  'max-depth': { type: 'string', value: 'N', description: 'depth: the most hidden layers to try (default 4)' },
  'min-gain': {
    type: 'string',
    value: 'E',
    description: 'depth: the dev-error drop one more layer must bring, as 0.005 or 0.5% (default 0.5%)',
  },
  prune: {
    type: 'boolean',
    description: 'stop losing trials early (successive halving on dev error at 1/9 and 1/3 of the budget)',
  },
  parallel: {
    type: 'string',
    value: 'N',
    description: 'trials at once (default: one per core); each gets cores/N kernel threads',
  },
  dir: {
    type: 'string',
    value: 'DIR',
    description: "the sweep's record, crash-safe (default: sweep-ID in the current directory)",
  },
  resume: { type: 'boolean', description: 'continue the sweep in --dir: keep finished trials, re-run half-done ones' },
  'save-best': { type: 'string', value: 'MODEL', description: "write the best trial's model to this file" },
  queue: {
    type: 'string',
    value: 'redis://HOST:PORT',
    description: 'run the trials on lnn worker processes through a BullMQ queue on this Redis (rediss:// for TLS)',
  },
  ...redisAccessOptions,
  'secret-file': {
    type: 'string',
    value: 'FILE',
    description:
      'sign every job and accept only results signed with the secret in this file (or set LNN_QUEUE_SECRET); give workers the same',
  },
};

/**
 * `lnn train`'s options (so data, sets and fixed hyperparameters mean the same), with the sweepable
 * hyperparameters repeatable, and the sweep's own options.
 */
export const sweepOptions: Options = {
  ...Object.fromEntries(
    Object.entries(trainOptions)
      .filter(([k]) => !NOT_FOR_SWEEPS.includes(k))
      .map(([k, spec]) => [
        k,
        isSweepKey(k) ? { ...spec, repeatable: true, description: `${spec.description}; ${sweepHint(k)}` } : spec,
      ]),
  ),
  ...sweepOnly,
  'evaluate-test': { type: 'boolean', description: "measure the best trial's model on the test set, once, at the end" },
  refit: {
    type: 'boolean',
    description:
      "at the end, fit the best trial's configuration again on train + dev (test stays held back) for the epochs (or iterations) it trained — its early-stopping epoch when it stopped early — and keep that model: --save-best writes it, --evaluate-test measures it; noted in sweep.json",
  },
  folds: {
    type: 'string',
    value: 'K',
    description:
      "judge each trial by k-fold cross-validation: K stratified, seeded folds of train + dev, fold × configuration run in parallel; its dev error is the folds' mean (with its standard error); with --save-best or --evaluate-test, needs --refit",
  },
};

/** How an option is swept: repeated values, or a range for numbers. */
function sweepHint(key: SweepKey): string {
  return SWEEPABLE[key].kind === 'number' ? 'repeat it, or give MIN..MAX, to sweep' : 'repeat it to sweep';
}

/** The options that are not `lnn train`'s, or that do not change what a trial computes. */
const NOT_TRIAL = new Set([...Object.keys(sweepOnly), 'json', 'quiet', 'evaluate-test', 'refit', 'backend']);

/** The `lnn train` options every trial shares: the given ones (and defaults) not swept, not the sweep's own. */
export function baseArgs(
  args: Record<string, string | boolean | undefined>,
  swept: ReadonlySet<string>,
): Record<string, string | boolean> {
  const base: Record<string, string | boolean> = {};
  for (const [k, v] of Object.entries(args))
    if (v !== undefined && v !== false && !NOT_TRIAL.has(k) && !swept.has(k) && k in trainOptions) base[k] = v;
  return base;
}

export const SWEEP_DETAILS = `Strategies:
  grid            every combination of the listed values (--lr 0.1 --lr 0.01 --hidden 4 --hidden 16,8: 4 trials)
  random          --trials N draws, seeded by --seed; a range MIN..MAX is sampled (log-uniform for --lr)
  one-at-a-time   a baseline (the first value of each), then each other value alone
  depth           logistic regression, then 1, 2, ... hidden layers of the --hidden widths, until dev error
                  stops improving by --min-gain or --max-depth is reached
  recipe          the course's basic recipe: high bias → a bigger network or longer training; high variance →
                  L2, dropout or a smaller network; neither → stop. Each trial records why it was chosen.
Sweepable: ${SWEEP_KEYS.map((k) => `--${k}`).join(', ')}.
Each trial trains on train and is judged on dev (never test); the split is made once, seeded, for all trials.
--folds K judges each on K folds of train + dev instead (small data); --refit fits the best on train + dev.

Examples:
  lnn sweep --data builtin:iris --lr 0.1 --lr 0.01 --hidden 4 --hidden 16,8
  lnn sweep --data builtin:mnist --strategy random --trials 20 --lr 1e-4..1e-2 --hidden 64 --hidden 128,64 --epochs 3
  lnn sweep --data builtin:mnist --strategy recipe --hidden 8 --epochs 2 --dir recipe --save-best best.json
  lnn sweep --data flowers.csv --label species --lr 0.01 --lr 0.001 --hidden 8 --hidden 16 --folds 5 --refit --save-best best.json
  lnn sweep --data /shared/digits.csv --label digit --lr 0.01 --lr 0.001 --queue redis://queue-host:6379`;
