import assert from 'node:assert/strict';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DataError } from '../../src/core/errors.js';
import { canonicalJson, hashArrays, hashText } from '../../src/core/hash.js';
import {
  readSweep,
  SWEEP_FORMAT,
  SWEEP_VERSION,
  SweepRecord,
  sweepId,
  trialId,
  type SweepDefinition,
  type SweepIdentity,
} from '../../src/sweep/record.js';
import { processStart, thisProcess } from '../../src/sweep/lock.js';
import { runSweep, type Executor, type TrialSpec } from '../../src/sweep/scheduler.js';
import { parseAxis } from '../../src/sweep/space.js';
import { gridPlan } from '../../src/sweep/strategies.js';
import type { TrialResult } from '../../src/sweep/trial.js';

let root = '';
before(() => (root = mkdtempSync(join(tmpdir(), 'lnn-record-'))));
after(() => rmSync(root, { recursive: true, force: true }));

function identity(over: Partial<SweepDefinition> = {}): SweepIdentity {
  const def: SweepDefinition = {
    strategy: 'grid',
    strategyOptions: { prune: false },
    space: [parseAxis('lr', ['0.1', '0.01', '0.001'])],
    base: { data: 'builtin:iris', seed: '1' },
    data: {
      source: 'builtin:iris',
      m: 150,
      nx: 4,
      classes: ['a', 'b', 'c'],
      hash: '0123456789abcdef',
      train: 90,
      dev: 30,
      test: 30,
      splitRule: 'auto',
    },
    ...over,
  };
  return {
    format: SWEEP_FORMAT,
    version: SWEEP_VERSION,
    id: sweepId(def),
    createdAt: 'now',
    command: ['lnn', 'sweep'],
    ...def,
  };
}

function result(spec: TrialSpec, dev: number): TrialResult {
  return {
    id: spec.id,
    index: spec.index,
    values: spec.values,
    status: 'ok',
    trainError: dev / 2,
    devError: dev,
    seconds: 0.1,
    ranOn: 'test',
    finishedAt: 'now',
  };
}

/** Runs trials in this thread with a dev error from the learning rate; records which ran. */
class FakeExecutor implements Executor {
  readonly capacity = 2;
  readonly ran: string[] = [];
  async run(spec: TrialSpec) {
    this.ran.push(spec.values.lr!);
    return { result: result(spec, Number(spec.values.lr)), model: `{"model": "${spec.values.lr}"}\n` };
  }
  async close() {}
}

describe('hashes', () => {
  test('stable, order-free for objects, sensitive to every byte', () => {
    assert.equal(hashText('lnn'), hashText('lnn'));
    assert.match(hashText('lnn'), /^[0-9a-f]{16}$/);
    assert.notEqual(hashText('lnn'), hashText('lnm'));
    assert.equal(
      canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } }),
      '{"a":{"d":[1,{"e":3,"f":2}]},"b":1}',
    );
    const x = new Float64Array([1, 2, 3]);
    const y = new Float64Array([1, 2, 3.0000000000000004]);
    assert.notEqual(hashArrays([x]), hashArrays([y]));
    assert.equal(hashArrays([x]), hashArrays([new Float64Array([1, 2, 3])]));
    assert.equal(trialId({ seed: '1' }, { lr: '0.1' }), trialId({ seed: '1' }, { lr: '0.1' }));
    assert.notEqual(
      trialId({ seed: '1' }, { lr: '0.1' }),
      trialId({ seed: '2' }, { lr: '0.1' }),
      'the seed is part of a trial',
    );
  });
});

