// What only the native backend has: an addon held to the kernel description, memory the addon allocates
// and frees (flat over 10,000 training iterations), clear errors instead of crashes for bad buffers,
// matrices of other backends used in place, threads and instruction sets chosen at run time, and the
// fallback to wasm when the addon is off, missing, or cannot be built. Kernel values are tested with
// every other backend in kernels.test.ts and random.test.ts.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KERNEL_NAMES } from '../../src/backend/kernel-spec.js';
import { loadAddon, mismatch, nativeParams, type NativeAddon } from '../../src/backend/native/addon.js';
import { createNativeBackend, loadNativeBackend, NativeMatrix } from '../../src/backend/native/index.js';
import { createWasmBackend } from '../../src/backend/wasm/index.js';
import { Matrix, zeros as jsZeros } from '../../src/core/matrix.js';
import { repoRoot } from '../helpers/util.js';
import { fill, nativeUnavailable, reference } from './backends.js';

const unavailable = await nativeUnavailable();
const skip = unavailable ? `the native addon is unavailable: ${unavailable}` : false;

/** Runs an ES module snippet from the repository root; returns its stdout (trimmed). */
function run(code: string, env: Record<string, string> = {}, flags: string[] = []): string {
  return execFileSync(process.execPath, [...flags, '--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: repoRoot,
    timeout: 60000,
    env: { ...process.env, ...env },
  })
    .toString()
    .trim();
}

describe('native addon and the kernel description', { skip }, () => {
  it('takes every kernel with the described parameters, in order, and the described codes', async () => {
    const r = await loadAddon();
    assert.ok('addon' in r);
    const d = r.addon.describe();
    for (const k of KERNEL_NAMES) assert.deepEqual(d.kernels[k], nativeParams(k), `${k}'s parameters`);
    assert.equal(mismatch(d), undefined);
  });

  it('a build whose order or codes differ is refused, saying where', async () => {
    const r = (await loadAddon()) as { addon: NativeAddon };
    const d = r.addon.describe();
    const swapped = { ...d, kernels: { ...d.kernels, addBias: ['b', 'Z', 'n', 'm'] } };
    assert.equal(mismatch(swapped), 'its addBias takes (b Z n m), not (Z b n m)');
    assert.equal(
      mismatch({ ...d, losses: ['mean-squared-error', ...d.losses.slice(1)] }),
      "its loss code 0 is 'mean-squared-error', not 'binary-cross-entropy'",
    );
  });

  it('a binding read out of its signature order is an error, not a misread argument', async () => {
    // The addon checks each parameter name as it reads it; a wrong count is the visible case from JS.
    const be = await createNativeBackend({ threads: 1 });
    const k = (be as unknown as { k: Record<string, (...a: unknown[]) => unknown> }).k;
    assert.throws(() => k.sumSquares!(new Float32Array(2)), {
      name: 'TypeError',
      message: 'native backend: sumSquares: takes 2 arguments but got 1',
    });
  });
});

