/**
 * The layers of docs/design.md, held: every import in src/ goes to the same layer or one listed before
 * it, and no modules import each other in a circle at run time. Type-only imports are left out: the
 * compiler erases them, so they load nothing.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { test } from 'node:test';
import { ROOT } from './cli/run.js';

/** docs/design.md's order; a folder (or a file at the top of src/) by its name. */
const LAYER: Record<string, number> = {
  core: 1,
  backend: 2,
  nn: 3,
  io: 4,
  data: 5,
  train: 6,
  evaluate: 6,
  workflow: 7,
  sweep: 8,
  report: 9,
  cli: 10,
  browser: 10,
  playground: 10,
  index: 10,
};

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') ? [relative(ROOT, path)] : [];
  });
}

/** A module's run-time imports (not `import type`, not `export type`), as repository paths. */
function runtimeImports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: string[] = [];
  const statement =
    /(?:^|\n)\s*(import|export)(\s+type)?\s[^'";]*?from\s+'(\.{1,2}\/[^']+)'|import\(\s*'(\.{1,2}\/[^']+)'\s*\)/g;
  for (const m of text.matchAll(statement)) {
    if (m[2]) continue;
    out.push(normalize(join(dirname(file), m[3] ?? m[4]!)).replace(/\.js$/, '.ts'));
  }
  return out;
}

function layerOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? parts[1]! : parts[1]!.replace(/\.ts$/, '');
}

const files = sources(join(ROOT, 'src'));
const graph = new Map(files.map((f) => [f, runtimeImports(f)]));

test('every module of src/ belongs to a layer of docs/design.md', () => {
  const unknown = files.filter((f) => LAYER[layerOf(f)] === undefined);
  assert.deepEqual(unknown, [], 'a new folder needs its place in docs/design.md and in LAYER here');
});

/** Imports from a module to one of a later layer, in words. */
function climbs(g: Map<string, string[]>): string[] {
  const out: string[] = [];
  for (const [from, targets] of g)
    for (const to of targets)
      if (LAYER[layerOf(to)]! > LAYER[layerOf(from)]!)
        out.push(`${from} (${layerOf(from)}) imports ${to} (${layerOf(to)})`);
  return out;
}

test('no import climbs to a later layer', () => {
  assert.deepEqual(climbs(graph), []);
});

/** Strongly connected components of more than one module (Tarjan). */
function circles(g: Map<string, string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>(),
    low = new Map<string, number>(),
    stack: string[] = [],
    on = new Set<string>(),
    found: string[][] = [];
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    on.add(v);
    for (const w of g.get(v) ?? []) {
      if (!g.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const c: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      on.delete(w);
      c.push(w);
    } while (w !== v);
    if (c.length > 1) found.push(c.sort());
  };
  for (const v of g.keys()) if (!index.has(v)) visit(v);
  return found;
}

test('no circle of run-time imports', () => {
  assert.deepEqual(circles(graph), []);
});

test('the checks see what they check: a climb and a circle are found', () => {
  const g = new Map([
    ['src/data/a.ts', ['src/data/b.ts']],
    ['src/data/b.ts', ['src/data/a.ts']],
  ]);
  assert.deepEqual(circles(g), [['src/data/a.ts', 'src/data/b.ts']]);
  assert.deepEqual(climbs(new Map([['src/nn/x.ts', ['src/cli/y.ts']]])), [
    'src/nn/x.ts (nn) imports src/cli/y.ts (cli)',
  ]);
  assert.ok(runtimeImports('src/cli/main.ts').length > 0, 'the parser reads imports');
  assert.ok(graph.size > 100);
});
