// A confined read (DataSpec.confined, a worker's --data-root) reads only the file it is given: an HDF5
// file that would lead to another file, by an external link or by external storage, is refused in one
// line naming the file, the link or dataset and the rule, before anything outside is read. Unconfined,
// such files read as HDF5 reads them.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import '../../src/data/read/register-readers.js';
import { toMatrix } from '../../src/data/features.js';
import { loadDataset } from '../../src/data/read/load.js';
import { externalLinks, externalStorage, readProbe } from '../helpers/outside.js';

const RULE =
  'under a --data-root an HDF5 file must hold its own data: external links, external storage and virtual datasets read other files, and are refused';

describe('an HDF5 file that reads other files', () => {
  let dir = '',
    root = '',
    outside = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'lnn-confined-'));
    root = join(dir, 'root');
    outside = join(dir, 'outside');
    mkdirSync(root);
    mkdirSync(outside);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('external links: read through unconfined, refused confined without reading the target', async () => {
    const { file, target } = await externalLinks(root, outside);
    const d = await loadDataset({ data: file });
    assert.deepEqual(toMatrix(d.X).toArray()[0]!.slice(0, 3), [0, 4, 8]);
    const unread = readProbe([target]);
    for (const stream of [false, true])
      await assert.rejects(loadDataset({ data: file, confined: true, stream }), {
        name: 'DataError',
        message: `${file}: 'x' is an HDF5 external link to ${target} (/x); ${RULE}`,
      });
    assert.notEqual(unread(), false, `${target} was read`);
  });

  it('external storage: read through unconfined, refused confined when its values are asked for', async () => {
    const { file, target } = externalStorage(root, outside);
    const d = await loadDataset({ data: file });
    assert.deepEqual(toMatrix(d.X).toArray()[1]!.slice(0, 3), [1, 5, 9]);
    const unread = readProbe([target]);
    await assert.rejects(loadDataset({ data: file, confined: true }), {
      name: 'DataError',
      message: `${file}: dataset 'x' reads another file, ${target}; ${RULE}`,
    });
    assert.notEqual(unread(), false, `${target} was read`);
  });
});
