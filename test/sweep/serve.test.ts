/**
 * What `lnn worker` does with a job (TrialServer) and its --data-root (dataRoots): every refusal of an
 * untrusted job with its message, and a trial trained on the worker's thread with the lines it prints.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import '../../src/data/read/register-readers.js';
import { DataError } from '../../src/core/errors.js';
import { hashArrays } from '../../src/core/hash.js';
import { toMatrix } from '../../src/data/features.js';
import { RefusedJob, type TrialJob } from '../../src/sweep/queue.js';
import { dataRoots, TrialServer } from '../../src/sweep/serve.js';
import type { Io, Parsed } from '../../src/workflow/parse.js';
import { prepareData } from '../../src/workflow/prepare.js';
import { parseTrainSettings } from '../../src/workflow/settings.js';
import { argsFrom } from '../../src/workflow/camel.js';
import { trainOptions } from '../../src/workflow/options.js';

const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'lnn-serve-unit-')));
after(() => rmSync(tmp, { recursive: true, force: true }));
const root = join(tmp, 'root');
const outside = join(tmp, 'outside');
mkdirSync(root);
mkdirSync(outside);
const rows = Array.from({ length: 40 }, (_, j) => `${j % 7},${(j * 3) % 5},${j % 2}`).join('\n');
writeFileSync(join(root, 'd.csv'), `a,b,y\n${rows}\n`);
writeFileSync(join(outside, 'd.csv'), `a,b,y\n${rows}\n`);
symlinkSync(join(outside, 'd.csv'), join(root, 'link.csv'));
// A directory whose name starts with the root's: not under it.
mkdirSync(`${root}-x`);
writeFileSync(join(`${root}-x`, 'd.csv'), `a,b,y\n${rows}\n`);

const ID = '0123456789abcdef';
const SWEEP = 'fedcba9876543210';
const QUIET: Io = { out: () => {}, err: () => {}, errIsTTY: false };

/** `lnn train`'s options over their defaults, as a sweep sends them (absent ones left out). */
function full(options: Record<string, unknown>): Record<string, string | boolean> {
  const args = argsFrom(options, trainOptions);
  return Object.fromEntries(Object.entries(args).filter(([, v]) => v !== undefined)) as Record<
    string,
    string | boolean
  >;
}

/** The hash a sweep records of these options' train and dev sets (as run-sweep.ts makes it). */
async function hashOf(args: Record<string, string | boolean>): Promise<string> {
  const all = full(args) as Parsed;
  const p = await prepareData(all, parseTrainSettings(all), QUIET);
  const { train, dev } = p.sets;
  return hashArrays([toMatrix(train.X).data, train.labels.data, toMatrix(dev!.X).data, dev!.labels.data]);
}

function job(
  args: Record<string, string | boolean>,
  over: { hash?: string; m?: number; fold?: number } = {},
): TrialJob {
  return {
    sweep: SWEEP,
    data: { source: 'x', m: over.m ?? 40, nx: 2, hash: over.hash ?? ID, train: 24, dev: 8, splitRule: 'r' },
    spec: {
      id: ID,
      index: 3,
      values: { lr: '0.01' },
      args: { ...full(args), lr: '0.01' },
      ...(over.fold !== undefined ? { fold: over.fold } : {}),
    },
  } as TrialJob;
}

/** A server with these roots, and the lines it writes to stderr. */
function server(roots: string[]): { s: TrialServer; lines: string[] } {
  const lines: string[] = [];
  const s = new TrialServer(
    { roots, threads: 1, backend: 'ts', name: 'host:1' },
    { out: () => {}, err: (t) => lines.push(t), errIsTTY: false },
  );
  servers.push(s);
  return { s, lines };
}
const servers: TrialServer[] = [];
after(() => Promise.all(servers.map((s) => s.close())));

async function refused(s: TrialServer, raw: unknown, message: string): Promise<void> {
  await assert.rejects(s.run(raw as TrialJob), (e: unknown) => {
    assert.ok(e instanceof RefusedJob, String(e));
    assert.equal(e.message, message);
    return true;
  });
}

describe('dataRoots', () => {
  test('each root as its real path; a missing one or a file is refused', () => {
    symlinkSync(root, join(tmp, 'root-link'));
    assert.deepEqual(dataRoots([]), []);
    assert.deepEqual(dataRoots([join(tmp, 'root-link'), outside]), [root, outside]);
    const missing = join(tmp, 'nope');
    assert.throws(
      () => dataRoots([missing]),
      (e: unknown) =>
        e instanceof DataError && e.message === `--data-root ${missing}: cannot use (no such file or directory)`,
    );
    const file = join(root, 'd.csv');
    assert.throws(
      () => dataRoots([file]),
      (e: unknown) => e instanceof DataError && e.message === `--data-root ${file}: is not a directory`,
    );
  });
});

