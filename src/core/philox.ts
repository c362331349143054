/**
 * Philox4x32-10, the counter-based generator of Salmon, Moraes, Dror and Shaw ("Parallel random numbers:
 * as easy as 1, 2, 3", SC'11; the Random123 library): four 32-bit words from a 128-bit counter and a
 * 64-bit key by ten rounds of two 32×32→64-bit multiplications, with no state between calls. Any word
 * of any stream is computed directly from where it is, so a kernel draws a dropout mask in place, on any
 * thread, in any order, and every backend draws the same one. This is the definition the compiled kernels
 * (assembly/philox.ts, native/philox.h) follow; test/core/philox.test.ts holds it to Random123's
 * published known answers.
 */

const M0 = 0xd2511f53,
  M1 = 0xcd9e8d57;
/** The key schedule's Weyl increments (the golden ratio and √3 - 1, as 32-bit fractions). */
const W0 = 0x9e3779b9,
  W1 = 0xbb67ae85;

/** ⌊a·b / 2^32⌋ for 32-bit a, b: the product's high word, exact, from 16-bit halves (doubles hold 53 bits). */
function mulhi(a: number, b: number): number {
  const aL = a & 0xffff,
    aH = a >>> 16,
    bL = b & 0xffff,
    bH = b >>> 16;
  const lh = aL * bH,
    hl = aH * bL;
  const carry = ((aL * bL) >>> 16) + (lh & 0xffff) + (hl & 0xffff);
  return (aH * bH + (lh >>> 16) + (hl >>> 16) + (carry >>> 16)) >>> 0;
}

/**
 * Philox4x32-10 of counter (c0, c1, c2, c3) under key (k0, k1), all 32-bit, into out[0..4).
 * @example philox4x32(0, 0, 0, 0, 0, 0, out) // out => [0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8]
 */
export function philox4x32(
  c0: number,
  c1: number,
  c2: number,
  c3: number,
  k0: number,
  k1: number,
  out: Uint32Array,
): void {
  for (let r = 0; r < 10; r++) {
    if (r > 0) {
      k0 = (k0 + W0) >>> 0;
      k1 = (k1 + W1) >>> 0;
    }
    const hi0 = mulhi(M0, c0),
      lo0 = Math.imul(M0, c0) >>> 0;
    const hi1 = mulhi(M1, c2),
      lo1 = Math.imul(M1, c2) >>> 0;
    c0 = (hi1 ^ c1 ^ k0) >>> 0;
    c1 = lo1;
    c2 = (hi0 ^ c3 ^ k1) >>> 0;
    c3 = lo0;
  }
  out[0] = c0;
  out[1] = c1;
  out[2] = c2;
  out[3] = c3;
}

/** dropoutWords' scratch: one counter's four words. */
const words = new Uint32Array(4);

/**
 * The 32-bit words that decide the dropout mask of row i, columns [64·b, 64·b + 64), of layer `layer` at
 * training step `step`, into out[0..64): word j mod 64 is column j's. The stream is keyed by (seed, layer)
 * and counted by (16·b + (j mod 16), i, step mod 2^32, ⌊step / 2^32⌋); column j takes word ⌊(j mod 64) / 16⌋
 * of its counter. So each 16 consecutive columns are one word of 16 consecutive counters: a kernel with
 * 4, 8 or 16 lanes fills them with plain vector stores, and a column's word depends on nothing but
 * (seed, layer, step, i, j): not on m, the thread count or how a call is cut.
 */
export function dropoutWords(seed: number, layer: number, step: number, i: number, b: number, out: Uint32Array): void {
  const lo = step >>> 0,
    hi = Math.floor(step / 4294967296) >>> 0;
  for (let q = 0; q < 16; q++) {
    philox4x32((16 * b + q) >>> 0, i >>> 0, lo, hi, seed >>> 0, layer >>> 0, words);
    out[q] = words[0]!;
    out[16 + q] = words[1]!;
    out[32 + q] = words[2]!;
    out[48 + q] = words[3]!;
  }
}

/**
 * A unit is kept when its word u < ⌊keepProb · 2^32⌋ (all of them at keepProb = 1), so it is kept with
 * probability keepProb to within 2^-32.
 */
export function keepThreshold(keepProb: number): number {
  return keepProb >= 1 ? 4294967296 : Math.floor(keepProb * 4294967296);
}
