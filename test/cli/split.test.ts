import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadBuiltin } from '../../src/data/read/builtin.js';
import '../../src/data/read/register-readers.js';
import { loadDataset } from '../../src/data/read/load.js';
import { lnn, lnnInProcess } from './run.js';
import { toMatrix, type Features } from '../../src/data/features.js';
import { encodeNpy, npyHeader, parseNpyHeader } from '../../src/data/read/npy.js';
import { splitParts } from '../../src/data/prepare/split-record.js';

const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/data/${name}`, import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'lnn-split-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** Each example of a split as a string of its features, to compare sets of examples. */
const examples = (d: { X: Features }) => {
  const X = toMatrix(d.X);
  return Array.from({ length: X.cols }, (_, j) =>
    Array.from({ length: X.rows }, (_, i) => X.data[i * X.cols + j]).join(','),
  );
};

// The first case starts a real `lnn` process (end to end); the rest run `main` in-process.
describe('lnn split', { concurrency: true }, () => {
  it('writes train/dev/test .npy pairs that hold every example once, and reports sizes and rule as JSON', async () => {
    const out = join(root, 'iris');
    const r = await lnn(['split', '--data', 'builtin:iris', '--out', out, '--seed', '3', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout);
    assert.deepEqual([j.train, j.dev, j.test], [90, 30, 30]);
    assert.match(j.rule, /^auto: dev and test each min\(20% of m, 10,000\) → 60\/20\/20, stratified by class$/);
    assert.deepEqual(readdirSync(out).sort(), [
      'dev_x.npy',
      'dev_y.npy',
      'split.json',
      'test_x.npy',
      'test_y.npy',
      'train_x.npy',
      'train_y.npy',
    ]);
    const parts = await Promise.all(
      ['train', 'dev', 'test'].map((s) => loadDataset({ x: join(out, `${s}_x.npy`), y: join(out, `${s}_y.npy`) })),
    );
    assert.deepEqual(
      parts.map((p) => p.X.cols),
      [90, 30, 30],
    );
    for (const p of parts)
      assert.deepEqual(
        Array.from({ length: 3 }, (_, k) => Array.from(p.labels.data).filter((v) => v === k).length),
        [p.X.cols / 3, p.X.cols / 3, p.X.cols / 3],
      );
    const iris = loadBuiltin('iris');
    assert.deepEqual(parts.flatMap(examples).sort(), examples(iris).sort());
    const meta = JSON.parse(readFileSync(join(out, 'split.json'), 'utf8'));
    assert.deepEqual(meta.classes, ['setosa', 'versicolor', 'virginica']);
    assert.equal(meta.seed, 3);
  });

  it('is repeatable from --seed, writes CSV with the header, and takes --split 70,15,15', async () => {
    const [a, b, c] = await Promise.all(
      ['a', 'b', 'c'].map((name) =>
        lnnInProcess([
          'split',
          '--data',
          'builtin:iris',
          '--out',
          join(root, `csv-${name}`),
          '--format',
          'csv',
          '--split',
          '70,15,15',
          '--seed',
          name === 'c' ? '9' : '4',
        ]),
      ),
    );
    for (const r of [a, b, c]) assert.equal(r!.code, 0, r!.stderr);
    assert.match(
      a!.stdout,
      /m = 150 → ratios 70\/15\/15: .*\n {2}train\s+106 .*train\.csv\n {2}dev\s+22 .*\n {2}test\s+22 /,
    );
    const text = (name: string, set: string) => readFileSync(join(root, `csv-${name}`, `${set}.csv`), 'utf8');
    assert.equal(text('a', 'dev'), text('b', 'dev'));
    assert.notEqual(text('a', 'dev'), text('c', 'dev'));
    assert.match(text('a', 'train'), /^sepal length,sepal width,petal length,petal width,label\n/);
    const back = await loadDataset({ data: join(root, 'csv-a', 'train.csv'), csv: { label: 'label' } });
    assert.equal(back.X.cols, 106);
    assert.deepEqual(back.classes, ['setosa', 'versicolor', 'virginica']);
  });

  it('fills missing values from the TRAIN means with --impute mean', async () => {
    const out = join(root, 'impute');
    const r = await lnnInProcess([
      'split',
      '--data',
      fixture('missing.csv'),
      '--out',
      out,
      '--split',
      '50,25,25',
      '--impute',
      'mean',
      '--format',
      'csv',
      '--seed',
      '1',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const meta = JSON.parse(readFileSync(join(out, 'split.json'), 'utf8'));
    assert.equal(meta.imputer.kind, 'mean');
    const all = ['train', 'dev', 'test'].map((s) => readFileSync(join(out, `${s}.csv`), 'utf8')).join('');
    assert.doesNotMatch(all, /NaN|,,/);
    const train = await loadDataset({ data: join(out, 'train.csv') });
    // The means written are train's own: each feature's mean over train's rows equals the imputer's mean.
    for (let i = 0; i < 2; i++) {
      const row = Array.from(toMatrix(train.X).data.subarray(i * train.X.cols, (i + 1) * train.X.cols));
      assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) / row.length - meta.imputer.means[i]) < 1e-12);
    }
  });

  it('refuses to replace existing files without --force, and leaves them as they were', async () => {
    const out = join(root, 'exists');
    const first = await lnnInProcess([
      'split',
      '--data',
      fixture('flowers.csv'),
      '--label',
      'species',
      '--split',
      '50,25,25',
      '--out',
      out,
    ]);
    assert.equal(first.code, 0, first.stderr);
    const before = readFileSync(join(out, 'train_x.npy'));
    const again = await lnnInProcess([
      'split',
      '--data',
      fixture('flowers.csv'),
      '--label',
      'species',
      '--split',
      '50,25,25',
      '--out',
      out,
      '--seed',
      '5',
    ]);
    assert.equal(again.code, 1);
    assert.equal(
      again.stderr,
      `lnn split: --out ${join(out, 'train_x.npy')}: already exists; pass --force to replace it, or choose another --out\n`,
    );
    assert.deepEqual(readFileSync(join(out, 'train_x.npy')), before);
    const forced = await lnnInProcess([
      'split',
      '--data',
      fixture('flowers.csv'),
      '--label',
      'species',
      '--split',
      '50,25,25',
      '--out',
      out,
      '--seed',
      '5',
      '--force',
    ]);
    assert.equal(forced.code, 0, forced.stderr);
  });

  it('rejects a bad --split and a missing --out in one line, writing nothing', async () => {
    const out = join(root, 'bad');
    const [bad, none, noOut] = await Promise.all([
      lnnInProcess(['split', '--data', 'builtin:iris', '--out', out, '--split', '70,20']),
      lnnInProcess(['split', '--data', 'builtin:iris', '--out', out, '--split', 'none']),
      lnnInProcess(['split', '--data', 'builtin:iris']),
    ]);
    assert.equal(bad.code, 2);
    assert.match(
      bad.stderr,
      /^lnn split: --split must be 'auto', 'none' or train,dev,test as percentages summing to 100 .*'70,20' has 2 parts \(lnn split --help\)\n$/,
    );
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--split none keeps every example in train/);
    assert.equal(noOut.code, 2);
    assert.match(noOut.stderr, /^lnn split: --out DIR is required/);
    assert.equal(existsSync(out), false);
  });
});

describe('lnn split outputs', () => {
  it('checks every output before reading the data, and writes all files or none', async () => {
    const dir = join(root, 'atomic');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'dev_y.npy'), 'keep me');
    const r = await lnnInProcess(['split', '--data', 'builtin:iris', '--out', dir]);
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^lnn split: --out .*dev_y\.npy: already exists; pass --force to replace it, or choose another --out\n$/,
    );
    assert.deepEqual(readdirSync(dir), ['dev_y.npy']);
    assert.equal(readFileSync(join(dir, 'dev_y.npy'), 'utf8'), 'keep me');
    const forced = await lnnInProcess(['split', '--data', 'builtin:iris', '--out', dir, '--force']);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(readdirSync(dir).filter((n) => n.startsWith('.')).length, 0);
    assert.equal(readdirSync(dir).length, 7);
  });

  it('names an output directory that cannot be created', async () => {
    const file = join(root, 'plain-file');
    writeFileSync(file, 'not a directory');
    const r = await lnnInProcess(['split', '--data', 'builtin:iris', '--out', join(file, 'out')]);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `lnn split: --out ${join(file, 'out')}: cannot create the output directory (a part of the path is not a directory)\n`,
    );
  });

  it('defaults to the seed lnn train uses, so their default splits agree', async () => {
    const out = join(root, 'default-split');
    const record = join(root, 'default-split-run.json');
    const [split, train] = await Promise.all([
      lnnInProcess(['split', '--data', 'builtin:iris', '--out', out]),
      lnnInProcess(['train', '--data', 'builtin:iris', '--iterations', '1', '--record', record, '--quiet']),
    ]);
    assert.equal(split.code, 0, split.stderr);
    assert.equal(train.code, 0, train.stderr);
    // The examples of each part of train's split, as its record says it made them, against split's files.
    const iris = loadBuiltin('iris');
    const trained = splitParts(iris, JSON.parse(readFileSync(record, 'utf8')).data.split);
    const all = examples(iris);
    for (const part of ['train', 'dev', 'test'] as const) {
      const written = await loadDataset({ x: join(out, `${part}_x.npy`), y: join(out, `${part}_y.npy`) });
      assert.deepEqual(
        examples(written),
        Array.from(trained[part], (j) => all[j]),
        part,
      );
    }
    assert.match((await lnnInProcess(['split', '--help'])).stdout, /--seed N .*\(default: 1\)/s);
  });
});

describe('lnn split keeps the dtype of the features', () => {
  /** A (m, n) .npy of `descr` ('<f4', '|u1', '<f8') holding `values`. */
  const npy = (name: string, m: number, n: number, descr: '<f4' | '|u1' | '<f8', values: number[]) => {
    const header = npyHeader([m, n], descr);
    const Typed = descr === '<f4' ? Float32Array : descr === '|u1' ? Uint8Array : Float64Array;
    const data = new Uint8Array(Typed.from(values).buffer);
    const out = new Uint8Array(header.length + data.length);
    out.set(header);
    out.set(data, header.length);
    writeFileSync(join(root, name), out);
    return join(root, name);
  };
  /** The descr and the byte size of the data of a written .npy. */
  const stored = (file: string) => {
    const bytes = readFileSync(file);
    const h = parseNpyHeader(bytes, file);
    return { descr: h.descr, dataBytes: bytes.length - h.dataOffset };
  };
  const m = 40,
    n = 3;
  // Example j: (j + 0.25, 2j, 255 - j), with j = 5 missing its first feature.
  const values = Array.from({ length: m }, (_, j) => [j + 0.25, 2 * j, 255 - j]).flat();
  const missing = values.map((v, t) => (t === 15 ? NaN : v));
  const labels = () => {
    const file = join(root, 'dtype-y.npy');
    writeFileSync(
      file,
      encodeNpy(
        [m],
        Array.from({ length: m }, (_, j) => j % 2),
        '<i8',
      ),
    );
    return file;
  };
  const split = (x: string, out: string, ...more: string[]) =>
    lnnInProcess(['split', '--x', x, '--y', labels(), '--out', join(root, out), '--split', '50,25,25', ...more]);

  it('float32 and uint8 sources give float32 and uint8 files (half and an eighth of float64), holding the same examples', async () => {
    for (const [descr, data] of [
      ['<f4', values],
      ['|u1', values.map(Math.floor)],
    ] as const) {
      const x = npy(`dtype-${descr.slice(1)}.npy`, m, n, descr, data);
      const r = await split(x, `keep-${descr.slice(1)}`, '--json');
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).dtype, descr === '<f4' ? 'float32' : 'uint8');
      const dir = join(root, `keep-${descr.slice(1)}`);
      const sizes = JSON.parse(readFileSync(join(dir, 'split.json'), 'utf8'));
      assert.equal(sizes.dtype, descr === '<f4' ? 'float32' : 'uint8');
      const parts = await Promise.all(
        ['train', 'dev', 'test'].map((s) => loadDataset({ x: join(dir, `${s}_x.npy`), y: join(dir, `${s}_y.npy`) })),
      );
      for (const [k, s] of ['train', 'dev', 'test'].entries())
        assert.deepEqual(stored(join(dir, `${s}_x.npy`)), {
          descr,
          dataBytes: parts[k]!.X.cols * n * (descr === '<f4' ? 4 : 1),
        });
      const source = await loadDataset({ x, y: labels() });
      assert.deepEqual(parts.flatMap(examples).sort(), examples(source).sort());
    }
  });

  it('--impute mean fills a float32 source in float32; --dtype float64 asks for float64', async () => {
    const x = npy('dtype-missing.npy', m, n, '<f4', missing);
    const r = await split(x, 'impute-f4', '--impute', 'mean');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /features as float32 \(the source's dtype\)/);
    const dir = join(root, 'impute-f4');
    const meta = JSON.parse(readFileSync(join(dir, 'split.json'), 'utf8'));
    const all = await Promise.all(
      ['train', 'dev', 'test'].map((s) => loadDataset({ x: join(dir, `${s}_x.npy`), y: join(dir, `${s}_y.npy`) })),
    );
    const firsts = all.flatMap((d) => Array.from(toMatrix(d.X).data.subarray(0, d.X.cols)));
    assert.ok(
      firsts.includes(Math.fround(meta.imputer.means[0])),
      "example 5's first feature is train's mean, in float32",
    );
    const wide = await split(x, 'impute-f8', '--impute', 'mean', '--dtype', 'float64');
    assert.equal(wide.code, 0, wide.stderr);
    assert.equal(stored(join(root, 'impute-f8', 'train_x.npy')).descr, '<f8');
  });

  it('a --dtype that cannot hold a value is refused with the value and where it is; nothing is written', async () => {
    const x = npy('dtype-frac.npy', m, n, '<f4', values);
    const r = await split(x, 'narrow', '--dtype', 'uint8');
    assert.equal(r.code, 1);
    assert.match(
      r.stderr,
      /^lnn split: .*dtype-frac\.npy: example \d+, feature 0 is \d+\.25, which --dtype uint8 cannot hold \(integers 0\.\.255\); leave --dtype out to keep the source's float32\n$/,
    );
    assert.deepEqual(readdirSync(join(root, 'narrow')), []);
    const big = npy('dtype-big.npy', 2, 1, '<f8', [1, 1e300]);
    writeFileSync(join(root, 'dtype-y2.npy'), encodeNpy([2], [0, 1], '<i8'));
    const b = await lnnInProcess([
      ...['split', '--x', big, '--y', join(root, 'dtype-y2.npy'), '--out', join(root, 'narrow32')],
      ...['--split', '50,50,0', '--dtype', 'float32', '--stratify', 'no'],
    ]);
    assert.equal(b.code, 1);
    assert.match(
      b.stderr,
      /^lnn split: .*dtype-big\.npy: example 1, feature 0 is 1e\+300, beyond the range of float32 \(±3\.4028e\+38\); leave --dtype out to keep the source's float64\n$/,
    );
    assert.deepEqual(readdirSync(join(root, 'narrow32')), []);
  });

  it('--dtype is for .npy files; a bad one is named', async () => {
    const x = npy('dtype-csv.npy', m, n, '<f4', values);
    const csv = await split(x, 'as-csv', '--format', 'csv', '--dtype', 'float32');
    assert.equal(csv.code, 2);
    assert.equal(
      csv.stderr,
      'lnn split: --dtype sets the dtype of .npy files; --format csv writes the values as text (lnn split --help)\n',
    );
    const bad = await split(x, 'bad-dtype', '--dtype', 'int4');
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /^lnn split: --dtype must be one of source, float32, float64, uint8 but is 'int4'/);
  });

  it('a CSV source is float64, as before', async () => {
    const r = await lnnInProcess([
      ...['split', '--data', fixture('flowers.csv'), '--label', 'species', '--out', join(root, 'csv-f8')],
      ...['--split', '50,25,25'],
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(stored(join(root, 'csv-f8', 'train_x.npy')).descr, '<f8');
  });
});
