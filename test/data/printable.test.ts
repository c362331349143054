// Issue 7, item 18: a reader's message never carries a file's control characters raw (a model file
// holding ESC ]0;...BEL retitled the terminal). Each reader's quoting goes through printable().
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import h5wasm from 'h5wasm/node';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { parseJsonText } from '../../src/core/json.js';
import { fromArray, zeros } from '../../src/core/matrix.js';
import { parseCsv } from '../../src/data/read/csv.js';
import { alignClasses } from '../../src/data/dataset.js';
import { readHdf5 } from '../../src/data/read/hdf5.js';
import { parseJsonDataset } from '../../src/data/read/json-data.js';
import { parseNpy } from '../../src/data/read/npy.js';
import { readRunDocument } from '../../src/report/run-file.js';
import { documentChecksum, modelFromJSON } from '../../src/train/model-json.js';

const ESC = '\u001b]0;pwned\u0007';
const SAFE = '\\x1b]0;pwned\\x07';
const raw = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

/** The message of what `f` throws: it must be one line, with the file's ESC ... BEL escaped. */
async function refusal(f: () => unknown): Promise<string> {
  try {
    await f();
  } catch (e) {
    const message = (e as Error).message;
    assert.equal((e as Error).name, 'DataError', message);
    assert.doesNotMatch(message, raw, JSON.stringify(message));
    return message;
  }
  assert.fail('no error');
}

describe('reader messages quote input through printable()', () => {
  let dir = '';
  before(() => (dir = mkdtempSync(join(tmpdir(), 'lnn-printable-'))));
  after(() => rmSync(dir, { recursive: true, force: true }));

  // Each message must still show the input (escaped): 'pwned' is in it, the ESC and BEL are not.
  it('CSV: fields, column names, the label option, csv-parse errors', async () => {
    assert.match(
      await refusal(() => parseCsv(`a,label\n${ESC},1\n`, 'f.csv')),
      /column 'a': ".*pwned.*" is not a number/,
    );
    assert.ok((await refusal(() => parseCsv(`a${ESC},b\n1,2\n`, 'f.csv'))).includes(`'a${SAFE}'`));
    assert.ok(
      (await refusal(() => parseCsv('a,b\n1,2\n', 'f.csv', { label: ESC }))).includes(
        `no column '${SAFE}' for --label`,
      ),
    );
    await refusal(() => parseCsv(`a,b\n"x${ESC}\n"y,2\n`, 'f.csv'));
  });

  it('JSON data: parse errors, element snippets, keys', async () => {
    await refusal(() => parseJsonDataset(`{"X": [${ESC}]}`, 'd.json'));
    const key = JSON.stringify([{ a: 1 }, { [`a${ESC}`]: 2 }]);
    assert.ok((await refusal(() => parseJsonDataset(key, 'd.json'))).includes(`'a${SAFE}'`));
    const value = JSON.stringify({ X: [[ESC]], y: [1] });
    assert.match(await refusal(() => parseJsonDataset(value, 'd.json')), /X\[0\]\[0\] is ".*pwned.*"; features/);
  });

  it('class names, .npy headers, HDF5 dataset names', async () => {
    const d = { X: zeros(1, 1, 'float64'), labels: fromArray([[0]], 'float64'), classes: [ESC], source: 't.csv' };
    assert.ok((await refusal(() => alignClasses(d, ['a', 'b'], 'the model'))).includes(`'${SAFE}'`));
    const header = `{'descr': '<f8${ESC}', 'fortran_order': False, 'shape': (1,), }`.padEnd(118) + '\n';
    const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0];
    const npy = new Uint8Array([...magic, ...Buffer.from(header, 'latin1'), ...new Array(8).fill(0)]);
    assert.match(await refusal(() => parseNpy(npy, 'x.npy')), /dtype ".*pwned.*" is not supported/);
    await h5wasm.ready;
    const file = join(dir, 'names.h5');
    const f = new h5wasm.File(file, 'w');
    f.create_dataset({ name: `x${ESC}`, data: new Float64Array([1, 2]), shape: [2, 1] });
    f.close();
    assert.ok((await refusal(() => readHdf5(file, { hdf5: { xKey: 'nope', yKey: 'nope2' } }))).includes(`x${SAFE}`));
  });

  it('model files and run records', async () => {
    const model: Record<string, unknown> = {
      format: 'lnn-model',
      version: 2,
      architecture: { dims: [1, 1], activations: [ESC], alpha: 0, loss: 'mean-squared-error' },
      dtype: 'float64',
    };
    model['checksum'] = documentChecksum(model); // signed, so that the activation is read
    assert.ok((await refusal(() => modelFromJSON(model, 'm.json', new ReferenceBackend()))).includes(SAFE));
    assert.ok((await refusal(() => modelFromJSON({ format: ESC }, 'm.json'))).includes('\\u001b]0;pwned\\u0007'));
    assert.ok(
      (await refusal(() => readRunDocument(JSON.stringify({ format: `\u202e${ESC}` }), 'r.json'))).includes('\\u202e'),
    );
    assert.doesNotMatch(await refusal(() => parseJsonText(`{"a": 1${ESC}}`, 'm.json')), raw);
  });
});
