// What only the WebAssembly backend has: matrices in its own memory, an allocator that must stay
// flat when a training loop reuses its matrices, memory growth under live matrices, threads that
// never keep a process alive, and the registry's initBackends.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { defaultBackend, getBackend, initBackends } from '../../src/backend/index.js';
import { createWasmBackend, WasmMatrix } from '../../src/backend/wasm/index.js';
import { zeros as jsZeros } from '../../src/core/matrix.js';
import { fill } from './backends.js';

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
  it('registers wasm, which becomes the default', async () => {
    await initBackends();
    await initBackends(); // idempotent
    assert.equal(getBackend('wasm').name, 'wasm');
    assert.equal(defaultBackend().name, 'wasm');
    assert.equal(getBackend('ts').name, 'ts');
  });
});