describe('the sweep record', () => {
  test('a sweep writes sweep.json and a start and a finish line per trial; the best keeps its model', async () => {
    const dir = join(root, 'a');
    const rec = SweepRecord.open(dir, identity(), { resume: false });
    // A model write cut short by a signal in an earlier, dead process.
    mkdirSync(join(dir, 'models'));
    writeFileSync(join(dir, 'models', '.abc.json.lnn-tmp-999999999-x1y2'), '{');
    const ex = new FakeExecutor();
    const out = await runSweep(gridPlan(rec.identity.space), rec, ex);
    rec.close();
    assert.deepEqual(out, { ran: 3, stopped: 'all 3 trials finished' });
    const lines = readFileSync(join(dir, 'trials.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.equal(lines.filter((l) => l.event === 'start').length, 3);
    assert.equal(lines.filter((l) => l.event === 'finish').length, 3);
    const best = readSweep(dir).trials.find((t) => t.values.lr === '0.001')!;
    assert.ok(existsSync(join(dir, 'models', `${best.id}.json`)), 'the best trial has its model');
    assert.ok(
      !existsSync(join(dir, 'models', `${readSweep(dir).trials[0]!.id}.json`)),
      "the others' models are removed",
    );
    assert.equal(existsSync(join(dir, 'lock')), false, 'the lock is released');
    assert.deepEqual(readdirSync(join(dir, 'models')), [`${best.id}.json`], "a dead process's temporary file is gone");
  });

  test('resume keeps finished trials, re-runs a half-done one, and drops a line cut short by a crash', async () => {
    const dir = join(root, 'b');
    const id = identity();
    const rec = SweepRecord.open(dir, id, { resume: false });
    const plan = gridPlan(id.space);
    const specs = (plan as { proposals: { values: { lr: string } }[] }).proposals.map((p, i) => ({
      ...p,
      id: trialId(id.base, p.values),
      index: i + 1,
      args: {},
    }));
    rec.start(specs[0]!.id, 1, specs[0]!);
    rec.finish(result(specs[0]!, 0.1));
    rec.start(specs[1]!.id, 2, specs[1]!);
    rec.close();
    // kill -9 in the middle of writing a line: half a JSON object, no newline.
    appendFileSync(join(dir, 'trials.jsonl'), '{"event":"finish","id":"' + specs[1]!.id + '","ind');
    assert.equal(readSweep(dir).torn, true);
    assert.throws(
      () => SweepRecord.open(dir, id, { resume: false }),
      /already holds this sweep \(1 trial finished\); add --resume/,
    );
    const again = SweepRecord.open(dir, id, { resume: true });
    assert.equal(again.repaired, true);
    assert.deepEqual(
      again.halfDone.map((h) => h.index),
      [2],
    );
    const ex = new FakeExecutor();
    const out = await runSweep(plan, again, ex);
    again.close();
    assert.deepEqual(
      ex.ran.sort(),
      ['0.001', '0.01'],
      'the finished trial is not repeated; the half-done one runs again',
    );
    assert.equal(out.ran, 2);
    const s = readSweep(dir);
    assert.deepEqual(
      s.trials.map((t) => t.index),
      [1, 2, 3],
    );
    assert.equal(s.torn, false);
    assert.equal(s.halfDone.length, 0);
  });

  test('a trial finished twice (a duplicated job) counts once', () => {
    const dir = join(root, 'c');
    const rec = SweepRecord.open(dir, identity(), { resume: false });
    const spec = { id: 'a1a1a1a1a1a1a1a1', index: 1, values: { lr: '0.1' }, args: {} };
    assert.equal(rec.finish(result(spec, 0.1)), true);
    assert.equal(rec.finish(result(spec, 0.2)), false);
    rec.close();
    appendFileSync(join(dir, 'trials.jsonl'), JSON.stringify({ event: 'finish', ...result(spec, 0.3) }) + '\n');
    const s = readSweep(dir);
    assert.equal(s.trials.length, 1);
    assert.equal(s.trials[0]!.devError, 0.1, 'the first result stands');
  });

  test('a trial no worker could run is run again on resume, and its new result takes its place', () => {
    const dir = join(root, 'infra');
    const rec = SweepRecord.open(dir, identity(), { resume: false });
    const spec = { id: 'b2b2b2b2b2b2b2b2', index: 1, values: { lr: '0.1' }, args: {} };
    const refused: TrialResult = {
      ...result(spec, 0),
      status: 'failed',
      error: 'refused by every worker',
      infrastructure: true,
    };
    delete refused.devError;
    delete refused.trainError;
    assert.equal(rec.finish(refused), true);
    rec.close();
    const again = SweepRecord.open(dir, identity(), { resume: true });
    assert.equal(again.finished.has(spec.id), false, 'not finished: it runs again');
    assert.equal(again.unrun, 1);
    assert.equal(again.finish(result(spec, 0.2)), true);
    again.close();
    const s = readSweep(dir);
    assert.equal(s.trials.length, 1);
    assert.equal(s.trials[0]!.status, 'ok');
    assert.equal(s.trials[0]!.devError, 0.2);
  });

  test('a damaged line of trials.jsonl or sweep.json names the file, the line and the member', () => {
    const dir = join(root, 'damaged');
    SweepRecord.open(dir, identity(), { resume: false }).close();
    const file = join(dir, 'trials.jsonl');
    const finish = { event: 'finish', ...result({ id: 'c3c3c3c3c3c3c3c3', index: 1, values: {}, args: {} }, 0.1) };
    const lines: [unknown, RegExp][] = [
      [null, /line 2 is not a trial event \(its "event" must be "start" or "finish"\)/],
      [{ ...finish, seconds: 'x' }, /line 2: seconds must be a finite number ≥ 0 but is "x"/],
      [{ ...finish, id: '../../x' }, /line 2: id must be an id of 16 hex digits but is "..\/..\/x"/],
      [
        { ...finish, status: '\u001b[2Jok' },
        /line 2: status must be one of "ok", "failed", "pruned" but is "\\u001b\[2Jok"/,
      ],
      [
        { ...finish, run: { format: 'lnn-run', version: 1, history: { costs: 5 } } },
        /line 2: run.createdAt must be present but is missing/,
      ],
      [{ ...finish, values: { lrate: '1' } }, /line 2: values.keys must be one of "lr", .* but is "lrate"/],
    ];
    for (const [line, message] of lines) {
      writeFileSync(file, JSON.stringify(finish) + '\n' + JSON.stringify(line) + '\n');
      for (const read of [() => readSweep(dir), () => SweepRecord.open(dir, identity(), { resume: true })])
        assert.throws(read, (e: unknown) => {
          assert.ok(e instanceof DataError, String(e));
          assert.match(e.message, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: `));
          assert.match(e.message, message);
          assert.match(e.message, /the record is damaged \(not touching it\)$|not a trial event/);
          return true;
        });
    }
    rmSync(file);
    const sweep = join(dir, 'sweep.json');
    const doc = JSON.parse(readFileSync(sweep, 'utf8'));
    writeFileSync(sweep, JSON.stringify({ ...doc, space: [{}] }));
    assert.throws(() => readSweep(dir), /sweep.json: space\[0\] must be a hyperparameter's values/);
    writeFileSync(sweep, JSON.stringify({ ...doc, base: { data: { x: 1 } } }));
    assert.throws(() => readSweep(dir), /sweep.json: base.data must be an option value/);
  });

  test('the lock names its owner, takes over a provably stale one, and says how to clear one it cannot check', () => {
    const dir = join(root, 'lock');
    SweepRecord.open(dir, identity(), { resume: false }).close();
    const me = thisProcess();
    const lock = join(dir, 'lock');
    const open = () => SweepRecord.open(dir, identity(), { resume: true }).close();
    // A live process (the test runner) with its real start time: in use.
    const parent = { ...me, pid: process.ppid, start: processStart(process.ppid) };
    writeFileSync(lock, JSON.stringify(parent));
    assert.throws(open, /is in use by another lnn process \(pid \d+ on this host\)/);
    // The same pid, started at another time: the pid was reused, the lock is stale.
    writeFileSync(lock, JSON.stringify({ ...parent, start: '1' }));
    assert.doesNotThrow(open);
    // Another boot of this machine: stale.
    writeFileSync(lock, JSON.stringify({ ...parent, bootId: 'another-boot' }));
    assert.doesNotThrow(open);
    // Another host or PID namespace: lnn cannot look, and says what to do.
    writeFileSync(lock, JSON.stringify({ ...parent, host: 'elsewhere' }));
    assert.throws(
      open,
      /is locked by an lnn process this one cannot check \(pid \d+ on host elsewhere\); if that process is gone, remove .*lock and run again/,
    );
    writeFileSync(lock, JSON.stringify({ ...parent, pidNs: 'pid:[1]' }));
    assert.throws(open, /cannot check \(pid \d+ on this host, another PID namespace\)/);
    writeFileSync(lock, 'what\n');
    assert.throws(open, /its lock file .*lock is not one lnn wrote; if that process is gone, remove/);
    rmSync(lock);
    const held = SweepRecord.open(dir, identity(), { resume: true });
    assert.deepEqual(JSON.parse(readFileSync(lock, 'utf8')), { ...me });
    held.close();
    assert.equal(existsSync(lock), false);
  });

  test('a directory holding another sweep (data, seed, space) is refused, naming the difference', () => {
    const dir = join(root, 'd');
    SweepRecord.open(dir, identity(), { resume: false }).close();
    const other = (over: Partial<SweepDefinition>, message: RegExp) =>
      assert.throws(
        () => SweepRecord.open(dir, identity(over), { resume: true }),
        (e: unknown) => e instanceof DataError && message.test((e as Error).message),
      );
    other(
      { base: { data: 'builtin:iris', seed: '2' } },
      /holds another sweep \(its seed is 1, this one's 2\); choose another --dir$/,
    );
    other({ space: [parseAxis('lr', ['0.5'])] }, /its space differs \(--lr 0.1 \| 0.01 \| 0.001 vs --lr 0.5\)/);
    other(
      { data: { ...identity().data, hash: 'ffffffffffffffff' } },
      /its data differs \(builtin:iris, m = 150 vs builtin:iris, m = 150, other contents\)/,
    );
    other({ strategy: 'random' }, /its strategy is grid, this one's random/);
  });

  test('refuses a file, a missing parent, a non-empty foreign directory, a damaged record, a live lock', () => {
    writeFileSync(join(root, 'file'), 'x');
    assert.throws(
      () => SweepRecord.open(join(root, 'file'), identity(), { resume: false }),
      /--dir .*file: is a file, not a directory/,
    );
    assert.throws(
      () => SweepRecord.open(join(root, 'no/such'), identity(), { resume: false }),
      /cannot create \(the directory .*no does not exist\)/,
    );
    SweepRecord.open(join(root, 'e'), identity(), { resume: false }).close();
    writeFileSync(join(root, 'e', 'notes.txt'), 'mine');
    assert.doesNotThrow(
      () => SweepRecord.open(join(root, 'e'), identity(), { resume: true }).close(),
      'a sweep dir may hold other files',
    );
    const f2 = join(root, 'f');
    SweepRecord.open(f2, identity(), { resume: false }).close();
    rmSync(join(f2, 'sweep.json'));
    assert.throws(() => SweepRecord.open(f2, identity(), { resume: false }), /is not empty and holds no lnn sweep/);
    const g = join(root, 'g');
    SweepRecord.open(g, identity(), { resume: false }).close();
    writeFileSync(join(g, 'trials.jsonl'), 'garbage\n{"event":"start","id":"a","index":1}\n');
    assert.throws(
      () => readSweep(g),
      /trials.jsonl: line 1 is not a JSON event; the record is damaged \(not touching it\)/,
    );
    assert.throws(() => SweepRecord.open(g, identity(), { resume: true }), /line 1 is not a JSON event/);
    const h = join(root, 'h');
    const held = SweepRecord.open(h, identity(), { resume: false });
    writeFileSync(join(h, 'lock'), `${process.ppid}\n`);
    assert.throws(
      () => SweepRecord.open(h, identity(), { resume: true }),
      /is in use by another lnn process \(pid \d+ on this host\)/,
    );
    writeFileSync(join(h, 'lock'), '999999999\n');
    assert.doesNotThrow(
      () => SweepRecord.open(h, identity(), { resume: true }).close(),
      "a dead process's lock is taken over",
    );
    held.close();
    assert.throws(() => readSweep(join(root, 'nothing')), /not an lnn sweep directory \(no sweep.json/);
  });
});
