import { ValueError } from '../../core/errors.js';
import { diagnose, parseErrorRate, type Diagnosis } from '../../evaluate/diagnose.js';
import { formatPercent } from '../../core/text.js';
import { type Command } from '../command.js';
import { optionValue, UsageError, type Parsed } from '../../workflow/parse.js';

/** Reads an error-rate option (`0.11` or `11%`); a bad value is a usage error naming the option. */
function rateOption(args: Parsed, name: string): number | undefined {
  const raw = args[name];
  if (raw === undefined) return undefined;
  return optionValue(`--${name}`, () => parseErrorRate(String(raw), `--${name}`));
}

/** Up to 4 decimals, trailing zeros dropped: 11%, 0.5%, 1.2345%. */
const pct = (x: number) => formatPercent(x, 4).replace(/\.?0+%$/, '%');

/** The diagnosis as a few aligned lines, then the advice. */
function formatDiagnosis(d: Diagnosis): string {
  const rows: [string, string, string][] = [
    ['Human-level error', pct(d.humanError), '(proxy for Bayes error)'],
    ['Train error', pct(d.trainError), ''],
    ['Dev error', pct(d.devError), ''],
    [
      'Avoidable bias',
      pct(d.avoidableBias),
      `(train − human; high at ≥ ${pct(d.biasThreshold)})${d.highBias ? '  ← high' : ''}`,
    ],
    [
      'Variance',
      pct(d.variance),
      `(dev − train; high at ≥ ${pct(d.varianceThreshold)})${d.highVariance ? '  ← high' : ''}`,
    ],
  ];
  const w = Math.max(...rows.map((r) => r[1].length));
  const lines = rows.map(([k, v, note]) => `${k.padEnd(18)}${v.padStart(w)}  ${note}`.trimEnd());
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

export const diagnoseCommand: Command = {
  name: 'diagnose',
  summary: 'read bias and variance from train, dev and human-level error, and say what to try next',
  usage: '--train-error ERR --dev-error ERR [--human-error ERR] [options]',
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
    json: {
      type: 'boolean',
      description: 'print one JSON document (avoidableBias, variance, highBias, highVariance, advice, ...)',
    },
  },
  details: [
    'Avoidable bias = train error − human-level error; variance = dev error − train error (Course 2, Week 1).',
    '',
    'Examples:',
    '  lnn diagnose --train-error 1% --dev-error 11%      # high variance',
    '  lnn diagnose --train-error 15% --dev-error 16%     # high bias',
    '  lnn diagnose --train-error 0.15 --dev-error 0.30 --json',
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
    };
    const d = diagnoseOptions(input);
    io.out(args['json'] ? `${JSON.stringify(d, null, 2)}\n` : formatDiagnosis(d));
  },
};
