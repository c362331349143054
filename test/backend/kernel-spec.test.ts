// The kernel description (src/backend/kernel-spec.ts) against the compiled side it describes, and the
// rules backends derive from it: dimensions and shape errors, strides of a split call, codes.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ActivationKind } from '../../src/backend/backend.js';
import type { KernelArg, KernelName } from '../../src/backend/kernel-spec.js';
import {
  ACTIVATION_CODES,
  KERNEL_CODES,
  KERNEL_NAMES,
  codeOf,
  kernelSpec,
  numericArg,
  resolveDims,
  splitDim,
  splitStrides,
  splitWork,
} from '../../src/backend/kernel-spec.js';
import { zeros } from '../../src/core/matrix.js';
import { ACTIVATIONS } from '../../src/nn/activations.js';
import { LOSSES } from '../../src/nn/losses.js';

const source = readFileSync(new URL('../../assembly/index.ts', import.meta.url), 'utf8');

/** `export function name(params): ret` in assembly/index.ts, by name. */
function assemblyExports(): Map<string, { params: [string, string][]; returns: string }> {
  const out = new Map<string, { params: [string, string][]; returns: string }>();
  for (const [, name, params, returns] of source.matchAll(/export function (\w+)\(([^)]*)\):\s*(\w+)/g)) {
    const list = params!
      .split(',')
      .map((p) => p.trim())
      .filter((p) => p !== '')
      .map((p) => p.split(':').map((s) => s.trim()) as [string, string]);
    out.set(name!, { params: list, returns: returns! });
  }
  return out;
}

/** The AssemblyScript type each kind of argument must have in the `_f32` or `_f64` export. */
function assemblyType(a: KernelArg, T: 'f32' | 'f64'): string {
  switch (a.kind) {
    case 'matrix':
    case 'indices':
    case 'scratch':
      return 'usize';
    case 'dim':
    case 'count':
    case 'stride':
    case 'code':
      return 'i32';
    case 'flag':
      return 'bool';
    case 'scalar':
      return a.type === 'f64' ? 'f64' : T;
  }
}

describe('kernel description against assembly/index.ts', () => {
  const exported = assemblyExports();

  for (const name of KERNEL_NAMES) {
    it(`${name}_f32 and ${name}_f64 take the described parameters, in order`, () => {
      const spec = kernelSpec(name);
      for (const T of ['f32', 'f64'] as const) {
        const fn = exported.get(`${name}_${T}`);
        assert.ok(fn, `assembly/index.ts exports ${name}_${T}`);
        const want = spec.args.map((a) => `${a.name}: ${assemblyType(a, T)}`);
        const got = fn.params.map(([n, t]) => `${n}: ${t}`);
        assert.deepEqual(got, want, `${name}_${T}: parameters (name: type), in the order the host passes them`);
        assert.equal(fn.returns, spec.returns, `${name}_${T} returns ${spec.returns}`);
      }
    });
  }

  it('every typed export is described', () => {
    const typed = [...assemblyExports().keys()].filter((n) => /_f(32|64)$/.test(n)).map((n) => n.slice(0, -4));
    for (const n of new Set(typed)) assert.ok(KERNEL_NAMES.includes(n as KernelName), `${n} is in KERNELS`);
  });
});

describe('kernel description: consistency', () => {
  for (const name of KERNEL_NAMES) {
    it(`${name}: every name it refers to is one of its arguments or shape variables`, () => {
      const spec = kernelSpec(name);
      const args = new Map(spec.args.map((a) => [a.name, a]));
      assert.equal(args.size, spec.args.length, 'argument names are distinct');
      const shapeVars = new Set(spec.args.flatMap((a) => (a.kind === 'matrix' ? a.shape.filter((d) => d !== 1) : [])));
      const counts = new Set(spec.args.filter((a) => a.kind === 'count').map((a) => a.name));
      for (const a of spec.args) {
        if (a.kind === 'dim') assert.ok(shapeVars.has(a.name), `dim ${a.name} is some matrix's dimension`);
        if (a.kind === 'count' || a.kind === 'stride') assert.equal(args.get(a.of)?.kind, 'matrix', `${a.name} of`);
        if (a.kind === 'matrix' && a.transposedBy !== undefined)
          assert.equal(args.get(a.transposedBy)?.kind, 'flag', `${a.name} transposedBy`);
        if (a.kind === 'indices') assert.ok(shapeVars.has(a.length), `${a.name} length`);
        if (a.kind === 'scratch' && a.size !== 'per-thread') assert.ok(shapeVars.has(a.size.per), `${a.name} per`);
      }
      if (spec.shapeFrom !== undefined) assert.equal(args.get(spec.shapeFrom)?.kind, 'matrix', 'shapeFrom');
      if (spec.split) {
        for (const d of spec.split.dims)
          assert.ok(args.get(d)?.kind === 'dim' || counts.has(d), `split dimension ${d} is passed as an argument`);
        for (const d of spec.split.work) assert.ok(shapeVars.has(d) || counts.has(d), `work dimension ${d}`);
      }
    });
  }
});

describe('codes', () => {
  it('every activation and loss has a code, distinct within its set', () => {
    for (const [set, kinds] of [
      ['activation', ACTIVATIONS],
      ['loss', LOSSES],
    ] as const) {
      const codes = kinds.map((k) => codeOf(set, k as never));
      assert.equal(new Set(codes).size, kinds.length, `${set} codes are distinct`);
      assert.equal(Object.keys(KERNEL_CODES[set]).length, kinds.length, `${set}: no code for a kind outside the set`);
    }
  });

  it('a kind from outside the set is refused, by name', () => {
    assert.throws(() => codeOf('activation', 'no-such-activation' as ActivationKind), {
      message: "unhandled activation 'no-such-activation'",
    });
    assert.throws(() => codeOf('activation', 'toString' as ActivationKind), {
      message: "unhandled activation 'toString'",
    });
    assert.equal(codeOf('activation', 'softmax'), ACTIVATION_CODES.softmax);
  });
});

