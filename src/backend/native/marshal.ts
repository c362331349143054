import type { Matrix } from '../../core/matrix.js';
import type {
  CodeArg,
  CodeSet,
  CodeSets,
  Dim,
  FlagArg,
  IndicesArg,
  KernelArg,
  KernelName,
  KERNELS,
  MatrixArg,
  ScalarArg,
} from '../kernel-spec.js';
import { codeOf, kernelSpec, resolveDims } from '../kernel-spec.js';

/** The type of a value the caller gives for an argument of the description. */
type ValueOf<A> = A extends MatrixArg
  ? Matrix
  : A extends IndicesArg
    ? Int32Array
    : A extends CodeArg<string, infer S>
      ? CodeSets[S]
      : A extends FlagArg
        ? boolean
        : A extends ScalarArg
          ? number
          : never;
type Given = MatrixArg | IndicesArg | ScalarArg | FlagArg | CodeArg;
type GivenOf<A extends readonly unknown[]> = A extends readonly [infer H, ...infer R]
  ? H extends Given
    ? [ValueOf<H>, ...GivenOf<R>]
    : GivenOf<R>
  : [];

/**
 * What a caller gives a kernel, positionally, in the description's order: e.g. GivenArgs<'addBias'> =
 * [Matrix, Matrix] for (Z, b), GivenArgs<'gemm'> = [boolean, boolean, number, Matrix, Matrix, number,
 * Matrix] for (transA, transB, alpha, A, B, beta, C), the Backend methods' own orders. A description
 * that reorders or retypes them fails to compile where the native backend calls it.
 */
export type GivenArgs<K extends KernelName> = GivenOf<(typeof KERNELS)[K]['args']>;

/**
 * A kernel's call, compiled once from its description in kernel-spec.ts: the caller passes the values
 * the description says a caller gives (matrices, indices, scalars, flags, codes), in the described
 * order, which is the Backend method's own order; the plan binds the shape variables to slots, checks
 * every matrix against them and fills the addon's argument list. Only arrays and small integers are
 * touched per call (a few hundred nanoseconds, where walking the description by name costs a few
 * microseconds: W2 makes some thirty kernel calls a step). Any check that fails hands the call to
 * `resolveDims`, which throws the description's own error, so messages are the same as the wasm backend's.
 */
export interface MarshalPlan<K extends KernelName = KernelName> {
  readonly kernel: K;
  /** Names of the given values, in order (to rebuild the named call for `resolveDims`). */
  readonly names: readonly string[];
  readonly shapes: readonly Shape[];
  readonly steps: readonly Step[];
  readonly slots: number;
  /** The addon's argument list, reused by every call (calls never nest). */
  readonly out: unknown[];
}

/** A matrix's check: its stored (rows, cols) against slots (-1: the constant 1), binding first uses. */
interface Shape {
  readonly g: number;
  readonly rows: number;
  readonly cols: number;
  readonly bindRows: boolean;
  readonly bindCols: boolean;
  /** The given flag that, when set, means the matrix is stored transposed; -1 when none. */
  readonly flip: number;
}

/** One argument of the addon call. */
type Step =
  | { readonly k: 'data' | 'value' | 'flag' | 'size' | 'cols'; readonly g: number }
  | { readonly k: 'code'; readonly g: number; readonly set: CodeSet }
  | { readonly k: 'dim'; readonly s: number }
  | { readonly k: 'indices'; readonly g: number; readonly s: number };

const GIVEN = new Set<KernelArg['kind']>(['matrix', 'indices', 'scalar', 'flag', 'code']);

