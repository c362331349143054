/**
 * The calling convention of the compiled kernels, described once. For each kernel: its arguments in
 * the order the compiled function takes them, each by name and kind, the kind of value it returns,
 * and which dimension a threaded backend may split. Fast backends derive their calls from this table
 * instead of writing argument positions by hand, so reordering a parameter means reordering one
 * line here. The compiled side is generated from it (scripts/gen-kernels.mjs, run by the build): the
 * AssemblyScript exports (assembly/index.ts), the codes (assembly/codes.ts, native/codes.h) and the
 * addon's Node-API bindings (native/bindings.h); test/backend/generated.test.ts fails when they are stale.
 *
 * - the WebAssembly binding (src/backend/wasm/backend.ts) turns matrices into pointers into its
 *   memory, fills in the dimensions and strides, and cuts a split kernel into chunks for its threads;
 * - a native addon can check the buffers (shapes, one dtype) and marshal the same argument list to
 *   C++ kernels that thread internally (it may ignore `split` and scratch).
 * The rules both derive from this table (checking shapes, numeric arguments, chunk strides) are in
 * kernel-plan.ts, with an example of a binding.
 *
 * Nothing here knows about pointers or memories. Argument kinds:
 * - `matrix`  a (rows, cols) Matrix of the kernel's dtype, stored row-major; `shape` names its
 *             dimensions (shape variables such as 'n', 'm', or 1), as stored unless `transposedBy`
 *             names a flag that, when set, means it is stored transposed (gemm's op(A)). `access`:
 *             read, write (every entry overwritten) or update (read, then written).
 * - `mask`    a (rows, cols) Mask of bytes (a dropout mask), stored row-major, shaped and accessed as a
 *             matrix is; it takes no part in the dtype.
 * - `indices` an Int32Array of at least `length` entries, written (predictClasses' labels).
 * - `dim`     the value of a shape variable, read from the matrices (i32).
 * - `count`   the number of entries of matrix `of` (i32): elementwise kernels run over flat storage.
 * - `stride`  the distance in elements between two stored rows of matrix `of` (i32).
 * - `scalar`  a number, rounded to the kernel's dtype ('T') or kept in double precision ('f64').
 * - `flag`    a boolean (0 or 1).
 * - `code`    a member of a closed set (ActivationKind, LossKind), as its number in KERNEL_CODES.
 * - `origin`  the index, in the whole call, of the first unit of dimension `of` that this part of it
 *             covers (i32): 0, or where a chunk of a split call starts. Kernels whose values depend on
 *             where an entry is (dropout draws) add it, so a split changes nothing they compute.
 * - `scratch` working memory: `per-thread` (its size fixed by the implementation; each thread of a
 *             split call has its own) or `per` bytes per unit of a dimension, needed only for `kinds`.
 *
 * `split`: the dimensions a call may be cut along (the longest is cut; on a tie, the first listed),
 * `work` the dimensions whose product measures the call's cost, and `except` the kinds that work down
 * whole columns and so never split by rows. Cutting dimension d into [lo, hi) gives the extent
 * argument hi - lo, advances every matrix and mask by lo times its stride along d, and adds lo to
 * the origin of d.
 *
 * Outputs may alias inputs where the Backend interface allows it (activationForward's A may be Z).
 */
import type { Mask, Matrix } from '../core/matrix.js';

// ---------------------------------------------------------------------------------------------
// The closed sets and their codes, as the compiled kernels know them. scripts/gen-kernels.mjs writes
// them into assembly/codes.ts and native/codes.h (and the addon's names), so a row here is the whole of
// a new kind's declaration: ActivationKind and LossKind are these tables' keys.

/** Loss codes, 0, 1, 2, ... in order; a new row makes a new LossKind, as for activations. */
export const LOSS_CODES = {
  'binary-cross-entropy': 0,
  'categorical-cross-entropy': 1,
  'mean-squared-error': 2,
} as const;

