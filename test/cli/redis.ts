/**
 * A real Redis for the queue tests: Debian's redis-server (.ci/install-redis.sh installs it), started on
 * 127.0.0.1 on a free port in a temporary directory, with a password, no persistence; stopped after.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Why the queue tests cannot run here, or false when they can. */
export function redisMissing(): string | false {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? false : "redis-server is missing (bash .ci/install-redis.sh installs Debian's)";
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

export interface RedisServer {
  url: string;
  password: string;
  stop(): Promise<void>;
}

/** Starts redis-server and waits until it accepts connections. */
export async function startRedis(): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lnn-redis-'));
  const port = await freePort();
  const password = 'lnn-test-secret';
  const child: ChildProcess = spawn(
    'redis-server',
    [
      '--port',
      String(port),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'no',
      '--requirepass',
      password,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`redis-server did not start: ${log}`)), 10_000);
    const check = () => {
      if (/Ready to accept connections/.test(log)) {
        clearTimeout(t);
        resolve();
      } else setTimeout(check, 50);
    };
    child.on('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${log}`)));
    check();
  });
  return {
    url: `redis://127.0.0.1:${port}`,
    password,
    stop: async () => {
      const done = new Promise((r) => child.on('exit', r));
      child.kill('SIGTERM');
      await done;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
