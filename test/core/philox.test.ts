// Philox4x32-10 against the known answers Random123 publishes (tests/kat_vectors of
// github.com/DEShawResearch/random123, the three `philox4x32 10` lines: counter, key, expected words),
// and the layout of the dropout stream built on it (src/core/philox.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { dropoutWords, keepThreshold, philox4x32 } from '../../src/core/philox.js';

const hex = (a: ArrayLike<number>) => Array.from(a, (x) => x.toString(16).padStart(8, '0')).join(' ');

test('Philox4x32-10 gives the Random123 known answers', () => {
  const kat: [number[], number[], string][] = [
    [[0, 0, 0, 0], [0, 0], '6627e8d5 e169c58d bc57ac4c 9b00dbd8'],
    [[0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff], '408f276d 41c83b0e a20bc7c6 6d5451fd'],
    [[0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0], 'd16cfe09 94fdcceb 5001e420 24126ea1'],
  ];
  const out = new Uint32Array(4);
  for (const [[c0, c1, c2, c3], [k0, k1], want] of kat) {
    philox4x32(c0!, c1!, c2!, c3!, k0!, k1!, out);
    assert.equal(hex(out), want, `counter ${hex([c0!, c1!, c2!, c3!])} key ${hex([k0!, k1!])}`);
  }
});

test("the dropout stream: column j of block b takes word ⌊(j mod 64) / 16⌋ of counter (16b + j mod 16, i, step's two words)", () => {
  const u = new Uint32Array(64),
    w = new Uint32Array(4);
  const seed = 0xdeadbeef,
    layer = 2,
    step = 5 * 2 ** 32 + 17,
    i = 9,
    b = 3;
  dropoutWords(seed, layer, step, i, b, u);
  for (let j = 0; j < 64; j++) {
    philox4x32(16 * b + (j % 16), i, 17, 5, seed, layer, w);
    assert.equal(u[j], w[Math.floor(j / 16)], `column ${64 * b + j}`);
  }
});

test('a unit is kept when its word is below ⌊keepProb · 2^32⌋: all at keepProb 1', () => {
  assert.equal(keepThreshold(1), 2 ** 32);
  assert.equal(keepThreshold(0.5), 2 ** 31);
  assert.equal(keepThreshold(0.8), Math.floor(0.8 * 2 ** 32));
  assert.equal(keepThreshold(2 ** -33), 0);
});