/** An activation's row: its code, and what it means beyond its kernel (read by src/nn/activations.ts). */
export interface ActivationRow {
  /** Its number in the compiled kernels: 0, 1, 2, ... in order. */
  readonly code: number;
  /** The initialization for hidden layers of this kind: He for the ReLU family, Xavier otherwise. */
  readonly init: 'he' | 'xavier';
  /**
   * Whether it may be a hidden g[l], l < L. Softmax may not: it ties a layer's units together (each column
   * sums to 1), which is a K-class output's job; train, sweep and model files refuse it below g[L].
   */
  readonly hidden: boolean;
  /** As the output g[L]: the loss that makes dZ[L] = A[L] - Y, and whether it classifies. */
  readonly output?: { readonly loss: keyof typeof LOSS_CODES; readonly classifier: boolean };
}

/**
 * Every activation, a row each. A new row makes a new ActivationKind: the compiler then asks for its
 * reference kernels (reference.ts) and its formula in test/backend/kernels.test.ts; the compiled kernels
 * fail their build (C++: a switch over the generated enum has no default) or their tests (AssemblyScript
 * traps on an unknown code) until they have it.
 */
export const ACTIVATION_TABLE = {
  relu: { code: 0, init: 'he', hidden: true },
  'leaky-relu': { code: 1, init: 'he', hidden: true },
  tanh: { code: 2, init: 'xavier', hidden: true },
  sigmoid: { code: 3, init: 'xavier', hidden: true, output: { loss: 'binary-cross-entropy', classifier: true } },
  softmax: { code: 4, init: 'xavier', hidden: false, output: { loss: 'categorical-cross-entropy', classifier: true } },
  linear: { code: 5, init: 'xavier', hidden: true, output: { loss: 'mean-squared-error', classifier: false } },
} as const satisfies Record<string, ActivationRow>;

/** Activation codes, as the compiled kernels know them: ACTIVATION_TABLE's `code`s. */
export const ACTIVATION_CODES = Object.fromEntries(
  Object.entries(ACTIVATION_TABLE).map(([kind, row]) => [kind, row.code]),
) as { readonly [K in keyof typeof ACTIVATION_TABLE]: (typeof ACTIVATION_TABLE)[K]['code'] };

/** The activations every backend implements, forward and backward. */
export type ActivationKind = keyof typeof ACTIVATION_CODES;
/** Losses, each matched to the output activation that makes dZ[L] = A[L] - Y. */
export type LossKind = keyof typeof LOSS_CODES;

/** The closed sets a `code` argument may take, by name. */
export interface CodeSets {
  activation: ActivationKind;
  loss: LossKind;
}
export type CodeSet = keyof CodeSets;

export const KERNEL_CODES = { activation: ACTIVATION_CODES, loss: LOSS_CODES } as const satisfies {
  [S in CodeSet]: Record<CodeSets[S], number>;
};

/** The number of `kind` in `set`; throws, naming it, for a value from outside the set (an untyped caller). */
export function codeOf<S extends CodeSet>(set: S, kind: CodeSets[S]): number {
  const table: Readonly<Record<string, number>> = KERNEL_CODES[set];
  if (!Object.hasOwn(table, kind)) throw new Error(`unhandled ${set} '${String(kind)}'`);
  return table[kind]!;
}

// ---------------------------------------------------------------------------------------------
// Argument kinds.

/** A shape variable ('n', 'm', 'M', ...) or the constant 1. */
export type Dim = string | 1;
export type Access = 'read' | 'write' | 'update';

