import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { AppendedOutput, commitOutputs, planOutputs, writeOutput } from '../../src/io/outputs.js';

const root = mkdtempSync(join(tmpdir(), 'lnn-outputs-'));
after(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const fresh = () => {
  const d = join(root, `case${n++}`);
  mkdirSync(d);
  return d;
};
const hidden = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('.'));

/** Whether this user can make device nodes (root, outside a restricted container). */
function canMknod(dir: string): boolean {
  return spawnSync('mknod', [join(dir, 'probe'), 'c', '1', '3']).status === 0;
}

describe('planOutputs / commitOutputs: a path keeps what it is', () => {
  it('replaces a regular file atomically and keeps its permission bits', () => {
    const d = fresh();
    const f = join(d, 'm.json');
    writeFileSync(f, 'old');
    chmodSync(f, 0o600);
    writeOutput(f, 'new');
    assert.equal(readFileSync(f, 'utf8'), 'new');
    assert.equal(statSync(f).mode & 0o777, 0o600);
    assert.deepEqual(hidden(d), []);
  });

  it("writes '-' to stdout", () => {
    let out = '';
    writeOutput('-', 'to stdout', (s) => void (out += s));
    assert.equal(out, 'to stdout');
  });

  it('replaces the target of a symlink, not the link', () => {
    const d = fresh();
    writeFileSync(join(d, 'real.json'), 'old');
    symlinkSync('real.json', join(d, 'link.json'));
    writeOutput(join(d, 'link.json'), 'new');
    assert.ok(statSync(join(d, 'link.json')).isFile());
    assert.equal(readFileSync(join(d, 'real.json'), 'utf8'), 'new');
    assert.equal(readdirSync(d).sort().join(), 'link.json,real.json');
    // A dangling link: its target is created.
    symlinkSync('later.json', join(d, 'dangling.json'));
    writeOutput(join(d, 'dangling.json'), 'created');
    assert.equal(readFileSync(join(d, 'later.json'), 'utf8'), 'created');
  });

  it('writes through a FIFO as a stream instead of replacing it', async (t) => {
    const d = fresh();
    const fifo = join(d, 'pipe');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return t.skip('mkfifo is not available');
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.setEncoding('utf8').on('data', (s: string) => (got += s));
    const done = new Promise((resolve) => reader.on('close', resolve));
    writeOutput(fifo, 'through the pipe\n');
    await done;
    assert.equal(got, 'through the pipe\n');
    assert.ok(statSync(fifo).isFIFO());
  });

  it('writes through a character device instead of replacing it', (t) => {
    const d = fresh();
    if (!canMknod(d)) return t.skip('cannot create device nodes here (needs root outside a restricted container)');
    const dev = join(d, 'null');
    execFileSync('mknod', [dev, 'c', '1', '3']);
    writeOutput(dev, 'discarded');
    assert.ok(statSync(dev).isCharacterDevice());
  });
});

describe('planOutputs refuses, in one line, before any work', () => {
  const refuse = (f: () => unknown, message: RegExp) => assert.throws(f, { name: 'DataError', message });

  it('a missing directory, a file used as a directory, a directory given as a file', () => {
    const d = fresh();
    writeFileSync(join(d, 'plain'), '');
    refuse(
      () => planOutputs([{ option: '--save', path: join(d, 'no/dir/m.json') }]),
      /^--save .*no\/dir\/m\.json: cannot write \(the directory .*no\/dir does not exist\)$/,
    );
    refuse(
      () => planOutputs([{ option: '--save', path: join(d, 'plain/m.json') }]),
      /^--save .*plain\/m\.json: cannot write \(.*plain is not a directory\)$/,
    );
    refuse(
      () => planOutputs([{ option: '--record', path: d }]),
      /^--record .*: is a directory; name the file to write$/,
    );
  });

  it('a read-only file (even for root), keeping it as it was', () => {
    const d = fresh();
    const f = join(d, 'ro.json');
    writeFileSync(f, 'keep');
    chmodSync(f, 0o444);
    refuse(
      () => writeOutput(f, 'x', undefined, '--save'),
      /^--save .*ro\.json: the file is read-only; lnn will not replace it/,
    );
    assert.equal(readFileSync(f, 'utf8'), 'keep');
  });

  it('an output that is an input, compared as real paths (through ./ and symlinks)', () => {
    const d = fresh();
    writeFileSync(join(d, 'a.csv'), 'x,y\n1,2\n');
    symlinkSync(join(d, 'a.csv'), join(d, 'alias.csv'));
    for (const out of [join(d, 'a.csv'), join(d, '.', 'a.csv'), join(d, 'alias.csv')])
      refuse(
        () => planOutputs([{ option: '--save', path: out }], [{ option: '--data', path: join(d, 'a.csv') }]),
        /^--save .*: is also the input --data .*a\.csv; writing it would destroy that input$/,
      );
  });

  it('two outputs on one file, and two outputs on stdout', () => {
    const d = fresh();
    const f = join(d, 'x.json');
    refuse(
      () =>
        planOutputs([
          { option: '--save', path: f },
          { option: '--record', path: f },
        ]),
      /^--record .*x\.json: is also --save .*x\.json; give each output its own file$/,
    );
    refuse(
      () =>
        planOutputs([
          { option: '--save', path: '-' },
          { option: '--record', path: '-' },
        ]),
      /^--save and --record all name stdout/,
    );
  });
});

