import { checkProblem } from '../../workflow/gradcheck-problem.js';
import { ReferenceBackend } from '../../backend/reference.js';
import { layerActivations, parseActivation } from '../../nn/activations.js';
import { checkArchitecture } from '../../nn/architecture.js';
import { gradientCheck, type GradCheckResult } from '../../nn/gradcheck.js';
import { parseInit } from '../../nn/initializers.js';
import { lossFor } from '../../nn/losses.js';
import { type Command } from '../command.js';
import { UsageError, intListOption, numberOption, optionValue, type Io, type Parsed } from '../../workflow/parse.js';

/** Above this many parameters a full check takes long (two forward passes each): a random subset by default. */
const LARGE = 10_000;
/** The coordinates checked by default in a network above LARGE parameters. */
const SUBSET = 1_000;

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
    'max-checks': {
      type: 'string',
      value: 'N',
      description: `check N coordinates chosen at random, or 'all' (default: all up to ${LARGE.toLocaleString('en-US')} parameters, else ${SUBSET.toLocaleString('en-US')})`,
    },
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
  const l2 = numberOption(args, 'l2', { min: 0 })!;
  const epsilon = numberOption(args, 'epsilon', { min: 0, exclusiveMin: true })!;
  const threshold = numberOption(args, 'threshold', { min: 0, exclusiveMin: true })!;
  const maxChecks =
    args['max-checks'] === 'all' ? Infinity : numberOption(args, 'max-checks', { min: 1, integer: true });
  const seed = numberOption(args, 'seed', { min: 0, max: 0xffffffff, integer: true })!;
  const init = optionValue('--init', () => parseInit(String(args['init'])));
  const L = dims.length - 1;
  const nL = dims[L]!;
  const activations = layerActivations(L, hidden, output);
  optionValue('--dims', () => checkArchitecture(dims, activations, '--dims'));
  if (output === 'sigmoid' && nL !== 1)
    io.err(`note: a sigmoid output with n[${L}] = ${nL} units is checked as ${nL} independent binary outputs\n`);
  const checks = coordinatesToCheck(dims, { maxChecks, seed, m }, io);
  const { params, X, Y } = checkProblem(dims, { output, m, init, seed });
  const r = gradientCheck(params, X, Y, {
    activations,
    alpha,
    l2,
    epsilon,
    seed,
    backend: new ReferenceBackend(),
    ...(checks.maxChecks !== undefined ? { maxChecks: checks.maxChecks } : {}),
    ...(checks.onProgress ? { onProgress: checks.onProgress } : {}),
  });
  const pass = r.relativeDifference < threshold;
  if (args['json'])
    io.out(
      JSON.stringify({
        relativeDifference: r.relativeDifference,
        threshold,
        pass,
        ...{ checked: r.checked, total: r.total, worst: r.worst, dims, activations },
        ...{ loss: lossFor(output), l2, epsilon, m },
      }) + '\n',
    );
  else io.out(verdictText(r, threshold, pass));
  return pass ? 0 : 1;
}

/** 'relative difference 4.8e-9 over 51 of 51 parameters: PASS', and where the largest gap is on a FAIL. */
function verdictText(r: GradCheckResult, threshold: number, pass: boolean): string {
  let text = `relative difference ${r.relativeDifference.toExponential(3)} over ${r.checked.toLocaleString('en-US')} of ${r.total.toLocaleString('en-US')} parameters${r.checked < r.total ? ' (chosen at random)' : ''}: ${pass ? 'PASS' : 'FAIL'} (threshold ${threshold})\n`;
  if (!pass)
    text += `largest gap at ${r.worst.name}[${r.worst.row}][${r.worst.col}]: backprop ${r.worst.backprop}, finite differences ${r.worst.numerical}\n`;
  return text;
}

/**
 * How many coordinates to check: all of a network up to LARGE parameters; above, SUBSET chosen at random
 * unless --max-checks says otherwise (a note says so, with the `seed` that chooses them); a check of more
 * than LARGE coordinates is announced with its cost (passes over m examples) and reports its progress on stderr.
 */
function coordinatesToCheck(
  dims: number[],
  { maxChecks, seed, m }: { maxChecks: number | undefined; seed: number; m: number },
  io: Io,
): { maxChecks?: number; onProgress?: (done: number, total: number) => void } {
  let total = 0;
  for (let l = 1; l < dims.length; l++) total += dims[l]! * (dims[l - 1]! + 1);
  const fmt = (n: number) => n.toLocaleString('en-US');
  if (maxChecks === undefined && total > LARGE) {
    io.err(
      `note: ${fmt(total)} parameters: checking ${fmt(SUBSET)} chosen at random (seed ${seed}); --max-checks N or --max-checks all to check more\n`,
    );
    return { maxChecks: SUBSET };
  }
  // --max-checks all (Infinity): every coordinate, as with no limit.
  const limit = maxChecks === Infinity ? {} : maxChecks !== undefined ? { maxChecks } : {};
  const count = Math.min(total, maxChecks ?? total);
  if (count <= LARGE) return limit;
  io.err(
    `warning: checking ${fmt(count)} parameters takes ${fmt(2 * count)} forward passes over m = ${fmt(m)} examples; progress follows\n`,
  );
  let next = 0;
  const onProgress = (done: number, of: number) => {
    if (done < next && done < of) return;
    io.err(`gradcheck: ${fmt(done)}/${fmt(of)} parameters (${Math.floor((100 * done) / of)}%)\n`);
    next = done + Math.ceil(of / 10);
  };
  return { ...limit, onProgress };
}
