#!/usr/bin/env node
// Builds the prebuilt native addons a package carries, in the prebuildify layout:
//   prebuilds/linux-x64/lnn_native.node     AVX-512, AVX2 and portable kernels, one picked by cpuid at run time
//   prebuilds/linux-arm64/lnn_native.node   the portable kernels, cross-compiled
//   prebuilds/SHA256SUMS                    the SHA-256 of each binary and of each source it was built from
// `npm pack` runs it (prepack), so a tarball carries them and installing it compiles nothing;
// `npm run build:prebuilds` runs it alone. They are not committed: the tarball is made from the sources
// it ships. lnn's loader checks a prebuild against SHA256SUMS before it loads it
// (src/backend/native/prebuilt.ts); `cd prebuilds && sha256sum -c SHA256SUMS` does the same by hand.
//
// Each target is built as a clone builds the addon (scripts/build-native.mjs: node-gyp and binding.gyp,
// against Node-API, so one binary serves every Node >= 20), in a copy of the sources of its own under
// build/prebuild/<target>/ (kept: the next run recompiles only what changed), with the compiler named
// here (g++ for this machine's own platform and CPU, Debian's <triple>-g++ cross compilers for the
// others) and no compiler flags from the environment, then stripped.
//
// Reproducible: the same sources and compiler give the same bytes. Nothing in a binary depends on the
// time or the folder it was built in (no -g, so no debug paths; the sources are named relative to the
// build folder; no __DATE__; the GNU build ID is a hash of the contents). `--reproduce` checks it: it
// builds every target again in a scratch folder and compares the bytes with SHA256SUMS, changing nothing.
//
// Options: --target T (repeatable; default every target, or LNN_PREBUILD_TARGETS=linux-x64,...; an empty
// LNN_PREBUILD_TARGETS builds none), --out DIR (default prebuilds/), --reproduce. A target that cannot be
// built (no cross compiler, a failed compile) fails the run, saying why: a package that lacks a platform's
// binary must not be made by accident.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (s) => process.stderr.write(`lnn prebuilds: ${s}\n`);
const fail = (s) => {
  log(s);
  process.exit(1);
};

/** What each target is: Node's platform and arch names, and the GNU triple its cross compiler carries. */
const TARGETS = {
  'linux-x64': { platform: 'linux', arch: 'x64', triple: 'x86_64-linux-gnu' },
  'linux-arm64': { platform: 'linux', arch: 'arm64', triple: 'aarch64-linux-gnu' },
};

/** The sources a prebuild is built from, relative to the package root (listed in SHA256SUMS as ../NAME). */
function sources() {
  const under = (dir) =>
    readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? under(`${dir}/${e.name}`) : [`${dir}/${e.name}`],
    );
  return ['binding.gyp', ...under('native')].sort();
}

const sha256 = (file) => createHash('sha256').update(readFileSync(file)).digest('hex');

function parseOptions(argv) {
  const opts = { targets: [], out: join(root, 'prebuilds'), reproduce: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--target' && argv[i + 1]) opts.targets.push(argv[++i]);
    else if (a === '--out' && argv[i + 1]) opts.out = resolve(argv[++i]);
    else if (a === '--reproduce') opts.reproduce = true;
    else fail(`unknown option '${a}' (options: --target T, --out DIR, --reproduce)`);
  }
  const fromEnv = process.env.LNN_PREBUILD_TARGETS;
  if (opts.targets.length === 0)
    opts.targets = fromEnv !== undefined ? fromEnv.split(',').filter(Boolean) : Object.keys(TARGETS);
  for (const t of opts.targets)
    if (!TARGETS[t]) fail(`unknown target '${t}' (the targets are ${Object.keys(TARGETS).join(', ')})`);
  return opts;
}

/** The compiler and binutils for a target: this machine's own for its own platform and CPU, else the triple's. */
function toolchain(target) {
  const own = process.platform === target.platform && process.arch === target.arch;
  const p = own ? '' : `${target.triple}-`;
  return { own, CC: `${p}gcc`, CXX: `${p}g++`, LINK: `${p}g++`, AR: `${p}ar`, STRIP: `${p}strip` };
}

function onPath(name) {
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && existsSync(join(d, name)));
}

/**
 * The environment of a build: the target's tools, and none of the settings that would make the bytes
 * depend on who runs it (compiler flags, the sanitizer switch, an npm arch setting).
 */