describe('native backend memory', { skip }, () => {
  it('zeros are zeroed, in the addon memory, and free releases them at once', async () => {
    const be = await createNativeBackend({ threads: 1 });
    const A = be.zeros(3, 5, 'float64');
    assert.ok(A instanceof NativeMatrix);
    assert.ok(A.data instanceof Float64Array);
    assert.deepEqual([...A.data], Array(15).fill(0));
    be.free(A);
    assert.equal(A.data.length, 0, 'the buffer is detached');
    be.free(A); // a second free is harmless
    be.free(jsZeros(2, 2)); // a matrix this backend did not allocate is left alone
  });

  it('a freed matrix is refused with its name, not read', async () => {
    const be = await createNativeBackend({ threads: 1 });
    const X = fill(be.zeros(4, 4, 'float32'), 1);
    be.free(X);
    assert.throws(() => be.sumSquares(X), {
      name: 'TypeError',
      message: 'native backend: sumSquares: X was used after free (its buffer is detached)',
    });
    const C = be.zeros(4, 4, 'float32');
    be.free(C);
    assert.throws(() => be.gemm(false, false, 1, be.zeros(4, 4, 'float32'), be.zeros(4, 4, 'float32'), 0, C), {
      message: 'native backend: gemm: C was used after free (its buffer is detached)',
    });
  });

  it('a wrong buffer size is an error, not a stray read or write', async () => {
    const be = await createNativeBackend({ threads: 1 });
    // A Matrix-shaped object whose array is shorter than its shape: what an untyped caller can pass.
    const bad = { rows: 3, cols: 3, size: 9, dtype: 'float32', data: new Float32Array(4) } as unknown as Matrix;
    assert.throws(() => be.sumSquares(bad), {
      name: 'RangeError',
      message: 'native backend: sumSquares: X holds 4 values but the call needs 9 (a wrong buffer size)',
    });
    assert.throws(() => be.gemm(false, false, 1, bad, be.zeros(3, 2, 'float32'), 0, be.zeros(3, 2, 'float32')), {
      message: 'native backend: gemm: A holds 4 values but the call needs 9 (a wrong buffer size)',
    });
    const ints = { rows: 1, cols: 2, size: 2, dtype: 'float32', data: new Int32Array(2) } as unknown as Matrix;
    assert.throws(() => be.copy(ints, be.zeros(1, 2, 'float32')), {
      name: 'TypeError',
      message: 'native backend: copy: src must be a Float32Array or a Float64Array',
    });
  });

  it('mixed dtypes and unknown codes are refused by name', async () => {
    const be = await createNativeBackend({ threads: 1 });
    const f32 = be.zeros(2, 2, 'float32'),
      f64 = be.zeros(2, 2, 'float64');
    assert.throws(() => be.multiply(f32, f64, f32), {
      message: 'multiply: all matrices must share one dtype but got float32 and float64',
    });
    assert.throws(() => be.activationForward('swish' as never, f32, f32, 0), {
      message: "unhandled activation 'swish'",
    });
  });

  it('matrices of other backends and plain ones are used in place, with no copy', async () => {
    const be = await createNativeBackend({ threads: 2 });
    const wasm = await createWasmBackend({ threads: 1 });
    for (const dt of ['float32', 'float64'] as const) {
      const A = fill(wasm.zeros(37, 53, dt), 1),
        B = fill(jsZeros(53, 29, dt), 2);
      const C = wasm.zeros(37, 29, dt),
        want = jsZeros(37, 29, dt);
      be.gemm(false, false, 1, A, B, 0, C);
      reference.gemm(false, false, 1, A, B, 0, want);
      // C's own view over the wasm memory holds the product: the addon wrote it there.
      const tol = dt === 'float64' ? 1e-12 : 1e-4;
      for (let i = 0; i < C.size; i++) assert.ok(Math.abs(C.data[i]! - want.data[i]!) <= tol, `C[${i}]`);
    }
    wasm.close();
  });

  const asan = process.env.LD_PRELOAD?.includes('asan')
    ? "AddressSanitizer's quarantine holds freed memory back on purpose"
    : false;
  it(
    'stays flat over 10,000 training iterations (RSS), freeing its matrices or leaving them to the GC',
    { skip: asan },
    (t) => {
      // Phase "free": a workspace, and a per-iteration temporary given back with free(): memory the addon
      // allocated must come back at once, so RSS stays flat. Phase "gc": modelForward/modelBackward allocate
      // their matrices each iteration and never free them; the garbage collector must reclaim them, so RSS
      // levels off. Each phase: a warm-up, then RSS before and after 10,000 iterations. V8's young generation
      // is pinned at its smallest (--max-semi-space-size=1): left alone it grows in steps with the allocation
      // rate (+30 MB of heapTotal here), which is V8 sizing itself, not memory the backend keeps.
      const out = run(
        `
      import { createNativeBackend } from './src/backend/native/index.ts';
      import { initializeParametersDeep } from './src/nn/initializers.ts';
      import { modelForward, modelBackward } from './src/nn/propagation.ts';
      import { updateParameters } from './src/nn/update.ts';
      import { createWorkspace } from './src/nn/workspace.ts';
      const be = await createNativeBackend({ threads: 2 });
      const dims = [48, 32, 16, 1], m = 64;
      const p = {};
      for (const [k, v] of Object.entries(initializeParametersDeep(dims, { seed: 1, dtype: 'float32' }))) {
        const M = be.zeros(v.rows, v.cols, 'float32'); M.data.set(v.data); p[k] = M;
      }
      const X = be.zeros(48, m, 'float32'), Y = be.zeros(1, m, 'float32');
      for (let i = 0; i < X.size; i++) X.data[i] = Math.sin(i);
      for (let j = 0; j < m; j++) Y.data[j] = j % 2;
      const ws = createWorkspace(dims, m, { dtype: 'float32', backend: be });
      const steps = {
        free() {
          const opts = { backend: be, workspace: ws };
          const { AL, caches } = modelForward(X, p, opts);
          updateParameters(p, modelBackward(AL, Y, caches, { ...opts, computeDA0: false }), 0.01, { backend: be });
          const T = be.zeros(32, m, 'float32'); be.gemm(false, false, 1, p.W1, X, 0, T); be.free(T);
        },
        gc() {
          const { AL, caches } = modelForward(X, p, { backend: be });
          updateParameters(p, modelBackward(AL, Y, caches, { backend: be }), 0.01, { backend: be });
        },
      };
      const rss = () => (globalThis.gc(), process.memoryUsage().rss / 2 ** 20);
      const out = {};
      for (const [name, step] of Object.entries(steps)) {
        for (let i = 0; i < 5000; i++) step();
        const before = rss();
        for (let i = 0; i < 10000; i++) step();
        out[name] = [before, rss()];
      }
      console.log(JSON.stringify(out));`,
        {},
        ['--expose-gc', '--max-semi-space-size=1'],
      );
      const r = JSON.parse(out) as Record<'free' | 'gc', [number, number]>;
      const mb = ([a, b]: [number, number]) => `${a.toFixed(1)} MB → ${b.toFixed(1)} MB`;
      t.diagnostic(`RSS over 10,000 iterations: freed ${mb(r.free)}, garbage-collected ${mb(r.gc)}`);
      // A leak of one matrix an iteration would add 80 MB (free) to 190 MB (gc) over 10,000 iterations.
      assert.ok(r.free[1] - r.free[0] < 4, `freed: RSS ${mb(r.free)} over 10,000 iterations`);
      assert.ok(r.gc[1] - r.gc[0] < 40, `garbage-collected: RSS ${mb(r.gc)} over 10,000 iterations`);
    },
  );
});

