import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, for running the CLI from source. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The newest modification time of a .ts file under `dir`, in ms, and the file. */
function newest(dir: string): { ms: number; file: string } {
  let best = { ms: 0, file: '' };
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    const n = e.isDirectory()
      ? newest(path)
      : e.name.endsWith('.ts')
        ? { ms: statSync(path).mtimeMs, file: path }
        : best;
    if (n.ms > best.ms) best = n;
  }
  return best;
}

let checked = false;

/**
 * node's arguments for `lnn <args>` as a user runs it: bin/lnn.js, which runs the built dist/ (a third of
 * the start-up of compiling src/ through tsx in every process). A dist/ older than a file of src/ fails
 * the test, naming the file, instead of testing yesterday's code.
 */
export function lnnArgv(args: readonly string[]): string[] {
  if (!checked) {
    const src = newest(join(ROOT, 'src'));
    let built = 0;
    try {
      built = statSync(join(ROOT, 'dist/cli/bin.js')).mtimeMs;
    } catch {
      // No dist/ at all: reported below as older than everything.
    }
    if (built < src.ms)
      throw new Error(
        `dist/ is older than ${src.file.slice(ROOT.length)}: rebuild it (npx tsc -p tsconfig.build.json) before the tests that run lnn`,
      );
    checked = true;
  }
  return [join(ROOT, 'bin/lnn.js'), ...args];
}

/**
 * Runs `lnn <args>` (the built command, see `lnnArgv`), as a user would from a shell. Asynchronous, so
 * that a suite marked `{ concurrency: true }` runs its commands side by side.
 */
export function lnn(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, lnnArgv(args), {
      cwd: opts.cwd ?? ROOT,
      ...(opts.env ? { env: opts.env } : {}),
    });
    let stdout = '',
      stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Runs `lnn <args>` inside this process through the same `main` that src/cli/bin.ts calls, capturing
 * stdout, stderr and the exit code: the same results as `lnn` without a process start per case.
 */
export async function lnnInProcess(args: string[]): Promise<CliResult> {
  const { main } = await import('../../src/cli/main.js');
  let stdout = '',
    stderr = '';
  const code = await main(args, { out: (s) => void (stdout += s), err: (s) => void (stderr += s), errIsTTY: false });
  return { code, stdout, stderr };
}
