/**
 * lnn sweep --queue rediss:// and lnn worker against a real TLS-only Redis with a password, whose
 * certificate a throwaway private CA signed (made with openssl at test time). Skipped, saying why,
 * without redis-server built with TLS or without openssl.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createServer as createTlsServer } from 'node:tls';
import { connectionOf, shownUrl } from '../../src/sweep/redis-target.js';
import { redactedArgv } from '../../src/sweep/redis-options.js';
import {
  makeCertificates,
  redisTlsMissing,
  startLnn,
  startRedis,
  type Certificates,
  type Proc,
  type RedisServer,
} from './redis.js';

const skip = redisTlsMissing();
/** Distinctive, so that a search of every output and file finds any copy of it. */
const PASSWORD = 'tls-Pw-8q2k:x@y';
let redis: RedisServer;
let certs: Certificates;
let other: Certificates;
let elsewhere: Certificates;
let expired: Certificates;
let dir = '';
let port = '';
const f = (name: string) => join(dir, name);
/** Servers the tests start, closed after. */
const servers: Server[] = [];
/** Every lnn process the tests start: none may print the password. */
const started: Proc[] = [];

function start(args: string[], env: NodeJS.ProcessEnv = {}): Proc {
  const p = startLnn(args, env);
  started.push(p);
  return p;
}

/** Starts `server` on a free port of 127.0.0.1 (closed after the tests); its port. */
async function listen(server: Server): Promise<number> {
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

/** Runs `lnn <args>` to its end: exit code and stderr. */
async function run(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; err: string }> {
  const p = start(args, env);
  const code = await p.exit;
  return { code, err: p.err() };
}

/** The finished trials of a record: id → the run's result (costs and errors). */
function results(d: string): Map<string, { trainCost: number; devCost: number; trainError: number; devError: number }> {
  const out = new Map();
  for (const line of readFileSync(join(d, 'trials.jsonl'), 'utf8').split('\n')) {
    if (!line.includes('"event":"finish"')) continue;
    const e = JSON.parse(line);
    out.set(e.id, e.run.result);
  }
  return out;
}

/** `s` as a regular expression matching itself. */
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Every file under `d`, recursively. */
function filesUnder(d: string): string[] {
  return readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? filesUnder(join(d, n)) : [join(d, n)]));
}

/** Four trials of well under a second each on iris. */
const SWEEP = [
  'sweep',
  '--data',
  'builtin:iris',
  '--lr',
  '0.05',
  '--lr',
  '0.02',
  '--hidden',
  '8',
  '--hidden',
  '8,8',
  '--iterations',
  '3000',
  '--quiet',
  '--json',
];
const IRIS = ['sweep', '--data', 'builtin:iris', '--lr', '0.1', '--lr', '0.2'];
/** Node's own warnings (DEP0123 for an IP address as the TLS server name, among others). */
const NODE_WARNING = /Warning|DEP0\d+|\(node:\d+\)/;

