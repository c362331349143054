/**
 * A trial thread (worker_threads): loads the kernels with its own thread budget, rebuilds the shared
 * sets, then trains the trials it is sent, one at a time. At a pruning rung it asks the sweep and waits
 * (Atomics.wait on a shared flag), so the training loop stays synchronous.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { defaultBackend, getBackend, initBackends } from '../backend/index.js';
import type { TrialSpec } from './scheduler.js';
import { preparedFrom } from './shared-data.js';
import type { ThreadData, ToThread } from './trial-pool.js';
import { runTrial, type RungCheck, type TrialProgress } from './run-trial.js';

const data = workerData as ThreadData;
const port = parentPort!;
await initBackends({ threads: data.threads });
const backend = data.backend !== undefined ? getBackend(data.backend) : defaultBackend();
const prepared = preparedFrom(data.sets);
const flag = new Int32Array(data.signal);
const ground = { prepared, backend, ranOn: data.ranOn };

/** Posts the rung's dev error and blocks until the sweep answers (flag[0] = 1, flag[1] = go on). */
function askRung(spec: TrialSpec): RungCheck {
  return (r, devError) => {
    port.postMessage({ type: 'rung', id: spec.id, r, devError });
    Atomics.wait(flag, 0, 0);
    const goOn = Atomics.load(flag, 1) === 1;
    Atomics.store(flag, 0, 0);
    return goOn;
  };
}

port.on('message', async (msg: ToThread) => {
  const progress = (p: TrialProgress) => port.postMessage({ type: 'progress', id: msg.spec.id, progress: p });
  const run = await runTrial(msg.spec, ground, {
    ...(msg.prune ? { rung: askRung(msg.spec) } : {}),
    ...(msg.progress ? { progress } : {}),
  });
  port.postMessage({ type: 'done', run });
});
port.postMessage({ type: 'ready', backend: backend.name, threads: backend.threads });
