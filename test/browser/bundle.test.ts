// `lnn/browser` must bundle for the browser as it is: no Node built-in may be reachable by a bundler
// (the wasm backend imports them only at run time in Node, through a specifier bundlers leave alone).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build } from 'esbuild';
import { repoRoot } from '../helpers/util.js';

test('src/browser.ts bundles for platform=browser with no externals', async () => {
  const r = await build({
    entryPoints: [`${repoRoot}/src/browser.ts`],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    logLevel: 'silent',
  });
  assert.equal(r.errors.length, 0);
  const code = r.outputFiles[0]!.text;
  assert.doesNotMatch(code, /from\s+["']node:/, 'no static import of a Node built-in');
  assert.match(code, /initializeParametersDeep/);
});
