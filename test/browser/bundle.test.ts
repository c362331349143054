// `lnn/browser` must bundle for the browser as it is: no Node built-in may be reachable by a bundler
// (the wasm backend, the memory figures and file.ts import them only at run time in Node, through a specifier
// bundlers leave alone; the file loaders are registered by the Node entry, never imported from here).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { build, type Metafile } from 'esbuild';
import { repoRoot } from '../helpers/util.js';

async function bundle(entry: string): Promise<{ code: string; metafile: Metafile }> {
  const r = await build({
    entryPoints: [`${repoRoot}/${entry}`],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  assert.equal(r.errors.length, 0);
  return { code: r.outputFiles[0]!.text, metafile: r.metafile };
}

/** Every import, static or dynamic, of a Node built-in in the bundle's inputs. */
function nodeImports(metafile: Metafile): string[] {
  return Object.entries(metafile.inputs).flatMap(([file, input]) =>
    input.imports
      .filter((i) => /^(node:|fs$|os$|path$|module$|worker_threads$)/.test(i.path))
      .map((i) => `${file} → ${i.path}`),
  );
}

test('src/browser.ts bundles for platform=browser with no externals, the workflow included', async () => {
  const { code, metafile } = await bundle('src/browser.ts');
  assert.doesNotMatch(code, /from\s+["']node:/, 'no static import of a Node built-in');
  assert.deepEqual(nodeImports(metafile), []);
  assert.ok(code.includes('initializeParametersDeep'));
  const exported = Object.values(metafile.outputs)[0]!.exports;
  for (const name of ['train', 'evaluate', 'predict', 'trainInWorker', 'modelFromJSON'])
    assert.ok(exported.includes(name), `exports ${name}`);
  // None of the Node loaders came along.
  for (const file of [
    'src/data/read/load.ts',
    'src/data/read/register-readers.ts',
    'src/io/files.ts',
    'src/data/read/npy-file.ts',
  ])
    assert.equal(metafile.inputs[file], undefined, `${file} is not in the browser bundle`);
});

test('the training worker script bundles for the browser on its own', async () => {
  const { code, metafile } = await bundle('src/browser/train-worker.ts');
  assert.deepEqual(nodeImports(metafile), []);
  assert.ok(code.includes('postMessage'));
});
