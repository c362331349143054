// The thread pool on its own (src/backend/threads/): one claim loop for the calling thread and the
// workers, whose failures come back to the caller once every thread is done, and the kernels
// trapping on a code they do not know instead of running another kind's branch.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACTIVATION_CODES, LOSS_CODES } from '../../src/backend/kernel-spec.js';
import { ThreadPool } from '../../src/backend/threads/pool.js';
import type { KernelFn } from '../../src/backend/threads/worker.js';
import { browserWorkerSource, kernelImports, nodeWorkerSource, runChunks } from '../../src/backend/threads/worker.js';
import { compileKernels } from '../../src/backend/wasm/kernels.js';

const unknown = Math.max(...Object.values(ACTIVATION_CODES), ...Object.values(LOSS_CODES)) + 1;

describe('thread pool', () => {
  let pool: ThreadPool;
  let module: WebAssembly.Module;
  let memory: WebAssembly.Memory;
  let fns: Record<string, KernelFn>;
  let f32: Float32Array;
  let base: number;

  before(async () => {
    module = (await compileKernels(true, false)).module;
    memory = new WebAssembly.Memory({ initial: 32, maximum: 1024, shared: true });
    const ex = (await WebAssembly.instantiate(module, kernelImports(memory))).exports;
    fns = ex as unknown as Record<string, KernelFn>;
    base = Math.ceil((fns['heapBase']!() as number) / 64) * 64;
    f32 = new Float32Array(memory.buffer);
    pool = await ThreadPool.start(1, { module, memory, names: ['activationForward_f32', 'axpby_f32'], scratch: [0] });
  });
  after(() => pool.close());

  /** axpby_f32(alpha, X, beta, Y, size) cut into 64 chunks: X and Y advance 4 bytes per entry. */
  function axpby(on: ThreadPool, n: number, alpha: number, fn: KernelFn): void {
    const X = base,
      Y = base + 4 * n;
    on.run(
      'axpby_f32',
      [alpha, X, 0, Y, n],
      {
        dim: n,
        size: n / 64,
        extentArg: 4,
        scratchArg: -1,
        offsets: [
          [1, 4],
          [3, 4],
        ],
      },
      fn,
      0,
    );
  }

  it('runs every chunk once, on the workers and the calling thread', () => {
    const n = 1 << 14;
    for (let i = 0; i < n; i++) f32[base / 4 + i] = i;
    axpby(pool, n, 2, fns['axpby_f32']!);
    for (let i = 0; i < n; i++) assert.equal(f32[base / 4 + n + i], 2 * i, `Y[${i}]`);
  });

  it('a chunk that throws on the calling thread is rethrown after the job, and the pool goes on', async () => {
    // No workers, so that the calling thread runs every chunk (with workers, which thread runs which
    // chunk is up to the scheduler).
    const alone = await ThreadPool.start(0, { module, memory, names: ['axpby_f32'], scratch: [] });
    let chunks = 0;
    const boom: KernelFn = () => {
      if (++chunks === 3) throw new Error('boom');
    };
    assert.throws(() => axpby(alone, 1 << 14, 2, boom), { message: 'boom' });
    assert.equal(chunks, 64, 'the other chunks still ran');
    axpby(alone, 1 << 14, 3, fns['axpby_f32']!);
    assert.equal(f32[base / 4 + (1 << 14) + 5], 15);
    alone.close();
  });

  it('an unknown activation code traps in a worker or the caller, and the pool goes on', () => {
    // activationForward_f32(kind, Z, A, n, m, alpha, scratch), cut by rows: every chunk traps.
    const run = () =>
      pool.run(
        'activationForward_f32',
        [unknown, base, base, 64, 4, 0, 0],
        {
          dim: 64,
          size: 1,
          extentArg: 3,
          scratchArg: -1,
          offsets: [
            [1, 16],
            [2, 16],
          ],
        },
        fns['activationForward_f32']!,
        0,
      );
    assert.throws(run, /unreachable|failed in a worker thread/);
    axpby(pool, 1 << 14, 1, fns['axpby_f32']!);
    assert.equal(f32[base / 4 + (1 << 14) + 7], 7);
  });

  it('workers run the very claim loop the calling thread runs (source text of the same functions)', () => {
    for (const src of [nodeWorkerSource, browserWorkerSource]) {
      assert.ok(src.includes(runChunks.toString()), 'runChunks');
      assert.ok(src.includes(kernelImports.toString()), 'kernelImports');
    }
  });
});

describe('kernels on a code outside their set', () => {
  it('trap (unreachable) instead of running another kind', async () => {
    const { module } = await compileKernels(false, false);
    const memory = new WebAssembly.Memory({ initial: 32, maximum: 1024 });
    const ex = (await WebAssembly.instantiate(module, kernelImports(memory))).exports as unknown as Record<
      string,
      KernelFn
    >;
    const p = Math.ceil((ex['heapBase']!() as number) / 64) * 64;
    for (const T of ['f32', 'f64']) {
      const trap = { name: 'RuntimeError', message: /unreachable/ };
      assert.throws(() => ex[`activationForward_${T}`]!(unknown, p, p + 256, 2, 4, 0, p + 512), trap, 'forward');
      assert.throws(
        () => ex[`activationBackward_${T}`]!(unknown, p, p, p, p + 256, 2, 4, 0, p + 512),
        trap,
        'backward',
      );
      assert.throws(() => ex[`lossSum_${T}`]!(unknown, p, p, 8, 1e-30), trap, 'lossSum');
      assert.throws(() => ex[`lossGradient_${T}`]!(unknown, p, p, p + 256, 8, 1e-30), trap, 'lossGradient');
      // The known codes run.
      ex[`activationForward_${T}`]!(ACTIVATION_CODES.linear, p, p + 256, 2, 4, 0, p + 512);
      ex[`lossSum_${T}`]!(LOSS_CODES['mean-squared-error'], p, p, 8, 1e-30);
    }
  });
});