export interface MatrixArg<N extends string = string> {
  readonly kind: 'matrix';
  readonly name: N;
  readonly access: Access;
  readonly shape: readonly [Dim, Dim];
  /** A flag argument: when set, the matrix is stored as (shape[1], shape[0]). */
  readonly transposedBy?: string;
}
export interface MaskArg<N extends string = string> {
  readonly kind: 'mask';
  readonly name: N;
  readonly access: Access;
  readonly shape: readonly [Dim, Dim];
}
export interface IndicesArg<N extends string = string> {
  readonly kind: 'indices';
  readonly name: N;
  readonly access: 'write';
  readonly length: string;
}
export interface DimArg<N extends string = string> {
  readonly kind: 'dim';
  readonly name: N;
}
export interface CountArg<N extends string = string> {
  readonly kind: 'count';
  readonly name: N;
  readonly of: string;
}
export interface StrideArg<N extends string = string> {
  readonly kind: 'stride';
  readonly name: N;
  readonly of: string;
}
/** What a scalar may hold beyond being a number, checked by the native addon as it reads it. */
export type ScalarRange = 'probability' | 'uint32' | 'uint53';
export interface ScalarArg<N extends string = string> {
  readonly kind: 'scalar';
  readonly name: N;
  readonly type: 'T' | 'f64';
  /** A keep probability in (0, 1], or an integer below 2^32 or 2^53 (a dropout key's seed, layer, step). */
  readonly range?: ScalarRange;
}
export interface OriginArg<N extends string = string> {
  readonly kind: 'origin';
  readonly name: N;
  readonly of: string;
}
export interface FlagArg<N extends string = string> {
  readonly kind: 'flag';
  readonly name: N;
}
export interface CodeArg<N extends string = string, S extends CodeSet = CodeSet> {
  readonly kind: 'code';
  readonly name: N;
  readonly set: S;
}
export type ScratchSize =
  'per-thread' | { readonly per: string; readonly bytes: number; readonly kinds: readonly string[] };
export interface ScratchArg<N extends string = string> {
  readonly kind: 'scratch';
  readonly name: N;
  readonly size: ScratchSize;
}
export type KernelArg =
  | MatrixArg
  | MaskArg
  | IndicesArg
  | DimArg
  | CountArg
  | StrideArg
  | OriginArg
  | ScalarArg
  | FlagArg
  | CodeArg
  | ScratchArg;

export interface KernelSplit {
  /** The dimension arguments a call may be cut along: the longest is cut, the first listed on a tie. */
  readonly dims: readonly string[];
  /** Shape variables or counts whose product measures a call's cost (multiply-adds, entries). */
  readonly work: readonly string[];
  /** Values of the kernel's code argument that never split (they work down whole columns). */
  readonly except?: readonly string[];
}

export interface KernelSpec {
  readonly args: readonly KernelArg[];
  readonly returns: 'void' | 'f64';
  /** The matrix whose shape the others are checked against (default: the first matrix). */
  readonly shapeFrom?: string;
  readonly split?: KernelSplit;
}

const matrix = <const N extends string>(
  name: N,
  access: Access,
  shape: readonly [Dim, Dim],
  transposedBy?: string,
): MatrixArg<N> =>
  transposedBy === undefined
    ? { kind: 'matrix', name, access, shape }
    : { kind: 'matrix', name, access, shape, transposedBy };
const mask = <const N extends string>(name: N, access: Access, shape: readonly [Dim, Dim]): MaskArg<N> => ({
  kind: 'mask',
  name,
  access,
  shape,
});
const origin = <const N extends string>(name: N, of: string): OriginArg<N> => ({ kind: 'origin', name, of });
const indices = <const N extends string>(name: N, length: string): IndicesArg<N> => ({
  kind: 'indices',
  name,
  access: 'write',
  length,
});
const dim = <const N extends string>(name: N): DimArg<N> => ({ kind: 'dim', name });
const count = <const N extends string>(name: N, of: string): CountArg<N> => ({ kind: 'count', name, of });
const stride = <const N extends string>(name: N, of: string): StrideArg<N> => ({ kind: 'stride', name, of });
const scalar = <const N extends string>(name: N, type: 'T' | 'f64' = 'T', range?: ScalarRange): ScalarArg<N> =>
  range === undefined ? { kind: 'scalar', name, type } : { kind: 'scalar', name, type, range };
