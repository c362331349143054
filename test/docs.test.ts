/**
 * Every command and code block that README.md and docs/*.md show, run as written on the built
 * repository (npm test builds dist/ first; alone: `npx tsc -p tsconfig.build.json`, then
 * `node scripts/test.mjs test/docs.test.ts`).
 *
 * - Each page runs in a temporary directory of its own, its blocks in order, so a block may use the
 *   files an earlier block of the page made. The directory holds `examples` (the repository's, as in a
 *   clone) and `node_modules/lnn` (the repository, so `from 'lnn'` resolves through package.json to
 *   dist/, as in a project that installed lnn).
 * - ```sh blocks: one bash per block (so `cd` and variables carry), each command's exit status
 *   checked; `npx lnn` runs `node bin/lnn.js`; `npm ci` and `npm test` are taken as done (this test runs
 *   in an installed clone, inside `npm test`).
 * - ```ts and ```js blocks: ES modules (ts through tsx), exit status checked.
 * - `# => TEXT` after a command, `// => TEXT` on a statement: the output shows TEXT, loosely
 *   (matchesLoosely: numbers as precise as written, `~` within 10%, `...` for anything).
 * - A marker on the line before a fence changes how it runs:
 *   `<!-- docs-test: skip (REASON) -->` not run, and counted with its reason;
 *   `<!-- docs-test: slow -->` run with every `--epochs N` made 1, `--iterations N` made 50 and
 *   `--epochs 1` given to a train or sweep that names neither, without the output checks (the figures
 *   are those of the full run); LNN_DOCS_FULL=1 runs slow blocks as written, with the checks;
 *   `<!-- docs-test: course-data -->` (or `course-data slow`) needs the course's cat/non-cat data
 *   (../shared/data, absent in a user's clone): the directory gets the course's files, as the page says
 *   a learner has them, and the block is skipped, saying so, without them.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { encodeNpy } from '../src/data/read/npy.js';
import {
  extractBlocks,
  matchesLoosely,
  moduleExpectations,
  parseMarker,
  shellCommands,
  shortened,
  unbalancedParagraphs,
  type Block,
} from './helpers/doc-blocks.js';
import { repoRoot, sharedData } from './helpers/util.js';

const FULL = process.env['LNN_DOCS_FULL'] === '1';
const pages = [
  'README.md',
  ...readdirSync(join(repoRoot, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => `docs/${f}`),
];
const courseDir = sharedData() && join(sharedData()!, 'catvnoncat');
const skipped: { where: string; reason: string }[] = [];
let ran = 0;
const started = Date.now();

/** A fresh working directory as a user's clone or project looks from the docs' point of view. */
function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lnn-docs-'));
  symlinkSync(join(repoRoot, 'examples'), join(dir, 'examples'));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(repoRoot, join(dir, 'node_modules', 'lnn'));
  return dir;
}

/** The course's files where a learner has them: the HDF5 files, the initial parameters, and .npy files. */
function addCourseData(dir: string): void {
  for (const f of ['train_catvnoncat.h5', 'test_catvnoncat.h5']) copyFileSync(join(courseDir!, f), join(dir, f));
  copyFileSync(join(courseDir!, 'course', 'llayer_init_params.json'), join(dir, 'llayer_init_params.json'));
  for (const s of ['train', 'test']) {
    const x = readFileSync(join(courseDir!, `${s}_x.u8`));
    const y = JSON.parse(readFileSync(join(courseDir!, `${s}_y.json`), 'utf8')) as number[];
    writeFileSync(join(dir, `${s}_x.npy`), encodeNpy([y.length, 64, 64, 3], x, '|u1'));
    writeFileSync(join(dir, `${s}_y.npy`), encodeNpy([y.length], y, '<i8'));
  }
}

/** A command as this test runs it: `npx lnn` from the repository, `npm ci` / `npm test` as done. */
function asRun(command: string, slow: boolean): string | undefined {
  let c = slow ? shortened(command) : command;
  c = c.replace(/^npm ci\s*&&\s*/, '');
  if (/^npm (ci|test)\b/.test(c)) return undefined;
  return c.replace(/\bnpx lnn\b/g, `node '${join(repoRoot, 'bin', 'lnn.js')}'`);
}

