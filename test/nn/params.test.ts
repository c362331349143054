// The parameters file (`--init FILE`, `inspect --export-params`): every rule broken is one DataError line
// naming the file, the parameter and the position (issue 7, items 8 and 18).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parametersFromJSON, parametersSource } from '../../src/nn/params.js';

describe('parametersFromJSON', () => {
  it('reads W[l]: (n[l], n[l-1]) and b[l]: (n[l], 1) in the dtype asked for, and remembers the file', () => {
    const p = parametersFromJSON({ W1: [[1, 2]], b1: [[0.5]] }, 'float32', 'p.json', [2, 1]);
    assert.equal(p['W1']!.dtype, 'float32');
    assert.deepEqual(p['W1']!.toArray(), [[1, 2]]);
    assert.equal(parametersSource(p), 'p.json');
  });

  it('refuses a value beyond float32 when the parameters are for float32, and keeps it for float64', () => {
    assert.throws(() => parametersFromJSON({ W1: [[1, -1e300]], b1: [[0]] }, 'float32', 'p.json'), {
      name: 'DataError',
      message:
        'p.json: W1[0][1] is -1e+300, beyond the range of float32 (±3.4028e+38); use --dtype float64, or parameters of a sensible size',
    });
    assert.equal(parametersFromJSON({ W1: [[1, -1e300]], b1: [[0]] }, 'float64', 'p.json')['W1']!.data[1], -1e300);
  });

  it('gives one DataError line for each broken rule, quoting the file only through printable()', () => {
    const cases: [unknown, string][] = [
      [[1], 'p.json: parameters must be a JSON object { "W1": [[...]], "b1": [[...]], ... }'],
      [
        { 'W1\u001b]0;x\u0007': [[1]] },
        "p.json: unexpected key 'W1\\x1b]0;x\\x07'; parameters are named W1, b1, W2, b2, ...",
      ],
      [{ W1: [1, 2] }, 'p.json: W1 must be a non-empty array of rows (nested arrays) but is a flat array'],
      [{ W1: null }, 'p.json: W1 must be a non-empty array of rows (nested arrays) but is null'],
      [
        { W1: [[1, 2], [3]], b1: [[0], [0]] },
        'p.json: W1[1] has 1 values but W1[0] has 2; every row needs the same length',
      ],
      [{ W1: [['\u001b[2J']], b1: [[0]] }, 'p.json: W1[0][0] must be a finite number but is "\\u001b[2J"'],
      [{ W1: [[]], b1: [[0]] }, 'p.json: W1 has rows without values; W1 must be (n[l], n[l-1]) with both ≥ 1'],
      [{ W1: [[1]] }, 'p.json: b[1] is missing; every W[l] needs its b[l]: (n[l], 1)'],
      [
        { W1: [[1]], b1: [[0]], W3: [[1]], b3: [[1]] },
        'p.json: W3 has no W3 chain from W1; layers must be numbered 1..L without gaps',
      ],
      [{ W1: [[1]], b1: [[0]], W2: [[1, 2]], b2: [[0]] }, 'p.json: W[2] must be (n[2], n[1]) = (1, 1) but is (1, 2)'],
    ];
    for (const [json, message] of cases)
      assert.throws(() => parametersFromJSON(json, 'float64', 'p.json'), { name: 'DataError', message });
    assert.throws(() => parametersFromJSON({ W1: [[1]], b1: [[0]] }, 'float64', 'p.json', [2, 1]), {
      name: 'DataError',
      message: 'p.json: W[1] must be (n[1], n[0]) = (1, 2) but is (1, 1)',
    });
  });
});