const flag = <const N extends string>(name: N): FlagArg<N> => ({ kind: 'flag', name });
const code = <const N extends string, const S extends CodeSet>(name: N, set: S): CodeArg<N, S> => ({
  kind: 'code',
  name,
  set,
});
const scratch = <const N extends string>(name: N, size: ScratchSize): ScratchArg<N> => ({
  kind: 'scratch',
  name,
  size,
});

/** Activations that work down whole columns: they need scratch per column and never split by rows. */
const COLUMN_WISE: readonly ActivationKind[] = ['softmax'];
const byRows = { dims: ['n'], work: ['n', 'm'] } as const;
const byEntries = { dims: ['size'], work: ['size'] } as const;

/**
 * The kernels, each with its arguments in the compiled order (assembly/index.ts exports `<name>_f32`
 * and `<name>_f64` with exactly these parameters). The formulas are the Backend interface's.
 */
export const KERNELS = {
  /** C = alpha · op(A) · op(B) + beta · C; split along C's rows or columns, whichever is longer. */
  gemm: {
    args: [
      flag('transA'),
      flag('transB'),
      dim('M'),
      dim('N'),
      dim('K'),
      scalar('alpha'),
      matrix('A', 'read', ['M', 'K'], 'transA'),
      stride('lda', 'A'),
      matrix('B', 'read', ['K', 'N'], 'transB'),
      stride('ldb', 'B'),
      scalar('beta'),
      matrix('C', 'update', ['M', 'N']),
      stride('ldc', 'C'),
      scratch('scratch', 'per-thread'),
    ],
    returns: 'void',
    split: { dims: ['N', 'M'], work: ['M', 'N', 'K'] },
  },
  /** Z += b broadcast over columns. */
  addBias: {
    args: [matrix('Z', 'update', ['n', 'm']), matrix('b', 'read', ['n', 1]), dim('n'), dim('m')],
    returns: 'void',
    split: byRows,
  },
  /** A = g(Z); softmax column-wise, with 16 bytes of scratch per column (maxima, then f64 sums). */
  activationForward: {
    args: [
      code('kind', 'activation'),
      matrix('Z', 'read', ['n', 'm']),
      matrix('A', 'write', ['n', 'm']),
      dim('n'),
      dim('m'),
      scalar('alpha'),
      scratch('scratch', { per: 'm', bytes: 16, kinds: COLUMN_WISE }),
    ],
    returns: 'void',
    split: { ...byRows, except: COLUMN_WISE },
  },
  /** dZ = dA * g'(Z); softmax's Jacobian-vector product column-wise, 8 bytes of scratch per column. */
  activationBackward: {
    args: [
      code('kind', 'activation'),
      matrix('dA', 'read', ['n', 'm']),
      matrix('Z', 'read', ['n', 'm']),
      matrix('A', 'read', ['n', 'm']),
      matrix('dZ', 'write', ['n', 'm']),
      dim('n'),
      dim('m'),
      scalar('alpha'),
      scratch('scratch', { per: 'm', bytes: 8, kinds: COLUMN_WISE }),
    ],
    returns: 'void',
    shapeFrom: 'Z',
    split: { ...byRows, except: COLUMN_WISE },
  },
  /** out = scale · Σ_columns X. */
  sumColumns: {
    args: [matrix('X', 'read', ['n', 'm']), matrix('out', 'write', ['n', 1]), dim('n'), dim('m'), scalar('scale')],
    returns: 'void',
    split: byRows,
  },
  /** Σ loss over every entry, log clamped below at eps. */
  lossSum: {
    args: [
      code('kind', 'loss'),
      matrix('AL', 'read', ['n', 'm']),
      matrix('Y', 'read', ['n', 'm']),
      count('size', 'AL'),
      scalar('eps', 'f64'),
    ],
    returns: 'f64',
  },
  /** dAL = ∂loss/∂AL per entry, denominators clamped at eps. */
  lossGradient: {
    args: [
      code('kind', 'loss'),
      matrix('AL', 'read', ['n', 'm']),
      matrix('Y', 'read', ['n', 'm']),
      matrix('dAL', 'write', ['n', 'm']),
      count('size', 'AL'),
      scalar('eps', 'f64'),
    ],
    returns: 'void',
  },
  /** dZ = AL - Y. */
  subtract: {
    args: [
      matrix('AL', 'read', ['n', 'm']),
      matrix('Y', 'read', ['n', 'm']),
      matrix('dZ', 'write', ['n', 'm']),
      count('size', 'AL'),
    ],
    returns: 'void',
  },
  /** Y = alpha · X + beta · Y. */
  axpby: {
    args: [
      scalar('alpha'),
      matrix('X', 'read', ['n', 'm']),
      scalar('beta'),
      matrix('Y', 'update', ['n', 'm']),
      count('size', 'X'),
    ],
    returns: 'void',
    split: byEntries,
  },
  /** out = X * D elementwise. */
  multiply: {
    args: [
      matrix('X', 'read', ['n', 'm']),
      matrix('D', 'read', ['n', 'm']),
      matrix('out', 'write', ['n', 'm']),
      count('size', 'X'),
    ],
    returns: 'void',
  },
  /**
   * A = g(Z), then dropped = A ⊙ D / keepProb, with D drawn first when `draw` is set (the Philox stream
   * keyed by seed and layer at `step`; row0 places the rows in the whole matrix); scratch as
   * activationForward's.
   */
  dropoutForward: {
    args: [
      code('kind', 'activation'),
      matrix('Z', 'read', ['n', 'm']),
      matrix('A', 'write', ['n', 'm']),
      mask('D', 'update', ['n', 'm']),
      matrix('dropped', 'write', ['n', 'm']),
      dim('n'),
      dim('m'),
      scalar('alpha'),
      scalar('keepProb', 'f64', 'probability'),
      flag('draw'),
      scalar('seed', 'f64', 'uint32'),
      scalar('step', 'f64', 'uint53'),
      scalar('layer', 'f64', 'uint32'),
      origin('row0', 'n'),
      scratch('scratch', { per: 'm', bytes: 16, kinds: COLUMN_WISE }),
    ],
    returns: 'void',
    split: { ...byRows, except: COLUMN_WISE },
  },
  /** dZ = g'(Z) applied to dA ⊙ D / keepProb; scratch as activationBackward's. */
  dropoutBackward: {
    args: [
      code('kind', 'activation'),
      matrix('dA', 'read', ['n', 'm']),
      matrix('Z', 'read', ['n', 'm']),
      matrix('A', 'read', ['n', 'm']),
      mask('D', 'read', ['n', 'm']),
      matrix('dZ', 'write', ['n', 'm']),
      dim('n'),
      dim('m'),
      scalar('alpha'),
      scalar('keepProb', 'f64', 'probability'),
      scratch('scratch', { per: 'm', bytes: 8, kinds: COLUMN_WISE }),
    ],
    returns: 'void',
    shapeFrom: 'Z',
    split: { ...byRows, except: COLUMN_WISE },
  },
  /** Σ X². */
  sumSquares: {
    args: [matrix('X', 'read', ['n', 'm']), count('size', 'X')],
    returns: 'f64',
  },
  /** dst = src. */
  copy: {
    args: [matrix('src', 'read', ['n', 'm']), matrix('dst', 'write', ['n', 'm']), count('size', 'src')],
    returns: 'void',
  },
  /** Momentum: v = beta·v + (1-beta)·dW; W -= lr·v. */
  momentumStep: {
    args: [
      matrix('W', 'update', ['n', 'm']),
      matrix('dW', 'read', ['n', 'm']),
      matrix('v', 'update', ['n', 'm']),
      count('size', 'W'),
      scalar('lr'),
      scalar('beta'),
    ],
    returns: 'void',
    split: byEntries,
  },
  /** Adam, with the bias corrections c1 = 1-β1^t, c2 = 1-β2^t computed by the caller. */
  adamStep: {
    args: [
      matrix('W', 'update', ['n', 'm']),
      matrix('dW', 'read', ['n', 'm']),
      matrix('v', 'update', ['n', 'm']),
      matrix('s', 'update', ['n', 'm']),
      count('size', 'W'),
      scalar('lr'),
      scalar('beta1'),
      scalar('beta2'),
      scalar('eps'),
      scalar('c1'),
      scalar('c2'),
    ],
    returns: 'void',
    split: byEntries,
  },
  /** out[j] = argmax_i A[i, j], or for one row 1 where A[0, j] > threshold. */
  predictClasses: {
    args: [matrix('A', 'read', ['n', 'm']), indices('out', 'm'), dim('n'), dim('m'), scalar('threshold', 'f64')],
    returns: 'void',
  },
} as const satisfies Record<string, KernelSpec>;

