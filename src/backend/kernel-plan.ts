/**
 * The rules a backend derives from kernel-spec.ts, backend-neutral: a kernel's description turned
 * once into slot numbers (`kernelPlan`), so that a call can check its matrices (`checkShapes`), build
 * its numeric arguments (`numericArg`) and, where it threads, cut itself into chunks (`splitDim`,
 * `splitStrides`) without walking names on every call. Shape variables and counts live in a plain
 * number array, `dims[slot]`; `plan.slots` names them.
 *
 * @example
 * // A native binding for addBias(Z, b), Z: (n, m), b: (n, 1), compiled order (Z, b, n, m):
 * const plan = kernelPlan('addBias'), dims: number[] = [], given = { Z, b };
 * const dtype = checkShapes(plan, given, dims); // throws `addBias: b must be (3, 1) but is (2, 1)`
 * const argv = plan.spec.args.map((a, i) =>
 *   a.kind === 'matrix' ? given[a.name].data : numericArg(plan, i, given, dims)); // [Z.data, b.data, 3, 4]
 */
import { assertNever } from '../core/assert.js';
import type { DType, Matrix } from '../core/matrix.js';
import { expectSameDType, expectShape } from '../core/matrix.js';
import type { KernelArgs, KernelName, KernelSpec, KernelSplit } from './kernel-spec.js';
import { KERNEL_NAMES, codeOf, kernelSpec } from './kernel-spec.js';

/** Arguments by name, as a binding reads them. */
export type Args = Readonly<Record<string, unknown>>;

/** A matrix or mask argument with the slots of its rows and columns as described (-1: the constant 1). */
interface PlannedMatrix {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  readonly transposedBy: string | undefined;
  /** A mask of bytes: shaped like the matrices, but no part of the call's dtype. */
  readonly mask: boolean;
}

export interface KernelPlan {
  readonly kernel: KernelName;
  readonly spec: KernelSpec;
  /** The shape variables and counts, by slot. */
  readonly slots: readonly string[];
  /** The matrix and mask arguments in the order they are checked: `shapeFrom` first, then as listed. */
  readonly matrices: readonly PlannedMatrix[];
  /** Per argument: the slot of a dim or count, -1 for the other kinds. */
  readonly argSlots: readonly number[];
  /** The count arguments' slots, and the matrices whose entries they count. */
  readonly countSlots: readonly number[];
  readonly countOf: readonly string[];
  /** The indices arguments' names and the slots of their lengths. */
  readonly indices: readonly (readonly [name: string, lengthSlot: number])[];
  /** The name of the kernel's code argument (its activation or loss), if it has one. */
  readonly codeArg: string | undefined;
  /** The split dimensions' and work dimensions' slots, if the kernel splits. */
  readonly split: { readonly dims: readonly number[]; readonly work: readonly number[] } | undefined;
}

function buildPlan(kernel: KernelName): KernelPlan {
  const spec = kernelSpec(kernel);
  const slots: string[] = [];
  const slot = (d: string | 1): number => {
    if (d === 1) return -1;
    const i = slots.indexOf(d);
    return i >= 0 ? i : slots.push(d) - 1;
  };
  const listed = spec.args.flatMap((a) => (a.kind === 'matrix' || a.kind === 'mask' ? [a] : []));
  const from = listed.findIndex((a) => a.name === spec.shapeFrom);
  const ordered = from > 0 ? [listed[from]!, ...listed.filter((_, i) => i !== from)] : listed;
  const matrices = ordered.map((a) => ({
    name: a.name,
    rows: slot(a.shape[0]),
    cols: slot(a.shape[1]),
    transposedBy: a.kind === 'matrix' ? a.transposedBy : undefined,
    mask: a.kind === 'mask',
  }));
  const argSlots = spec.args.map((a) => (a.kind === 'dim' || a.kind === 'count' ? slot(a.name) : -1));
  const countSlots = spec.args.flatMap((a, i) => (a.kind === 'count' ? [argSlots[i]!] : []));
  const countOf = spec.args.flatMap((a) => (a.kind === 'count' ? [a.of] : []));
  const indices = spec.args.flatMap((a) => (a.kind === 'indices' ? [[a.name, slot(a.length)] as const] : []));
  const split = spec.split && { dims: spec.split.dims.map(slot), work: spec.split.work.map(slot) };
  const codeArg = spec.args.find((a) => a.kind === 'code')?.name;
  return { kernel, spec, slots, matrices, argSlots, countSlots, countOf, indices, codeArg, split };
}

