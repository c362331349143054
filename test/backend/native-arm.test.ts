// The native backend off x86-64: on arm64 only the portable kernels are built (binding.gyp), with no x86
// unit and no cpuid. No arm64 Node runs here, so the kernels are checked without Node: Debian's cross
// compiler builds native/check/portable_check.cc with the portable unit and the thread pool, and
// qemu-user runs it (every kernel against a plain double loop, odd sizes, m = 1, two threads); the
// addon's Node-API unit is compiled for arm64 too. The same check also runs natively, so that a
// failure on arm64 is told apart from a broken check.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from '../helpers/util.js';

const CROSS = process.env.LNN_ARM_CXX ?? 'aarch64-linux-gnu-g++';
const QEMU = 'qemu-aarch64';
const HOST = process.env.CXX ?? 'g++';
const has = (cmd: string, arg = '--version') => spawnSync(cmd, [arg]).status === 0;

const dir = mkdtempSync(join(tmpdir(), 'lnn-native-arm-'));
after(() => rmSync(dir, { recursive: true, force: true }));

// binding.gyp's flags for every unit (the portable unit takes no -m flag), warnings as errors.
const FLAGS = ['-std=gnu++17', '-O3', '-ffp-contract=fast', '-Wall', '-Wextra', '-Wno-psabi', '-Werror'];
const UNITS = ['isa_portable.cc', 'pool.cc', 'cpu.cc'].map((u) => join(repoRoot, 'native', u));
const CHECK = join(repoRoot, 'native/check/portable_check.cc');

function compile(cxx: string, args: string[]): void {
  const r = spawnSync(cxx, [...FLAGS, ...args], { encoding: 'utf8', timeout: 300000 });
  assert.equal(r.status, 0, `${cxx} ${args.join(' ')}\n${r.stderr}`);
}

/**
 * The check program: the kernel units built as the addon builds them, the check itself at -O1 (GCC 12's
 * arm64 vectorizer stops with an internal error on the check's reference loops at -O3).
 */
function build(cxx: string, exe: string, extra: string[] = []): void {
  const objects = UNITS.map((unit, i) => {
    const o = `${exe}-${i}.o`;
    compile(cxx, [...extra, '-c', unit, '-o', o]);
    return o;
  });
  compile(cxx, [...extra, '-O1', '-pthread', CHECK, ...objects, '-o', exe]);
}

function expectChecksPass(r: ReturnType<typeof spawnSync>): void {
  assert.equal(r.status, 0, String(r.stderr));
  assert.match(String(r.stdout), /^ok: \d{6,} checks of the portable kernels\n$/);
}

describe('the portable kernels without Node', () => {
  it('pass their check natively', { skip: has(HOST) ? false : `${HOST} is not installed` }, () => {
    const exe = join(dir, 'check-host');
    build(HOST, exe);
    expectChecksPass(spawnSync(exe, { encoding: 'utf8', timeout: 120000 }));
  });

  const armSkip = !has(CROSS)
    ? `${CROSS} is not installed (Debian's g++-aarch64-linux-gnu)`
    : !has(QEMU, '-version')
      ? `${QEMU} is not installed (Debian's qemu-user)`
      : false;

  it('build for arm64 and pass their check there (qemu-user)', { skip: armSkip }, () => {
    const exe = join(dir, 'check-arm64');
    build(CROSS, exe, ['-static']);
    const file = spawnSync('file', [exe], { encoding: 'utf8' });
    if (file.status === 0) assert.match(file.stdout, /ARM aarch64/);
    expectChecksPass(spawnSync(QEMU, [exe], { encoding: 'utf8', timeout: 120000 }));
  });

  // The addon's Node-API unit, with Node's own headers (those node-gyp builds against here).
  const nodeHeaders = join(dirname(process.execPath), '..', 'include', 'node');
  it(
    "the addon's Node-API unit compiles for arm64 without the x86 kernels",
    { skip: armSkip || (existsSync(join(nodeHeaders, 'node_api.h')) ? false : `no Node headers in ${nodeHeaders}`) },
    () => {
      compile(CROSS, [
        '-fPIC',
        '-c',
        join(repoRoot, 'native/addon.cc'),
        `-I${nodeHeaders}`,
        '-o',
        join(dir, 'addon.o'),
      ]);
    },
  );
});
