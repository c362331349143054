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
import { DataError } from '../../src/core/errors.js';
import { OUTPUT_ACTIVATIONS } from '../../src/nn/activations.js';
import { lossFor } from '../../src/nn/losses.js';
import {
  documentChecksum,
  MODEL_VERSION,
  modelFromJSON,
  modelToJSON,
  parameterChecksum,
} from '../../src/train/model-json.js';
import type { RunRecord } from '../../src/train/run-record.js';

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
    // lnn report reads the run record of both formats, checked as lnn eval checks them.
    const fresh = saved();
    const freshV1 = {
      ...fresh,
      version: 1,
      checksum: parameterChecksum(parametersFromJSON(fresh['parameters']), 'float64'),
    };
    for (const file of [fresh, freshV1])
      assert.throws(() => readRunDocument(JSON.stringify(file), 'x.json'), {
        message: /^x\.json: this model file holds no training record/,
      });
  });
});

/**
 * A saved model whose every field can be mutated: classes, feature names, minmax scaling, an imputer
 * and a run record, so that each optional part is there to break.
 */
function fullSaved(): Record<string, any> {
  const model = Model.create({
    dims: [2, 3, 2],
    output: 'softmax',
    classes: ['a', 'b'],
    backend,
    dtype: 'float64',
    normalize: 'minmax',
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
    { learningRate: 0.1, iterations: 2 },
  );
  model.imputer = { kind: 'mean', means: [0.5, 0.5], missingInTrain: [0, 1] };
  const run: RunRecord = {
    format: 'lnn-run',
    version: 1,
    createdAt: '2026-01-01T00:00:00.000Z',
    hyperparameters: { lr: 0.1 },
    data: { source: 'x.csv', nx: 2, train: 3 },
    history: { costs: [{ iteration: 0, cost: 0.7 }], evals: [{ iteration: 0, trainError: 0.5 }] },
    result: { iterations: 2, seconds: 0.1 },
  };
  return JSON.parse(JSON.stringify(modelToJSON(model, run)));
}

/** Every path to a member or element of `v`: ['architecture'], ['architecture', 'dims'], ['architecture', 'dims', 0], ... */
function fieldPaths(v: unknown, at: (string | number)[] = []): (string | number)[][] {
  if (typeof v !== 'object' || v === null) return [];
  const keys: (string | number)[] = Array.isArray(v) ? v.map((_, i) => i) : Object.keys(v);
  return keys.flatMap((k) => [[...at, k], ...fieldPaths((v as Record<string, unknown>)[k], [...at, k])]);
}

const MUTATIONS: [string, unknown][] = [
  ['deleted', undefined],
  ['null', null],
  ['an object', { a: 1 }],
  ['a string', 'x'],
  ['negative', -1],
];

/**
 * The mutations a model train writes may hold, so loading one is no failure: anything in the run record
 * (lnn report checks it, not the loader), an optional member left out, a name or a value that can be -1.
 */
function mayLoad(path: string, what: string): boolean {
  if (path.startsWith('run')) return true;
  if (['classes', 'featureNames', 'imputer', 'imputer.missingInTrain'].includes(path))
    return what === 'deleted' || (what === 'null' && !path.startsWith('imputer'));
  if (/^(classes|featureNames)\.\d+$/.test(path)) return what === 'a string';
  return what === 'negative' && /^(normalization\.shift|imputer\.\w+|parameters\.\w+\.\d+)\.\d+$/.test(path);
}

describe('a model file with any field broken', () => {
  it('gives a one-line DataError that starts with the file name, never an internal error', () => {
    const doc = fullSaved();
    let refused = 0;
    for (const path of fieldPaths(doc))
      for (const [what, value] of MUTATIONS) {
        const d = structuredClone(doc);
        const parent = path.slice(0, -1).reduce((o, k) => o[k], d);
        const key = path.at(-1)!;
        if (what !== 'deleted') parent[key] = value;
        else if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key];
        // Signed again, so that the field checks behind the checksum are reached.
        if (path[0] !== 'checksum') d['checksum'] = documentChecksum(d);
        const name = `${path.join('.')} ${what}`;
        try {
          modelFromJSON(d, 'm.json', backend);
          assert.ok(mayLoad(path.join('.'), what), `${name}: loaded`);
        } catch (e) {
          assert.ok(e instanceof DataError, `${name}: ${e instanceof Error ? e.stack : String(e)}`);
          assert.match(e.message, /^m\.json: \S/, name);
          assert.doesNotMatch(e.message, /\n|\[object Object\]/, name);
          refused++;
        }
        // lnn report reads the same file: a DataError naming it, or the record.
        try {
          readRunDocument(JSON.stringify(d), 'm.json');
        } catch (e) {
          assert.ok(e instanceof DataError && /^m\.json: \S/.test(e.message), `report, ${name}: ${String(e)}`);
        }
      }
    assert.ok(refused > 300, `${refused} refused`);
  });

  const cases: [string, (d: Record<string, any>) => void, RegExp][] = [
    [
      'an activation that is an object',
      (d) => (d.architecture.activations[1] = { kind: 'softmax' }),
      /^m\.json: architecture\.activations\[1\] must be one of relu, leaky-relu, tanh, sigmoid, softmax, linear but is an object$/,
    ],
    [
      'no loss',
      (d) => delete d.architecture.loss,
      /^m\.json: architecture\.loss must be one of binary-cross-entropy, categorical-cross-entropy, mean-squared-error but is missing$/,
    ],
    [
      'an unknown loss',
      (d) => (d.architecture.loss = 'hinge'),
      /^m\.json: architecture\.loss must be one of binary-cross-entropy, categorical-cross-entropy, mean-squared-error but is 'hinge'$/,
    ],
    ['no architecture', (d) => delete d.architecture, /^m\.json: architecture must be an object .* but is missing$/],
    [
      'dims as a string',
      (d) => (d.architecture.dims = '2,3,2'),
      /^m\.json: architecture\.dims must be an array n\[0\.\.L\] but is '2,3,2'$/,
    ],
    [
      'a width that is an object',
      (d) => (d.architecture.dims[1] = {}),
      /^m\.json: architecture: n\[1\] must be a positive integer but is \{\}$/,
    ],
    ['a class that is a number', (d) => (d.classes[1] = 7), /^m\.json: classes\[1\] must be a string but is 7$/],
    ['dtype missing', (d) => delete d.dtype, /^m\.json: dtype must be float32 or float64 but is missing$/],
  ];
  for (const [what, edit, message] of cases)
    it(`${what}: names the field and what is wrong`, () => {
      const d = fullSaved();
      edit(d);
      d['checksum'] = documentChecksum(d);
      assert.throws(() => modelFromJSON(d, 'm.json', backend), { name: 'DataError', message });
    });
});

