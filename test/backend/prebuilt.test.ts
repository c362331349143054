// Which addon file lnn loads: the package's prebuild for this platform and CPU when it passes its checks
// (listed in prebuilds/SHA256SUMS with the SHA-256 it has, an ELF object for this CPU, built from the
// sources beside it) and loads, else the local build (build/Release), else none, and wasm runs; each file
// passed over is named with its reason. The checks run on bytes in memory (checkPrebuild), the choices
// on fake packages in a temporary folder holding copies of the addon built here.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { loadAddon } from '../../src/backend/native/addon.js';
import { checkPrebuild, foreignReason, parseSums, type PrebuildIO } from '../../src/backend/native/prebuilt.js';
import { repoRoot } from '../helpers/util.js';

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const TAG = `${process.platform}-${process.arch}`;

/** A 64-byte little-endian ELF header for e_machine `machine` (62 x86-64, 183 AArch64). */
function elf(machine: number): Uint8Array {
  const b = new Uint8Array(64);
  b.set([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]);
  b[18] = machine & 0xff;
  b[19] = machine >> 8;
  return b;
}

/** In-memory files under the package root '/p'. */
function memory(files: Record<string, Uint8Array | string>): PrebuildIO {
  return {
    read: (path) => {
      const f = files[path];
      return typeof f === 'string' ? new TextEncoder().encode(f) : f;
    },
    sha256,
  };
}

describe('the prebuild checks (before anything is loaded)', () => {
  const bin = elf(62);
  const good = {
    '/p/prebuilds/linux-x64/lnn_native.node': bin,
    '/p/prebuilds/SHA256SUMS': `${sha256(bin)}  linux-x64/lnn_native.node\n`,
  };
  const check = (files: Record<string, Uint8Array | string>) => checkPrebuild('/p', 'linux', 'x64', memory(files));

  it('a listed binary with its SHA-256, for this CPU, is chosen', () => {
    assert.deepEqual(check(good), { file: '/p/prebuilds/linux-x64/lnn_native.node' });
  });

  it('absent: there is no prebuild for this platform and CPU', () => {
    assert.deepEqual(checkPrebuild('/p', 'darwin', 'arm64', memory(good)), {
      reason: 'no prebuild for darwin-arm64 (/p/prebuilds/darwin-arm64/lnn_native.node is missing)',
    });
  });

  it('damaged: another SHA-256 than SHA256SUMS lists', () => {
    const damaged = elf(62);
    damaged[40] = 1;
    assert.deepEqual(check({ ...good, '/p/prebuilds/linux-x64/lnn_native.node': damaged }), {
      reason:
        `/p/prebuilds/linux-x64/lnn_native.node is damaged: its SHA-256 is ${sha256(damaged).slice(0, 16)}…, ` +
        `/p/prebuilds/SHA256SUMS lists ${sha256(bin).slice(0, 16)}…`,
    });
  });

  it('foreign: an ELF object for another CPU, or no ELF object at all, even when listed', () => {
    const arm = elf(183);
    assert.deepEqual(
      check({
        '/p/prebuilds/linux-x64/lnn_native.node': arm,
        '/p/prebuilds/SHA256SUMS': `${sha256(arm)}  linux-x64/lnn_native.node\n`,
      }),
      { reason: '/p/prebuilds/linux-x64/lnn_native.node is built for arm64, not x64' },
    );
    const macho = new Uint8Array([0xcf, 0xfa, 0xed, 0xfe, ...new Array(60).fill(0)]);
    assert.equal(foreignReason(macho, 'linux', 'x64'), 'is not an ELF shared object');
    assert.equal(foreignReason(macho, 'darwin', 'x64'), undefined, 'only ELF platforms are checked');
    const bigEndian = elf(0);
    bigEndian[5] = 2;
    bigEndian[19] = 22; // s390x, written big-endian
    assert.equal(foreignReason(bigEndian, 'linux', 'x64'), 'is built for s390x, not x64');
    assert.equal(foreignReason(elf(9999), 'linux', 'x64'), 'is built for ELF machine 9999, not x64');
  });

  it('unchecked: no SHA256SUMS, or the binary is not listed in it', () => {
    assert.deepEqual(check({ '/p/prebuilds/linux-x64/lnn_native.node': bin }), {
      reason: '/p/prebuilds/linux-x64/lnn_native.node cannot be checked: /p/prebuilds/SHA256SUMS is missing',
    });
    assert.deepEqual(check({ ...good, '/p/prebuilds/SHA256SUMS': `${sha256(bin)}  linux-arm64/lnn_native.node\n` }), {
      reason: '/p/prebuilds/linux-x64/lnn_native.node is not listed in /p/prebuilds/SHA256SUMS',
    });
  });

  it('stale: a source beside it has changed since it was built; a source that is absent is not held against it', () => {
    const sums = `${good['/p/prebuilds/SHA256SUMS']}${sha256(new TextEncoder().encode('int x;\n'))}  ../native/cpu.cc\n`;
    const files = { ...good, '/p/prebuilds/SHA256SUMS': sums };
    assert.deepEqual(check({ ...files, '/p/native/cpu.cc': 'int x;\n' }), {
      file: '/p/prebuilds/linux-x64/lnn_native.node',
    });
    assert.deepEqual(check({ ...files, '/p/native/cpu.cc': 'int y;\n' }), {
      reason: '/p/prebuilds/linux-x64/lnn_native.node was built from other sources: native/cpu.cc has changed since',
    });
    assert.deepEqual(check(files), { file: '/p/prebuilds/linux-x64/lnn_native.node' });
  });

  it('SHA256SUMS is read as sha256sum writes it (text or binary mode), other lines ignored', () => {
    const h = 'a'.repeat(64);
    assert.deepEqual(
      [...parseSums(`${h}  linux-x64/lnn_native.node\r\n${h} *../binding.gyp\n# a note\n\nnot a line\n`)],
      [
        ['linux-x64/lnn_native.node', h],
        ['../binding.gyp', h],
      ],
    );
  });
});