describe('native backend threads and instruction sets', { skip }, () => {
  it('LNN_THREADS and initBackends({ threads }) pick the thread count; the default is every core', () => {
    const code = `
      import { initBackends, defaultBackend } from './src/backend/index.ts';
      await initBackends(process.env.OPT ? { threads: Number(process.env.OPT) } : {});
      const be = defaultBackend();
      console.log(be.name, be.threads);`;
    assert.equal(run(code, { LNN_THREADS: '3' }), 'native 3');
    assert.equal(run(code, { LNN_THREADS: '3', OPT: '1' }), 'native 1');
    const cores = run(`import os from 'node:os'; console.log(os.availableParallelism())`, { LNN_THREADS: '' });
    assert.equal(run(code, { LNN_THREADS: '' }), `native ${cores}`);
  });

  it('a process with worker threads exits by itself', () => {
    const out = run(`
      import { createNativeBackend } from './src/backend/native/index.ts';
      const be = await createNativeBackend({ threads: 2 });
      const A = be.zeros(256, 256, 'float32'); A.data.fill(1);
      const C = be.zeros(256, 256, 'float32');
      be.gemm(false, false, 1, A, A, 0, C);
      console.log(be.threads, C.data[0]);`);
    assert.equal(out, '2 256');
  });

  it('LNN_NATIVE_ISA forces a variant, and one this CPU lacks is refused by name', async () => {
    const r = (await loadAddon()) as { addon: NativeAddon };
    const isas = r.addon.cpu().isas;
    assert.ok(isas.includes('portable'), 'the portable kernels run everywhere');
    const forced = await createNativeBackend({ threads: 1, isa: 'portable' });
    assert.equal(forced.isa, 'portable');
    await assert.rejects(loadNativeBackend({ isa: 'sse9' }), {
      name: 'RangeError',
      message: `native backend: this CPU cannot run the 'sse9' kernels; it runs ${isas.join(', ')}`,
    });
    // The line goes on with the addon file and where it came from (test/backend/prebuilt.test.ts).
    assert.match(
      run(`import { backendSummary } from './src/backend/index.ts'; console.log(await backendSummary())`, {
        LNN_NATIVE_ISA: 'portable',
        LNN_THREADS: '1',
      }),
      /^backend: native \(portable, 1 thread\) from \S+lnn_native\.node \((prebuilt|built from source|LNN_NATIVE_ADDON)/,
    );
  });
});

describe('on other x86-64 CPUs (emulated): only the kernels the CPU runs', { skip }, () => {
  // qemu-user emulates older CPUs: the addon must pick its kernels from cpuid and never execute an
  // instruction the CPU lacks (an illegal instruction would kill the process). Debian's qemu-user.
  const qemu = spawnSync('qemu-x86_64', ['-version']).status === 0 ? 'qemu-x86_64' : undefined;
  const probe = `
    const a = require(${JSON.stringify(join(repoRoot, 'build/Release/lnn_native.node'))});
    const { isas } = a.cpu(), k = a.createKernels(2, isas[0]);
    const A = a.alloc(37 * 41, false), C = a.alloc(37 * 37, false);
    for (let i = 0; i < A.length; i++) A[i] = (i % 7) - 3;
    k.gemm(0, 1, 37, 37, 41, 1, A, 41, A, 41, 0, C, 37); // C = A·Aᵀ on the pool's two threads
    let s = 0; for (let j = 0; j < 41; j++) s += A[j] * A[41 + j];
    console.log(JSON.stringify({ isas, chosen: k.isa, c01: C[1], expect: s }));`;
  const cases = [
    ['Nehalem-v1', ['portable']], // SSE4.2, no AVX: the portable kernels only
    ['Haswell-v1', ['avx2', 'portable', 'avx512-layout']],
  ] as const;
  for (const [cpu, isas] of cases)
    it(`${cpu}: ${isas[0]} kernels, right results`, { skip: qemu ? false : 'qemu-x86_64 is not installed' }, () => {
      // The normal build, without the AddressSanitizer runtime the ASan job preloads (it cannot map its
      // shadow memory under emulation).
      const { LD_PRELOAD: _preload, ...env } = process.env;
      const r = spawnSync(qemu!, ['-cpu', cpu, process.execPath, '--jitless', '-e', probe], {
        encoding: 'utf8',
        timeout: 120000,
        env,
      });
      assert.equal(r.status, 0, r.stderr);
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
        isas: string[];
        chosen: string;
        c01: number;
        expect: number;
      };
      assert.deepEqual(out.isas, isas);
      assert.equal(out.chosen, isas[0]);
      assert.equal(out.c01, out.expect);
    });
});