const plans = Object.fromEntries(KERNEL_NAMES.map((k) => [k, buildPlan(k)])) as Record<KernelName, KernelPlan>;

/** The plan of a kernel (built once, when this module loads). */
export function kernelPlan(kernel: KernelName): KernelPlan {
  return plans[kernel];
}

/**
 * Reads the shape variables of a call from its matrices into `dims` (slot by slot; any array, it is
 * overwritten) and checks every matrix and mask against them, the `shapeFrom` matrix first, with
 * expectShape's message (`addBias: b must be (3, 1) but is (2, 1)`); checks that the matrices share one
 * dtype, which it returns, and that `indices` buffers are long enough.
 */
export function checkShapes(plan: KernelPlan, args: Args, dims: number[]): DType {
  for (let s = 0; s < plan.slots.length; s++) dims[s] = -1;
  const ms = plan.matrices;
  const first = args[ms[0]!.name] as Matrix;
  for (let i = 0; i < ms.length; i++) {
    const m = ms[i]!,
      M = args[m.name] as Matrix;
    if (!m.mask && M.dtype !== first.dtype) expectSameDType(plan.kernel, first, M);
    const t = m.transposedBy !== undefined && args[m.transposedBy] === true;
    const r = t ? m.cols : m.rows,
      c = t ? m.rows : m.cols;
    const rows = r < 0 ? 1 : dims[r]! < 0 ? (dims[r] = M.rows) : dims[r]!;
    const cols = c < 0 ? 1 : dims[c]! < 0 ? (dims[c] = M.cols) : dims[c]!;
    if (rows !== M.rows || cols !== M.cols) expectShape(plan.kernel, m.name, M, rows, cols);
  }
  for (let i = 0; i < plan.countSlots.length; i++) dims[plan.countSlots[i]!] = (args[plan.countOf[i]!] as Matrix).size;
  for (const [name, s] of plan.indices) checkLength(plan, name, s, args, dims);
  return first.dtype;
}

/** An indices buffer must hold dims[s] entries: `predictClasses: out has 3 slots but A has 4 columns`. */
function checkLength(plan: KernelPlan, name: string, s: number, args: Args, dims: number[]): void {
  const out = args[name] as Int32Array,
    need = dims[s]!;
  if (out.length >= need) return;
  const m = plan.matrices.find((p) => p.rows === s || p.cols === s)!;
  const source = `${m.name} has ${need} ${m.cols === s ? 'columns' : 'rows'}`;
  throw new RangeError(`${plan.kernel}: ${name} has ${out.length} slots but ${source}`);
}

/** The shape variables and dtype of a call by name, e.g. { n: 3, m: 4 }: checkShapes, for readers. */
export function resolveDims<K extends KernelName>(
  kernel: K,
  given: KernelArgs<K>,
): { dtype: DType; dims: Record<string, number> } {
  const plan = kernelPlan(kernel),
    dims: number[] = [];
  const dtype = checkShapes(plan, given, dims);
  return { dtype, dims: Object.fromEntries(plan.slots.map((s, i) => [s, dims[i]!])) };
}

/**
 * The value of argument i when the compiled call takes it as a plain number: a dimension or count
 * (from `dims`), a stride (its matrix's stored columns), an origin (0: a whole call starts at the
 * start), a scalar, a flag (0 or 1) or a code. Matrices, masks, indices and scratch are the binding's
 * to pass.
 */
