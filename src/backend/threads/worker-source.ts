/**
 * The code every kernel worker runs, as source text so that it needs no file of its own: Node
 * starts it with `new Worker(src, { eval: true })`, browsers from a Blob URL. Each worker
 * instantiates the kernels over the shared memory, then loops: wait for the job counter to move
 * (spinning briefly first, since jobs come in quick bursts during training), run its slot's job,
 * count itself done.
 *
 * Control block (Int32 view): [0] job sequence, [1] workers still running, [2] stop, [3] error.
 * Job slot of worker w (Float64 view at byte 64 + w·JOB_SLOT·8): [0] function index (-1 = none),
 * [1] argument count, [2...] arguments.
 */
export const JOB_SLOT = 24;
/** Polls before sleeping (tens of µs): a training step's GEMMs follow each other closely. */
export const SPIN_LIMIT = 20000;

const body = `
function lnnKernelWorker(data, post) {
  const inst = new WebAssembly.Instance(data.module, { env: { memory: data.memory, abort() { throw new Error('kernel aborted'); } } });
  const fns = data.names.map((n) => inst.exports[n]);
  const ctrl = new Int32Array(data.control, 0, 16);
  const job = new Float64Array(data.control, 64 + data.index * ${JOB_SLOT} * 8, ${JOB_SLOT});
  const args = [];
  let seen = Atomics.load(ctrl, 0);
  post('ready');
  for (;;) {
    let spins = 0;
    while (Atomics.load(ctrl, 0) === seen) {
      if (++spins > ${SPIN_LIMIT}) { Atomics.wait(ctrl, 0, seen); spins = 0; }
    }
    seen = Atomics.load(ctrl, 0);
    if (Atomics.load(ctrl, 2) !== 0) return;
    const id = job[0];
    if (id >= 0) {
      args.length = job[1];
      for (let i = 0; i < args.length; i++) args[i] = job[2 + i];
      try { fns[id].apply(null, args); } catch (e) { Atomics.store(ctrl, 3, 1); }
    }
    if (Atomics.sub(ctrl, 1, 1) === 1) Atomics.notify(ctrl, 1);
  }
}
`;

/** For `new Worker(nodeWorkerSource, { eval: true, workerData })` in Node. */
export const nodeWorkerSource = `${body}
const { parentPort, workerData } = require('node:worker_threads');
lnnKernelWorker(workerData, (m) => parentPort.postMessage(m));
`;

/** For `new Worker(URL.createObjectURL(new Blob([browserWorkerSource])))`; started by one message. */
export const browserWorkerSource = `${body}
self.onmessage = (e) => { self.onmessage = null; lnnKernelWorker(e.data, (m) => self.postMessage(m)); };
`;
