// lnn train on data held lean or streamed from disk (issue 11): the same split and the same results
// streamed or in memory for the same shuffle, the automatic streaming note, a file cut mid-epoch, and
// the options' rules. Small files; the multi-GB figures are `npm run bench:scale`'s.
import assert from 'node:assert/strict';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  truncateSync,
  utimesSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import h5wasm from 'h5wasm/node';
import { Rng } from '../../src/core/rng.js';
import { encodeNpy } from '../../src/data/read/npy.js';
import { lnnInProcess } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-scale-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** m examples of n uint8 features and 3 classes (from the first feature), as X.npy and Y.npy. */
function pair(name: string, m: number, n: number): { x: string; y: string; values: Uint8Array; labels: number[] } {
  const rng = new Rng(5);
  const values = new Uint8Array(m * n).map(() => rng.int(256));
  const labels = Array.from({ length: m }, (_, e) => Math.min(2, Math.floor(values[e * n]! / 86)));
  const x = join(dir, `${name}_x.npy`),
    y = join(dir, `${name}_y.npy`);
  writeFileSync(x, encodeNpy([m, n], values, '|u1'));
  writeFileSync(y, encodeNpy([m], labels, '<i8'));
  return { x, y, values, labels };
}

const base = [
  '--hidden',
  '8',
  '--epochs',
  '2',
  '--batch-size',
  '64',
  '--seed',
  '3',
  '--normalize',
  'scale:255',
  '--json',
];

/** The --json document without the timings, which differ from run to run. */
function figures(stdout: string): Record<string, unknown> {
  const d = JSON.parse(stdout) as Record<string, unknown>;
  for (const k of ['trainingSeconds', 'seconds', 'streamed', 'model']) delete d[k];
  return d;
}

/** The parameters of a saved model. */
const parameters = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { parameters: unknown }).parameters;