const built = join(repoRoot, 'build/Release/lnn_native.node');
const skip = existsSync(built) && process.env.LNN_NATIVE !== '0' ? false : `the addon is not built here (${built})`;

describe('which file loads: the prebuild, else the local build, else none', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'lnn-prebuilt-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  let n = 0;

  /**
   * A fake package root: `prebuild` (bytes) in prebuilds/<this platform-arch>/, listed in SHA256SUMS with
   * `listed` (default: its own SHA-256), and a copy of the real addon as its local build when `local`.
   * Every package is a new folder: an addon loads once per path.
   */
  function fakePackage(o: { prebuild?: Uint8Array; listed?: Uint8Array; local?: boolean }): string {
    const root = join(dir, `p${n++}`);
    mkdirSync(join(root, 'prebuilds', TAG), { recursive: true });
    if (o.prebuild) {
      writeFileSync(join(root, 'prebuilds', TAG, 'lnn_native.node'), o.prebuild);
      writeFileSync(join(root, 'prebuilds/SHA256SUMS'), `${sha256(o.listed ?? o.prebuild)}  ${TAG}/lnn_native.node\n`);
    }
    if (o.local) {
      mkdirSync(join(root, 'build/Release'), { recursive: true });
      copyFileSync(built, join(root, 'build/Release/lnn_native.node'));
    }
    return root;
  }
  const addon = () => readFileSync(built);
  const prebuildPath = (root: string) => `${root}/prebuilds/${TAG}/lnn_native.node`;
  const localPath = (root: string) => `${root}/build/Release/lnn_native.node`;

  it('present and sound: the prebuild, and a local build beside it is not used', async () => {
    const root = fakePackage({ prebuild: addon(), local: true });
    const r = await loadAddon({ root });
    assert.ok('addon' in r, 'reason' in r ? r.reason : '');
    assert.equal(r.path, prebuildPath(root));
    assert.equal(
      r.origin,
      `from ${prebuildPath(root)} (prebuilt, SHA-256 checked); ${localPath(root)} not used: the prebuild comes first`,
    );
    assert.ok(r.addon.cpu().isas.includes('portable'));
  });

  it('absent: the local build, saying there is no prebuild', async () => {
    const root = fakePackage({ local: true });
    const r = await loadAddon({ root });
    assert.ok('addon' in r);
    assert.equal(
      r.origin,
      `from ${localPath(root)} (built from source); no prebuild for ${TAG} (${prebuildPath(root)} is missing)`,
    );
  });

  it('damaged: refused before it is loaded, and the local build runs', async () => {
    const damaged = addon();
    damaged[damaged.length >> 1]! ^= 0xff;
    const root = fakePackage({ prebuild: damaged, listed: addon(), local: true });
    const r = await loadAddon({ root });
    assert.ok('addon' in r);
    assert.equal(r.path, localPath(root));
    assert.match(r.origin, new RegExp(`; ${prebuildPath(root)} is damaged: its SHA-256 is [0-9a-f]{16}…, `));
  });

  it('foreign: an addon for another CPU is refused before it is loaded', async () => {
    const other = addon();
    other[18] = process.arch === 'arm64' ? 62 : 183; // e_machine: x86-64 or AArch64
    other[19] = 0;
    const root = fakePackage({ prebuild: other, local: true });
    const r = await loadAddon({ root });
    assert.ok('addon' in r);
    assert.match(r.origin, / is built for (arm64|x64), not /);
  });

  it('listed, for this CPU, but not loadable: refused with the loader error', async () => {
    // A library it needs renamed (libm.so.6 → libq.so.6, same length): a sound ELF object that dlopen
    // refuses cleanly. (A truncated one would not fail cleanly: mapping it ends the process with SIGBUS,
    // which is why the checksum is checked first.)
    const bytes = addon();
    const at = bytes.indexOf(Buffer.from('libm.so.6\0'));
    assert.ok(at > 0, 'the addon needs libm.so.6');
    bytes[at + 3] = 'q'.charCodeAt(0);
    const root = fakePackage({ prebuild: bytes, local: true });
    const r = await loadAddon({ root });
    assert.ok('addon' in r);
    assert.equal(r.path, localPath(root));
    assert.match(
      r.origin,
      new RegExp(`; ${prebuildPath(root)} does not load: libq\\.so\\.6: cannot open shared object file`),
    );
  });

  it('neither: no addon, and the reasons for both files in one line (lnn runs on wasm)', async () => {
    const damaged = addon().subarray(0, 100000); // cut short
    const root = fakePackage({ prebuild: damaged, listed: addon() });
    const r = await loadAddon({ root });
    assert.ok('reason' in r);
    assert.doesNotMatch(r.reason, /\n/);
    assert.match(
      r.reason,
      new RegExp(`^${prebuildPath(root)} is damaged: .*; not built \\(${localPath(root)} is missing: .*\\)`),
    );
  });
});
