// lnn predict at scale: a batch of examples read, predicted and written at a time, through the atomic writer.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { modelAndData } from '../../src/cli/commands/evaluate.js';
import { main } from '../../src/cli/main.js';
import type { Io } from '../../src/workflow/parse.js';
import { encodeNpy, npyHeader } from '../../src/data/read/npy.js';
import { eventually } from '../helpers/wait.js';
import { lnnArgv, lnnInProcess } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'lnn-predict-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const f = (name: string) => join(dir, name);
const temporaries = () => readdirSync(dir).filter((n) => n.includes('.lnn-tmp-'));

/** m = 2,500 examples (two full batches of 1,024 and a part), n_x = 3, float64, and labels of each kind. */
const m = 2500;
const x = Array.from({ length: m * 3 }, (_, t) => Math.sin(t * 0.37) * 2);
const x0 = (j: number) => x[j * 3]!,
  x1 = (j: number) => x[j * 3 + 1]!;

before(async () => {
  writeFileSync(f('x.npy'), encodeNpy([m, 3], x));
  const ints = (label: (j: number) => number) =>
    encodeNpy(
      [m],
      Array.from({ length: m }, (_, j) => label(j)),
      '<i8',
    );
  writeFileSync(
    f('y2.npy'),
    ints((j) => (x0(j) > 0 ? 1 : 0)),
  );
  writeFileSync(
    f('y3.npy'),
    ints((j) => (x0(j) > 0 ? 1 : 0) + (x1(j) > 0 ? 1 : 0)),
  );
  writeFileSync(
    f('yreg.npy'),
    encodeNpy(
      [m],
      Array.from({ length: m }, (_, j) => x0(j) * 0.5 + 0.25),
    ),
  );
  writeFileSync(
    f('yreg3.npy'),
    encodeNpy(
      [m, 3],
      x.map((v) => v * 1.5),
    ),
  );
  // Class names that CSV must quote: a comma and a quote.
  const rows = [
    'a,b,c,label',
    ...Array.from({ length: m }, (_, j) => `${x0(j)},${x1(j)},${x[j * 3 + 2]},${x0(j) > 0 ? '"dog, ""big"""' : 'cat'}`),
  ];
  writeFileSync(f('named.csv'), rows.join('\n') + '\n');
  const train = async (model: string, data: string[]) => {
    const r = await lnnInProcess([
      'train',
      ...data,
      '--hidden',
      '4',
      '--iterations',
      '5',
      '--quiet',
      '--save',
      f(model),
    ]);
    assert.equal(r.code, 0, r.stderr);
  };
  await train('sigmoid.json', ['--x', f('x.npy'), '--y', f('y2.npy')]);
  await train('softmax.json', ['--x', f('x.npy'), '--y', f('y3.npy')]);
  await train('linear.json', ['--x', f('x.npy'), '--y', f('yreg.npy')]);
  await train('linear3.json', ['--x', f('x.npy'), '--y', f('yreg3.npy')]);
  await train('named.json', ['--data', f('named.csv'), '--label', 'label']);
});

/**
 * What `lnn predict` printed before it wrote in batches: the data loaded as predict loads it, A[L] over
 * all of X at once, and the whole document built in memory (the previous writer, kept verbatim).
 */
