#!/usr/bin/env node
// Builds the optional native backend (native/*.cc → build/Release/lnn_native.node) with node-gyp, from
// source, against the Node headers already on the machine (no download). Run by `npm install` / `npm ci`
// (the install script) and by `npm run build` / `npm run build:native`.
//
// The install script passes --unless-prebuilt: a package made by `npm pack` carries a prebuilt addon for
// this platform and CPU (prebuilds/, scripts/prebuild.mjs), and when lnn's loader accepts it here, there
// is nothing to build and the script exits at once, silently. Otherwise (a clone, a git dependency, another
// platform, a prebuild refused: the reason is said) it builds from source as below.
//
// It never fails the install: when the build is turned off (LNN_NATIVE=0), when there is no C++
// compiler or no node-gyp, or when the compile fails, it says why on stderr, records the reason in
// build/native-status.json, and exits 0; lnn then runs on its WebAssembly kernels and `lnn --version`
// repeats the reason. `--strict` exits 1 on any such failure instead (for CI jobs that need the addon).
// `npm ci` runs this twice (the install script, then `prepare` → `npm run build`): a reason already
// recorded for the same Node, CPU architecture and sources is not said again. Every run still tries the
// build, so an edit to native/ is rebuilt (and its outcome said) the next time.
// LNN_NATIVE_ASAN=1 builds with AddressSanitizer (binding.gyp); such an addon loads only with the ASan
// runtime preloaded (LD_PRELOAD, printed here), which is how the CI's ASan job runs the backend tests.
// LNN_NATIVE_ARCH=arm64 (with CC, CXX, LINK and AR naming a cross compiler) builds for another CPU, as
// scripts/prebuild.mjs does; such a build is not loaded here.
// In a clone it first brings native/codes.h and native/bindings.h up to date with
// src/backend/kernel-spec.ts (scripts/gen-kernels.mjs); a package has no src/ and builds the committed ones.
// The recorded status says whether a failure is the machine's (`environment`: the addon is turned off, or
// a tool is missing, so tests skip it) or the sources' (a compile that fails: tests fail, saying why).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const statusFile = join(root, 'build', 'native-status.json');
const strict = process.argv.includes('--strict');
const arch = process.env.LNN_NATIVE_ARCH || process.arch;
const log = (s) => process.stderr.write(`lnn native backend: ${s}\n`);

function record(status) {
  mkdirSync(dirname(statusFile), { recursive: true });
  writeFileSync(statusFile, JSON.stringify({ ...status, node: process.version, arch }, null, 2) + '\n');
}

/**
 * What lnn's loader makes of this package's prebuild for this platform and CPU (listed in
 * prebuilds/SHA256SUMS with the same SHA-256, built for this CPU from these sources, loadable): asked of
 * the loader itself in a separate process, so that the install and the run agree. Undefined when there is
 * nothing to ask about: no prebuild for this platform, or no dist/ yet (a clone, before `prepare`).
 */
function prebuildVerdict() {
  const loader = join(root, 'dist', 'backend', 'native', 'addon.js');
  if (!existsSync(join(root, 'prebuilds', `${process.platform}-${process.arch}`)) || !existsSync(loader))
    return undefined;
  const { LNN_NATIVE_ADDON: _given, ...env } = process.env;
  const code = `const { loadPrebuilt } = await import(${JSON.stringify(pathToFileURL(loader).href)});
    const r = await loadPrebuilt(); console.log(JSON.stringify('addon' in r ? { accepted: true } : r));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env });
  if (r.status !== 0) return { reason: `checking it failed: ${firstError(r.stderr)}` };
  return JSON.parse(r.stdout);
}

/** The files under `dir` (relative to root), sorted, at any depth. */
function filesUnder(dir) {
  return readdirSync(join(root, dir), { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]))
    .sort();
}

/**
 * What the outcome of a build depends on besides Node and the CPU: the addon's sources, binding.gyp,
 * this script, and the sanitizer switch, as one hash (the names and bytes of every file).
 */
function sourcesHash() {
  const h = createHash('sha256');
  for (const file of ['binding.gyp', 'scripts/build-native.mjs', ...filesUnder('native')]) {
    const path = join(root, file);
    h.update(`${file}\0`)
      .update(existsSync(path) ? readFileSync(path) : '')
      .update('\0');
  }
  return h
    .update(`asan=${process.env.LNN_NATIVE_ASAN === '1'}`)
    .digest('hex')
    .slice(0, 16);
}

/** The outcome the last run recorded, or undefined. */
function lastStatus() {
  try {
    return JSON.parse(readFileSync(statusFile, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * Gives up on the addon: says why, records it (`environment`: the machine's doing, not the sources'), and
 * exits 0 (1 with --strict). The same reason already recorded for the same Node, architecture and sources
 * (npm ci's second run) is recorded, not said again.
 */
function skip(reason, environment = false) {
  const sources = sourcesHash();
  const last = lastStatus();
  const said =
    last?.built === false &&
    last.reason === reason &&
    last.node === process.version &&
    last.arch === process.arch &&
    last.sources === sources;
  record({ built: false, reason, environment, sources });
  if (!said || strict) log(`not built: ${reason}. lnn runs on its WebAssembly kernels.`);
  process.exit(strict ? 1 : 0);
}

/** Whether an executable of that name is on PATH. */
function onPath(name) {
  if (name.includes('/')) return existsSync(name);
  const exts = process.platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  return (process.env.PATH ?? '').split(delimiter).some((d) => d && exts.some((e) => existsSync(join(d, name + e))));
}

/** npm's own node-gyp (npm passes its path to scripts), else the one bundled beside this Node's npm. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
    join(dirname(process.execPath), 'node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  ];
  return candidates.find((p) => p && existsSync(p));
}

/**
 * The Node headers to build against: npm's nodedir setting, else the ones installed with this Node
 * (<prefix>/include/node), so that node-gyp never tries to download them.
 */
function findNodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = join(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include/node/node_api.h')) ? prefix : undefined;
}

function run(nodeGyp, args) {
  const r = spawnSync(process.execPath, [nodeGyp, ...args], { cwd: root, encoding: 'utf8', env: process.env });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}`, error: r.error };
}