/** Compiles a kernel's description into a plan. */
export function planOf<K extends KernelName>(kernel: K): MarshalPlan<K> {
  const spec = kernelSpec(kernel);
  const given = spec.args.filter((a) => GIVEN.has(a.kind));
  const names = given.map((a) => a.name);
  const slotOf = new Map<string, number>();
  const slot = (d: Dim) => (d === 1 ? -1 : (slotOf.get(d) ?? slotOf.set(d, slotOf.size).get(d)!));
  const matrices = given.filter((a): a is MatrixArg => a.kind === 'matrix');
  const from = matrices.findIndex((a) => a.name === spec.shapeFrom);
  const order = from > 0 ? [matrices[from]!, ...matrices.filter((_, i) => i !== from)] : matrices;
  const shapes = order.map((a): Shape => {
    const unbound = (d: Dim) => d !== 1 && !slotOf.has(d);
    const [bindRows, bindCols] = [unbound(a.shape[0]), unbound(a.shape[1])];
    return {
      g: names.indexOf(a.name),
      rows: slot(a.shape[0]),
      cols: slot(a.shape[1]),
      bindRows,
      bindCols: bindCols && a.shape[1] !== a.shape[0],
      flip: a.transposedBy === undefined ? -1 : names.indexOf(a.transposedBy),
    };
  });
  const steps = spec.args.flatMap((a): Step[] => {
    switch (a.kind) {
      case 'matrix':
        return [{ k: 'data', g: names.indexOf(a.name) }];
      case 'indices':
        return [{ k: 'indices', g: names.indexOf(a.name), s: slot(a.length) }];
      case 'scalar':
        return [{ k: 'value', g: names.indexOf(a.name) }];
      case 'flag':
        return [{ k: 'flag', g: names.indexOf(a.name) }];
      case 'code':
        return [{ k: 'code', g: names.indexOf(a.name), set: a.set }];
      case 'dim':
        return [{ k: 'dim', s: slot(a.name) }];
      case 'count':
        return [{ k: 'size', g: names.indexOf(a.of) }];
      case 'stride':
        return [{ k: 'cols', g: names.indexOf(a.of) }];
      case 'scratch':
        return []; // the addon has its own
    }
  });
  return { kernel, names, shapes, steps, slots: slotOf.size, out: new Array<unknown>(steps.length) };
}

/**
 * Checks a call's given values against the plan and returns the addon's arguments (the plan's `out`).
 * `dims` is scratch for the shape variables. Throws the description's error when a shape or dtype is wrong.
 */
export function marshal(plan: MarshalPlan, given: readonly unknown[], dims: Float64Array): unknown[] {
  let dtype: string | undefined;
  for (const sh of plan.shapes) {
    const M = given[sh.g] as Matrix;
    const flipped = sh.flip >= 0 && given[sh.flip] === true;
    const r = flipped ? M.cols : M.rows,
      c = flipped ? M.rows : M.cols;
    if (sh.bindRows) dims[sh.rows] = r;
    else if (r !== (sh.rows < 0 ? 1 : dims[sh.rows])) return refuse(plan, given);
    if (sh.bindCols) dims[sh.cols] = c;
    else if (c !== (sh.cols < 0 ? 1 : dims[sh.cols])) return refuse(plan, given);
    if (dtype === undefined) dtype = M.dtype;
    else if (M.dtype !== dtype) return refuse(plan, given);
  }
  const out = plan.out;
  for (let i = 0; i < plan.steps.length; i++) {
    const s = plan.steps[i]!;
    switch (s.k) {
      case 'data':
        out[i] = (given[s.g] as Matrix).data;
        break;
      case 'value':
        out[i] = given[s.g];
        break;
      case 'flag':
        out[i] = given[s.g] === true ? 1 : 0;
        break;
      case 'code':
        out[i] = codeOf(s.set, given[s.g] as never);
        break;
      case 'dim':
        out[i] = dims[s.s];
        break;
      case 'size':
        out[i] = (given[s.g] as Matrix).size;
        break;
      case 'cols':
        out[i] = (given[s.g] as Matrix).cols;
        break;
      case 'indices':
        if ((given[s.g] as Int32Array).length < dims[s.s]!) return refuse(plan, given);
        out[i] = given[s.g];
        break;
    }
  }
  return out;
}

/** A check failed: `resolveDims` names what is wrong, in the description's words. */
function refuse(plan: MarshalPlan, given: readonly unknown[]): never {
  const named = Object.fromEntries(plan.names.map((n, i) => [n, given[i]]));
  resolveDims(plan.kernel, named as never);
  throw new Error(`native backend: ${plan.kernel}: the compiled check refused a call the description accepts`);
}