describe('TrialServer', { concurrency: false }, () => {
  test('a job that is not a trial of lnn sweep, or asks for options a worker does not run', async () => {
    const { s } = server([root]);
    await refused(s, {}, 'not a trial of lnn sweep: sweep must be present but is missing');
    await refused(
      s,
      { ...job({}), sweep: 'x' },
      'not a trial of lnn sweep: sweep must be an id of 16 hex digits but is "x"',
    );
    const asking = (option: string): TrialJob => {
      const j = job({});
      j.spec.args[option] = true;
      return j;
    };
    for (const option of ['save', 'record', 'json', 'quiet', 'backend', 'evaluate-test', 'refit', 'no-such'])
      await refused(s, asking(option), `the job asks for --${option}, which a worker does not run`);
    await refused(s, asking('a\u001b[2J'), 'the job asks for --a\\x1b[2J, which a worker does not run');
  });

  test('files only under a root, by real path: none without a root, a link that leads out refused', async () => {
    const inside = join(root, 'd.csv');
    await refused(
      server([]).s,
      job({ data: inside }),
      `--data ${inside}: this worker reads only built-in data sets (start it with --data-root DIR)`,
    );
    const { s } = server([root]);
    await refused(
      s,
      job({ data: join(outside, 'd.csv') }),
      `--data ${join(outside, 'd.csv')}: outside this worker's --data-root (${root})`,
    );
    await refused(
      s,
      job({ data: join(root, 'link.csv') }),
      `--data ${join(root, 'link.csv')}: outside this worker's --data-root (${root})`,
    );
    await refused(
      s,
      job({ data: `${root}-x/d.csv` }),
      `--data ${root}-x/d.csv: outside this worker's --data-root (${root})`,
    );
    await refused(
      s,
      job({ data: `${root}/none.csv` }),
      `--data ${root}/none.csv: cannot read it on this worker (no such file or directory)`,
    );
    await refused(
      s,
      job({ data: 'builtin:iris', init: join(outside, 'p.json') }),
      `--init ${join(outside, 'p.json')}: cannot read it on this worker (no such file or directory)`,
    );
  });

  test("options the settings refuse, and data that is not the sweep's", async () => {
    const { s } = server([root]);
    let reason = '';
    try {
      parseTrainSettings(full({ iterations: 'many' }) as Parsed);
    } catch (e) {
      reason = (e as Error).message;
    }
    assert.notEqual(reason, '');
    await refused(s, job({ data: 'builtin:iris', iterations: 'many' }), `the job's options are not valid: ${reason}`);
    await refused(
      s,
      job({ data: join(root, 'd.csv') }, { m: 41 }),
      `the data this worker reads for ${join(root, 'd.csv')} (m = 40) is not the sweep's (m = 41): give every worker the same files`,
    );
  });

  test('a good job trains on the thread; the result says where; start and end lines name the trial and sweep', async () => {
    const file = join(root, 'e.csv');
    writeFileSync(file, `a,b,y\n${rows}\n`);
    const args = { data: file, hidden: '3', iterations: '10' };
    const hash = await hashOf(args);
    const { s, lines } = server([root]);
    const run = await s.run(job(args, { hash }));
    assert.equal(run.result.status, 'ok');
    assert.equal(run.result.ranOn, 'host:1');
    assert.equal(run.result.id, ID);
    assert.equal(run.result.run!.result.iterations, 10);
    assert.ok(run.model);
    assert.equal(lines.length, 2);
    assert.equal(lines[0], 'lnn worker: trial 3 (01234567) of sweep fedcba98 started: --lr 0.01\n');
    assert.match(lines[1]!, /^lnn worker: trial 3 \(01234567\) ok in \d+\.\d s\n$/);
    // The same sets: the same thread, the file not read again (its new rows would not be the sweep's).
    writeFileSync(file, `a,b,y\n${rows}\n1,1,1\n`);
    const again = await s.run(job({ ...args, iterations: '5' }, { hash }));
    assert.equal(again.result.run!.result.iterations, 5);
    const fold = await s.run(job(args, { hash, fold: 2 }));
    assert.equal(fold.result.status, 'failed');
    assert.equal(lines[4], 'lnn worker: trial 3, fold 2, (01234567) of sweep fedcba98 started: --lr 0.01\n');
    assert.match(
      lines[5]!,
      /^lnn worker: trial 3, fold 2, \(01234567\) failed: fold 2 is not a fold of this trial \(its options ask for no --folds\) in \d+\.\d s\n$/,
    );
  });

  test("a job that leaves options out (another client's) trains with lnn train's defaults, not a TypeError", async () => {
    const file = join(root, 'f.csv');
    writeFileSync(file, `a,b,y\n${rows}\n`);
    const hash = await hashOf({ data: file });
    const { s } = server([root]);
    const bare = job({}, { hash });
    bare.spec.args = { data: file, hidden: '3', iterations: '10', lr: '0.01' };
    const run = await s.run(bare);
    assert.equal(run.result.status, 'ok', run.result.error);
    assert.equal(run.result.run!.result.iterations, 10);
    assert.equal(run.result.run!.hyperparameters.optimizer, 'adam');
  });
});
