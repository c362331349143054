// The native backend off x86-64: on arm64 only the portable kernels are built (binding.gyp), with no x86
// unit and no cpuid. No arm64 Node runs here, so the kernels are checked without Node: Debian's cross
// compiler builds native/check/portable_check.cc with the portable unit and the thread pool, and
// qemu-user runs it (every kernel against a plain double loop, every activation against the TypeScript
// reference's values, odd sizes, m = 1, two threads); the
// addon's Node-API unit is compiled for arm64 too. The same check also runs natively, so that a
// failure on arm64 is told apart from a broken check. The arm64 prebuild a package carries
// (scripts/prebuild.mjs) is checked the same way: built twice to the same bytes, then loaded by arm64's
// own dynamic loader under qemu-user as the library the check program links against, its portable
// kernels passing the check (its Node-API entry point needs an arm64 Node, which this machine has not).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { foreignReason, parseSums } from '../../src/backend/native/prebuilt.js';
import { repoRoot } from '../helpers/util.js';
import { activationSamplesHeader } from './activation-samples.js';

const CROSS = process.env.LNN_ARM_CXX ?? 'aarch64-linux-gnu-g++';
const QEMU = 'qemu-aarch64';
const HOST = process.env.CXX ?? 'g++';
const has = (cmd: string, arg = '--version') => spawnSync(cmd, [arg]).status === 0;

const dir = mkdtempSync(join(tmpdir(), 'lnn-native-arm-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// The reference's values of every activation, which the check program includes (-I dir).
writeFileSync(join(dir, 'activation_samples.h'), activationSamplesHeader());

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
  compile(cxx, [...extra, '-O1', '-pthread', `-I${dir}`, CHECK, ...objects, '-o', exe]);
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

/** The arm64 libraries (libc, libstdc++) of the cross compiler's sysroot, for qemu-aarch64 -L; else undefined. */
function armSysroot(): string | undefined {
  const r = spawnSync(CROSS, ['-print-file-name=libc.so.6'], { encoding: 'utf8' });
  const libc = r.status === 0 ? r.stdout.trim() : '';
  return libc.includes('/') && existsSync(libc) ? dirname(dirname(realpathSync(libc))) : undefined;
}

describe('the arm64 prebuild', () => {
  const sysroot = has(CROSS) ? armSysroot() : undefined;
  const skip =
    (!has(CROSS) && `${CROSS} is not installed (Debian's g++-aarch64-linux-gnu)`) ||
    (!has('aarch64-linux-gnu-strip') && 'aarch64-linux-gnu-strip is not installed') ||
    (!has(QEMU, '-version') && `${QEMU} is not installed (Debian's qemu-user)`) ||
    (!sysroot && `${CROSS} has no arm64 libc to run against`) ||
    false;
  const prebuild = (...args: string[]) =>
    spawnSync(process.execPath, [join(repoRoot, 'scripts/prebuild.mjs'), '--target', 'linux-arm64', ...args], {
      encoding: 'utf8',
      timeout: 300000,
    });

  it('is built to the same bytes twice, and under qemu-user its portable kernels pass the check', { skip }, () => {
    const out = join(dir, 'prebuilds');
    const made = prebuild('--out', out);
    assert.equal(made.status, 0, made.stderr);
    const file = join(out, 'linux-arm64', 'lnn_native.node');
    const bytes = readFileSync(file);
    const listed = parseSums(readFileSync(join(out, 'SHA256SUMS'), 'utf8'));
    assert.equal(listed.get('linux-arm64/lnn_native.node'), createHash('sha256').update(bytes).digest('hex'));
    assert.equal(listed.get('../native/isa_portable.cc')?.length, 64, 'the sources are listed too');
    assert.equal(foreignReason(bytes, 'linux', 'arm64'), undefined, 'an AArch64 ELF object');
    assert.doesNotMatch(spawnSync('readelf', ['-S', file], { encoding: 'utf8' }).stdout, /\.symtab/, 'stripped');

    // Reproducible: built again from nothing in a scratch folder, the same bytes.
    const again = prebuild('--out', out, '--reproduce');
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /linux-arm64: built again from nothing, the same bytes as listed/);

    // The check program with no kernels of its own: lnn::isaPortable and lnn::Pool come from the prebuild,
    // which arm64's dynamic loader maps (its Node-API imports stay unresolved: nothing here calls them).
    const exe = join(dir, 'check-prebuild');
    compile(CROSS, [
      '-O1',
      '-pthread',
      `-I${dir}`,
      CHECK,
      file,
      '-Wl,--unresolved-symbols=ignore-in-shared-libs',
      `-Wl,-rpath,${dirname(file)}`,
      '-o',
      exe,
    ]);
    const symbols = spawnSync('readelf', ['-Ws', '--dyn-syms', exe], { encoding: 'utf8' }).stdout;
    assert.match(symbols, /UND _ZN3lnn11isaPortableEv/, "the kernels are the prebuild's");
    assert.match(spawnSync('readelf', ['-d', exe], { encoding: 'utf8' }).stdout, /NEEDED.*\[lnn_native\.node\]/);
    expectChecksPass(spawnSync(QEMU, ['-L', sysroot!, exe], { encoding: 'utf8', timeout: 120000 }));
  });
});
