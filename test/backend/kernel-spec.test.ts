// The kernel description (src/backend/kernel-spec.ts) against the compiled side it describes, its
// own consistency, and the codes of the closed sets.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { ActivationKind } from '../../src/backend/backend.js';
import type { KernelArg, KernelName } from '../../src/backend/kernel-spec.js';
import { ACTIVATION_CODES, KERNEL_CODES, KERNEL_NAMES, codeOf, kernelSpec } from '../../src/backend/kernel-spec.js';
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
    case 'mask':
    case 'indices':
    case 'scratch':
      return 'usize';
    case 'dim':
    case 'count':
    case 'stride':
    case 'origin':
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
      const shapeVars = new Set(
        spec.args.flatMap((a) => (a.kind === 'matrix' || a.kind === 'mask' ? a.shape.filter((d) => d !== 1) : [])),
      );
      const counts = new Set(spec.args.filter((a) => a.kind === 'count').map((a) => a.name));
      for (const a of spec.args) {
        if (a.kind === 'dim') assert.ok(shapeVars.has(a.name), `dim ${a.name} is some matrix's dimension`);
        if (a.kind === 'count' || a.kind === 'stride') assert.equal(args.get(a.of)?.kind, 'matrix', `${a.name} of`);
        if (a.kind === 'matrix' && a.transposedBy !== undefined)
          assert.equal(args.get(a.transposedBy)?.kind, 'flag', `${a.name} transposedBy`);
        if (a.kind === 'indices') assert.ok(shapeVars.has(a.length), `${a.name} length`);
        if (a.kind === 'origin') assert.equal(args.get(a.of)?.kind, 'dim', `origin ${a.name} of a dim argument`);
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