async function wholeInMemory(args: Record<string, string>, format: 'csv' | 'json'): Promise<string> {
  const io: Io = { out: () => {}, err: () => {}, errIsTTY: false };
  const { model, data } = await modelAndData(args, io, true);
  const AL = model.forward(data.X);
  const m = data.X.cols,
    n = AL.rows;
  let text: string;
  if (model.isClassifier) {
    const cls = model.predictClasses(data.X);
    const names = model.classes;
    const classes = Array.from({ length: Math.max(n, 2) }, (_, c) => (names ? names[c]! : c));
    // One probability per class: a sigmoid's [1 − a, a], a softmax's column.
    const probs = (j: number) =>
      n === 1 ? [1 - AL.data[j]!, AL.data[j]!] : classes.map((_, c) => AL.data[c * m + j]!);
    if (format === 'json') {
      const rows = Array.from(cls, (c, j) => ({
        index: j,
        class: names ? names[c] : c,
        classIndex: c,
        ...Object.fromEntries(probs(j).map((p, k) => [`p_${classes[k]}`, p])),
      }));
      text = JSON.stringify({ predictions: rows }) + '\n';
    } else {
      const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
      const rows = Array.from(cls, (c, j) => `${j},${csvField(String(names ? names[c] : c))},${probs(j).join(',')}`);
      text = [['index', 'class', ...classes.map((c) => csvField(`p_${c}`))].join(','), ...rows].join('\n') + '\n';
    }
  } else {
    const row = (j: number) => Array.from({ length: n }, (_, i) => AL.data[i * m + j]!);
    if (format === 'json')
      text =
        JSON.stringify({ predictions: Array.from({ length: m }, (_, j) => (n === 1 ? row(j)[0] : row(j))) }) + '\n';
    else
      text =
        [
          ['index', ...Array.from({ length: n }, (_, i) => (n === 1 ? 'prediction' : `y${i}`))].join(','),
          ...Array.from({ length: m }, (_, j) => [j, ...row(j)].join(',')),
        ].join('\n') + '\n';
  }
  model.dispose();
  return text;
}

/** lnn predict in this process, with every piece written to stdout kept apart. */
async function predictPieces(args: string[], drain?: () => Promise<void>) {
  const pieces: string[] = [];
  let stderr = '';
  const io: Io = {
    out: (s) => void pieces.push(s),
    err: (s) => void (stderr += s),
    errIsTTY: false,
    ...(drain ? { drain } : {}),
  };
  const code = await main(['predict', ...args], io);
  return { code, pieces, stdout: pieces.join(''), stderr };
}

describe('the output is what the whole-in-memory writer made, byte for byte', () => {
  for (const model of ['sigmoid', 'softmax', 'linear', 'linear3'])
    it(`${model}: CSV and JSON, any batch size, stdout, -o FILE, and --stream`, async () => {
      for (const format of ['csv', 'json'] as const) {
        const expected = await wholeInMemory({ model: f(`${model}.json`), x: f('x.npy') }, format);
        assert.ok(expected.length > m * 10, 'a real document');
        const given = ['--model', f(`${model}.json`), '--x', f('x.npy'), '--format', format];
        for (const extra of [[], ['--batch-size', '1000'], ['--batch-size', '1'], ['--stream'], ['-o', '-']]) {
          const r = await predictPieces([...given, ...extra]);
          assert.equal(r.code, 0, r.stderr);
          assert.equal(r.stdout, expected, `${format} ${extra.join(' ')}`);
          assert.equal(r.stderr, '');
        }
        const r = await lnnInProcess(['predict', ...given, '--batch-size', '2048', '-o', f('out.txt')]);
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stderr, `wrote ${m} predictions to ${f('out.txt')}\n`);
        assert.equal(readFileSync(f('out.txt'), 'utf8'), expected);
      }
    });

  it('class names that CSV quotes, from a CSV whose columns are matched by name', async () => {
    for (const format of ['csv', 'json'] as const) {
      const args = { model: f('named.json'), data: f('named.csv'), label: 'label' };
      const expected = await wholeInMemory(args, format);
      assert.match(expected, format === 'csv' ? /,"dog, ""big""",/ : /"class":"dog, \\"big\\""/);
      const r = await predictPieces([
        '--model',
        args.model,
        '--data',
        args.data,
        '--label',
        'label',
        '--format',
        format,
      ]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, expected);
    }
  });
});

