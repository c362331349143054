// Data that is not a regular file (a FIFO, a device) is refused before a byte is read, by every reader:
// a read from a FIFO with no writer never returns, and blocked the whole process (SIGTERM included).
// Each case runs in a process of its own, killed if it hangs, so that a reader that blocks fails the test
// instead of stalling the suite.
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import h5wasm from 'h5wasm/node';
import { encodeNpy } from '../../src/data/read/npy.js';
import { ROOT, type CliResult } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-fifo-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => join(dir, name);

/** Runs `node --import tsx ARGS` in its own process, killed after a minute (a hang is a failure, not a stall). */
function node(args: string[]): Promise<CliResult & { signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: ROOT,
      timeout: 60_000,
      killSignal: 'SIGKILL',
    });
    let stdout = '',
      stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

const refused = (file: string, kind = 'a FIFO') =>
  `${file}: not a regular file (${kind}); lnn reads data only from regular files, since a read from a pipe or a device can wait forever: save it to a file first`;

describe('a FIFO or a device given as data is refused at once, by every reader', { concurrency: true }, () => {
  before(async () => {
    await h5wasm.ready;
    const rows = ['x1,x2,y', ...Array.from({ length: 20 }, (_, i) => `${i % 4},${i % 3},${i % 2}`)];
    writeFileSync(f('points.csv'), rows.join('\n') + '\n');
    writeFileSync(f('x.npy'), encodeNpy([4, 2], [1, 2, 3, 4, 5, 6, 7, 8]));
    writeFileSync(f('y.npy'), encodeNpy([4], [0, 1, 0, 1], '<i8'));
    for (const name of ['fifo.csv', 'fifo.tsv', 'fifo.json', 'fifo.h5', 'fifo.npy', 'init.json'])
      execFileSync('mkfifo', [f(name)]);
    symlinkSync('/dev/zero', f('zero.csv'));
    // An HDF5 file whose x and y are external links to a FIFO: HDF5 opens it by name, on its own.
    const h = new h5wasm.File(f('to-fifo.h5'), 'w');
    h.create_external_link(f('fifo.h5'), '/x', 'x');
    h.create_external_link(f('fifo.h5'), '/y', 'y');
    h.close();
    assert.ok(statSync(f('fifo.csv')).isFIFO());
  });

  const cases: [string, () => string[], () => string][] = [
    ['CSV', () => ['--data', f('fifo.csv'), '--label', 'y'], () => refused(f('fifo.csv'))],
    ['TSV', () => ['--data', f('fifo.tsv')], () => refused(f('fifo.tsv'))],
    ['JSON', () => ['--data', f('fifo.json')], () => refused(f('fifo.json'))],
    ['HDF5', () => ['--data', f('fifo.h5')], () => refused(f('fifo.h5'))],
    [
      'an HDF5 external link to a FIFO',
      () => ['--data', f('to-fifo.h5')],
      () => `${f('to-fifo.h5')}: dataset 'x' reads ${refused(f('fifo.h5'))}`,
    ],
    ['.npy features', () => ['--x', f('fifo.npy'), '--y', f('y.npy')], () => refused(f('fifo.npy'))],
    [
      '.npy features, streamed',
      () => ['--x', f('fifo.npy'), '--y', f('y.npy'), '--stream'],
      () => refused(f('fifo.npy')),
    ],
    ['.npy labels', () => ['--x', f('x.npy'), '--y', f('fifo.npy')], () => refused(f('fifo.npy'))],
    [
      'a --dev file',
      () => ['--data', f('points.csv'), '--label', 'y', '--dev', f('fifo.csv')],
      () => refused(f('fifo.csv')),
    ],
    [
      '--init parameters',
      () => ['--data', f('points.csv'), '--label', 'y', '--init', f('init.json')],
      () => refused(f('init.json')),
    ],
    ['a character device', () => ['--data', f('zero.csv')], () => refused(f('zero.csv'), 'a character device')],
  ];
  it('lnn train --data fifo.csv exits 1 with one line', async () => {
    const r = await node([`${ROOT}src/cli/bin.ts`, 'train', '--data', f('fifo.csv'), '--label', 'y']);
    assert.equal(r.signal, null, 'lnn train hung on the FIFO and was killed');
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stderr, `lnn train: ${refused(f('fifo.csv'))}\n`);
  });

  it('every reader: the same line, exit 1', async () => {
    // One process runs lnn train's main on each case in turn (a process each would take a second each).
    const script = join(dir, 'cases.mts');
    writeFileSync(
      script,
      `import { main } from '${ROOT}src/cli/main.ts';
const out = [];
for (const args of JSON.parse(process.argv[2])) {
  let err = '';
  const code = await main(['train', ...args, '--iterations', '5'], { out: () => {}, err: (s) => void (err += s), errIsTTY: false });
  out.push({ code, err });
}
console.log(JSON.stringify(out));
`,
    );
    const r = await node([script, JSON.stringify(cases.map(([, args]) => args()))]);
    assert.equal(r.signal, null, 'a reader hung and was killed');
    const results = JSON.parse(r.stdout) as { code: number; err: string }[];
    cases.forEach(([what, , line], i) =>
      assert.deepEqual(results[i], { code: 1, err: `lnn train: ${line()}\n` }, what),
    );
  });

  it('the reader thread of a streamed file opens it without blocking, and only if it is the file opened', async () => {
    // A FIFO in the place of the .npy the trainer's thread opened: the reader says the file changed.
    const script = join(dir, 'swap.mts');
    writeFileSync(
      script,
      `import { statSync } from 'node:fs';
import { WorkerRowStreamer } from '${ROOT}src/data/stream/reader.ts';
const st = statSync(${JSON.stringify(f('x.npy'))}, { bigint: true });
const stamp = { size: Number(st.size), mtimeNs: st.mtimeNs, ino: st.ino, dev: st.dev };
const r = new WorkerRowStreamer({ kind: 'npy', file: ${JSON.stringify(f('fifo.npy'))}, stamp, dataOffset: 128 }, { stored: 'float64', rowBytes: 16, slotBytes: 64, slots: 2 });
r.post([new Float64Array([0, 4, 0])]);
try { r.wait(0); console.log('read'); } catch (e) { console.log(e.message); }
`,
    );
    const r = await node([script]);
    assert.equal(r.signal, null, 'the reader thread hung on the FIFO');
    assert.match(
      r.stdout,
      new RegExp(
        `^${f('fifo.npy').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: changed while lnn read it: it is another file \\(inode \\d+, now \\d+\\); its path names another file now \\(inode \\d+, now \\d+\\); a file cut or changed mid-run stops the run, since the examples read before and after would not be one data set\\n$`,
      ),
    );
  });
});