function buildEnv(target, tools) {
  const env = { ...process.env, CC: tools.CC, CXX: tools.CXX, LINK: tools.LINK, AR: tools.AR, LC_ALL: 'C' };
  for (const k of ['CFLAGS', 'CXXFLAGS', 'CPPFLAGS', 'LDFLAGS', 'LNN_NATIVE', 'LNN_NATIVE_ASAN']) delete env[k];
  for (const k of Object.keys(env)) if (/^npm_config_(target_)?arch$/i.test(k)) delete env[k];
  env.LNN_NATIVE_ARCH = target.arch;
  return env;
}

/** Builds one target in `dir` (a copy of the sources; make reuses what it built there before); the stripped binary. */
function build(name, dir) {
  const target = TARGETS[name];
  const tools = toolchain(target);
  for (const tool of [tools.CXX, tools.STRIP])
    if (!onPath(tool))
      fail(`${name}: ${tool} is not on PATH${tools.own ? '' : ` (Debian: apt-get install g++-${target.triple})`}`);
  // A fresh copy of the sources, their times kept, so that make recompiles only what changed.
  rmSync(join(dir, 'native'), { recursive: true, force: true });
  mkdirSync(join(dir, 'scripts'), { recursive: true });
  for (const f of ['binding.gyp', 'native', 'scripts/build-native.mjs'])
    cpSync(join(root, f), join(dir, f), { recursive: true, preserveTimestamps: true });
  const started = Date.now();
  const r = spawnSync(process.execPath, [join(dir, 'scripts/build-native.mjs'), '--strict'], {
    cwd: dir,
    env: buildEnv(target, tools),
    encoding: 'utf8',
  });
  if (r.status !== 0) fail(`${name}: ${r.stderr.trim().split('\n').pop() || `the build exited ${r.status}`}`);
  const stripped = join(dir, 'lnn_native.node');
  const s = spawnSync(tools.STRIP, ['-o', stripped, join(dir, 'build/Release/lnn_native.node')], { encoding: 'utf8' });
  if (s.status !== 0) fail(`${name}: ${tools.STRIP} failed: ${s.stderr.trim()}`);
  log(`${name} built with ${tools.CXX} in ${((Date.now() - started) / 1000).toFixed(1)} s, ${size(stripped)}`);
  return stripped;
}

const size = (file) =>
  `${readFileSync(file).length.toLocaleString('en-US')} bytes, sha256 ${sha256(file).slice(0, 16)}…`;

/**
 * Writes the binaries and SHA256SUMS into `out`: every target built; the folders of targets not built
 * are removed, so that the list and the folder always agree.
 */
function writeOut(out, built) {
  mkdirSync(out, { recursive: true });
  for (const name of Object.keys(TARGETS)) rmSync(join(out, name), { recursive: true, force: true });
  const lines = [];
  for (const [name, file] of built) {
    mkdirSync(join(out, name));
    copyFileSync(file, join(out, name, 'lnn_native.node'));
    lines.push(`${sha256(file)}  ${name}/lnn_native.node`);
  }
  for (const f of sources()) lines.push(`${sha256(join(root, f))}  ../${f}`);
  writeFileSync(join(out, 'SHA256SUMS'), lines.join('\n') + '\n');
  log(`wrote ${built.map(([name]) => `${name}/lnn_native.node`).join(', ') || 'no binary'} and SHA256SUMS to ${out}`);
}

/** Builds each target again from nothing, in a scratch folder, and compares the bytes with `out`'s list. */
function reproduce(out, targets) {
  const listFile = join(out, 'SHA256SUMS');
  if (!existsSync(listFile)) fail(`${listFile} is missing: nothing to compare with`);
  const listed = new Map(
    readFileSync(listFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => [l.slice(66), l.slice(0, 64)]),
  );
  for (const f of sources())
    if (listed.get(`../${f}`) !== sha256(join(root, f))) fail(`${f} is not the source the prebuilds were built from`);
  const scratch = mkdtempSync(join(tmpdir(), 'lnn-prebuild-'));
  process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));
  for (const name of targets) {
    const want = listed.get(`${name}/lnn_native.node`);
    if (!want) fail(`${name}: not listed in ${listFile}`);
    const file = build(name, join(scratch, name));
    if (sha256(file) !== want) fail(`${name}: built again, its bytes differ from ${listFile} (${want.slice(0, 16)}…)`);
    log(`${name}: built again from nothing, the same bytes as listed in ${listFile}`);
  }
}

const opts = parseOptions(process.argv.slice(2));
if (opts.reproduce) reproduce(opts.out, opts.targets);
else
  writeOut(
    opts.out,
    opts.targets.map((name) => [name, build(name, join(root, 'build', 'prebuild', name))]),
  );