describe('commitOutputs: all or none, and no temporary file left', () => {
  it('leaves every target as it was when one output cannot be written', () => {
    const d = fresh();
    const sub = join(d, 'sub');
    mkdirSync(sub);
    writeFileSync(join(d, 'model.json'), 'old model');
    const plan = planOutputs([
      { option: '--save', path: join(d, 'model.json') },
      { option: '--record', path: join(sub, 'run.json') },
    ]);
    rmSync(sub, { recursive: true }); // the second location disappears after the check
    assert.throws(() => commitOutputs(plan, { '--save': 'new model', '--record': 'run' }, () => {}), {
      name: 'DataError',
      message: /^--record .*run\.json: cannot write \(no such file or directory\); no output was changed$/,
    });
    assert.equal(readFileSync(join(d, 'model.json'), 'utf8'), 'old model');
    assert.deepEqual(hidden(d), []);
  });

  it('removes temporary files that a killed lnn left beside the target, and only those', () => {
    const d = fresh();
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a pid that has exited
    const stale = `.m.json.lnn-tmp-${dead}-abc1234`;
    const live = `.m.json.lnn-tmp-${process.pid}-abc1234`;
    const other = '.unrelated';
    for (const f of [stale, live, other]) writeFileSync(join(d, f), '');
    planOutputs([{ option: '--save', path: join(d, 'm.json') }]);
    assert.deepEqual(hidden(d).sort(), [live, other].sort());
  });
});

describe('AppendedOutput: one output written in pieces', () => {
  const target = (path: string) => planOutputs([{ option: '-o', path }]).targets[0];

  it('a regular file: the pieces go to a temporary file, renamed into place by commit (permission bits kept)', () => {
    const d = fresh();
    const f = join(d, 'p.csv');
    writeFileSync(f, 'old');
    chmodSync(f, 0o640);
    const out = new AppendedOutput(target(f), () => assert.fail('nothing goes to stdout'));
    out.append('index,prediction\n');
    out.append('');
    out.append('0,0.5\n');
    assert.equal(readFileSync(f, 'utf8'), 'old', 'the target is untouched until the commit');
    assert.equal(hidden(d).length, 1);
    out.commit();
    assert.equal(readFileSync(f, 'utf8'), 'index,prediction\n0,0.5\n');
    assert.equal(statSync(f).mode & 0o777, 0o640);
    assert.deepEqual(hidden(d), []);
  });

  it('abort leaves the file as it was, or absent, and no temporary file', () => {
    const d = fresh();
    writeFileSync(join(d, 'kept.csv'), 'old');
    for (const name of ['kept.csv', 'new.csv']) {
      const out = new AppendedOutput(target(join(d, name)), () => {});
      out.append('half of it\n');
      out.abort();
    }
    assert.equal(readFileSync(join(d, 'kept.csv'), 'utf8'), 'old');
    assert.deepEqual(readdirSync(d), ['kept.csv']);
  });

  it('stdout (-, or no target) gets each piece as it comes', () => {
    for (const t of [target('-'), undefined]) {
      const got: string[] = [];
      const out = new AppendedOutput(t, (s) => void got.push(s));
      out.append('a\n');
      out.append('b\n');
      out.commit();
      assert.deepEqual(got, ['a\n', 'b\n']);
    }
  });

  it('a device is written through', () => {
    const out = new AppendedOutput(target('/dev/null'), () => {});
    out.append('gone\n');
    out.commit();
  });

  it(
    'a write the device refuses is an error naming the option and the path',
    {
      skip: !existsSync('/dev/full') && 'this system has no /dev/full',
    },
    () => {
      const full = new AppendedOutput(target('/dev/full'), () => {});
      assert.throws(() => full.append('x'), {
        name: 'DataError',
        message: '-o /dev/full: cannot write (no space left on the device)',
      });
      full.abort();
    },
  );
});
