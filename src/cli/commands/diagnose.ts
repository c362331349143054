import { ValueError } from '../../core/errors.js';
import { diagnose, parseErrorRate, RESOLVING_SE, type Diagnosis } from '../../evaluate/diagnose.js';
import { formatPercent } from '../../core/text.js';
import { type Command } from '../command.js';
import { numberOption, optionValue, UsageError, type Parsed } from '../../workflow/parse.js';

/** Reads an error-rate option (`0.11` or `11%`); a bad value is a usage error naming the option. */
function rateOption(args: Parsed, name: string): number | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  return optionValue(`--${name}`, () => parseErrorRate(String(raw), `--${name}`));
}

/** Up to 4 decimals, trailing zeros dropped: 11%, 0.5%, 1.2345%. */
const pct = (x: number) => formatPercent(x, 4).replace(/\.?0+%$/, '%');

/** ' ± 2.1% (m = 90)' after an error measured on known examples; '' when the sizes are unknown. */
function noise(se: number | undefined, m: number | undefined): string {
  return se === undefined ? '' : ` ± ${formatPercent(se, 1)}${m !== undefined ? ` (m = ${m})` : ''}`;
}

/** How a span (avoidable bias, variance) was judged: its threshold, standard error, and the verdict. */
interface SpanJudged {
  threshold: number;
  se: number | undefined;
  high: boolean;
  noisy?: boolean | undefined;
}

/** '(train − human; high at ≥ 2% and ≥ 2 standard errors = 4.2%)  ← high' or '← within noise'. */
function spanNote(what: string, { threshold, se, high, noisy }: SpanJudged): string {
  const resolve =
    se === undefined ? '' : ` and ≥ ${RESOLVING_SE} standard errors = ${formatPercent(RESOLVING_SE * se, 1)}`;
  return `(${what}; high at ≥ ${pct(threshold)}${resolve})${high ? '  ← high' : noisy ? '  ← within noise' : ''}`;
}

/** The diagnosis as a few aligned lines, then the advice. */
function formatDiagnosis(d: Diagnosis): string {
  const rows: [string, string, string][] = [
    ['Human-level error', pct(d.humanError), '(proxy for Bayes error)'],
    ['Train error', pct(d.trainError), noise(d.trainSE, d.trainSize).trim()],
    ['Dev error', pct(d.devError), noise(d.devSE, d.devSize).trim()],
    [
      'Avoidable bias',
      pct(d.avoidableBias),
      spanNote('train − human', {
        threshold: d.biasThreshold,
        se: d.biasSE,
        high: d.highBias,
        noisy: d.biasWithinNoise,
      }),
    ],
    [
      'Variance',
      pct(d.variance),
      spanNote('dev − train', {
        threshold: d.varianceThreshold,
        se: d.varianceSE,
        high: d.highVariance,
        noisy: d.varianceWithinNoise,
      }),
    ],
  ];
  const w = Math.max(...rows.map((r) => r[1].length));
  const lines = rows.map(([k, v, note]) => `${k.padEnd(18)}${v.padStart(w)}  ${note}`.trimEnd());
  if (d.trainSE === undefined)
    lines.push(
      '',
      'Noise: unknown. Give --train-size and --dev-size (the examples each error was measured on) to tell a difference from chance: on 30 dev examples one example is 3.3%.',
    );
  lines.push('', d.verdict, '', 'Next steps:', ...d.advice.map((a) => `  - ${a}`));
  return lines.join('\n') + '\n';
}

/**
 * The library checks the ranges (where the values enter); its message names the field, which the
 * user knows as an option: 'diagnose: biasThreshold must be in (0, 1]' → '--bias-threshold must be in (0, 1]'.
 */
function diagnoseOptions(input: Parameters<typeof diagnose>[0]): Diagnosis {
  try {
    return diagnose(input);
  } catch (e) {
    if (!(e instanceof ValueError)) throw e;
    const field = /^diagnose: (\w+)/.exec(e.message)?.[1] ?? '';
    const option = field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    throw new UsageError(e.message.replace(/^diagnose: \w+/, `--${option}`));
  }
}

/** --train-size and --dev-size: whole numbers of examples, given together. */
function sizeOptions(args: Parsed): { trainSize?: number; devSize?: number } {
  const trainSize = numberOption(args, 'train-size', { integer: true, min: 1 });
  const devSize = numberOption(args, 'dev-size', { integer: true, min: 1 });
  if ((trainSize === undefined) !== (devSize === undefined))
    throw new UsageError(
      `--train-size and --dev-size go together (the noise of variance = dev − train comes from both sets); give ${trainSize === undefined ? '--train-size' : '--dev-size'} too`,
    );
  return trainSize === undefined ? {} : { trainSize, devSize: devSize! };
}

export const diagnoseCommand: Command = {
  name: 'diagnose',
  summary: 'read bias and variance from train, dev and human-level error, and say what to try next',
  usage: '--train-error ERR --dev-error ERR [--train-size M --dev-size M] [--human-error ERR] [options]',
  options: {
    'train-error': {
      type: 'string',
      value: 'ERR',
      description: 'training-set error, a fraction (0.01) or a percentage (1%)',
    },
    'dev-error': { type: 'string', value: 'ERR', description: 'dev-set error, a fraction or a percentage' },
    'human-error': {
      type: 'string',
      value: 'ERR',
      description: 'human-level error, the proxy for Bayes error',
      default: '0',
    },
    'bias-threshold': {
      type: 'string',
      value: 'ERR',
      description: 'avoidable bias at or above this is high bias',
      default: '2%',
    },
    'variance-threshold': {
      type: 'string',
      value: 'ERR',
      description: 'variance at or above this is high variance',
      default: '2%',
    },
    'train-size': {
      type: 'string',
      value: 'M',
      description:
        'training examples the train error was measured on: with --dev-size, a difference counts as high only at ≥ 2 standard errors too (default: unknown noise, the thresholds alone decide)',
    },
    'dev-size': {
      type: 'string',
      value: 'M',
      description: 'dev examples the dev error was measured on (with --train-size)',
    },
    json: {
      type: 'boolean',
      description:
        'print one JSON document (avoidableBias, variance, highBias, highVariance, advice, standard errors, ...)',
    },
  },
  details: [
    'Avoidable bias = train error − human-level error; variance = dev error − train error (Course 2, Week 1).',
    'With --train-size and --dev-size, each error gets its standard error from m, and a difference above its',
    'threshold but under 2 standard errors is reported as within noise (sets too small to resolve it).',
    '',
    'Examples:',
    '  lnn diagnose --train-error 1% --dev-error 11%      # high variance',
    '  lnn diagnose --train-error 15% --dev-error 16%     # high bias',
    '  lnn diagnose --train-error 0.15 --dev-error 0.30 --json',
    '  lnn diagnose --train-error 2.2% --dev-error 6.7% --train-size 90 --dev-size 30   # within noise',
  ].join('\n'),
  async run(args, io) {
    for (const name of ['train-error', 'dev-error'])
      if (args[name] === undefined) throw new UsageError(`--${name} is required`);
    const input = {
      trainError: rateOption(args, 'train-error')!,
      devError: rateOption(args, 'dev-error')!,
      humanError: rateOption(args, 'human-error') ?? 0,
      biasThreshold: rateOption(args, 'bias-threshold')!,
      varianceThreshold: rateOption(args, 'variance-threshold')!,
      ...sizeOptions(args),
    };
    const d = diagnoseOptions(input);
    io.out(args['json'] ? `${JSON.stringify(d, null, 2)}\n` : formatDiagnosis(d));
  },
};
