/**
 * What the machine can tell of its memory, for the memory check and the streaming budget: Node's free
 * and total memory; in a browser, `navigator.deviceMemory` (total only, rounded and capped by the
 * browser: 16 GiB in Chromium 156) where it exists, else nothing. Detected rather than registered, so that
 * every Node thread (a sweep's trials) has the figures. Browser-safe: node:os is imported at run time,
 * under Node only.
 */
import { importNodeBuiltin, isNode } from '../backend/wasm/platform.js';

const os = isNode ? await importNodeBuiltin<typeof import('node:os')>('os') : undefined;

/** Bytes of memory free now and in all; a figure the runtime does not give is absent. */
export interface MachineMemory {
  free?: number;
  total?: number;
}

/** The machine's memory as the runtime tells it. */
export function machineMemory(): MachineMemory {
  if (os) return { free: os.freemem(), total: os.totalmem() };
  const gib = (globalThis as { navigator?: { deviceMemory?: unknown } }).navigator?.deviceMemory;
  return typeof gib === 'number' && gib > 0 ? { total: gib * 2 ** 30 } : {};
}
