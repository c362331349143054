import * as compiled from './generated/kernels.js';
import { decodeBase64, env, importNodeBuiltin, isNode } from './platform.js';

/**
 * The exports of assembly/index.ts (generated from kernel-spec.ts): for each kernel, `<name>_f32` and
 * `<name>_f64` (pointers are byte offsets into the kernels' memory, flags travel as 0/1), and these four.
 */
export interface KernelExports {
  heapBase(): number;
  gemmScratchBytes(): number;
  relaxed(): number;
  /** kernel-spec.ts's specFingerprint() when the module was generated (as a signed i32). */
  specFingerprint(): number;
  [name: string]: ((...args: number[]) => number | void) | WebAssembly.Memory | WebAssembly.Global;
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
