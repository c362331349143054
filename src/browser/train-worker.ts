/**
 * The Web Worker script `trainInWorker` starts, as a module worker: it loads the fastest kernels the
 * worker has (WebAssembly SIMD, with threads of its own where the page is cross-origin isolated), says
 * so, then serves training runs. A bundler must emit it as a file of its own: docs/browser.md shows how.
 */
import { defaultBackend, initBackends } from '../backend/index.js';
import { answerTraining } from './answer-training.js';
import type { FromWorker, Port } from './protocol.js';

const scope = globalThis as unknown as Port;
await initBackends();
answerTraining(scope);
const backend = defaultBackend();
scope.postMessage({ type: 'ready', backend: backend.name, threads: backend.threads } satisfies FromWorker);