describe('each batch is written before the next is read', () => {
  it('stdout gets one piece per batch of --batch-size examples (rounded up to 1,024), never the whole', async () => {
    const given = ['--model', f('softmax.json'), '--x', f('x.npy')];
    const csv = await predictPieces([...given, '--batch-size', '1000']);
    assert.equal(csv.code, 0, csv.stderr);
    // Batches 0..1023, 1024..2047, 2048..2499; the header goes out with the first.
    assert.deepEqual(
      csv.pieces.map((p) => p.split('\n').length - 1),
      [1 + 1024, 1024, 452],
    );
    assert.match(csv.pieces[1]!, /^1024,/);
    const json = await predictPieces([...given, '--batch-size', '1024', '--json']);
    assert.equal(json.pieces.length, 4);
    assert.match(json.pieces[0]!, /^\{"predictions":\[\{"index":0,/);
    assert.match(json.pieces[1]!, /^,\{"index":1024,/);
    assert.equal(json.pieces[3], ']}\n');
    assert.equal(JSON.parse(json.stdout).predictions.length, m);
  });

  it('waits for stdout to drain after each batch: a slow reader holds the writer back', async () => {
    const pieces: string[] = [];
    // Each drain asked for: the number of pieces written by then, and how to let the writer go on.
    const asked: { written: number; release: () => void }[] = [];
    let heard = () => {};
    const io: Io = {
      out: (s) => void pieces.push(s),
      err: () => {},
      errIsTTY: false,
      drain: () =>
        new Promise<void>((release) => {
          asked.push({ written: pieces.length, release });
          heard();
        }),
    };
    const drainAsked = (n: number) => new Promise<void>((r) => (asked.length >= n ? r() : (heard = r)));
    const run = main(['predict', '--model', f('sigmoid.json'), '--x', f('x.npy'), '--batch-size', '1024'], io);
    for (let batch = 1; batch <= 3; batch++) {
      await Promise.race([
        drainAsked(batch),
        run.then((code) => assert.fail(`predict ended (${code}) without asking for a drain after batch ${batch}`)),
      ]);
      assert.equal(asked[batch - 1]!.written, batch, `the drain was asked for after batch ${batch}`);
      // Turns of the event loop enough to write the next batch, were it not held back.
      for (let k = 0; k < 10; k++) await new Promise((r) => setImmediate(r));
      assert.equal(pieces.length, batch);
      asked[batch - 1]!.release();
    }
    assert.equal(await run, 0);
    assert.equal(pieces.length, 3);
  });
});

describe('bad input halfway', () => {
  before(() => {
    const bad = [...x];
    bad[2100 * 3 + 1] = NaN;
    writeFileSync(f('x-nan.npy'), encodeNpy([m, 3], bad));
    const huge = [...x];
    huge[1500 * 3 + 2] = 1e300;
    writeFileSync(f('x-huge.npy'), encodeNpy([m, 3], huge));
  });

  it('a streamed file: the error names the file and the example; stdout has the batches before it', async () => {
    for (const format of ['csv', 'json']) {
      const r = await predictPieces([
        '--model',
        f('sigmoid.json'),
        '--x',
        f('x-nan.npy'),
        '--stream',
        '--batch-size',
        '1024',
        '--format',
        format,
      ]);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        `lnn predict: ${f('x-nan.npy')}: example 2100, feature 1 is NaN (a missing value); features must be finite numbers: fill it in, or pass --impute mean to lnn train to fill it with the feature's mean over the training set\n`,
      );
      if (format === 'csv') assert.equal(r.stdout.split('\n').length - 1, 1 + 2048);
      // A cut JSON document is no document: a reader cannot take it for the whole.
      else assert.throws(() => JSON.parse(r.stdout), SyntaxError);
    }
  });

  it('-o FILE: the file keeps what it had (or is not made) and no temporary file is left', async () => {
    writeFileSync(f('kept.csv'), 'the old predictions\n');
    for (const [input, extra, message] of [
      [
        f('x-nan.npy'),
        ['--stream'],
        `${f('x-nan.npy')}: example 2100, feature 1 is NaN (a missing value); features must be finite numbers: fill it in, or pass --impute mean to lnn train to fill it with the feature's mean over the training set`,
      ],
      [
        f('x-huge.npy'),
        [],
        `${f('x-huge.npy')}: example 1500, feature 2 is 1e+300, which --normalize minmax makes Infinity, beyond the range of float32 (±3.4028e+38); train with --dtype float64, or check the value: it lies far outside the training data, on which --normalize minmax was fitted`,
      ],
    ] as const) {
      for (const out of ['kept.csv', 'new.csv']) {
        const r = await lnnInProcess([
          'predict',
          '--model',
          f('sigmoid.json'),
          '--x',
          input,
          ...extra,
          '--batch-size',
          '1024',
          '-o',
          f(out),
        ]);
        assert.equal(r.code, 1);
        assert.equal(r.stderr, `lnn predict: ${message}\n`);
        assert.deepEqual(temporaries(), []);
      }
      assert.equal(readFileSync(f('kept.csv'), 'utf8'), 'the old predictions\n');
      assert.equal(existsSync(f('new.csv')), false);
    }
  });

  it('a file held in memory is checked whole first: a non-finite value prints nothing', async () => {
    const r = await predictPieces(['--model', f('sigmoid.json'), '--x', f('x-nan.npy'), '--batch-size', '1024']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `lnn predict: ${f('x-nan.npy')}: example 2100, feature 1 is NaN (a missing value); features must be finite numbers: fill it in; only a model trained with --impute mean fills missing values (with its training means), and the model ${f('sigmoid.json')} was trained without it\n`,
    );
    assert.deepEqual(r.pieces, []);
  });

  it('SIGTERM while -o FILE is written: exit 143, the file as it was, no temporary file', async () => {
    // 1,000,000 examples of float32: long enough to be caught while writing.
    const rows = 1_000_000;
    const values = new Float32Array(rows * 3).map((_, t) => Math.sin(t));
    writeFileSync(f('big.npy'), Buffer.concat([npyHeader([rows, 3], '<f4'), new Uint8Array(values.buffer)]));
    writeFileSync(f('sig.csv'), 'old\n');
    const child = spawn(
      process.execPath,
      lnnArgv([
        'predict',
        '--model',
        f('sigmoid.json'),
        '--x',
        f('big.npy'),
        '--stream',
        '--batch-size',
        '1024',
        '-o',
        f('sig.csv'),
      ]),
    );
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // The temporary file exists from the first batch written to the rename: signal the process then.
    await eventually(
      'the temporary file of -o',
      () => readdirSync(dir).some((n) => n.startsWith('.sig.csv.lnn-tmp-')),
      { procs: [child], dirs: [dir] },
    );
    child.kill('SIGTERM');
    assert.equal(await closed, 143);
    assert.equal(stderr, '');
    assert.deepEqual(temporaries(), []);
    assert.equal(readFileSync(f('sig.csv'), 'utf8'), 'old\n');
  });
});

describe('outputs that are streams, and options', () => {
  it('a FIFO gets the predictions as they are written; /dev/null is written through', async () => {
    const fifo = f('fifo');
    execFileSync('mkfifo', [fifo]);
    // The reader writes to a file: this process, blocked writing the FIFO, reads no pipe meanwhile.
    const cat = spawn('sh', ['-c', `cat "${fifo}" > "${f('from-fifo.csv')}"`]);
    const done = new Promise((resolve) => cat.on('close', resolve));
    const given = ['--model', f('linear.json'), '--x', f('x.npy'), '--batch-size', '1024'];
    const r = await lnnInProcess(['predict', ...given, '-o', fifo]);
    await done;
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, `wrote ${m} predictions to ${fifo}\n`);
    assert.equal(readFileSync(f('from-fifo.csv'), 'utf8'), (await predictPieces(given)).stdout);
    const n = await lnnInProcess(['predict', ...given, '-o', '/dev/null']);
    assert.equal(n.code, 0, n.stderr);
    assert.equal(n.stderr, `wrote ${m} predictions to /dev/null\n`);
  });

  it('refuses --stream for a source read whole, and a --batch-size that is not a positive integer', async () => {
    const csv = await lnnInProcess(['predict', '--model', f('named.json'), '--data', f('named.csv'), '--stream']);
    assert.equal(csv.code, 2);
    assert.equal(
      csv.stderr,
      `lnn predict: --stream reads .npy (--x) and HDF5 files by row ranges, and ${f('named.csv')} can only be read whole; convert it once (lnn convert --data ${f('named.csv')} --out DIR) and predict on --x DIR/x.npy (lnn predict --help)\n`,
    );
    const builtin = await lnnInProcess(['predict', '--model', f('named.json'), '--data', 'builtin:iris', '--stream']);
    assert.equal(
      builtin.stderr,
      'lnn predict: --stream reads .npy (--x) and HDF5 files by row ranges, and builtin:iris can only be read whole (lnn predict --help)\n',
    );
    for (const bad of ['0', '-3', '1.5', 'many']) {
      const r = await lnnInProcess(['predict', '--model', f('sigmoid.json'), '--x', f('x.npy'), '--batch-size', bad]);
      assert.equal(r.code, 2);
      assert.equal(r.stderr, `lnn predict: --batch-size must be an integer ≥ 1 but is '${bad}' (lnn predict --help)\n`);
    }
  });
});
