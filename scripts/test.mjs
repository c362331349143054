#!/usr/bin/env node
// Runs every test/**/*.test.ts with node's own test runner (Node 20's --test does not expand globs).
// Extra arguments are passed on: `npm test -- --test-name-pattern=gradient`, or file paths to run only those.
// Files run two at a time (node's default is one fewer than the cores: one at a time on two cores), since
// much of a test file's time is spent waiting on processes it started, a browser or Redis;
// LNN_TEST_CONCURRENCY or --test-concurrency=N sets another number.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const given = args.filter((a) => !a.startsWith('-'));
const flags = args.filter((a) => a.startsWith('-'));

function find(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...find(path));
    else if (name.endsWith('.test.ts')) out.push(relative(root, path));
  }
  return out;
}

const files = given.length ? given : find(join(root, 'test'));
const concurrency = flags.some((f) => f.startsWith('--test-concurrency'))
  ? []
  : [`--test-concurrency=${process.env['LNN_TEST_CONCURRENCY'] ?? 2}`];
const runner = ['--import', 'tsx', '--test', '--test-reporter=spec', ...concurrency, ...flags, ...files];
const r = spawnSync(process.execPath, runner, {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