export type KernelName = keyof typeof KERNELS;
/** The kernels that may be split across threads. */
export type SplitKernelName = {
  [K in KernelName]: (typeof KERNELS)[K] extends { split: KernelSplit } ? K : never;
}[KernelName];

export const KERNEL_NAMES = Object.keys(KERNELS) as KernelName[];
export const SPLIT_KERNEL_NAMES = KERNEL_NAMES.filter((k) => 'split' in KERNELS[k]) as SplitKernelName[];

/** What a kernel returns: a number for the sums (lossSum, sumSquares), nothing for the others. */
export type KernelResult<K extends KernelName> = (typeof KERNELS)[K]['returns'] extends 'f64' ? number : void;

/** The spec of a kernel, widened (for code that walks any kernel's arguments). */
export function kernelSpec(kernel: KernelName): KernelSpec {
  return KERNELS[kernel];
}

// ---------------------------------------------------------------------------------------------
// What a caller passes: matrices, scalars, flags and codes by name. Dimensions, counts and strides
// are read from the matrices; scratch is the backend's.

type ValueOf<A> = A extends MatrixArg
  ? Matrix
  : A extends MaskArg
    ? Mask
    : A extends IndicesArg
      ? Int32Array
      : A extends CodeArg<string, infer S>
        ? CodeSets[S]
        : A extends FlagArg
          ? boolean
          : A extends ScalarArg
            ? number
            : never;
