import { planOutputs } from '../../io/outputs.js';
import { commitWithSignals, inputsOf, outputsOf, usesStdout } from '../outputs.js';
import { choiceOption, type Command, type Io, type Parsed } from '../command.js';
import { backendOption, dataOptions } from '../shared.js';
import { modelAndData } from './evaluate.js';

export const predictCommand: Command = {
  name: 'predict',
  summary: 'one prediction per example from a saved model, as CSV or JSON',
  usage: '--model MODEL (--data FILE | --x X.npy [--y Y.npy]) [--format csv|json] [-o FILE]',
  options: {
    model: { type: 'string', value: 'MODEL', description: 'a model file written by lnn train --save' },
    ...dataOptions,
    ...backendOption,
    format: { type: 'string', value: 'FMT', description: 'csv or json', default: 'csv' },
    output: {
      type: 'string',
      short: 'o',
      value: 'FILE',
      description: "write to FILE (atomically) instead of stdout; '-' is stdout",
    },
    json: { type: 'boolean', description: 'same as --format json' },
  },
  run: async (args, io) => runPredict(args, io),
};

async function runPredict(args: Parsed, io: Io): Promise<number> {
  const format = args['json'] ? 'json' : choiceOption(args, 'format', ['csv', 'json'] as const)!;
  const plan = planOutputs(outputsOf(args, ['output']), inputsOf(args, ['model', 'data', 'x', 'y']));
  const { model, data } = await modelAndData(args, io, true);
  const AL = model.forward(data.X);
  const m = data.X.cols,
    n = AL.rows;
  let text: string;
  if (model.isClassifier) {
    const cls = model.predictClasses(data.X);
    const names = model.classes;
    const prob = (j: number) => (n === 1 ? AL.data[j]! : AL.data[cls[j]! * m + j]!);
    if (format === 'json') {
      const rows = Array.from(cls, (c, j) => ({
        index: j,
        class: names ? names[c] : c,
        classIndex: c,
        probability: prob(j),
      }));
      text = JSON.stringify({ predictions: rows }) + '\n';
    } else {
      const rows = Array.from(cls, (c, j) => `${j},${csvField(String(names ? names[c] : c))},${prob(j)}`);
      text = ['index,class,probability', ...rows].join('\n') + '\n';
    }
  } else {
    const row = (j: number) => Array.from({ length: n }, (_, i) => AL.data[i * m + j]!);
    if (format === 'json')
      text =
        JSON.stringify({ predictions: Array.from({ length: m }, (_, j) => (n === 1 ? row(j)[0] : row(j))) }) + '\n';
    else
      text =
        [
          ['index', ...Array.from({ length: n }, (_, i) => (n === 1 ? 'prediction' : `y${i}`))].join(','),
          ...Array.from({ length: m }, (_, j) => [j, ...row(j)].join(',')),
        ].join('\n') + '\n';
  }
  model.dispose();
  if (plan.targets.length === 0) io.out(text);
  else {
    await commitWithSignals(plan, { '--output': text }, io.out);
    if (!usesStdout(plan)) io.err(`wrote ${m} predictions to ${String(args['output'])}\n`);
  }
  return 0;
}

function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