describe('lnn train --stream', { concurrency: true }, () => {
  const p = pair('a', 3000, 16);

  for (const shuffle of ['none', 'blocks:50'])
    it(`streamed and in memory give the same split and the same parameters (--shuffle ${shuffle})`, async () => {
      const mem = join(dir, `mem-${shuffle}.json`),
        disk = join(dir, `disk-${shuffle}.json`);
      const a = await lnnInProcess(['train', '--x', p.x, '--y', p.y, ...base, '--shuffle', shuffle, '--save', mem]);
      const b = await lnnInProcess([
        'train',
        '--x',
        p.x,
        '--y',
        p.y,
        ...base,
        '--shuffle',
        shuffle,
        '--stream',
        '--save',
        disk,
      ]);
      assert.equal(a.code, 0, a.stderr);
      assert.equal(b.code, 0, b.stderr);
      const fa = figures(a.stdout),
        fb = figures(b.stdout);
      assert.deepEqual(fb['sizes'], { train: 1800, dev: 600, test: 600 });
      assert.deepEqual(fb, fa);
      assert.deepEqual(parameters(disk), parameters(mem));
      assert.ok((JSON.parse(b.stdout) as { streamed?: { buffers: number } }).streamed!.buffers > 0);
    });

  it('lnn eval --stream reads the .npy a chunk at a time and reports what it reports in memory', async () => {
    const model = join(dir, 'eval-model.json');
    const t = await lnnInProcess(['train', '--x', p.x, '--y', p.y, ...base, '--save', model]);
    assert.equal(t.code, 0, t.stderr);
    const every = ['eval', '--model', model, '--x', p.x, '--y', p.y, '--subset', 'all', '--json'];
    const inMemory = await lnnInProcess(every);
    const streamed = await lnnInProcess([...every, '--stream']);
    assert.equal(inMemory.code, 0, inMemory.stderr);
    assert.equal(streamed.code, 0, streamed.stderr);
    assert.equal(JSON.parse(streamed.stdout).m, 3000);
    assert.equal(streamed.stdout, inMemory.stdout);
    // By default, the 600 test examples the model held back: the same streamed as in memory.
    const heldBack = ['eval', '--model', model, '--x', p.x, '--y', p.y, '--json'];
    const [testMemory, testStreamed] = [await lnnInProcess(heldBack), await lnnInProcess([...heldBack, '--stream'])];
    assert.equal(JSON.parse(testStreamed.stdout).m, 600);
    assert.equal(testStreamed.stdout, testMemory.stdout);
    const csv = join(dir, 'eval.csv');
    writeFileSync(csv, 'a,b,label\n1,2,x\n');
    const r = await lnnInProcess(['eval', '--model', model, '--data', csv, '--stream']);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `lnn eval: --stream reads .npy (--x) and HDF5 files by row ranges, and ${csv} can only be read whole; convert it once (lnn convert --data ${csv} --out DIR) and evaluate on --x DIR/x.npy --y DIR/y.npy (lnn eval --help)\n`,
    );
  });

  it('streams by itself, with a note, when the features exceed --memory; blocks by default', async () => {
    const auto = await lnnInProcess(['train', '--x', p.x, '--y', p.y, ...base, '--memory', '40k']);
    assert.equal(auto.code, 0, auto.stderr);
    assert.match(
      auto.stderr,
      new RegExp(
        `note: ${p.x.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the features take 46\\.9 KiB \\(3,000 × 16 uint8\\), more than --memory of 40\\.0 KiB; streaming them from disk \\(--stream\\)`,
      ),
    );
    assert.ok((JSON.parse(auto.stdout) as { streamed?: unknown }).streamed);
    const blocks = await lnnInProcess(['train', '--x', p.x, '--y', p.y, ...base, '--shuffle', 'blocks']);
    assert.deepEqual(figures(auto.stdout), figures(blocks.stdout));
  });

  it('a file cut mid-epoch stops the run with the file, the example and its byte offset; no model is written', async () => {
    const q = pair('cut', 4000, 16);
    const save = join(dir, 'cut-model.json'),
      record = join(dir, 'cut-run.json');
    const { main } = await import('../../src/cli/main.js');
    let stderr = '';
    const cutAt = 128 + 16 * 2000 + 3;
    const code = await main(
      [
        'train',
        '--x',
        q.x,
        '--y',
        q.y,
        '--hidden',
        '8',
        '--epochs',
        '3',
        '--stream',
        '--shuffle',
        'blocks:20',
        '--save',
        save,
        '--record',
        record,
      ],
      {
        out: () => {},
        // The first evaluation line ends epoch 1: cut the file there, while the run goes on.
        err: (s) => {
          if (/^epoch 1\/3/m.test(s)) truncateSync(q.x, cutAt);
          stderr += s;
        },
        errIsTTY: false,
      },
    );
    assert.equal(code, 1, stderr);
    const m =
      /lnn train: (.*): truncated \.npy data: example (\d+) \(byte (\d+)\) is cut off; the file now ends at byte (\d+), shorter than its header says/.exec(
        stderr,
      );
    assert.ok(m, stderr);
    assert.equal(m[1], q.x);
    assert.ok(Number(m[2]) >= 2000);
    assert.equal(Number(m[3]), 128 + 16 * Number(m[2]));
    assert.equal(Number(m[4]), cutAt);
    assert.ok(!existsSync(save) && !existsSync(record), 'no output was written');
    assert.deepEqual(
      readdirSync(dir).filter((f) => f.includes('.lnn-tmp-')),
      [],
    );
  });

  it('a file written over in place mid-run stops the run, naming the file and what changed; no model is written', async () => {
    const q = pair('zeroed', 4000, 16);
    // A modification time far in the past: the write cannot fall within the same clock tick.
    utimesSync(q.x, 1_000_000_000, 1_000_000_000);
    const save = join(dir, 'zeroed-model.json');
    const { main } = await import('../../src/cli/main.js');
    let stderr = '';
    const args = ['train', '--x', q.x, '--y', q.y, '--hidden', '8', '--epochs', '3', '--stream', '--save', save];
    const code = await main(args, {
      out: () => {},
      // At the end of epoch 1, zeros over examples 1000 to 2999 (the same size: only the contents change).
      err: (s) => {
        if (/^epoch 1\/3/m.test(s)) {
          const fd = openSync(q.x, 'r+');
          writeSync(fd, new Uint8Array(16 * 2000), 0, 16 * 2000, 128 + 16 * 1000);
          closeSync(fd);
        }
        stderr += s;
      },
      errIsTTY: false,
    });
    assert.equal(code, 1, stderr);
    assert.match(
      stderr,
      /lnn train: (.*): changed while lnn read it: it was written to: its modification time went from 2001-09-09T01:46:40\.000000000Z to \S+Z; a file cut or changed mid-run stops the run, since the examples read before and after would not be one data set\n$/,
    );
    assert.ok(stderr.includes(`lnn train: ${q.x}: changed`), stderr);
    assert.ok(!existsSync(save), 'no model was written');
  });

  it('HDF5: streamed by hyperslab, the same as in memory', async () => {
    await h5wasm.ready;
    const file = join(dir, 'set.h5');
    const f = new h5wasm.File(file, 'w');
    f.create_dataset({ name: 'x', data: p.values, shape: [3000, 4, 4] });
    f.create_dataset({ name: 'y', data: new BigInt64Array(p.labels.map(BigInt)), shape: [3000] });
    f.close();
    const args = ['train', '--data', file, '--x-key', 'x', '--y-key', 'y', ...base, '--shuffle', 'blocks:64'];
    const a = await lnnInProcess(args);
    const b = await lnnInProcess([...args, '--stream']);
    assert.equal(b.code, 0, b.stderr);
    assert.deepEqual(figures(b.stdout), figures(a.stdout));
  });
});