type Given = MatrixArg | MaskArg | IndicesArg | ScalarArg | FlagArg | CodeArg;

/** The arguments of a call by name, e.g. KernelArgs<'addBias'> = { Z: Matrix; b: Matrix }. */
export type KernelArgs<K extends KernelName> = {
  readonly [A in Extract<(typeof KERNELS)[K]['args'][number], Given> as A['name']]: ValueOf<A>;
};

/**
 * The arguments a caller passes, by position: KernelParams<'addBias'> = [Matrix, Matrix]. backend.ts
 * holds each Backend method that takes exactly these to them (a reordered spec fails to compile there).
 */
export type KernelParams<K extends KernelName> = GivenTuple<(typeof KERNELS)[K]['args']>;
type GivenTuple<T> = T extends readonly [infer A, ...infer R]
  ? A extends Given
    ? [ValueOf<A>, ...GivenTuple<R>]
    : GivenTuple<R>
  : [];

/**
 * A 32-bit FNV-1a hash of the codes and of every kernel's arguments (names, kinds, scalar types) and
 * result: the generator compiles it into the WebAssembly kernels, and the wasm loader compares, so a
 * module built from another kernel-spec.ts is refused by name instead of being called wrongly.
 */
export function specFingerprint(): number {
  const kernels = KERNEL_NAMES.map((k) => {
    const spec = kernelSpec(k);
    const args = spec.args.map((a) => `${a.kind}:${a.name}${a.kind === 'scalar' ? `:${a.type}` : ''}`);
    return `${k}(${args.join(',')})${spec.returns}`;
  });
  const text = JSON.stringify(KERNEL_CODES) + kernels.join(';');
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