describe('resolveDims', () => {
  const z = (r: number, c: number) => zeros(r, c, 'float32');

  it('reads the shape variables from the matrices, transposed ones included', () => {
    const r = resolveDims('gemm', {
      transA: true,
      transB: false,
      alpha: 1,
      A: z(5, 3),
      B: z(5, 7),
      beta: 0,
      C: z(3, 7),
    });
    assert.deepEqual(r, { dtype: 'float32', dims: { K: 5, M: 3, N: 7 } });
    assert.deepEqual(resolveDims('lossSum', { kind: 'mean-squared-error', AL: z(2, 3), Y: z(2, 3), eps: 0 }).dims, {
      n: 2,
      m: 3,
      size: 6,
    });
  });

  it('checks every matrix against the first (or shapeFrom) with the shape message', () => {
    assert.throws(() => resolveDims('addBias', { Z: z(3, 4), b: z(2, 1) }), {
      name: 'ShapeError',
      message: 'addBias: b must be (3, 1) but is (2, 1)',
    });
    // activationBackward reads its shape from Z, as the Backend contract words it.
    assert.throws(
      () =>
        resolveDims('activationBackward', { kind: 'relu', dA: z(2, 2), Z: z(3, 4), A: z(3, 4), dZ: z(3, 4), alpha: 0 }),
      { message: 'activationBackward: dA must be (3, 4) but is (2, 2)' },
    );
    assert.throws(
      () =>
        resolveDims('gemm', { transA: false, transB: false, alpha: 1, A: z(2, 3), B: z(3, 4), beta: 0, C: z(2, 5) }),
      { message: 'gemm: C must be (2, 4) but is (2, 5)' },
    );
  });

  it('refuses two dtypes and a short indices buffer, naming the kernel', () => {
    assert.throws(() => resolveDims('subtract', { AL: z(1, 2), Y: zeros(1, 2, 'float64'), dZ: z(1, 2) }), {
      name: 'ShapeError',
      message: 'subtract: all matrices must share one dtype but got float32 and float64',
    });
    assert.throws(() => resolveDims('predictClasses', { A: z(3, 4), out: new Int32Array(3), threshold: 0.5 }), {
      name: 'RangeError',
      message: 'predictClasses: out has 3 slots but A has 4 columns',
    });
  });
});

describe('splitting a call', () => {
  const z = (r: number, c: number) => zeros(r, c, 'float32');

  it('gemm: cut along the longer of M and N; A, B and C advance by their stored strides', () => {
    // Wᵀ·dZ: A = W stored (K, M) = (20, 300), B (20, 50), C (300, 50): cut along M (rows of C).
    const args = { transA: true, transB: false, alpha: 1, A: z(20, 300), B: z(20, 50), beta: 0, C: z(300, 50) };
    const { dims } = resolveDims('gemm', args);
    const split = kernelSpec('gemm').split!;
    assert.equal(splitDim(split, dims), 'M');
    assert.equal(splitWork(split, dims), 300 * 50 * 20);
    const s = splitStrides('gemm', 'M', args, dims);
    const at = (n: string) => s[kernelSpec('gemm').args.findIndex((a) => a.name === n)];
    assert.deepEqual([at('A'), at('B'), at('C'), at('M')], [1, 0, 50, 0], 'Aᵀ column, B whole, C row');
    // dZ·A_prevᵀ: B = A_prev stored (N, K); cut along N advances B by rows of K.
    const nt = { transA: false, transB: true, alpha: 1, A: z(20, 40), B: z(500, 40), beta: 0, C: z(20, 500) };
    const r = resolveDims('gemm', nt);
    assert.equal(splitDim(split, r.dims), 'N');
    const t = splitStrides('gemm', 'N', nt, r.dims);
    const idx = (n: string) => t[kernelSpec('gemm').args.findIndex((a) => a.name === n)];
    assert.deepEqual([idx('A'), idx('B'), idx('C')], [0, 40, 1]);
  });

  it('row-wise kernels advance by rows, elementwise ones by entries', () => {
    const args = { Z: z(6, 9), b: z(6, 1) };
    assert.deepEqual(splitStrides('addBias', 'n', args, resolveDims('addBias', args).dims), [9, 1, 0, 0]);
    const ax = { alpha: 1, X: z(6, 9), beta: 1, Y: z(6, 9) };
    assert.deepEqual(splitStrides('axpby', 'size', ax, resolveDims('axpby', ax).dims), [0, 1, 0, 1, 0]);
  });

  it('on a tie gemm cuts the first listed dimension (N)', () => {
    assert.equal(splitDim(kernelSpec('gemm').split!, { M: 64, N: 64, K: 64 }), 'N');
  });
});

describe("kernel-spec.ts's example", () => {
  it('marshals addBias in the compiled order (Z, b, n, m)', () => {
    const Z = zeros(3, 4, 'float32'),
      b = zeros(3, 1, 'float32');
    const given = { Z, b };
    const { dtype, dims } = resolveDims('addBias', given);
    const argv = kernelSpec('addBias').args.map((a) =>
      a.kind === 'matrix' ? (given as Record<string, typeof Z>)[a.name]!.data : numericArg(a, given, dims),
    );
    assert.equal(dtype, 'float32');
    assert.deepEqual(argv, [Z.data, b.data, 3, 4]);
    assert.throws(() => resolveDims('addBias', { Z, b: zeros(2, 1, 'float32') }), {
      message: 'addBias: b must be (3, 1) but is (2, 1)',
    });
  });
});
