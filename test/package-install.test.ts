// The package as a user installs it: a tarball carrying the prebuild for this machine (made by
// scripts/prebuild.mjs, as `npm pack`'s prepack makes it, from the files package.json lists), installed
// with `npm install --ignore-scripts` into an empty project whose PATH holds node and nothing else (no
// compiler). The installed lnn must run native from its prebuild, that very binary must pass the backend
// conformance suite, its install script must build nothing, and a damaged prebuild must be refused with
// the reason while wasm runs. npm fetches lnn's dependencies (from its cache when it can): where it cannot,
// the test skips, saying why.
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, test } from 'node:test';
import { repoRoot } from './helpers/util.js';

const TAG = `${process.platform}-${process.arch}`;
const NPM = [
  process.env['npm_execpath'],
  join(dirname(process.execPath), '../lib/node_modules/npm/bin/npm-cli.js'),
  join(dirname(process.execPath), 'node_modules/npm/bin/npm-cli.js'),
].find((p) => p && p.endsWith('npm-cli.js') && existsSync(p));
const skip =
  (!['linux-x64', 'linux-arm64'].includes(TAG) && `no prebuild is made for ${TAG}`) ||
  (spawnSync('g++', ['--version']).status !== 0 && 'g++ is not installed, so the prebuild cannot be made') ||
  (process.env['LNN_NATIVE'] === '0' && 'LNN_NATIVE=0 turns the addon off') ||
  (!NPM && "npm's npm-cli.js is not beside this Node") ||
  false;

const work = mkdtempSync(join(tmpdir(), 'lnn-install-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** The environment of the user's shell: PATH holds node only, and nothing of the npm running this test. */
function userEnv(): NodeJS.ProcessEnv {
  const bin = join(work, 'bin');
  if (!existsSync(bin)) {
    mkdirSync(bin);
    symlinkSync(process.execPath, join(bin, 'node'));
  }
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(npm_|LNN_)/i.test(k)));
  return { ...env, PATH: bin };
}

function run(cmd: string, args: string[], cwd: string, env = userEnv()): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 600000 });
}

/** The package folder `npm pack` would see after prepack: package.json's files, and prebuilds/ for this machine. */
function stagePackage(stage: string): void {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { files: string[] };
  for (const f of ['package.json', ...pkg.files])
    if (f !== 'prebuilds' && existsSync(join(repoRoot, f)))
      cpSync(join(repoRoot, f), join(stage, f), { recursive: true });
  const made = run(
    process.execPath,
    ['scripts/prebuild.mjs', '--target', TAG, '--out', join(stage, 'prebuilds')],
    repoRoot,
    process.env,
  );
  assert.equal(made.status, 0, made.stderr);
}

test(
  'a packed tarball installed with --ignore-scripts and no compiler runs native from its prebuild',
  { skip },
  (t) => {
    const stage = join(work, 'lnn');
    stagePackage(stage);
    const packed = run(
      process.execPath,
      [NPM!, 'pack', '--json', '--ignore-scripts', '--pack-destination', work],
      stage,
    );
    assert.equal(packed.status, 0, packed.stderr);
    const [info] = JSON.parse(packed.stdout) as { filename: string; size: number; files: { path: string }[] }[];
    const files = info!.files.map((f) => f.path);
    assert.ok(
      files.includes(`prebuilds/${TAG}/lnn_native.node`) && files.includes('prebuilds/SHA256SUMS'),
      files.join(' '),
    );
    t.diagnostic(`tarball with the ${TAG} prebuild: ${info!.size.toLocaleString('en-US')} bytes`);

    const project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{ "name": "project", "private": true }\n');
    const args = [
      'install',
      '--ignore-scripts',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      join(work, info!.filename),
    ];
    const installed = run(process.execPath, [NPM!, ...args], project);
    const offline = /E(NOTFOUND|AI_AGAIN|CONNREFUSED|CONNRESET|TIMEDOUT|NETUNREACH|NOTCACHED)\b/.exec(installed.stderr);
    if (installed.status !== 0 && offline) return t.skip(`npm could not fetch lnn's dependencies (${offline[0]})`);
    assert.equal(installed.status, 0, installed.stderr);

    const lnn = join(project, 'node_modules/lnn');
    const prebuild = join(lnn, 'prebuilds', TAG, 'lnn_native.node');
    const version = () => run(process.execPath, [join(lnn, 'bin/lnn.js'), '--version'], project);
    const v = version();
    assert.equal(v.status, 0, v.stderr);
    assert.match(
      v.stdout,
      /^backend: native \((avx512|avx2|portable), \d+ threads?\) from (\S+) \(prebuilt, SHA-256 checked\)$/m,
    );
    assert.equal(/ from (\S+) /.exec(v.stdout)?.[1], prebuild);

    // The install script, were it run, would build nothing: the loader accepts the prebuild.
    const script = () => run(process.execPath, [join(lnn, 'scripts/build-native.mjs'), '--unless-prebuilt'], lnn);
    const quiet = script();
    assert.deepEqual([quiet.status, quiet.stderr, existsSync(join(lnn, 'build'))], [0, '', false]);

    // The installed binary passes the backend conformance suite (every kernel against the reference).
    // (NODE_TEST_CONTEXT would make the inner runner report to this one instead of printing.)
    const { NODE_TEST_CONTEXT: _, ...env } = process.env;
    const suite = run(process.execPath, ['scripts/test.mjs', 'test/backend/conformance.test.ts'], repoRoot, {
      ...env,
      LNN_NATIVE_ADDON: prebuild,
    });
    assert.equal(suite.status, 0, suite.stdout.slice(-3000));
    assert.match(suite.stdout, /native (avx512|avx2|portable) \d+ threads? float32 against the reference/);

    // Damaged: refused before it is loaded, with the reason; wasm runs, and the install script would build.
    const bytes = readFileSync(prebuild);
    bytes[bytes.length >> 1]! ^= 0xff;
    writeFileSync(prebuild, bytes);
    const damaged = version();
    assert.equal(damaged.status, 0, damaged.stderr);
    assert.match(
      damaged.stdout,
      /^backend: wasm \(\d+ threads?\); native: \S+ is damaged: its SHA-256 is [0-9a-f]{16}…, \S+SHA256SUMS lists [0-9a-f]{16}…; not built \(/m,
    );
    const builds = script();
    assert.equal(builds.status, 0, builds.stderr);
    assert.match(builds.stderr, /the prebuilt addon is not used \(\S+ is damaged: .*\); building from source\n/);
    assert.match(builds.stderr, /not built: no C\+\+ compiler \(g\+\+ is not on PATH\)/);
  },
);
