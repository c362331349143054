import { zeros } from '../../core/matrix.js';
import { Rng } from '../../core/rng.js';
import { ReferenceBackend } from '../../backend/reference.js';
import { parseActivation, type ActivationKind } from '../../nn/activations.js';
import { gradientCheck } from '../../nn/gradcheck.js';
import { initializeParametersDeep, parseInit } from '../../nn/initializers.js';
import { lossFor } from '../../nn/losses.js';
import { UsageError, intListOption, numberOption, type Command, type Io, type Parsed } from '../command.js';

export const gradcheckCommand: Command = {
  name: 'gradcheck',
  summary: 'compare backprop with two-sided finite differences in float64 on a random problem',
  usage: '--dims N0,...,NL [--activation G] [--output G] [--l2 LAMBDA] [--json]',
  options: {
    dims: { type: 'string', value: 'N0,...,NL', description: 'layer sizes n[0..L]', default: '4,5,3,1' },
    activation: { type: 'string', value: 'G', description: 'hidden activation', default: 'relu' },
    output: {
      type: 'string',
      value: 'G',
      description: 'output activation (its loss follows: sigmoid → binary CE, softmax → categorical CE, linear → MSE)',
      default: 'sigmoid',
    },
    alpha: { type: 'string', value: 'SLOPE', description: "leaky-relu's slope", default: '0.01' },
    m: { type: 'string', value: 'M', description: 'random examples', default: '5' },
    l2: { type: 'string', value: 'LAMBDA', description: 'L2 regularization λ (checks its gradient too)', default: '0' },
    init: { type: 'string', value: 'KIND', description: 'he, xavier, course or scaled:<k>', default: 'xavier' },
    epsilon: { type: 'string', value: 'EPS', description: 'the finite-difference step ε', default: '1e-7' },
    threshold: {
      type: 'string',
      value: 'T',
      description: 'pass when the relative difference is below T',
      default: '1e-7',
    },
    'max-checks': { type: 'string', value: 'N', description: 'check N coordinates chosen at random (default: all)' },
    seed: {
      type: 'string',
      value: 'N',
      description: 'seeds the parameters, the data and the chosen coordinates',
      default: '1',
    },
    json: { type: 'boolean', description: 'print one JSON document on stdout' },
  },
  details:
    'Relative difference = ||g − g_approx|| / (||g|| + ||g_approx||), g_approx = (J(θ+ε) − J(θ−ε)) / 2ε.\nExit code 1 when the check fails.',
  run: async (args, io) => runGradcheck(args, io),
};

async function runGradcheck(args: Parsed, io: Io): Promise<number> {
  const dims = intListOption(args, 'dims')!;
  if (dims.length < 2) throw new UsageError(`--dims must list n[0..L] (at least 2 sizes) but has ${dims.length}`);
  const hidden = parseActivation(String(args['activation']), '--activation');
  const output = parseActivation(String(args['output']), '--output');
  const alpha = numberOption(args, 'alpha', { min: 0 })!;
  const m = numberOption(args, 'm', { min: 1, integer: true })!;
  const lambda = numberOption(args, 'l2', { min: 0 })!;
  const epsilon = numberOption(args, 'epsilon', { min: 0, exclusiveMin: true })!;
  const threshold = numberOption(args, 'threshold', { min: 0, exclusiveMin: true })!;
  const maxChecks = numberOption(args, 'max-checks', { min: 1, integer: true });
  const seed = numberOption(args, 'seed', { min: 0, max: 0xffffffff, integer: true })!;
  let init;
  try {
    init = parseInit(String(args['init']));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const L = dims.length - 1;
  const nL = dims[L]!;
  if (output === 'sigmoid' && nL !== 1)
    io.err(`note: a sigmoid output with n[${L}] = ${nL} units is checked as ${nL} independent binary outputs\n`);
  const activations: ActivationKind[] = [...Array<ActivationKind>(L - 1).fill(hidden), output];
  const params = initializeParametersDeep(dims, { init, seed, dtype: 'float64' });
  const rng = new Rng(seed + 1);
  // Non-zero biases, so that their gradients are checked away from the symmetric start.
  for (let l = 1; l <= L; l++)
    for (const k of [`b${l}`]) for (let i = 0; i < params[k]!.size; i++) params[k]!.data[i] = 0.1 * rng.randn();
  const X = zeros(dims[0]!, m, 'float64');
  for (let i = 0; i < X.size; i++) X.data[i] = rng.randn();
  const Y = zeros(nL, m, 'float64');
  for (let j = 0; j < m; j++) {
    if (output === 'softmax') Y.data[rng.int(nL) * m + j] = 1;
    else
      for (let i = 0; i < nL; i++)
        Y.data[i * m + j] = output === 'sigmoid' ? (rng.random() < 0.5 ? 1 : 0) : rng.randn();
  }
  const r = gradientCheck(params, X, Y, {
    activations,
    alpha,
    lambda,
    epsilon,
    seed,
    backend: new ReferenceBackend(),
    ...(maxChecks !== undefined ? { maxChecks } : {}),
  });
  const pass = r.relativeDifference < threshold;
  if (args['json']) {
    io.out(
      JSON.stringify({
        relativeDifference: r.relativeDifference,
        threshold,
        pass,
        checked: r.checked,
        total: r.total,
        worst: r.worst,
        dims,
        activations,
        loss: lossFor(output),
        l2: lambda,
        epsilon,
        m,
      }) + '\n',
    );
  } else {
    io.out(
      `relative difference ${r.relativeDifference.toExponential(3)} over ${r.checked} of ${r.total} parameters: ${pass ? 'PASS' : 'FAIL'} (threshold ${threshold})\n`,
    );
    if (!pass)
      io.out(
        `largest gap at ${r.worst.name}[${r.worst.row}][${r.worst.col}]: backprop ${r.worst.backprop}, finite differences ${r.worst.numerical}\n`,
      );
  }
  return pass ? 0 : 1;
}
