#!/usr/bin/env node
// The `lnn` command: runs the compiled CLI (npm install / npm run build produce dist/).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/cli/bin.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  process.stderr.write('lnn: dist/ is missing; run `npm run build` in the lnn folder first\n');
  process.exit(1);
}
await import(entry.href);