/** The first compiler error line, or the last lines of node-gyp's output. */
function firstError(output) {
  const lines = output.split('\n');
  const err = lines.find((l) => /error[: ]/i.test(l) && !l.startsWith('gyp ERR! stack'));
  return (err ?? lines.filter(Boolean).slice(-3).join(' | ')).trim().slice(0, 300);
}

/** The ASan runtime the compiler links against (to preload: Node itself is not instrumented). */
function asanRuntime() {
  const r = spawnSync(cxx, ['-print-file-name=libasan.so'], { encoding: 'utf8' });
  const path = r.stdout?.trim();
  if (r.status !== 0 || !path || !existsSync(path)) skip(`no AddressSanitizer runtime for ${cxx}`, true);
  return path;
}

if (process.env.LNN_NATIVE === '0') skip('turned off by LNN_NATIVE=0', true);
if (existsSync(join(root, 'src/backend/kernel-spec.ts'))) {
  // A clone: the bindings follow kernel-spec.ts (the generator comes with the sources, not the package).
  try {
    const { generate } = await import('./gen-kernels.mjs');
    for (const file of await generate()) log(`generated ${file} from kernel-spec.ts`);
  } catch (e) {
    skip(`generating the bindings from kernel-spec.ts failed: ${String(e?.message ?? e).split('\n')[0]}`);
  }
}
if (process.argv.includes('--unless-prebuilt')) {
  const verdict = prebuildVerdict();
  if (verdict?.accepted) process.exit(0);
  if (verdict) log(`the prebuilt addon is not used (${verdict.reason}); building from source`);
}
const cxx = process.env.CXX || (process.platform === 'win32' ? 'cl' : 'g++');
if (!onPath(cxx) && !(cxx === 'g++' && onPath('c++'))) skip(`no C++ compiler (${cxx} is not on PATH)`, true);
if (!onPath('make') && process.platform !== 'win32') skip('no make on PATH', true);
const nodeGyp = findNodeGyp();
if (!nodeGyp) skip('node-gyp not found (it comes with npm)', true);
const nodeDir = findNodeDir();
const common = nodeDir ? [`--nodedir=${nodeDir}`] : [];

const started = Date.now();
// Configure once; later builds are incremental (make recompiles what changed).
if (!existsSync(join(root, 'build', 'Makefile')) && !existsSync(join(root, 'build', 'binding.sln'))) {
  const c = run(nodeGyp, ['configure', ...common, ...(arch === process.arch ? [] : [`--arch=${arch}`])]);
  if (!c.ok) skip(`node-gyp configure failed: ${firstError(c.output || String(c.error))}`, true);
}
const b = run(nodeGyp, ['build', '--jobs', 'max', ...common]);
if (!b.ok) skip(`the compile failed: ${firstError(b.output || String(b.error))}`);

// Load it once in a separate process: a binary that builds but cannot load is no better than none.
const addon = join(root, 'build', 'Release', 'lnn_native.node');
if (arch !== process.arch) {
  record({ built: true, cross: true, seconds: (Date.now() - started) / 1000 });
  log(`built for ${arch} in ${((Date.now() - started) / 1000).toFixed(1)} s (not loaded: this is ${process.arch})`);
  process.exit(0);
}
const asan = process.env.LNN_NATIVE_ASAN === '1' ? asanRuntime() : undefined;
const probe = spawnSync(
  process.execPath,
  ['-e', `console.log(JSON.stringify(require(${JSON.stringify(addon)}).cpu()))`],
  { encoding: 'utf8', env: asan ? { ...process.env, LD_PRELOAD: asan, ASAN_OPTIONS: 'detect_leaks=0' } : process.env },
);
if (probe.status !== 0) skip(`built, but it does not load: ${firstError(probe.stderr)}`);
const { isas } = JSON.parse(probe.stdout);
record({ built: true, isas, seconds: (Date.now() - started) / 1000, ...(asan ? { asan } : {}) });
log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s; this CPU runs ${isas.join(', ')}`);
if (asan) log(`built with AddressSanitizer: load it with LD_PRELOAD=${asan} ASAN_OPTIONS=detect_leaks=0`);