describe(
  'lnn sweep --queue rediss:// with lnn worker processes (a TLS-only Redis with a password)',
  {
    skip,
    concurrency: false,
    timeout: 300_000,
  },
  () => {
    const workers: Proc[] = [];
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), 'lnn-queue-tls-'));
      certs = makeCertificates(dir, 'private');
      other = makeCertificates(dir, 'other');
      elsewhere = makeCertificates(dir, 'elsewhere', { san: 'DNS:elsewhere.example' });
      expired = makeCertificates(dir, 'expired', { days: 0 });
      redis = await startRedis({ tls: certs, password: PASSWORD });
      port = new URL(redis.url).port;
    });
    after(async () => {
      for (const w of workers) w.child.kill('SIGKILL');
      await Promise.all(workers.map((w) => w.exit));
      for (const s of servers) s.close();
      await redis?.stop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    test('a sweep over rediss:// trusting the private CA (--tls-ca): every trial is trained by the workers, as it is here', async () => {
      // One worker by IP address (no SNI), one by name (SNI localhost); the password by REDIS_PASSWORD and by --password.
      const a = start(['worker', '--queue', redis.url, '--tls-ca', certs.ca], { REDIS_PASSWORD: PASSWORD });
      const b = start([
        'worker',
        '--queue',
        `rediss://localhost:${port}`,
        '--tls-ca',
        certs.ca,
        '--password',
        PASSWORD,
      ]);
      workers.push(a, b);
      // The password in the URL and on the command line: the record must show neither.
      const url = `rediss://default:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`;
      const sweep = start([...SWEEP, '--queue', url, '--password', PASSWORD, '--tls-ca', certs.ca, '--dir', f('tls')]);
      assert.equal(await sweep.exit, 0, sweep.err());
      const out = JSON.parse(sweep.out());
      assert.equal(out.trials.length, 4);
      for (const t of out.trials) {
        assert.equal(t.status, 'ok', t.error);
        assert.match(t.ranOn, new RegExp(`:(${a.child.pid}|${b.child.pid})$`), 'trained by one of the workers');
      }
      const queued = results(f('tls'));
      assert.equal(queued.size, 4);

      // The same sweep on this machine's threads: the same trials, the same costs and errors.
      const local = start([...SWEEP, '--dir', f('local')]);
      assert.equal(await local.exit, 0, local.err());
      const here = results(f('local'));
      assert.deepEqual([...here.keys()].sort(), [...queued.keys()].sort());
      for (const [id, r] of here) {
        const q = queued.get(id)!;
        for (const k of ['trainCost', 'devCost', 'trainError', 'devError'] as const)
          assert.ok(Math.abs(q[k] - r[k]) <= 1e-6 * Math.max(1, Math.abs(r[k])), `${id} ${k}: ${q[k]} vs ${r[k]}`);
      }

      for (const w of [a, b]) {
        assert.match(w.err(), /^lnn worker [^ ]+:\d+: serving lnn-trials at rediss:\/\/(127\.0\.0\.1|localhost):\d+; /);
        assert.doesNotMatch(w.err(), NODE_WARNING);
      }
      assert.doesNotMatch(sweep.err(), NODE_WARNING);
      const record = JSON.parse(readFileSync(f('tls/sweep.json'), 'utf8'));
      assert.deepEqual(record.command.slice(-8), [
        '--queue',
        `rediss://***@127.0.0.1:${port}`,
        '--password',
        '***',
        '--tls-ca',
        certs.ca,
        '--dir',
        f('tls'),
      ]);
      for (const w of [a, b]) w.child.kill('SIGTERM');
      assert.deepEqual(await Promise.all([a.exit, b.exit]), [0, 0], 'the workers stop cleanly on SIGTERM');
    });

    test('a missing, unreadable or empty --tls-ca file, or --tls-ca for redis://, is a usage error naming the file', async () => {
      mkdirSync(f('a-directory.pem'));
      writeFileSync(f('empty.pem'), 'not a certificate\n');
      const lines = readFileSync(certs.ca, 'utf8').split('\n');
      writeFileSync(f('broken.pem'), [lines[0], 'AAAA' + lines[1]!.slice(4), ...lines.slice(2)].join('\n'));
      const env = { REDIS_PASSWORD: PASSWORD };
      const cases: [string[], RegExp][] = [
        [
          ['worker', '--queue', redis.url, '--tls-ca', f('missing.pem')],
          new RegExp(
            `^lnn worker: --tls-ca ${esc(f('missing.pem'))}: cannot read \\(no such file or directory\\) \\(lnn worker --help\\)\\n$`,
          ),
        ],
        [
          [...IRIS, '--queue', redis.url, '--tls-ca', f('a-directory.pem')],
          new RegExp(
            `^lnn sweep: --tls-ca ${esc(f('a-directory.pem'))}: cannot read \\(is a directory\\) \\(lnn sweep --help\\)\\n$`,
          ),
        ],
        [
          ['worker', '--queue', redis.url, '--tls-ca', f('empty.pem')],
          new RegExp(
            `^lnn worker: --tls-ca ${esc(f('empty.pem'))}: no PEM certificate in it \\(a block from -----BEGIN CERTIFICATE----- to -----END CERTIFICATE-----\\) \\(lnn worker --help\\)\\n$`,
          ),
        ],
        [
          ['worker', '--queue', redis.url, '--tls-ca', f('broken.pem')],
          new RegExp(
            `^lnn worker: --tls-ca ${esc(f('broken.pem'))}: certificate 1 is not a valid certificate \\(.+\\) \\(lnn worker --help\\)\\n$`,
          ),
        ],
        [
          ['worker', '--queue', `redis://127.0.0.1:${port}`, '--tls-ca', certs.ca],
          new RegExp(
            `^lnn worker: --tls-ca is for a TLS Redis, and --queue redis://127\\.0\\.0\\.1:${port} is not one: use rediss:// \\(lnn worker --help\\)\\n$`,
          ),
        ],
      ];
      const got = await Promise.all(cases.map(([args]) => run(args, env)));
      got.forEach((r, i) => {
        assert.equal(r.code, 2, r.err);
        assert.match(r.err, cases[i]![1]);
      });
    });

    test('an untrusted, expired or other-named certificate, a wrong or missing password, or the wrong scheme: one clear line within seconds', async () => {
      // A port that accepts connections and never answers, as a plain Redis does a TLS handshake; and two
      // TLS servers whose certificates a trusted CA signed, one for another name, one expired.
      const silent = await listen(createServer(() => {}));
      const tlsServer = (c: Certificates) =>
        listen(createTlsServer({ key: readFileSync(c.key), cert: readFileSync(c.cert) }, (s) => s.end()));
      const [otherName, outdated] = [await tlsServer(elsewhere), await tlsServer(expired)];
      const at = `Redis at rediss://127.0.0.1:${port}`;
      const env = { REDIS_PASSWORD: PASSWORD };
      const cases: [string[], NodeJS.ProcessEnv, string | RegExp][] = [
        [
          ['worker', '--queue', redis.url],
          env,
          `lnn worker: cannot reach ${at}: its TLS certificate is not trusted (self-signed certificate in certificate chain); give the CA certificate that signed it with --tls-ca FILE (PEM)\n`,
        ],
        [
          [...IRIS, '--queue', redis.url],
          env,
          `lnn sweep: cannot reach ${at}: its TLS certificate is not trusted (self-signed certificate in certificate chain); give the CA certificate that signed it with --tls-ca FILE (PEM)\n`,
        ],
        [
          ['worker', '--queue', redis.url, '--tls-ca', other.ca],
          env,
          `lnn worker: cannot reach ${at}: its TLS certificate is not signed by a CA of --tls-ca ${other.ca} (self-signed certificate in certificate chain); give the CA certificate that signed it\n`,
        ],
        [
          ['worker', '--queue', redis.url, '--tls-ca', certs.ca],
          { REDIS_PASSWORD: 'not-the-password' },
          `lnn worker: cannot log in to ${at} (WRONGPASS invalid username-password pair or user is disabled.); check the password given with --password or REDIS_PASSWORD\n`,
        ],
        [
          [...IRIS, '--queue', redis.url, '--tls-ca', certs.ca],
          {},
          `lnn sweep: cannot log in to ${at} (NOAUTH Authentication required.); give its password with --password or REDIS_PASSWORD\n`,
        ],
        [
          ['worker', '--queue', `redis://127.0.0.1:${port}`],
          env,
          // The server resets the connection as the client writes or reads: either may come first.
          new RegExp(
            `^lnn worker: cannot reach Redis at redis://127\\.0\\.0\\.1:${port} \\(((read|write) ECONNRESET|write EPIPE|Connection is closed\\.)\\): it closed the connection; if that port takes TLS only, use rediss://\\n$`,
          ),
        ],
        [
          ['worker', '--queue', `rediss://127.0.0.1:${silent}`],
          env,
          `lnn worker: cannot reach Redis at rediss://127.0.0.1:${silent} (connect ETIMEDOUT): no TLS answer within 4 s; is redis-server running there, and is that a TLS port (a plain one needs redis://)?\n`,
        ],
        [
          ['worker', '--queue', `rediss://127.0.0.1:${otherName}`, '--tls-ca', elsewhere.ca],
          env,
          `lnn worker: cannot reach Redis at rediss://127.0.0.1:${otherName}: its TLS certificate is for other names (Hostname/IP does not match certificate's altnames: IP: 127.0.0.1 is not in the cert's list: ); connect by a name or address it lists\n`,
        ],
        [
          ['worker', '--queue', `rediss://127.0.0.1:${outdated}`, '--tls-ca', expired.ca],
          env,
          `lnn worker: cannot reach Redis at rediss://127.0.0.1:${outdated}: its TLS certificate is not valid now (certificate has expired); the server needs a current certificate\n`,
        ],
      ];
      // Three at a time: each is bounded, and the machine may be busy.
      for (let i = 0; i < cases.length; i += 3) {
        const batch = cases.slice(i, i + 3);
        const got = await Promise.all(batch.map(([args, e]) => run(args, e)));
        got.forEach((r, j) => {
          const want = batch[j]![2];
          if (typeof want === 'string') assert.equal(r.err, want);
          else assert.match(r.err, want);
          assert.equal(r.code, 1);
        });
      }
    });

    test('the password is in no message, record or log', () => {
      assert.ok(started.length >= 10);
      for (const p of started) {
        assert.ok(!p.out().includes(PASSWORD) && !p.err().includes(PASSWORD), p.err());
        assert.ok(!p.err().includes(encodeURIComponent(PASSWORD)));
      }
      for (const file of filesUnder(dir).filter((x) => !x.endsWith('.key') && !x.endsWith('.pem'))) {
        const text = readFileSync(file, 'utf8');
        assert.ok(!text.includes(PASSWORD) && !text.includes(encodeURIComponent(PASSWORD)), file);
      }
    });
  },
);

