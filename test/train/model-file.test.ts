// The model file's checksum covers the whole document (issue 7, item 11), format 1 files still read,
// and a class list that does not fit the output is refused (item 10).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { canonicalJson } from '../../src/core/json.js';
import { fromArray } from '../../src/core/matrix.js';
import { parametersFromJSON } from '../../src/nn/params.js';
import { readRunDocument } from '../../src/report/run-file.js';
import { Model } from '../../src/train/model.js';
import { MODEL_VERSION, modelFromJSON, modelToJSON, parameterChecksum } from '../../src/train/modelFile.js';

const backend = new ReferenceBackend();

function saved(): Record<string, unknown> {
  const model = Model.create({
    dims: [2, 3, 2],
    output: 'softmax',
    classes: ['a', 'b'],
    backend,
    dtype: 'float64',
    normalize: 'standard',
    featureNames: ['u', 'v'],
  });
  model.fitSync(
    fromArray(
      [
        [0.1, 0.9, 0.4],
        [1, 0, 1],
      ],
      'float64',
    ),
    fromArray(
      [
        [1, 0, 1],
        [0, 1, 0],
      ],
      'float64',
    ),
    {
      learningRate: 0.1,
      iterations: 2,
    },
  );
  return JSON.parse(JSON.stringify(modelToJSON(model)));
}

describe('canonicalJson', () => {
  it('sorts keys at every level, writes numbers as JSON does, and drops what JSON.stringify drops', () => {
    assert.equal(
      canonicalJson({ b: [1.5, null, undefined], a: { d: -0, c: 'x\n' }, u: undefined }),
      '{"a":{"c":"x\\n","d":0},"b":[1.5,null,null]}',
    );
    assert.equal(canonicalJson({ 10: 1, 9: 2, x: NaN }), '{"10":1,"9":2,"x":null}');
    const doc = { z: [1e21, 0.1 + 0.2], y: 'ü' };
    assert.equal(canonicalJson(JSON.parse(JSON.stringify(doc, null, 2))), canonicalJson(doc));
  });

  it('refuses a document nested too deeply, as a DataError', () => {
    const deep = JSON.parse('['.repeat(300) + ']'.repeat(300));
    assert.throws(() => canonicalJson(deep, 'm.json'), {
      name: 'DataError',
      message: /^m\.json: nests more than 256 levels/,
    });
  });
});

describe('model file checksum', () => {
  it('format 2: an edit to any field is caught, reformatting is not an edit', () => {
    const doc = saved();
    assert.equal(doc['version'], MODEL_VERSION);
    const edits: [string, (d: Record<string, any>) => void][] = [
      ['activations', (d) => (d.architecture.activations[0] = 'tanh')],
      ['loss', (d) => (d.architecture.loss = 'mean-squared-error')],
      ['alpha', (d) => (d.architecture.alpha = 0.2)],
      ['normalization', (d) => (d.normalization.shift[0] += 1)],
      ['classes', (d) => (d.classes = ['b', 'a'])],
      ['feature names', (d) => (d.featureNames = ['v', 'u'])],
      ['dtype', (d) => (d.dtype = 'float32')],
      ['parameters', (d) => (d.parameters.W1[0][0] += 1e-12)],
      ['an added field', (d) => (d.note = 'x')],
    ];
    for (const [what, edit] of edits) {
      const d = structuredClone(doc);
      edit(d);
      assert.throws(
        () => modelFromJSON(d, 'm.json', backend),
        {
          name: 'DataError',
          message:
            /^m\.json: the file does not match its checksum \("fnv1a32:[0-9a-f]{8}" vs fnv1a32:[0-9a-f]{8}\): it was edited or damaged$/,
        },
        what,
      );
    }
    const reordered = Object.fromEntries(Object.entries(doc).reverse());
    const back = modelFromJSON(JSON.parse(JSON.stringify(reordered, null, 2)), 'm.json', backend);
    assert.deepEqual(back.featureNames, ['u', 'v']);
  });

  it('format 1 (checksum over the parameters only) still reads, with a note; its parameters are still checked', () => {
    const doc = saved();
    const v1: Record<string, any> = { ...doc, version: 1 };
    v1['checksum'] = parameterChecksum(parametersFromJSON(doc['parameters'], 'float64'), 'float64');
    const notes: string[] = [];
    modelFromJSON(v1, 'old.json', backend, (s) => notes.push(s));
    assert.deepEqual(notes, [
      'old.json: written by an older lnn (model format 1), whose checksum covers only the parameters: an edit to another field would go unnoticed; models saved by this lnn (format 2) are checked whole',
    ]);
    v1['parameters'].b1[0][0] = 42;
    assert.throws(() => modelFromJSON(v1, 'old.json', backend), {
      message: /^old\.json: the parameters do not match the file's checksum/,
    });
    // lnn report reads the run record of both formats.
    for (const version of [1, 2])
      assert.throws(() => readRunDocument(JSON.stringify({ format: 'lnn-model', version }), 'x.json'), {
        message: /holds no training record/,
      });
  });
});
