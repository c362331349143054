// Property-based fuzzing of every reader (issue 7): valid files are truncated, bit-flipped, and given
// inserted or deleted bytes; each reader must either read the result or throw a DataError whose message
// is one line of printable text, never another exception type, a hang or a crash. Seeded and bounded so
// the suite stays fast: LNN_FUZZ_SEED and LNN_FUZZ_RUNS (runs per reader) fuzz longer by hand, e.g.
//   LNN_FUZZ_RUNS=20000 LNN_FUZZ_SEED=$RANDOM node scripts/test.mjs test/fuzz/readers.test.ts
// A failure prints fast-check's seed and path, which replay it.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ReferenceBackend } from '../../src/backend/reference.js';
import { DataError } from '../../src/core/errors.js';
import { parseJsonText } from '../../src/core/json.js';
import { fromArray } from '../../src/core/matrix.js';
import { parseCsv } from '../../src/data/read/csv.js';
import { validateDataset } from '../../src/data/dataset.js';
import { readHdf5 } from '../../src/data/read/hdf5.js';
import { parseJsonDataset } from '../../src/data/read/json-data.js';
import { loadDataset } from '../../src/data/read/load.js';
import { encodeNpy } from '../../src/data/read/npy.js';
import '../../src/data/read/register-readers.js';
import { parametersFromJSON } from '../../src/nn/params.js';
import { checkRunRecord, readRunDocument } from '../../src/report/run-file.js';
import { Model } from '../../src/train/model.js';
import { modelFromJSON, modelToJSON } from '../../src/train/model-json.js';
import type { RunRecord } from '../../src/train/run-record.js';

const SEED = Number(process.env['LNN_FUZZ_SEED'] ?? 20240607);
const RUNS = Number(process.env['LNN_FUZZ_RUNS'] ?? 250);
const backend = new ReferenceBackend();

/** One edit of a file's bytes; positions are fractions of the length, so one edit fits any file. */
type Edit =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; mask: number }
  | { kind: 'insert'; at: number; bytes: Uint8Array }
  | { kind: 'delete'; at: number; length: number }
  | { kind: 'set'; at: number; byte: number };

/** Bytes a reader cares about: digits, signs, separators, quotes, brackets, line ends, NUL, ESC, UTF-8 lead bytes. */
const SPECIAL = [...'0123456789-+.eE,;\t"\'{}[]:\\ nNaI\r\n']
  .map((c) => c.charCodeAt(0))
  .concat([0, 0x1b, 0x7f, 0xc3, 0xff]);
const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(...SPECIAL));
// Positions: uniform over the file, and (biased) near its start and end, where headers and cut-offs are.
const at = fc.oneof(
  fc.noBias(fc.integer({ min: 0, max: 999_999 })).map((i) => i / 1e6),
  fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
);
const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at }),
  fc.record({ kind: fc.constant('flip' as const), at, mask: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ kind: fc.constant('insert' as const), at, bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ kind: fc.constant('delete' as const), at, length: fc.integer({ min: 1, max: 16 }) }),
  fc.record({ kind: fc.constant('set' as const), at, byte }),
);
const edits = fc.array(edit, { minLength: 1, maxLength: 4 });

/** The file after the edits. `within` keeps positions in the first `within` bytes (an HDF5 file's header). */
function mutate(src: Uint8Array, list: Edit[], within = Infinity): Uint8Array {
  let b = src;
  for (const e of list) {
    const p = Math.floor(e.at * Math.min(b.length, within));
    if (e.kind === 'truncate') b = b.subarray(0, p);
    else if (e.kind === 'flip' || e.kind === 'set') {
      if (b.length === 0) continue;
      b = b.slice();
      b[p] = e.kind === 'flip' ? b[p]! ^ e.mask : e.byte;
    } else if (e.kind === 'insert') {
      const out = new Uint8Array(b.length + e.bytes.length);
      out.set(b.subarray(0, p));
      out.set(e.bytes, p);
      out.set(b.subarray(p), p + e.bytes.length);
      b = out;
    } else b = new Uint8Array([...b.subarray(0, p), ...b.subarray(p + e.length)]);
  }
  return b;
}

const text = (b: Uint8Array) => new TextDecoder('utf-8').decode(b);

/**
 * The property: reading succeeds, or fails with a one-line, printable DataError; and the reader writes
 * nothing through process.stderr on the way. (The HDF5 library writes to file descriptor 2 directly:
 * test/cli/hardening-data.test.ts checks its silence in a child process.)
 */
async function readsOrRefuses(read: () => unknown): Promise<void> {
  const written: string[] = [];
  const write = process.stderr.write;
  process.stderr.write = ((chunk: string | Uint8Array) => (written.push(String(chunk)), true)) as typeof write;
  try {
    await read();
  } catch (e) {
    if (!(e instanceof DataError)) throw new Error(`not a DataError: ${(e as Error)?.stack ?? String(e)}`);
    assert.doesNotMatch(e.message, /[\n\r]/, 'one line');
    // Control characters from the file must reach the terminal escaped (printable()).
    assert.doesNotMatch(
      e.message,
      /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/,
      `printable: ${JSON.stringify(e.message)}`,
    );
  } finally {
    process.stderr.write = write;
  }
  assert.deepEqual(written, [], 'nothing on stderr');
}

