import * as compiled from './generated/kernels.js';
import { decodeBase64, env, importNodeBuiltin, isNode } from './platform.js';

/** Pointers are byte offsets into the kernels' memory; booleans travel as 0/1. */
type Ptr = number;
type Flag = number;

/** The exports of assembly/index.ts, per dtype suffix. */
export interface KernelExports {
  heapBase(): number;
  gemmScratchBytes(): number;
  relaxed(): number;
  copyBytes(src: Ptr, dst: Ptr, bytes: number): void;
  [name: string]: ((...args: number[]) => number | void) | WebAssembly.Memory | WebAssembly.Global;
}

/** The f32 or f64 half of the exports, with the suffix dropped. */
export interface TypedKernels {
  gemm(
    tA: Flag,
    tB: Flag,
    M: number,
    N: number,
    K: number,
    alpha: number,
    A: Ptr,
    lda: number,
    B: Ptr,
    ldb: number,
    beta: number,
    C: Ptr,
    ldc: number,
    scratch: Ptr,
  ): void;
  addBias(Z: Ptr, b: Ptr, n: number, m: number): void;
  activationForward(kind: number, Z: Ptr, A: Ptr, n: number, m: number, alpha: number, scratch: Ptr): void;
  activationBackward(
    kind: number,
    dA: Ptr,
    Z: Ptr,
    A: Ptr,
    dZ: Ptr,
    n: number,
    m: number,
    alpha: number,
    scratch: Ptr,
  ): void;
  sumColumns(X: Ptr, out: Ptr, n: number, m: number, scale: number): void;
  lossSum(kind: number, AL: Ptr, Y: Ptr, size: number, eps: number): number;
  lossGradient(kind: number, AL: Ptr, Y: Ptr, dAL: Ptr, size: number, eps: number): void;
  subtract(X: Ptr, Y: Ptr, out: Ptr, size: number): void;
  axpby(alpha: number, X: Ptr, beta: number, Y: Ptr, size: number): void;
  multiply(X: Ptr, D: Ptr, out: Ptr, size: number): void;
  sumSquares(X: Ptr, size: number): number;
  momentumStep(W: Ptr, dW: Ptr, v: Ptr, size: number, lr: number, beta: number): void;
  adamStep(
    W: Ptr,
    dW: Ptr,
    v: Ptr,
    s: Ptr,
    size: number,
    lr: number,
    b1: number,
    b2: number,
    eps: number,
    c1: number,
    c2: number,
  ): void;
  predictClasses(A: Ptr, out: Ptr, n: number, m: number, threshold: number): void;
}

const typedNames: (keyof TypedKernels)[] = [
  'gemm',
  'addBias',
  'activationForward',
  'activationBackward',
  'sumColumns',
  'lossSum',
  'lossGradient',
  'subtract',
  'axpby',
  'multiply',
  'sumSquares',
  'momentumStep',
  'adamStep',
  'predictClasses',
];

/** Picks the `_f32` or `_f64` exports into one object. */
export function typedKernels(ex: KernelExports, suffix: 'f32' | 'f64'): TypedKernels {
  const out: Record<string, unknown> = {};
  for (const name of typedNames) out[name] = ex[`${name}_${suffix}`];
  return out as unknown as TypedKernels;
}

/**
 * Whether relaxed-SIMD validates here. Node 20's V8 ships it behind `--experimental-wasm-relaxed-simd`;
 * V8 reads wasm feature flags when a module is validated, so setting the flag at run time with
 * `v8.setFlagsFromString` before compiling enables it (LNN_RELAXED_SIMD=0 opts out).
 */
async function relaxedSimdAvailable(bytes: Uint8Array<ArrayBuffer>): Promise<boolean> {
  if (env('LNN_RELAXED_SIMD') === '0') return false;
  if (WebAssembly.validate(bytes)) return true;
  if (!isNode) return false;
  const v8 = await importNodeBuiltin<typeof import('node:v8')>('v8');
  v8.setFlagsFromString('--experimental-wasm-relaxed-simd');
  return WebAssembly.validate(bytes);
}

/** The compiled module to use: relaxed-SIMD when the runtime validates it, plain SIMD otherwise. */
export async function compileKernels(
  shared: boolean,
  tryRelaxed = true,
): Promise<{ module: WebAssembly.Module; relaxed: boolean }> {
  const relaxedBytes = decodeBase64(shared ? compiled.relaxedShared : compiled.relaxedUnshared);
  const relaxed = tryRelaxed && (await relaxedSimdAvailable(relaxedBytes));
  const bytes = relaxed ? relaxedBytes : decodeBase64(shared ? compiled.simdShared : compiled.simdUnshared);
  if (!WebAssembly.validate(bytes)) throw new Error('wasm backend: this runtime does not support WebAssembly SIMD');
  return { module: await WebAssembly.compile(bytes), relaxed };
}