describe("a model train would not build is refused by the loader, by train's rules", () => {
  // Each edit is signed again: these files are not damaged, they describe a network train never makes.
  const cases: [string, (d: Record<string, any>) => void, RegExp][] = [
    [
      'softmax as a hidden activation',
      (d) => (d.architecture.activations[0] = 'softmax'),
      /^m\.json: architecture: g\[1\] is a hidden layer's activation, which must be one of relu, leaky-relu, tanh, sigmoid, linear but is softmax$/,
    ],
    [
      'relu as the output',
      (d) => {
        d.architecture.activations[1] = 'relu';
        d.classes = null;
      },
      /^m\.json: architecture: g\[L\] = g\[2\] is the output activation, which must be one of sigmoid, softmax, linear but is relu$/,
    ],
    [
      'mean squared error on a softmax output',
      (d) => (d.architecture.loss = 'mean-squared-error'),
      /^m\.json: architecture: the loss of a softmax output must be categorical-cross-entropy but is mean-squared-error$/,
    ],
    [
      'binary cross-entropy on a softmax output',
      (d) => (d.architecture.loss = 'bce'),
      /^m\.json: architecture: the loss of a softmax output must be categorical-cross-entropy but is binary-cross-entropy$/,
    ],
    [
      'a negative minmax scale',
      (d) => (d.normalization.scale[1] = -2),
      /^m\.json: normalization\.scale\[1\] must be > 0 \(a range; 1 for a constant feature\) but is -2$/,
    ],
    [
      'a negative standard deviation',
      (d) => (d.normalization = { kind: 'standard', shift: [0, 0], scale: [1, -0.5] }),
      /^m\.json: normalization\.scale\[1\] must be > 0 \(a standard deviation; 1 for a constant feature\) but is -0\.5$/,
    ],
    ['a zero scale', (d) => (d.normalization.scale[0] = 0), /^m\.json: normalization\.scale must not contain 0$/],
    [
      'a non-finite scale',
      (d) => (d.normalization.scale[0] = 'Infinity'),
      /^m\.json: normalization\.scale must hold n_x = 2 finite numbers$/,
    ],
    [
      'a zero divisor',
      (d) => (d.normalization = { kind: 'scale', divisor: 0 }),
      /^m\.json: normalization\.divisor must be a non-zero number$/,
    ],
  ];
  for (const [what, edit, message] of cases)
    it(what, () => {
      const d = fullSaved();
      edit(d);
      d['checksum'] = documentChecksum(d);
      assert.throws(() => modelFromJSON(d, 'm.json', backend), { name: 'DataError', message });
    });

  it('a negative scale:k divisor is one train fits (--normalize scale:-2), so it loads', () => {
    const d = fullSaved();
    d['normalization'] = { kind: 'scale', divisor: -2 };
    d['checksum'] = documentChecksum(d);
    assert.equal(modelFromJSON(d, 'm.json', backend).normalization?.divisor, -2);
  });

  it('every output activation with its own loss loads; the library cannot save what would not load', () => {
    for (const output of OUTPUT_ACTIVATIONS) {
      const model = Model.create({ dims: [2, 3, output === 'softmax' ? 2 : 1], output, backend, dtype: 'float64' });
      const back = modelFromJSON(JSON.parse(JSON.stringify(modelToJSON(model))), 'm.json', backend);
      assert.equal(back.arch.loss, lossFor(output));
    }
    const hidden = Model.create({ dims: [2, 3, 2], activations: ['softmax', 'softmax'], backend });
    assert.throws(() => modelToJSON(hidden), {
      name: 'ValueError',
      message: /^modelToJSON: g\[1\] is a hidden layer's activation, which must be one of relu, .* but is softmax$/,
    });
    const mse = Model.create({ dims: [2, 3, 2], output: 'softmax', loss: 'mean-squared-error', backend });
    assert.throws(() => modelToJSON(mse), { message: /^modelToJSON: the loss of a softmax output must be/ });
  });
});

describe('lnn report checks a model file as lnn eval does', () => {
  it('format 1: the parameters against the checksum, with the same note', () => {
    const doc = fullSaved();
    const v1: Record<string, any> = { ...doc, version: 1 };
    v1['checksum'] = parameterChecksum(parametersFromJSON(doc['parameters'], 'float64'), 'float64');
    const notes: string[] = [];
    assert.equal(readRunDocument(JSON.stringify(v1), 'old.json', (s) => notes.push(s)).data.source, 'x.csv');
    assert.match(notes.join('\n'), /^old\.json: written by an older lnn \(model format 1\)/);
    v1['parameters'].W2[0][0] += 1;
    assert.throws(() => readRunDocument(JSON.stringify(v1), 'old.json'), {
      name: 'DataError',
      message: /^old\.json: the parameters do not match the file's checksum/,
    });
  });
});
