// A signal that arrives while a command commits its outputs takes effect right after the commit
// (src/cli/command-outputs.ts, commitWithSignals). The end-to-end test in hardening.test.ts sends SIGTERM at
// chosen moments of a real `lnn train --save`, but a commit lasts microseconds, so it almost never
// lands inside one. Here the signal is raised from inside the commit itself: the stdout callback, which
// runs after the files are renamed into place and before the commit returns, sends it to its own process.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { repoRoot } from '../helpers/util.js';
import { lnnArgv } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-signals-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs, in a child process, a commit of `--save <dir>/model.json` and `--record -` whose stdout write
 * first sends `signal` to the process. `deferred` commits through commitWithSignals, otherwise straight
 * through commitOutputs (the control: what happens without the deferral).
 */
function commitInterrupted(signal: 'SIGTERM' | 'SIGINT', deferred: boolean, fromIoCallback = false) {
  const model = join(dir, `${signal}-${deferred}-${fromIoCallback}.json`);
  writeFileSync(model, 'old');
  const code = `
    import { commitOutputs, planOutputs } from './src/io/outputs.ts';
    import { commitWithSignals } from './src/cli/command-outputs.ts';
    const plan = planOutputs([{ option: '--save', path: ${JSON.stringify(model)} }, { option: '--record', path: '-' }]);
    const contents = { '--save': 'new', '--record': 'the record\\n' };
    // A signal a thread sends its own process, and does not block, is delivered before kill() returns
    // (POSIX); node's main thread blocks none. So here the signal has already done what it does: killed
    // the process (its default action), or queued its handler for the event loop (commitWithSignals).
    const stdout = (s) => {
      process.kill(process.pid, ${JSON.stringify(signal)});
      process.stdout.write(s);
    };
    const commit = async () => {
      if (${deferred}) await commitWithSignals(plan, contents, stdout);
      else commitOutputs(plan, contents, stdout);
      process.stdout.write('after the commit\\n');
    };
    // From an I/O callback (the event loop's poll phase), as a command that has just read its data.
    if (${fromIoCallback}) (await import('node:fs')).readFile(${JSON.stringify(model)}, () => void commit());
    else await commit();`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60000,
  });
  return { ...r, model: readFileSync(model, 'utf8') };
}

const temporaries = () => readdirSync(dir).filter((n) => n.includes('.lnn-tmp-'));

describe('a signal during the commit of outputs', () => {
  for (const [signal, exit] of [
    ['SIGTERM', 143],
    ['SIGINT', 130],
  ] as const)
    it(`${signal} is held until the commit is done, then exits ${exit}`, () => {
      const r = commitInterrupted(signal, true);
      assert.equal(r.signal, null, r.stderr);
      assert.equal(r.status, exit, r.stderr);
      assert.equal(r.stdout, 'the record\n', 'the commit finished; nothing ran after it');
      assert.equal(r.model, 'new');
      assert.deepEqual(temporaries(), []);
    });

  it('held as well when the commit starts in an I/O callback', () => {
    const r = commitInterrupted('SIGTERM', true, true);
    assert.equal(r.status, 143, r.stderr);
    assert.equal(r.stdout, 'the record\n');
    assert.equal(r.model, 'new');
  });

  it('without the deferral the same signal kills the commit half-way (the control)', () => {
    const r = commitInterrupted('SIGTERM', false);
    assert.equal(r.signal, 'SIGTERM');
    assert.equal(r.stdout, '', 'killed before the record reached stdout');
  });
});

describe('a signal while lnn convert streams its outputs', () => {
  it('SIGTERM removes the temporaries, keeps the previous outputs and exits 143', async () => {
    const d = join(dir, 'convert');
    mkdirSync(join(d, 'out'), { recursive: true });
    // 400,000 rows: the progress line at 100,000 comes well before the end.
    const rows = ['a,b,y'];
    for (let j = 0; j < 400_000; j++) rows.push(`${j % 13},${j % 7},${j % 2}`);
    writeFileSync(join(d, 'data.csv'), rows.join('\n') + '\n');
    writeFileSync(join(d, 'out', 'x.npy'), 'old x');
    const child = spawn(
      process.execPath,
      lnnArgv(['convert', '--data', join(d, 'data.csv'), '--out', join(d, 'out'), '--force']),
    );
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (stderr.includes('100,000 rows...')) child.kill('SIGTERM');
    });
    const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
      child.on('close', (c, sig) => resolve([c, sig])),
    );
    assert.ok(stderr.includes('100,000 rows...'), stderr);
    assert.equal(signal, null, stderr);
    assert.equal(code, 143, stderr);
    assert.deepEqual(readdirSync(join(d, 'out')), ['x.npy'], 'no temporary, no y.npy');
    assert.equal(readFileSync(join(d, 'out', 'x.npy'), 'utf8'), 'old x');
    assert.ok(existsSync(join(d, 'data.csv')));
  });
});