describe('the build keeps each instruction set in its own units', { skip }, () => {
  // A function compiled with -mavx2 in one unit and shared with another (an inline function of a C++
  // header, emitted weak) would run AVX2 on CPUs without it. Checked on the objects node-gyp leaves.
  const obj = join(repoRoot, 'build/Release/obj.target');
  const tools = spawnSync('objdump', ['--version']).status === 0 && spawnSync('nm', ['--version']).status === 0;
  const ok = tools && existsSync(join(obj, 'lnn_native/native/isa_portable.o'));
  const dis = (o: string) =>
    spawnSync('objdump', ['-d', join(obj, o)], { encoding: 'utf8', maxBuffer: 1 << 28 }).stdout;
  it(
    'the portable and common units use no AVX register; the AVX units define no shared (weak) symbol',
    {
      skip: ok ? false : 'objdump/nm or the x86-64 objects are missing',
    },
    () => {
      for (const o of ['isa_portable', 'addon', 'pool', 'cpu'])
        assert.doesNotMatch(dis(`lnn_native/native/${o}.o`), /%[yz]mm/, `${o}.o uses no ymm/zmm register`);
      assert.match(dis('lnn_avx512/native/isa_avx512.o'), /%zmm/, 'the AVX-512 unit uses zmm');
      for (const o of [
        'lnn_avx2/native/isa_avx2.o',
        'lnn_avx2/native/isa_avx512_layout.o',
        'lnn_avx512/native/isa_avx512.o',
      ]) {
        const weak = spawnSync('nm', [join(obj, o)], { encoding: 'utf8' })
          .stdout.split('\n')
          .filter((l) => / [WVu] /.test(l));
        assert.deepEqual(weak, [], `${o} defines no weak symbol`);
      }
    },
  );
});

