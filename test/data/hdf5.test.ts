import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import h5wasm from 'h5wasm/node';
import { readHdf5 } from '../../src/data/read/hdf5.js';
import '../../src/data/read/register-readers.js';
import { loadDataset } from '../../src/data/read/load.js';
import { sharedData } from '../helpers/util.js';
import { toMatrix } from '../../src/data/features.js';

/** The shared data directory when it holds the course's HDF5 files. */
function courseH5(): string | undefined {
  const dir = sharedData();
  return dir !== undefined && existsSync(join(dir, 'catvnoncat', 'train_catvnoncat.h5')) ? dir : undefined;
}

describe('HDF5 reader (h5wasm), on a file written here', () => {
  let dir = '';
  let file = '';
  before(async () => {
    await h5wasm.ready;
    dir = mkdtempSync(join(tmpdir(), 'lnn-h5-'));
    file = join(dir, 'tiny.h5');
    const f = new h5wasm.File(file, 'w');
    // 3 examples of 2×2 pixels: example j has pixels 10j + (0, 1, 2, 3).
    f.create_dataset({
      name: 'set_x',
      data: new Uint8Array([0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]),
      shape: [3, 2, 2],
    });
    f.create_dataset({ name: 'set_y', data: new BigInt64Array([1n, 0n, 1n]), shape: [3] });
    f.create_dataset({ name: 'list_classes', data: ['dog', 'cat'] });
    f.create_dataset({ name: 'names3', data: ['a', 'b', 'c'] });
    f.create_dataset({ name: 'names1', data: ['only'] });
    f.create_dataset({ name: 'twice', data: ['x', 'x'] });
    f.create_dataset({ name: 'short_y', data: new Float64Array([0, 1]), shape: [2] });
    f.create_group('other');
    (f.get('other') as InstanceType<typeof h5wasm.Group>).create_dataset({
      name: 'onehot',
      data: new Float64Array([1, 0, 0, 0, 1, 0, 0, 0, 1]),
      shape: [3, 3],
    });
    f.close();
    writeFileSync(join(dir, 'not.h5'), 'plain text, not HDF5');
    writeFileSync(join(dir, 'empty.h5'), '');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('reads X: (n_x, m) flattened row-major, labels, and class names from list_classes', async () => {
    const d = await loadDataset({ data: file, hdf5: { xKey: 'set_x', yKey: 'set_y' } });
    assert.deepEqual(toMatrix(d.X).toArray(), [
      [0, 10, 20],
      [1, 11, 21],
      [2, 12, 22],
      [3, 13, 23],
    ]);
    assert.deepEqual(Array.from(d.labels.data), [1, 0, 1]);
    assert.deepEqual(d.classes, ['dog', 'cat']);
  });

  it('reads one-hot (m, K) labels as class indices, with K class names from --classes-key', async () => {
    const d = await readHdf5(file, { hdf5: { xKey: 'set_x', yKey: 'other/onehot', classesKey: 'names3' } });
    assert.deepEqual(Array.from(d.labels.data), [0, 1, 2]);
    assert.deepEqual(d.classes, ['a', 'b', 'c']);
  });

  it('refuses class names of the wrong length and numbers given as class names, naming the dataset', async () => {
    // Before: a 2-name list_classes beside K = 3 one-hot labels was dropped silently, and --classes-key
    // naming the label dataset made m "classes" '1', '0', '1'.
    await assert.rejects(readHdf5(file, { hdf5: { xKey: 'set_x', yKey: 'other/onehot' } }), {
      name: 'DataError',
      message: `${file}: 'list_classes' has 2 class names but the one-hot labels in 'other/onehot' have K = 3 classes; they must match (pass --classes-key to name another list)`,
    });
    await assert.rejects(readHdf5(file, { hdf5: { xKey: 'set_x', yKey: 'set_y', classesKey: 'set_y' } }), {
      name: 'DataError',
      message: `${file}: dataset 'set_y' (--classes-key) holds numbers, shape (3), not class names; class names are strings`,
    });
    await assert.rejects(readHdf5(file, { hdf5: { xKey: 'set_x', yKey: 'set_y', classesKey: 'names1' } }), {
      name: 'DataError',
      message: `${file}: label 1 of example 0 in 'set_y' does not index the 1 class names in 'names1'; labels must be integers 0..0`,
    });
    await assert.rejects(readHdf5(file, { hdf5: { xKey: 'set_x', yKey: 'set_y', classesKey: 'twice' } }), {
      message: `${file}: dataset 'twice' (--classes-key) names class 'x' twice; class names must be unique`,
    });
  });

  it('names the pairs when the keys cannot be guessed, and a key that is not there', async () => {
    await assert.rejects(readHdf5(file, {}), {
      name: 'DataError',
      message:
        /tiny\.h5: 3 pairs of datasets could be X and Y \(.*set_x\/set_y.*\); pass --x-key and --y-key; the file has .*set_x \(3, 2, 2\)/,
    });
    await assert.rejects(readHdf5(file, { hdf5: { xKey: 'train_set_x', yKey: 'set_y' } }), {
      message: /tiny\.h5: no dataset 'train_set_x' for --x-key; the file has list_classes \(2\), /,
    });
    await assert.rejects(readHdf5(file, { hdf5: { xKey: 'list_classes', yKey: 'set_y' } }), {
      message: /dataset 'list_classes' \(--x-key\) holds .* values, not numbers/,
    });
    await assert.rejects(readHdf5(file, { hdf5: { xKey: 'set_x', yKey: 'list_classes' } }), {
      message: /dataset 'list_classes' \(--y-key\) holds/,
    });
  });

  it('reads features alone with only --x-key when unlabeled (prediction)', async () => {
    const d = await readHdf5(file, { hdf5: { xKey: 'set_x' }, unlabeled: true });
    assert.deepEqual([d.X.rows, d.X.cols, d.labels.rows, d.labels.cols], [4, 3, 0, 3]);
  });

  it('rejects labels that do not match the examples one to one', async () => {
    await assert.rejects(readHdf5(file, { hdf5: { xKey: 'set_x', yKey: 'short_y' } }), {
      name: 'DataError',
      message: `${file}: dataset 'short_y' is (2) but X 'set_x' has m = 3 examples; labels must be (m,), (m, 1), (m, K) or (1, m) = (1, 3)`,
    });
  });

  it('guesses the keys with only --x-key when one Y fits', async () => {
    const notes: string[] = [];
    const d = await readHdf5(file, { hdf5: { xKey: 'other/onehot', onNote: (s: string) => notes.push(s) } });
    assert.equal(d.X.rows, 3);
    assert.match(notes[0]!, /using --x-key other\/onehot --y-key set_y/);
  });

  it('rejects a file that is not HDF5, an empty one and a missing one, without HDF5 noise', async () => {
    await assert.rejects(readHdf5(join(dir, 'not.h5')), {
      message: `${join(dir, 'not.h5')}: is not an HDF5 file (no HDF5 signature \\x89HDF\\r\\n\\x1a\\n at offset 0, 512, 1024, ...)`,
    });
    await assert.rejects(readHdf5(join(dir, 'empty.h5')), {
      message: /empty\.h5: is empty; an HDF5 file starts with the signature/,
    });
    await assert.rejects(readHdf5(join(dir, 'none.h5')), {
      message: `${join(dir, 'none.h5')}: cannot read (no such file or directory)`,
    });
  });
});

describe('HDF5 64-bit integer labels beyond ±2^53 are refused (float64 would merge 2^53 and 2^53 + 1)', () => {
  let dir = '';
  before(async () => {
    await h5wasm.ready;
    dir = mkdtempSync(join(tmpdir(), 'lnn-h5-int64-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const rule =
    'is beyond ±2^53 (9007199254740992); 64-bit integer labels must lie within it, where every integer is a distinct float64 (2^53 and 2^53 + 1 would merge into one class)';

  /** x: (4, 1), and y as given. */
  function write(name: string, y: BigInt64Array | BigUint64Array, shape: number[]): string {
    const file = join(dir, name);
    const f = new h5wasm.File(file, 'w');
    f.create_dataset({ name: 'x', data: new Float64Array([1, 2, 3, 4]), shape: [4, 1] });
    f.create_dataset({ name: 'y', data: y, shape });
    f.close();
    return file;
  }

  it('int64 (m,) and uint64 (m, K): the file, the example and the dataset', async () => {
    const two53 = 2n ** 53n;
    const signed = write('i64.h5', new BigInt64Array([0n, two53, two53 + 1n, 1n]), [4]);
    await assert.rejects(loadDataset({ data: signed, hdf5: { xKey: 'x', yKey: 'y' } }), {
      name: 'DataError',
      message: `${signed}: label 9007199254740993 of example 2 in 'y' ${rule}`,
    });
    const unsigned = write('u64.h5', new BigUint64Array([1n, 0n, 0n, 1n, 1n, 0n, 2n ** 64n - 1n, 0n]), [4, 2]);
    await assert.rejects(loadDataset({ data: unsigned, hdf5: { xKey: 'x', yKey: 'y' } }), {
      message: `${unsigned}: label 18446744073709551615 of example 3 in 'y' ${rule}`,
    });
    const exact = write('exact.h5', new BigInt64Array([-two53, 0n, two53, 0n]), [4]);
    const d = await loadDataset({ data: exact, hdf5: { xKey: 'x', yKey: 'y' } });
    assert.deepEqual(d.classes, ['-9007199254740992', '0', '9007199254740992']);
  });
});

describe("HDF5 reader on the course's cat/non-cat data", () => {
  const data = courseH5();
  it(
    'reads train_catvnoncat.h5: m = 209, n_x = 12288, 72 cats, first pixel (17, 31, 56)',
    { skip: data ? false : 'needs ../shared/data/catvnoncat (not part of the repository)' },
    async () => {
      const notes: string[] = [];
      const d = await loadDataset({
        data: join(data!, 'catvnoncat', 'train_catvnoncat.h5'),
        hdf5: { onNote: (s: string) => notes.push(s) },
      });
      assert.deepEqual([d.X.rows, d.X.cols], [12288, 209]);
      assert.deepEqual([toMatrix(d.X).get(0, 0), toMatrix(d.X).get(1, 0), toMatrix(d.X).get(2, 0)], [17, 31, 56]);
      assert.deepEqual(d.classes, ['non-cat', 'cat']);
      assert.equal(Array.from(d.labels.data).filter((v) => v === 1).length, 72);
      assert.match(notes[0]!, /using --x-key train_set_x --y-key train_set_y/);
    },
  );
});