/** Runs a shell block in `dir`: one bash, each command's output and status marked off for the checks. */
function runShell(block: Block, dir: string, slow: boolean): void {
  const commands = shellCommands(block.code);
  const script = ['exec 2>&1'];
  const kept = commands.flatMap((c) => {
    const run = asRun(c.text, slow);
    return run === undefined ? [] : [{ ...c, run }];
  });
  kept.forEach((c, i) =>
    script.push(c.run, `__rc=$?; echo; echo "@@docs-test ${i} $__rc"; [ $__rc = 0 ] || exit $__rc`),
  );
  const r = spawnSync('bash', ['-c', script.join('\n')], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  const parts = r.stdout.split(/^@@docs-test \d+ \d+$/m);
  kept.forEach((c, i) => {
    const out = parts[i] ?? '';
    const status = new RegExp(`^@@docs-test ${i} (\\d+)$`, 'm').exec(r.stdout)?.[1];
    assert.equal(status, '0', `\`${c.text}\` failed (status ${status ?? r.status ?? r.signal}):\n${out.slice(-3000)}`);
    if (slow) return;
    for (const e of c.expect)
      assert.ok(matchesLoosely(out, e), `\`${c.text}\` should show '${e}' but printed:\n${out.slice(-3000)}`);
  });
}

/** Runs a ts or js block in `dir` as an ES module. */
function runModule(block: Block, dir: string, slow: boolean): void {
  const file = join(dir, `block-${block.line}.${block.lang === 'ts' ? 'mts' : 'mjs'}`);
  writeFileSync(file, block.code);
  const tsx = pathToFileURL(join(repoRoot, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;
  const args = block.lang === 'ts' ? ['--import', tsx, file] : [file];
  const r = spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  const out = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, 0, `the block failed (status ${r.status ?? r.signal}):\n${out.slice(-3000)}`);
  if (slow) return;
  for (const e of moduleExpectations(block.code))
    assert.ok(matchesLoosely(r.stdout, e), `the block should print '${e}' but printed:\n${r.stdout.slice(-3000)}`);
}

function whyNot(block: Block): string | undefined {
  if (block.marker.kind === 'skip') return block.marker.reason;
  if (block.marker.kind === 'course-data' && !courseDir)
    return "needs the course's cat/non-cat data (../shared/data/catvnoncat), absent in a user's clone";
  return undefined;
}

for (const page of pages) {
  describe(page, () => {
    const dir = workDir();
    after(() => rmSync(dir, { recursive: true, force: true }));
    for (const block of extractBlocks(readFileSync(join(repoRoot, page), 'utf8'), page)) {
      const where = `${page}:${block.line}`;
      const reason = whyNot(block);
      const m = block.marker;
      const slow = !FULL && (m.kind === 'slow' || (m.kind === 'course-data' && m.slow));
      if (reason) skipped.push({ where, reason });
      test(`${where} (${block.lang}${slow ? ', shortened: slow' : ''})`, { skip: reason ?? false }, () => {
        if (m.kind === 'course-data') addCourseData(dir);
        (block.lang === 'sh' ? runShell : runModule)(block, dir, slow);
        ran++;
      });
    }
  });
}

test('every paragraph of the pages closes the parentheses it opens', () => {
  const open = pages.flatMap((page) =>
    unbalancedParagraphs(readFileSync(join(repoRoot, page), 'utf8')).map((p) => `${page}:${p.line}: ${p.text}`),
  );
  assert.deepEqual(open, []);
});

describe('every ts block type-checks, strictly, against the built package', () => {
  test('tsc --strict --noUncheckedIndexedAccess', () => {
    const dir = workDir();
    try {
      const files: string[] = [];
      for (const page of pages)
        for (const b of extractBlocks(readFileSync(join(repoRoot, page), 'utf8'), page))
          if (b.lang === 'ts') {
            const name = `${page.replace(/\W+/g, '-')}-${b.line}.mts`;
            writeFileSync(join(dir, name), b.code);
            files.push(name);
          }
      const compilerOptions = {
        strict: true,
        noUncheckedIndexedAccess: true,
        module: 'nodenext',
        moduleResolution: 'nodenext',
        target: 'es2022',
        noEmit: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(repoRoot, 'node_modules', '@types')],
      };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions, files }));
      const tsc = join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
      const r = spawnSync(process.execPath, [tsc, '-p', dir], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 0, `${files.length} blocks:\n${r.stdout}${r.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the docs test itself', () => {
  test('matches loosely: numbers as precise as written, ~ within 10%, ... for anything', () => {
    assert.ok(matchesLoosely('dev:   accuracy 93.33% (28/30)', 'dev: accuracy 93.33%'));
    assert.ok(matchesLoosely('dev:   accuracy 95.55% (1911/2000)', 'dev: accuracy ~95%'));
    assert.ok(!matchesLoosely('dev:   accuracy 60.00% (18/30)', 'dev: accuracy ~95%'));
    assert.ok(matchesLoosely('0.9333333333333333 native', '~0.93 ...'));
    assert.ok(matchesLoosely('0.9333333333333333', '0.93'));
    assert.ok(!matchesLoosely('0.9383', '0.93'));
    assert.ok(matchesLoosely("[ 'virginica' ]", "['virginica']"));
    assert.ok(matchesLoosely('relative difference 4.8e-9 over 51 of 51 parameters: PASS', 'difference ... PASS'));
    assert.ok(!matchesLoosely('FAIL', 'PASS'));
  });

  test('shell blocks: continuation lines joined, comments dropped, # => given to the command before', () => {
    const cmds = shellCommands('# a comment\nnpx lnn train \\\n  --data x  # why\n# => dev: ~90%\n\nnpx lnn eval');
    assert.deepEqual(cmds, [
      { text: 'npx lnn train --data x  # why', expect: ['dev: ~90%'] },
      { text: 'npx lnn eval', expect: [] },
    ]);
    assert.equal(shortened('npx lnn train --data d --epochs 20  # x'), 'npx lnn train --data d --epochs 1  # x');
    assert.equal(shortened('npx lnn train --data d  # 20 epochs'), 'npx lnn train --epochs 1 --data d  # 20 epochs');
    assert.equal(shortened('npx lnn sweep --iterations 500 --lr 1'), 'npx lnn sweep --iterations 50 --lr 1');
  });

  test('a skip must say why; an unknown marker is refused', () => {
    assert.throws(() => parseMarker('skip', 'README.md:3'), /README.md:3: a skipped block must say why/);
    assert.throws(() => parseMarker('quick', 'README.md:3'), /README.md:3: unknown marker 'quick'/);
    assert.deepEqual(parseMarker('skip (needs a Redis server)', 'x'), { kind: 'skip', reason: 'needs a Redis server' });
  });

  test('a block that fails fails the test, and a promise the output does not keep does too', () => {
    const dir = workDir();
    try {
      const failing = extractBlocks('```sh\ntrue\nfalse\n```\n', 'x.md')[0]!;
      assert.throws(() => runShell(failing, dir, false), /`false` failed \(status 1\)/);
      const wrong = extractBlocks('```sh\nnpx lnn --version\n# => 9.9.9\n```\n', 'x.md')[0]!;
      assert.throws(() => runShell(wrong, dir, false), /should show '9.9.9'/);
      const throwing = extractBlocks(
        "```js\nimport { train } from 'lnn';\nawait train({ data: 'builtin:none' });\n```\n",
        'x.md',
      )[0]!;
      assert.throws(() => runModule(throwing, dir, false), /the block failed \(status 1\)/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  after(() => {
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    const reasons = new Map<string, string[]>();
    for (const s of skipped) reasons.set(s.reason, [...(reasons.get(s.reason) ?? []), s.where]);
    const lines = [...reasons].map(([r, w]) => `  ${w.length} skipped: ${r} (${w.join(', ')})`);
    console.log(`docs: ${ran} blocks ran, ${skipped.length} skipped, in ${seconds} s\n${lines.join('\n')}`);
  });
});