describe('a stale or broken addon fails the tests, never skips them', () => {
  const overridden = process.env.LNN_NATIVE_ADDON || process.env.LNN_NATIVE === '0';
  const skipRule = overridden ? 'LNN_NATIVE_ADDON or LNN_NATIVE=0 decides for every package' : false;
  const dir = mkdtempSync(join(tmpdir(), 'lnn-native-rule-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  /** A fake package whose build recorded `status`, with an addon file of `addon` bytes if given. */
  const fakePackage = (name: string, status: object, addon?: string) => {
    const root = join(dir, name);
    mkdirSync(join(root, 'build/Release'), { recursive: true });
    writeFileSync(join(root, 'build/native-status.json'), JSON.stringify(status));
    if (addon !== undefined) writeFileSync(join(root, 'build/Release/lnn_native.node'), addon);
    return root;
  };

  it('not built for want of a tool: the native cases are left out, saying why', { skip: skipRule }, async () => {
    const reason = 'no C++ compiler (g++ is not on PATH)';
    const root = fakePackage('no-compiler', { built: false, environment: true, reason });
    assert.match((await nativeUnavailable(root))!, /not built: no C\+\+ compiler \(g\+\+ is not on PATH\)$/);
  });

  it('sources that did not compile: an error naming the compiler message', { skip: skipRule }, async () => {
    const reason = "the compile failed: native/elementwise.h:84: error: enumeration value 'GELU' not handled in switch";
    const root = fakePackage('compile-failed', { built: false, environment: false, reason });
    await assert.rejects(nativeUnavailable(root), (e: Error) => {
      assert.match(e.message, /^the native addon was built here but cannot be used: /);
      assert.ok(e.message.endsWith(`; not built: ${reason}`), e.message);
      return true;
    });
  });

  it('an old addon left by a build that failed: an error with the compile error', { skip: skipRule }, async () => {
    const reason = "the compile failed: native/elementwise.h:67: error: enumeration value 'GELU' not handled in switch";
    const root = fakePackage('old-addon', { built: false, environment: false, reason }, 'an old build');
    await assert.rejects(nativeUnavailable(root), {
      message: new RegExp(
        `^the native addon was built here but cannot be used: .* does not load: .*; last build: ${reason}$`,
      ),
    });
  });

  it('built, but the file does not load (or is stale): an error', { skip: skipRule }, async () => {
    const root = fakePackage('broken', { built: true }, 'not an ELF object');
    await assert.rejects(nativeUnavailable(root), {
      message: /^the native addon was built here but cannot be used: .*lnn_native\.node does not load: /,
    });
  });
});

describe('without the addon, lnn runs on wasm and says why', () => {
  it('LNN_NATIVE=0: --version names wasm and the reason, and training works', () => {
    const version = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/bin.ts', '--version'], {
      cwd: repoRoot,
      encoding: 'utf8',
      env: { ...process.env, LNN_NATIVE: '0' },
    });
    assert.equal(version.status, 0, version.stderr);
    assert.match(version.stdout, /^backend: wasm \(\d+ threads?\); native: turned off by LNN_NATIVE=0$/m);
    const out = run(
      `
      import { initBackends, defaultBackend } from './src/backend/index.ts';
      import { Model } from './src/train/model.ts';
      import { fromArray } from './src/core/matrix.ts';
      await initBackends();
      const X = fromArray([[0, 0, 1, 1], [0, 1, 0, 1]]), Y = fromArray([[0, 1, 1, 0]]);
      const model = Model.create({ dims: [2, 8, 1], output: 'sigmoid', seed: 3 });
      model.fitSync(X, Y, { learningRate: 0.5, optimizer: 'gd', iterations: 3000 });
      console.log(defaultBackend().name, model.evaluate(X, Y).accuracy);`,
      { LNN_NATIVE: '0' },
    );
    assert.equal(out, 'wasm 1');
  });

  it('a missing build is reported with what to run', async () => {
    const r = await loadNativeBackend({ addonPath: join(tmpdir(), 'no-such-dir', 'lnn_native.node') });
    assert.ok('reason' in r);
    assert.match(r.reason, /^not built \(.*lnn_native\.node is missing: .*\); npm run build:native builds it$/);
  });

  describe('the install script never fails the install', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lnn-native-build-'));
    after(() => rmSync(dir, { recursive: true, force: true }));
    for (const f of ['binding.gyp', 'native', 'scripts/build-native.mjs'])
      cpSync(join(repoRoot, f), join(dir, f), { recursive: true });
    const build = (env: Record<string, string>) =>
      spawnSync(process.execPath, [join(dir, 'scripts/build-native.mjs')], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, npm_config_node_gyp: '', ...env },
        timeout: 120000,
      });
    const status = () => JSON.parse(readFileSync(join(dir, 'build/native-status.json'), 'utf8'));

    it('with no C++ compiler on PATH: exit 0, the reason on stderr and in build/native-status.json', () => {
      const r = build({ PATH: join(dir, 'no-bin'), CXX: '' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /lnn native backend: not built: no C\+\+ compiler \(g\+\+ is not on PATH\)/);
      assert.deepEqual(
        { built: status().built, reason: status().reason },
        { built: false, reason: 'no C++ compiler (g++ is not on PATH)' },
      );
    });

    it('run again with nothing changed (npm ci runs it twice): the reason is recorded, not said again; a changed source or reason is said', () => {
      const said = (cxx: string) =>
        `lnn native backend: not built: no C++ compiler (${cxx} is not on PATH). lnn runs on its WebAssembly kernels.\n`;
      const noCompiler = { PATH: join(dir, 'no-bin'), CXX: '' };
      assert.equal(build(noCompiler).status, 0);
      const again = build(noCompiler);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(again.stderr, '', 'the same reason for the same Node, arch and sources is said once');
      assert.equal(status().reason, 'no C++ compiler (g++ is not on PATH)');
      // A C++ edit is tried again, and its outcome said.
      writeFileSync(join(dir, 'native/cpu.h'), readFileSync(join(dir, 'native/cpu.h'), 'utf8') + '\n// edited\n');
      assert.equal(build(noCompiler).stderr, said('g++'));
      assert.equal(build(noCompiler).stderr, '');
      assert.equal(build({ CXX: '/nonexistent' }).stderr, said('/nonexistent'));
      assert.equal(build({ CXX: '/nonexistent' }).stderr, '');
      // --strict fails the job, so it always says why.
      const strict = spawnSync(process.execPath, [join(dir, 'scripts/build-native.mjs'), '--strict'], {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, CXX: '/nonexistent' },
      });
      assert.equal(strict.status, 1);
      assert.equal(strict.stderr, said('/nonexistent'));
    });

    it('when the build fails: exit 0 and the first error; --strict exits 1', () => {
      writeFileSync(join(dir, 'binding.gyp'), '{ "targets": [ { "target_name": "lnn_native", "sources": [ ');
      const r = build({});
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stderr, /lnn native backend: not built: node-gyp configure failed: /);
      assert.equal(status().built, false);
      assert.equal(
        spawnSync(process.execPath, [join(dir, 'scripts/build-native.mjs'), '--strict'], { cwd: dir }).status,
        1,
      );
    });
  });
});