describe('lnn train: the rules of --stream, --memory and --shuffle', { concurrency: true }, () => {
  const p = pair('rules', 300, 4);
  const csv = join(dir, 'small.csv');
  before(() => writeFileSync(csv, 'a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n'));
  const cases: [string, string[], number, RegExp][] = [
    [
      'a CSV cannot be streamed: convert it',
      ['--data', csv, '--stream'],
      2,
      /--stream reads \.npy \(--x\) and HDF5 files by row ranges, and .*small\.csv can only be read whole; convert it once \(lnn convert --data .*small\.csv --out DIR\) and train on --x DIR\/x\.npy --y DIR\/y\.npy/,
    ],
    [
      'examples cannot be shuffled one by one from disk',
      ['--x', p.x, '--y', p.y, '--stream', '--shuffle', 'examples'],
      2,
      /--shuffle examples reads every example at random, which streaming from disk cannot do fast; use --shuffle blocks \(the default when streaming\) or none/,
    ],
    [
      'a size must be a size',
      ['--x', p.x, '--y', p.y, '--memory', '12q'],
      2,
      /--memory: a memory size must be a positive number of bytes with an optional unit k, m, g or t \(512m, 1g, 1\.5GiB\) but is '12q'/,
    ],
    [
      'shuffle takes examples, blocks, blocks:ROWS or none',
      ['--x', p.x, '--y', p.y, '--shuffle', 'sideways'],
      2,
      /--shuffle must be examples, blocks, none or blocks:ROWS but is 'sideways'/,
    ],
    [
      'rows per block must be whole',
      ['--x', p.x, '--y', p.y, '--shuffle', 'blocks:0'],
      2,
      /--shuffle blocks:ROWS needs a whole number of rows per block ≥ 1 but got '0'/,
    ],
  ];
  for (const [name, args, code, message] of cases)
    it(name, async () => {
      const r = await lnnInProcess(['train', ...args, '--epochs', '1']);
      assert.equal(r.code, code, r.stderr);
      assert.match(r.stderr, message);
    });
});
