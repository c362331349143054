/**
 * The code every kernel worker runs, as source text so that it needs no file of its own: Node
 * starts it with `new Worker(src, { eval: true })`, browsers from a Blob URL. Each worker
 * instantiates the kernels over the shared memory, then loops: wait for a job (spinning briefly
 * first, since a training step's GEMMs follow each other closely), then claim chunks of it until
 * none are left. The calling thread claims chunks too, so a worker that the OS has not scheduled
 * (a busy machine) costs nothing: the caller simply does every chunk itself.
 *
 * Control block (Int32 view):
 *   [0] NEXT: job sequence << 16 | next chunk to claim (0xffff while the job is being written)
 *   [1] ACTIVE: workers inside a claim or a chunk; the caller returns once all chunks are claimed
 *       and ACTIVE is 0
 *   [2] STOP, [3] ERROR (a chunk threw)
 * Job (Float64 view at byte 64): [0] function index, [1] argument count, [2...] arguments;
 *   at JOB_CHUNKS: chunk count, chunk size, dimension, index of the argument that takes the chunk's
 *   extent, index of the scratch argument (each thread has its own; -1: none), number of offsets, then
 *   (argument index, bytes per unit) pairs: pointers that advance by lo · bytes for chunk [lo, hi).
 */
export const JOB_CHUNKS = 24;
export const JOB_LENGTH = 48;
export const CLOSED = 0xffff;
/** Polls before sleeping (tens of µs). Longer spins hurt badly when other processes hold the cores. */
export const SPIN_LIMIT = 20000;

const body = `
function lnnClaim(ctrl, seq, n) {
  for (;;) {
    const v = Atomics.load(ctrl, 0);
    if ((v >>> 16) !== seq || (v & 0xffff) >= n) return -1;
    if (Atomics.compareExchange(ctrl, 0, v, v + 1) === v) return v & 0xffff;
  }
}
function lnnKernelWorker(data, post) {
  const inst = new WebAssembly.Instance(data.module, { env: { memory: data.memory, abort() { throw new Error('kernel aborted'); } } });
  const fns = data.names.map((n) => inst.exports[n]);
  const ctrl = new Int32Array(data.control, 0, 16);
  const job = new Float64Array(data.control, 64, ${JOB_LENGTH});
  const C = ${JOB_CHUNKS};
  const args = [];
  let last = Atomics.load(ctrl, 0) >>> 16;
  post('ready');
  for (;;) {
    let v, spins = 0;
    while (((v = Atomics.load(ctrl, 0)) >>> 16) === last || (v & 0xffff) === ${CLOSED}) {
      if (Atomics.load(ctrl, 2) !== 0) return;
      if (++spins > ${SPIN_LIMIT}) { Atomics.wait(ctrl, 0, v); spins = 0; }
    }
    const seq = v >>> 16;
    last = seq;
    const fn = fns[job[0]], nargs = job[1], n = job[C], size = job[C + 1], dim = job[C + 2], extentArg = job[C + 3], scratchArg = job[C + 4], nOff = job[C + 5];
    for (;;) {
      Atomics.add(ctrl, 1, 1);
      const c = lnnClaim(ctrl, seq, n);
      if (c >= 0) {
        args.length = nargs;
        for (let i = 0; i < nargs; i++) args[i] = job[2 + i];
        const lo = c * size;
        args[extentArg] = Math.min(dim, lo + size) - lo;
        if (scratchArg >= 0) args[scratchArg] = data.scratch;
        for (let k = 0; k < nOff; k++) args[job[C + 6 + 2 * k]] += lo * job[C + 7 + 2 * k];
        try { fn.apply(null, args); } catch (e) { Atomics.store(ctrl, 3, 1); }
      }
      if (Atomics.sub(ctrl, 1, 1) === 1) Atomics.notify(ctrl, 1);
      if (c < 0) break;
    }
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