async function fuzz(name: string, valid: Uint8Array, read: (bytes: Uint8Array) => unknown, within?: number) {
  await readsOrRefuses(() => read(valid)); // the unedited file itself must read
  await fc.assert(
    fc.asyncProperty(edits, async (list) => readsOrRefuses(() => read(mutate(valid, list, within)))),
    { seed: SEED, numRuns: RUNS, endOnFailure: true },
  );
  void name;
}

let dir = '';
const f = (name: string) => join(dir, name);
let n = 0;
/** A fresh file name per run: readers are given paths, as on the command line. */
const fresh = (ext: string) => f(`case-${n++}.${ext}`);
const fixture = (name: string) => readFileSync(new URL(`../fixtures/data/${name}`, import.meta.url));

let modelBytes = new Uint8Array();
let runBytes = new Uint8Array();
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'lnn-fuzz-'));
  const X = fromArray(
    [
      [0.1, 0.9, 0.4, 0.7],
      [1, 0, 1, 0],
    ],
    'float64',
  );
  const model = Model.create({
    dims: [2, 3, 2],
    output: 'softmax',
    classes: ['a', 'b'],
    backend,
    normalize: 'minmax',
    featureNames: ['u', 'v'],
  });
  model.fitSync(
    X,
    fromArray(
      [
        [1, 0, 1, 0],
        [0, 1, 0, 1],
      ],
      'float64',
    ),
    { learningRate: 0.1, iterations: 3 },
  );
  const run: RunRecord = checkRunRecord(
    {
      format: 'lnn-run',
      version: 1,
      createdAt: '2024-06-07T00:00:00.000Z',
      hyperparameters: { dims: [2, 3, 2], learningRate: 0.1 },
      data: { source: 'd.csv', nx: 2, classes: ['a', 'b'], train: 4, dev: 2 },
      history: {
        costs: [
          { iteration: 0, cost: 0.69 },
          { iteration: 3, cost: null },
        ],
        evals: [{ iteration: 3, trainError: 0.25, devError: 0.5 }],
      },
      result: { iterations: 3, seconds: 0.01, trainError: 0.25, devError: 0.5, finalCost: 0.6, stopped: 'finished' },
      diagnosis: {
        trainError: 0.25,
        devError: 0.5,
        avoidableBias: 0.25,
        variance: 0.25,
        highBias: true,
        highVariance: true,
        verdict: 'both',
        advice: ['a bigger network'],
      },
    },
    'run.json',
  );
  modelBytes = new TextEncoder().encode(JSON.stringify(modelToJSON(model, run)));
  runBytes = new TextEncoder().encode(JSON.stringify(run, null, 1));
});
after(() => rmSync(dir, { recursive: true, force: true }));

describe('fuzz: every reader reads or refuses with one DataError line', { timeout: 120_000 }, () => {
  it('CSV', () =>
    fuzz('csv', fixture('flowers.csv'), (b) => validateDataset(parseCsv(text(b), 'f.csv', { label: 'species' }))));

  it('.npy (X and Y)', async () => {
    const y = f('y.npy');
    writeFileSync(y, encodeNpy([3], [0, 1, 1], '<i8'));
    const x = encodeNpy([3, 2, 2], [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
    await fuzz('npy', x, (b) => {
      const file = fresh('npy');
      writeFileSync(file, b);
      return loadDataset({ x: file, y });
    });
  });

  it('JSON data sets (both shapes)', async () => {
    await fuzz('json', fixture('xy.json'), (b) => validateDataset(parseJsonDataset(text(b), 'xy.json')));
    await fuzz('records', fixture('records.json'), (b) =>
      validateDataset(parseJsonDataset(text(b), 'r.json', { label: 'label', missing: 'keep' })),
    );
  });

  it('HDF5 (edits in the superblock and object headers)', () =>
    fuzz(
      'h5',
      fixture('tiny.h5'),
      async (b) => {
        const file = fresh('h5');
        writeFileSync(file, b);
        return readHdf5(file, { hdf5: { xKey: 'set_x', yKey: 'set_y' } });
      },
      2048,
    ));

  it('model files', () =>
    fuzz('model', modelBytes, (b) => modelFromJSON(parseJsonText(text(b), 'm.json'), 'm.json', backend)));

  it('run records', () => fuzz('run', runBytes, (b) => readRunDocument(text(b), 'run.json')));

  it('parameters files', () =>
    fuzz(
      'params',
      new TextEncoder().encode('{"W1": [[0.5, -1.25], [2e-3, 1]], "b1": [[0], [0.1]], "W2": [[1, -1]], "b2": [[0]]}'),
      (b) => parametersFromJSON(parseJsonText(text(b), 'p.json'), 'float32', 'p.json'),
    ));
});
