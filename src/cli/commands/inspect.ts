import { planOutputs } from '../../io/outputs.js';
import { commitWithSignals, inputsOf, outputsOf, usesStdout } from '../outputs.js';
import { loadModel } from '../../io/modelIO.js';
import { layerActivations, parseActivation, type ActivationKind } from '../../nn/activations.js';
import { checkArchitecture } from '../../nn/architecture.js';
import { parametersToJSON } from '../../nn/params.js';
import { type Command } from '../command.js';
import { UsageError, intListOption, optionValue, type Io, type Parsed } from '../../workflow/parse.js';

export const inspectCommand: Command = {
  name: 'inspect',
  summary: "each layer's n[l], W[l] and b[l] shapes and parameter counts, in the course's notation",
  usage: '(--model MODEL | --dims N0,...,NL [--activation G --output G]) [--json] [--export-params FILE]',
  options: {
    model: { type: 'string', value: 'MODEL', description: 'a model file written by lnn train --save' },
    dims: {
      type: 'string',
      value: 'N0,...,NL',
      description: 'layer sizes n[0..L], to check dimensions before training',
    },
    activation: { type: 'string', value: 'G', description: 'hidden activation (with --dims)', default: 'relu' },
    output: { type: 'string', value: 'G', description: 'output activation (with --dims)', default: 'sigmoid' },
    'export-params': {
      type: 'string',
      value: 'FILE',
      description: 'write the model\'s parameters as { "W1": [[...]], "b1": [[...]], ... } (numpy .tolist() layout)',
    },
    json: { type: 'boolean', description: 'print one JSON document on stdout' },
  },
  details: `For every layer l = 1..L: W[l]: (n[l], n[l-1]), b[l]: (n[l], 1); Z[l], A[l]: (n[l], m).`,
  run: async (args, io) => runInspect(args, io),
};

async function runInspect(args: Parsed, io: Io): Promise<number> {
  let dims: number[], activations: string[], source: string;
  const plan = planOutputs(outputsOf(args, ['export-params']), inputsOf(args, ['model']));
  if (typeof args['model'] === 'string') {
    if (args['dims'] !== undefined) throw new UsageError('give --model or --dims, not both');
    const model = loadModel(args['model'], undefined, (s) => io.err(`note: ${s}\n`));
    dims = model.arch.dims;
    activations = model.arch.activations;
    source = args['model'];
    if (typeof args['export-params'] === 'string') {
      const params = JSON.stringify(parametersToJSON(model.parametersFloat64())) + '\n';
      await commitWithSignals(plan, { '--export-params': params }, io.out);
      if (!usesStdout(plan)) io.err(`wrote the parameters to ${args['export-params']}\n`);
    }
    model.dispose();
  } else {
    const d = intListOption(args, 'dims');
    if (!d) throw new UsageError('give --model MODEL or --dims N0,...,NL');
    if (d.length < 2) throw new UsageError(`--dims must list n[0..L] (at least 2 sizes) but has ${d.length}`);
    if (args['export-params'] !== undefined) throw new UsageError('--export-params needs --model');
    dims = d;
    const hidden = parseActivation(String(args['activation']), '--activation');
    const output = parseActivation(String(args['output']), '--output');
    activations = layerActivations(d.length - 1, hidden, output);
    optionValue('--dims', () => checkArchitecture(d, activations as ActivationKind[], '--dims'));
    source = `--dims ${d.join(',')}`;
  }
  const L = dims.length - 1;
  const layers = [];
  let total = 0;
  for (let l = 1; l <= L; l++) {
    const count = dims[l]! * dims[l - 1]! + dims[l]!;
    total += count;
    layers.push({
      l,
      n: dims[l]!,
      activation: activations[l - 1]!,
      W: [dims[l]!, dims[l - 1]!],
      b: [dims[l]!, 1],
      parameters: count,
    });
  }
  if (args['json']) {
    io.out(JSON.stringify({ source, L, nx: dims[0], dims, layers, parameters: total }) + '\n');
    return 0;
  }
  const rows: string[][] = [['l', 'n[l]', 'g[l]', 'W[l]', 'b[l]', 'Z[l], A[l]', 'parameters']];
  rows.push(['0', String(dims[0]), 'input', '', '', `X = A[0]: (${dims[0]}, m)`, '']);
  for (const x of layers)
    rows.push([
      String(x.l),
      String(x.n),
      x.activation,
      `(${x.W[0]}, ${x.W[1]})`,
      `(${x.b[0]}, 1)`,
      `(${x.n}, m)`,
      x.parameters.toLocaleString('en-US'),
    ]);
  rows.push(['', '', '', '', '', 'total', total.toLocaleString('en-US')]);
  const width = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const fmt = (r: string[]) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell.padStart(width[c]!) : cell.padEnd(width[c]!)))
      .join('  ')
      .trimEnd();
  io.out(`${source}: L = ${L} layer${L === 1 ? '' : 's'}, n = [${dims.join(', ')}]\n${rows.map(fmt).join('\n')}\n`);
  return 0;
}
