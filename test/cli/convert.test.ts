// lnn convert: CSV → x.npy and y.npy in constant memory, read back as the CSV reader reads the CSV.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Rng } from '../../src/core/rng.js';
import { toMatrix } from '../../src/data/features.js';
import { loadDataset } from '../../src/data/read/load.js';
import { parseNpy, parseNpyStrings } from '../../src/data/read/npy.js';
import '../../src/data/read/register-readers.js';
import { lnnInProcess } from './run.js';

const root = mkdtempSync(join(tmpdir(), 'lnn-convert-'));
after(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** A CSV in a fresh directory; returns the file and an output directory beside it. */
function csv(text: string): { file: string; out: string } {
  const d = join(root, `case${n++}`);
  mkdirSync(d);
  const file = join(d, 'data.csv');
  writeFileSync(file, text);
  return { file, out: join(d, 'out') };
}

const npy = (file: string) => new Uint8Array(readFileSync(file));
/** Files a failed run may not leave behind: outputs, and temporaries of them. */
const leftovers = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

describe('lnn convert', { concurrency: true }, () => {
  it('numeric labels: x.npy (m, n_x) float32, y.npy float64, the values of the CSV', async () => {
    const { file, out } = csv('a,b,y\n1,2.5,0\n3,-4,1\n"5",6e2,1\n');
    const r = await lnnInProcess(['convert', '--data', file, '--out', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), {
      m: 3,
      nx: 2,
      dtype: 'float32',
      x: join(out, 'x.npy'),
      y: join(out, 'y.npy'),
      labels: 'numbers',
      labelColumn: 'y',
    });
    const x = parseNpy(npy(join(out, 'x.npy')));
    assert.deepEqual([x.shape, x.dtype, Array.from(x.data)], [[3, 2], '<f4', [1, 2.5, 3, -4, 5, 600]]);
    const y = parseNpy(npy(join(out, 'y.npy')));
    assert.deepEqual([y.shape, y.dtype, Array.from(y.data)], [[3], '<f8', [0, 1, 1]]);
  });

  it('text labels: numpy strings, classes sorted by name as the CSV reader makes them', async () => {
    const { file, out } = csv('x1,x2,species\n1,2,virginica\n3,4,setosa\n5,6,"set,osa"\n7,8,virginica\n');
    const r = await lnnInProcess(['convert', '--data', file, '--out', out, '--label', 'species']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /wrote .*y\.npy: 4 labels \(3 classes as text\) from column 'species'/);
    assert.deepEqual(parseNpyStrings(npy(join(out, 'y.npy')))!.strings, [
      'virginica',
      'setosa',
      'set,osa',
      'virginica',
    ]);
    const fromCsv = await loadDataset({ data: file, csv: { label: 'species' } });
    const fromNpy = await loadDataset({ x: join(out, 'x.npy'), y: join(out, 'y.npy') });
    assert.deepEqual(fromNpy.classes, fromCsv.classes);
    assert.deepEqual(fromNpy.labels.data, fromCsv.labels.data);
    assert.deepEqual(toMatrix(fromNpy.X).data, toMatrix(fromCsv.X).data);
  });

  it('training on the converted files (float64) gives the results of training on the CSV', async () => {
    const rng = new Rng(2);
    const lines = ['u,v,w,label'];
    for (let j = 0; j < 120; j++) {
      const u = rng.randn(),
        v = rng.randn();
      lines.push(`${u},${v},${rng.random()},${u + v > 0 ? 'yes' : 'no'}`);
    }
    const { file, out } = csv(lines.join('\n') + '\n');
    assert.equal((await lnnInProcess(['convert', '--data', file, '--out', out, '--dtype', 'float64'])).code, 0);
    const args = ['--hidden', '4', '--iterations', '30', '--json', '--seed', '7'];
    const a = await lnnInProcess(['train', '--data', file, ...args]);
    const b = await lnnInProcess(['train', '--x', join(out, 'x.npy'), '--y', join(out, 'y.npy'), ...args]);
    const figures = (s: string) => {
      const d = JSON.parse(s) as Record<string, unknown>;
      return [d['costs'], d['evals'], d['trainCost'], d['devCost'], d['sizes']];
    };
    assert.deepEqual(figures(b.stdout), figures(a.stdout));
  });

  it('uint8: a value that does not fit is refused with its line and column, and nothing is written', async () => {
    const { file, out } = csv('p0,p1,label\n0,255,1\n12,256,0\n');
    const r = await lnnInProcess(['convert', '--data', file, '--out', out, '--dtype', 'uint8']);
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `lnn convert: ${file}: line 3, column 'p1': "256" does not fit: uint8 holds integers 0..255\n`,
    );
    assert.deepEqual(leftovers(out), []);
  });

  it('a missing value, a text feature, a short row: the line, the column and the rule', async () => {
    const cases: [string, RegExp][] = [
      [
        'a,y\n1,0\n,1\n',
        /line 3, column 'a': missing value; fill it in \(lnn convert writes no missing values; lnn train --impute mean reads the CSV itself\)/,
      ],
      ['a,y\n1,0\nred,1\n', /line 3, column 'a': "red" is not a number; features must be finite numbers/],
      [
        'a,b,y\n1,2,0\n1,1\n',
        /line 3 has 2 fields but the header \(line 1\) has 3; every row needs one value per column/,
      ],
      ['a,y\n1,\n', /line 2, column 'y': the label is missing; every example needs one/],
      ['a,y\n', /has a header but no examples \(m = 0\)/],
      ['a,b\n1,2\n', /name the label column with --label COLUMN/],
      [
        'a,y\n1e39,0\n',
        /line 2, column 'a': "1e39" does not fit: beyond the range of float32 \(±3\.4028e\+38\); convert with --dtype float64/,
      ],
    ];
    for (const [text, message] of cases) {
      const { file, out } = csv(text);
      const r = await lnnInProcess(['convert', '--data', file, '--out', out]);
      assert.equal(r.code, 1, text);
      assert.match(r.stderr, message);
      assert.deepEqual(leftovers(out), [], text);
    }
  });

  it('existing outputs are kept unless --force; the input is never an output', async () => {
    const { file, out } = csv('a,y\n1,0\n2,1\n');
    mkdirSync(out);
    writeFileSync(join(out, 'y.npy'), 'keep me');
    const r = await lnnInProcess(['convert', '--data', file, '--out', out]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /--out .*y\.npy: already exists; pass --force to replace it, or choose another --out/);
    assert.equal(readFileSync(join(out, 'y.npy'), 'utf8'), 'keep me');
    assert.deepEqual(leftovers(out).sort(), ['y.npy']);
    const f = await lnnInProcess(['convert', '--data', file, '--out', out, '--force']);
    assert.equal(f.code, 0, f.stderr);
    assert.deepEqual(parseNpy(npy(join(out, 'y.npy'))).shape, [2]);
    assert.deepEqual(leftovers(out).sort(), ['x.npy', 'y.npy']);
  });

  it('usage: --data and --out are required; only CSV and TSV are converted', async () => {
    const r1 = await lnnInProcess(['convert', '--out', root]);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /--data FILE\.csv is required/);
    const r2 = await lnnInProcess(['convert', '--data', 'x.npy', '--out', root]);
    assert.match(r2.stderr, /lnn convert reads CSV and TSV files \(\.npy and HDF5 are read by offset already\)/);
    const r3 = await lnnInProcess(['convert', '--data', join(root, 'none.csv'), '--out', join(root, 'o')]);
    assert.equal(r3.code, 1);
    assert.match(r3.stderr, /none\.csv: cannot read \(no such file or directory\)/);
  });
});
