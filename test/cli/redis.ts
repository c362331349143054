/**
 * A real Redis for the queue tests: Debian's redis-server (.ci/install-redis.sh installs it), started on
 * 127.0.0.1 on a free port in a temporary directory, with a password, no persistence; stopped after.
 * With `tls`, it listens on a TLS port only, with a certificate of a throwaway CA made by `openssl`.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../helpers/wait.js';
import { lnnArgv, ROOT } from './run.js';

/** Why the queue tests cannot run here, or false when they can. */
export function redisMissing(): string | false {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? false : "redis-server is missing (bash .ci/install-redis.sh installs Debian's)";
}

/**
 * Why the TLS queue tests cannot run here, or false when they can: they need redis-server built with TLS
 * (Debian's is) and openssl to make the certificates.
 */
export function redisTlsMissing(): string | false {
  const missing = redisMissing();
  if (missing) return missing;
  if (spawnSync('openssl', ['version'], { encoding: 'utf8' }).status !== 0)
    return 'openssl is missing (bash .ci/install-redis.sh installs it)';
  // Listening nowhere, a TLS-capable redis-server exits at once with "not listen anywhere"; one built
  // without TLS refuses the directive ("Bad directive").
  const r = spawnSync('redis-server', ['--port', '0', '--tls-port', '0', '--save', '', '--appendonly', 'no'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  const log = `${r.stdout}${r.stderr}`;
  return /not listen anywhere/i.test(log)
    ? false
    : `this redis-server has no TLS (--tls-port: ${log.trim().split('\n').pop()}); Debian's has it`;
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

/** A CA and the server certificate it signed, as PEM files. */
export interface Certificates {
  /** The CA's certificate: what a client trusts (--tls-ca). */
  ca: string;
  cert: string;
  key: string;
}

/** openssl's settings: a CA that signs, and a server certificate for the names in `san`. */
const opensslConfig = (san: string) => `[req]
distinguished_name = dn
prompt = no
[dn]
CN = lnn test
[ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[server]
basicConstraints = CA:FALSE
keyUsage = critical, digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = ${san}
`;

function openssl(dir: string, args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')} failed: ${r.stderr}`);
}

/**
 * Makes a throwaway CA in `dir` (files NAME-ca.pem, NAME-ca.key) and a certificate it signs for the names
 * in `san` (default 127.0.0.1 and localhost), valid for `days` (0: expired a second later), as
 * NAME-server.pem and NAME-server.key.
 */
export function makeCertificates(dir: string, name: string, opts: { san?: string; days?: number } = {}): Certificates {
  const f = (s: string) => join(dir, `${name}-${s}`);
  const cnf = f('openssl.cnf');
  writeFileSync(cnf, opensslConfig(opts.san ?? 'IP:127.0.0.1, DNS:localhost'));
  const key = ['-newkey', 'rsa:2048', '-nodes', '-config', cnf];
  openssl(dir, [
    'req',
    '-x509',
    ...key,
    '-subj',
    `/CN=lnn test CA ${name}`,
    '-extensions',
    'ca',
    '-keyout',
    f('ca.key'),
    '-out',
    f('ca.pem'),
  ]);
  openssl(dir, ['req', '-new', ...key, '-subj', '/CN=localhost', '-keyout', f('server.key'), '-out', f('server.csr')]);
  openssl(dir, [
    'x509',
    '-req',
    '-in',
    f('server.csr'),
    '-CA',
    f('ca.pem'),
    '-CAkey',
    f('ca.key'),
    '-set_serial',
    '2',
    '-days',
    String(opts.days ?? 2),
    '-extfile',
    cnf,
    '-extensions',
    'server',
    '-out',
    f('server.pem'),
  ]);
  return { ca: f('ca.pem'), cert: f('server.pem'), key: f('server.key') };
}

export interface RedisServer {
  url: string;
  password: string;
  stop(): Promise<void>;
}

/**
 * Starts redis-server and waits until it accepts connections: on a plain port (redis://), or with
 * `tls` on a TLS port only (rediss://; clients need no certificate of their own), also on ::1 where
 * there is one, so that `localhost` reaches it whichever address it resolves to first.
 */
export async function startRedis(opts: { tls?: Certificates; password?: string } = {}): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), 'lnn-redis-'));
  const password = opts.password ?? 'lnn-test-secret';
  // Test files run side by side, each starting its own Redis: a free port can be taken between the
  // look and redis-server's bind. Then another port.
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const { child, log } = spawnRedis(port, dir, password, opts.tls);
    try {
      await eventually('redis-server to accept connections', () => /Ready to accept connections/.test(log()), {
        procs: [child],
      });
    } catch (e) {
      if (attempt < 3 && /already in use/i.test(log())) continue;
      throw new Error(`${(e as Error).message}: ${log()}`);
    }
    return {
      url: `${opts.tls ? 'rediss' : 'redis'}://127.0.0.1:${port}`,
      password,
      stop: async () => {
        const done = new Promise((r) => child.on('exit', r));
        child.kill('SIGTERM');
        await done;
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
}

/** redis-server on `port` (TLS only with `tls`), with its log so far. */
function spawnRedis(port: number, dir: string, password: string, tls: Certificates | undefined) {
  const listen = tls
    ? [
        '--port',
        '0',
        '--tls-port',
        String(port),
        '--tls-cert-file',
        tls.cert,
        '--tls-key-file',
        tls.key,
        '--tls-ca-cert-file',
        tls.ca,
        '--tls-auth-clients',
        'no',
        '--bind',
        '127.0.0.1',
        '-::1',
      ]
    : ['--port', String(port), '--bind', '127.0.0.1'];
  const child: ChildProcess = spawn(
    'redis-server',
    [...listen, '--dir', dir, '--save', '', '--appendonly', 'no', '--requirepass', password],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let log = '';
  child.stdout!.on('data', (b: Buffer) => (log += b.toString()));
  return { child, log: () => log };
}

/** A running lnn process with its output so far. */
export interface Proc {
  child: ChildProcess;
  out: () => string;
  err: () => string;
  exit: Promise<number | null>;
}

/**
 * Starts `lnn <args>` (the built command, see lnnArgv) with one kernel thread, in an environment without REDIS_PASSWORD or
 * NODE_EXTRA_CA_CERTS unless `env` gives them.
 */
export function startLnn(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const base = { ...process.env };
  delete base['REDIS_PASSWORD'];
  delete base['NODE_EXTRA_CA_CERTS'];
  const child = spawn(process.execPath, lnnArgv(args), {
    cwd: ROOT,
    env: { ...base, LNN_THREADS: '1', ...env },
  });
  let out = '',
    err = '';
  child.stdout!.setEncoding('utf8').on('data', (s: string) => (out += s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => (err += s));
  const exit = new Promise<number | null>((r) => child.on('close', (code) => r(code)));
  return { child, out: () => out, err: () => err, exit };
}

/**
 * Waits until `ok()`, checked again at each piece of output of `procs` (the processes whose lines it
 * reads); fails when one of them ends first.
 */
export function until(what: string, ok: () => boolean, ...procs: Proc[]): Promise<void> {
  return eventually(what, ok, { procs: procs.map((p) => p.child) });
}
