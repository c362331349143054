/** Writes dist/main.js and dist/train-worker.js under `outdir` (default: dist/ beside build.mjs). */
export function buildExample(outdir?: string): Promise<void>;