describe('the queue target in messages and records, secrets hidden', () => {
  test('shownUrl hides the user and password, even one with @, : or /, and any query', () => {
    assert.equal(shownUrl('rediss://:s3cret@host:6380/0'), 'rediss://***@host:6380/0');
    assert.equal(shownUrl('redis://user:p@ss:w/rd@host:6379'), 'redis://***@host:6379');
    assert.equal(shownUrl('redis://host:6379?password=s3cret'), 'redis://host:6379?***');
    assert.equal(shownUrl('redis://host:6379/2'), 'redis://host:6379/2');
  });

  test('redactedArgv hides --password and the URL secrets of --queue, in both spellings', () => {
    assert.deepEqual(
      redactedArgv([
        'sweep',
        '--password',
        's3cret',
        '--queue',
        'rediss://u:s3cret@h:1',
        '--password=s3cret',
        '--queue=redis://:s3cret@h:2',
        '--lr',
        '0.1',
      ]),
      [
        'sweep',
        '--password',
        '***',
        '--queue',
        'rediss://***@h:1',
        '--password=***',
        '--queue=redis://***@h:2',
        '--lr',
        '0.1',
      ],
    );
  });

  test('a --queue URL the parser refuses is shown without its password', () => {
    // A password with an unescaped '/' makes the URL unparseable; the message must not quote it.
    assert.throws(() => connectionOf({ url: 'redis://:pa/ss@host:6379' }), {
      name: 'ValueError',
      message: "--queue must be redis://HOST:PORT or rediss://HOST:PORT (TLS) but is 'redis://***@host:6379'",
    });
  });
});
