// What only the WebAssembly backend has: matrices in its own memory, an allocator that must stay
// flat when a training loop reuses its matrices, memory growth under live matrices, threads that
// never keep a process alive, and the registry's initBackends.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { defaultBackend, getBackend, initBackends, nativeBackendReason } from '../../src/backend/index.js';
import { ThreadPool } from '../../src/backend/threads/pool.js';
import { checkFingerprint, createWasmBackend, WasmMatrix } from '../../src/backend/wasm/index.js';
import { specFingerprint } from '../../src/backend/kernel-spec.js';
import { zeros as jsZeros } from '../../src/core/matrix.js';
import { fill } from './backends.js';

describe('wasm kernels and the kernel description', () => {
  it('kernels compiled from another kernel-spec.ts are refused, naming the rebuild', () => {
    const want = specFingerprint();
    checkFingerprint({ specFingerprint: () => want | 0 }); // as an i32 export returns it
    const other = (want ^ 1) >>> 0;
    assert.throws(() => checkFingerprint({ specFingerprint: () => other }), {
      message:
        `wasm backend: the compiled kernels were built from another kernel-spec.ts (fingerprint ` +
        `${other.toString(16)}, not ${want.toString(16)}); rebuild them with npm run build:wasm`,
    });
  });
});

describe('wasm backend memory', () => {
  it('zeros live in wasm memory, and memory stays flat over thousands of reused iterations', async () => {
    const be = await createWasmBackend({ threads: 1 });
    const W = fill(be.zeros(64, 100, 'float32'), 1);
    assert.ok(W instanceof WasmMatrix);
    const X = fill(be.zeros(100, 32, 'float32'), 2);
    const Z = be.zeros(64, 32, 'float32');
    const step = () => {
      // A per-iteration temporary that the caller frees, and a plain-memory input (copied through scratch).
      const T = be.zeros(64, 32, 'float32');
      be.gemm(false, false, 1, W, X, 0, T);
      be.activationForward('relu', T, Z, 0);
      be.sumColumns(Z, be.zeros(64, 1, 'float32'), 1 / 32);
      be.free(T);
    };
    step();
    const before = be.memoryBytes;
    for (let i = 0; i < 3000; i++) {
      const T = be.zeros(64, 32, 'float32');
      be.gemm(false, false, 1, W, X, 0, T);
      be.activationForward('relu', T, Z, 0);
      be.free(T);
    }
    assert.equal(be.memoryBytes, before, 'kernel memory did not grow');
  });

  for (const sharedMemory of [true, false]) {
    it(`growing the ${sharedMemory ? 'shared' : 'unshared'} memory keeps earlier matrices readable`, async () => {
      // An unshared buffer is detached by growth: the matrix must find the new one.
      const be = await createWasmBackend({ threads: 1, sharedMemory });
      const A = be.zeros(3, 3, 'float64');
      A.data.set([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const big = be.zeros(4096, 4096, 'float32'); // 64 MiB: forces memory.grow
      assert.deepEqual(Array.from(A.data), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
      be.free(big);
      const C = be.zeros(3, 3, 'float64');
      be.gemm(false, false, 1, A, A, 0, C);
      assert.deepEqual(Array.from(C.data), [30, 36, 42, 66, 81, 96, 102, 126, 150]);
    });
  }

  it('refuses matrices of two dtypes in one call, and recovers', async () => {
    const be = await createWasmBackend({ threads: 1 });
    assert.throws(() => be.subtract(be.zeros(1, 2, 'float32'), be.zeros(1, 2, 'float64'), be.zeros(1, 2, 'float32')), {
      name: 'ShapeError',
      message: 'subtract: all matrices must share one dtype but got float32 and float64',
    });
    const d = be.zeros(1, 2, 'float64');
    be.subtract(fill(be.zeros(1, 2, 'float64'), 1), be.zeros(1, 2, 'float64'), d);
    assert.notEqual(d.data[0], 0);
  });

  it('a call that fails frees the scratch copies it made', async () => {
    const be = await createWasmBackend({ threads: 1 });
    const s = be.zeros(64, 64, 'float32');
    be.free(s);
    // W, dW and v (plain memory, new each time) are copied in before the freed s is met.
    const plain = () => jsZeros(64, 64, 'float32');
    const fail = () => be.adamStep(plain(), plain(), plain(), s, 1, 0.9, 0.999, 1e-8, 1);
    assert.throws(fail, /used after free/);
    const before = be.memoryBytes;
    for (let i = 0; i < 100; i++) assert.throws(fail, /used after free/);
    assert.equal(be.memoryBytes, before, 'no scratch copy leaked');
  });

  it('refuses a matrix used after free', async () => {
    const be = await createWasmBackend({ threads: 1 });
    const A = be.zeros(2, 2, 'float32');
    be.free(A);
    be.free(A); // a second free is harmless
    assert.throws(() => be.sumSquares(A), /used after free/);
  });
});

describe('wasm backend threads', () => {
  it('a process with worker threads exits by itself', () => {
    const code = `
      import { createWasmBackend } from './src/backend/wasm/index.ts';
      const be = await createWasmBackend({ threads: 2 });
      const A = be.zeros(256, 256, 'float32'); A.data.fill(1);
      const C = be.zeros(256, 256, 'float32');
      be.gemm(false, false, 1, A, A, 0, C);
      console.log(be.threads, C.data[0]);`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      timeout: 20000,
    }).toString();
    assert.equal(out.trim(), '2 256');
  });

  it("cuts calls as the hand-written offsets did: whole micro-tiles, the longer of M and N, pointers by the operands' strides", async () => {
    // Pinned: the chunking kernel-spec.ts yields for the workloads' shapes, identical to what
    // backend.ts wrote by hand before the description existed.
    const be = await createWasmBackend({ threads: 2 });
    const seen: string[] = [];
    const run = ThreadPool.prototype.run;
    ThreadPool.prototype.run = function (this: ThreadPool, name, args, c, fn, own) {
      seen.push(
        `${name} ${c.dim}/${c.size} extent@${c.extentArg} scratch@${c.scratchArg} ${JSON.stringify(c.offsets)}`,
      );
      return run.call(this, name, args, c, fn, own);
    };
    try {
      const z = (r: number, c: number) => be.zeros(r, c, 'float32');
      be.gemm(false, false, 1, z(128, 784), z(784, 128), 0, z(128, 128)); // W2 W·A: N on a tie
      be.gemm(false, true, 1, z(128, 128), z(784, 128), 0, z(128, 784)); // dZ·A_prevᵀ: N, B by rows
      be.gemm(true, false, 1, z(128, 784), z(128, 128), 0, z(784, 128)); // Wᵀ·dZ: M, Aᵀ by columns
      be.gemm(false, false, 1, z(8, 8), z(8, 8), 0, z(8, 8)); // too small: one thread
      const Z = z(520, 513);
      be.addBias(Z, z(520, 1));
      be.activationForward('relu', Z, Z, 0);
      be.activationForward('softmax', Z, Z, 0); // column-wise: one thread
      be.axpby(1, Z, 1, z(520, 513));
    } finally {
      ThreadPool.prototype.run = run;
      be.close();
    }
    assert.deepEqual(seen, [
      'gemm_f32 128/64 extent@3 scratch@13 [[8,4],[11,4]]',
      'gemm_f32 784/200 extent@3 scratch@13 [[8,512],[11,4]]',
      'gemm_f32 784/196 extent@2 scratch@13 [[6,4],[11,512]]',
      'addBias_f32 520/260 extent@2 scratch@-1 [[0,2052],[1,4]]',
      'activationForward_f32 520/260 extent@3 scratch@-1 [[1,2052],[2,2052]]',
      'axpby_f32 266760/133380 extent@4 scratch@-1 [[1,4],[3,4]]',
    ]);
  });

  it('LNN_THREADS picks the thread count', () => {
    const code = `
      import { createWasmBackend } from './src/backend/wasm/index.ts';
      console.log((await createWasmBackend()).threads);`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
      timeout: 20000,
      env: { ...process.env, LNN_THREADS: '3' },
    }).toString();
    assert.equal(out.trim(), '3');
  });
});

describe('initBackends', () => {
  it('registers wasm, which becomes the default unless the native addon loaded', async () => {
    await initBackends();
    await initBackends(); // idempotent
    assert.equal(getBackend('wasm').name, 'wasm');
    // The fastest that loaded: native where its addon is built (test/backend/native.test.ts), else wasm.
    assert.equal(defaultBackend().name, nativeBackendReason() === undefined ? 'native' : 'wasm');
    assert.equal(getBackend('ts').name, 'ts');
  });
});
