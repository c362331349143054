// Bundles the example page with esbuild: main.ts (the page, with lnn in it) and lnn's training worker
// (src/browser/train-worker.ts), as ES modules, into dist/ beside index.html. trainInWorker starts
// `train-worker.js` beside the bundle that calls it, so both go to the same folder.
//   node examples/browser/build.mjs        (npm run build:example)
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Writes dist/main.js and dist/train-worker.js under `outdir` (default: dist/ beside this file). */
export async function buildExample(outdir = `${here}dist`) {
  await build({
    entryPoints: { main: `${here}main.ts`, 'train-worker': `${here}../../src/browser/train-worker.ts` },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    outdir,
    logLevel: 'warning',
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildExample(process.argv[2]);
  console.log(`built ${process.argv[2] ?? 'examples/browser/dist'}; serve it with: node examples/browser/serve.mjs`);
}
