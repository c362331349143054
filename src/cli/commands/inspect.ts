import { planOutputs } from '../../io/outputs.js';
import { commitWithSignals, inputsOf, outputsOf, usesStdout } from '../command-outputs.js';
import { loadModel } from '../../train/model-io.js';
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
  const plan = planOutputs(outputsOf(args, ['export-params']), inputsOf(args, ['model']));
  const { dims, activations, source } =
    typeof args['model'] === 'string' ? await fromModel(args, io, plan) : fromDims(args);
  const layers = layerShapes(dims, activations);
  const total = layers.reduce((sum, x) => sum + x.parameters, 0);
  const L = dims.length - 1;
  if (args['json']) io.out(JSON.stringify({ source, L, nx: dims[0], dims, layers, parameters: total }) + '\n');
  else
    io.out(
      `${source}: L = ${L} layer${L === 1 ? '' : 's'}, n = [${dims.join(', ')}]\n${shapeTable(dims, layers, total)}\n`,
    );
  return 0;
}

interface Network {
  dims: number[];
  activations: string[];
  source: string;
}

/** A saved model's network; --export-params writes its parameters in numpy's .tolist() layout. */
async function fromModel(args: Parsed, io: Io, plan: ReturnType<typeof planOutputs>): Promise<Network> {
  if (args['dims'] !== undefined) throw new UsageError('give --model or --dims, not both');
  const model = loadModel(String(args['model']), undefined, (s) => io.err(`note: ${s}\n`));
  try {
    if (typeof args['export-params'] === 'string') {
      const params = JSON.stringify(parametersToJSON(model.parametersFloat64())) + '\n';
      await commitWithSignals(plan, { '--export-params': params }, io.out);
      if (!usesStdout(plan)) io.err(`wrote the parameters to ${args['export-params']}\n`);
    }
    return { dims: model.arch.dims, activations: model.arch.activations, source: String(args['model']) };
  } finally {
    model.dispose();
  }
}

/** The network of --dims with --activation and --output, checked as train checks it. */
function fromDims(args: Parsed): Network {
  const d = intListOption(args, 'dims');
  if (!d) throw new UsageError('give --model MODEL or --dims N0,...,NL');
  if (d.length < 2) throw new UsageError(`--dims must list n[0..L] (at least 2 sizes) but has ${d.length}`);
  if (args['export-params'] !== undefined) throw new UsageError('--export-params needs --model');
  const hidden = parseActivation(String(args['activation']), '--activation');
  const output = parseActivation(String(args['output']), '--output');
  const activations = layerActivations(d.length - 1, hidden, output);
  optionValue('--dims', () => checkArchitecture(d, activations as ActivationKind[], '--dims'));
  return { dims: d, activations, source: `--dims ${d.join(',')}` };
}

/** Layer l = 1..L: n[l], g[l], W[l]: (n[l], n[l-1]), b[l]: (n[l], 1), and its n[l]·(n[l-1] + 1) parameters. */
function layerShapes(dims: number[], activations: string[]) {
  return Array.from({ length: dims.length - 1 }, (_, i) => {
    const l = i + 1;
    return {
      l,
      n: dims[l]!,
      activation: activations[l - 1]!,
      W: [dims[l]!, dims[l - 1]!],
      b: [dims[l]!, 1],
      parameters: dims[l]! * dims[l - 1]! + dims[l]!,
    };
  });
}

/** The table of shapes in the course's notation, one row a layer, the input first and the total last. */
function shapeTable(dims: number[], layers: ReturnType<typeof layerShapes>, total: number): string {
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
  return rows.map(fmt).join('\n');
}