export function numericArg(plan: KernelPlan, i: number, args: Args, dims: readonly number[]): number {
  const a = plan.spec.args[i]!;
  switch (a.kind) {
    case 'dim':
    case 'count':
      return dims[plan.argSlots[i]!]!;
    case 'stride':
      return (args[a.of] as Matrix).cols;
    case 'origin':
      return 0;
    case 'scalar':
      return args[a.name] as number;
    case 'flag':
      return args[a.name] === true ? 1 : 0;
    case 'code':
      return codeOf(a.set, args[a.name] as never);
    case 'matrix':
    case 'mask':
    case 'indices':
    case 'scratch':
      throw new Error(`${plan.kernel}: ${a.kind} argument '${a.name}' is not a number`);
    default:
      return assertNever(a, 'kernel argument kind');
  }
}

/**
 * Bytes scratch argument i needs in this call: undefined for per-thread scratch (the implementation's
 * size), else its bytes per unit of a dimension, or 0 when the call's kind does not use it.
 */
export function scratchBytes(plan: KernelPlan, i: number, args: Args, dims: readonly number[]): number | undefined {
  const a = plan.spec.args[i]!;
  if (a.kind !== 'scratch') throw new Error(`${plan.kernel}: '${a.name}' is not a scratch argument`);
  if (a.size === 'per-thread') return undefined;
  if (!a.size.kinds.includes(args[plan.codeArg!] as string)) return 0;
  return a.size.bytes * dims[plan.slots.indexOf(a.size.per)]!;
}

/** Whether this call may be cut across threads: the kernel splits, and not for this call's kind. */
export function splittable(plan: KernelPlan, args: Args): boolean {
  const split: KernelSplit | undefined = plan.spec.split;
  if (split === undefined) return false;
  return split.except === undefined || !split.except.includes(args[plan.codeArg!] as string);
}

/** The slot of the dimension to cut: the longest of the split dimensions, the first listed on a tie. */
export function splitDim(plan: KernelPlan, dims: readonly number[]): number {
  const candidates = plan.split!.dims;
  let best = candidates[0]!;
  for (const s of candidates) if (dims[s]! > dims[best]!) best = s;
  return best;
}

/** The product of the split's work dimensions: multiply-adds for gemm, entries for elementwise kernels. */
export function splitWork(plan: KernelPlan, dims: readonly number[]): number {
  let w = 1;
  for (const s of plan.split!.work) w *= dims[s]!;
  return w;
}

/**
 * For a call cut along the dimension in slot d: how many elements each argument's storage advances
 * per unit of it, and how much an origin of d grows (0 for the other arguments, and for matrices that
 * do not run along d). A row-major stored (r, c) matrix or mask advances by its row stride along r and
 * by 1 along c; along a count (flat elementwise kernels) every matrix advances by 1. A binding turns
 * elements into bytes by each argument's element size (1 for a mask).
 */
export function splitStrides(plan: KernelPlan, d: number, args: Args): number[] {
  const flat = plan.countSlots.includes(d);
  return plan.spec.args.map((a) => {
    if (a.kind === 'origin') return plan.slots.indexOf(a.of) === d ? 1 : 0;
    if (a.kind !== 'matrix' && a.kind !== 'mask') return 0;
    if (flat) return 1;
    const m = plan.matrices.find((p) => p.name === a.name)!;
    const t = m.transposedBy !== undefined && args[m.transposedBy] === true;
    const r = t ? m.cols : m.rows,
      c = t ? m.rows : m.cols;
    if (r === d) return (args[a.name] as Matrix).cols;
    return c === d ? 1 : 0;
  });
}

/** The index of the argument that takes the extent of the dimension in slot d. */
export function extentArg(plan: KernelPlan, d: number): number {
  return plan.argSlots.indexOf(d);
}
