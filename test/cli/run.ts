import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root, for running the CLI from source. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs `lnn <args>` from source (node --import tsx src/cli/bin.ts), as a user would from a shell.
 * Asynchronous, so that a suite marked `{ concurrency: true }` runs its commands side by side.
 */
export function lnn(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `${ROOT}src/cli/bin.ts`, ...args], {
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
