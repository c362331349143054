// The page's script: the library bundled for the browser, training trainSmall on the wasm backend.
import { backendInitError, getBackend, initBackends } from '../../src/backend/index.js';
import type { WasmBackend } from '../../src/backend/wasm/index.js';
import { trainSmall } from './train-small.js';

async function run(): Promise<unknown> {
  await initBackends({ threads: 2 });
  const err = backendInitError();
  if (err) throw err instanceof Error ? err : new Error(String(err));
  const be = getBackend('wasm') as WasmBackend;
  return {
    costs: trainSmall(be),
    threads: be.threads,
    relaxedSimd: be.relaxedSimd,
    isolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
  };
}

(globalThis as { lnnResult?: Promise<unknown> }).lnnResult = run();
