/**
 * Short, stable fingerprints for sweeps, trials, data and splits (not cryptographic: they name things, they do
 * not protect them). Two independent 32-bit multiply-xorshift lanes (the cyrb53 construction) give 64
 * bits, written as 16 hex digits. Browser-safe.
 */

/** Mixes 32-bit words into the two lanes. */
class Lanes {
  private h1: number;
  private h2: number;
  constructor(seed = 0) {
    this.h1 = 0xdeadbeef ^ seed;
    this.h2 = 0x41c6ce57 ^ seed;
  }

  word(w: number): void {
    this.h1 = Math.imul(this.h1 ^ w, 2654435761);
    this.h2 = Math.imul(this.h2 ^ w, 1597334677);
  }

  hex(): string {
    let h1 = this.h1,
      h2 = this.h2;
    h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
    h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
    return (h2 >>> 0).toString(16).padStart(8, '0') + (h1 >>> 0).toString(16).padStart(8, '0');
  }
}

/**
 * 16 hex digits for a text.
 * @example hashText('lnn') // => the same 16 hex digits on every machine and run
 */
export function hashText(text: string): string {
  const lanes = new Lanes();
  for (let i = 0; i < text.length; i++) lanes.word(text.charCodeAt(i));
  lanes.word(text.length);
  return lanes.hex();
}

/** 16 hex digits for the bytes of typed arrays (a data set's X and labels): equal bytes, equal hash. */
export function hashArrays(arrays: readonly ArrayBufferView[]): string {
  const lanes = new Lanes(arrays.length);
  for (const a of arrays) {
    const bytes = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    const whole = bytes.byteLength >>> 2;
    // Aligned views read 4 bytes at a time; an unaligned one is copied once.
    const words =
      bytes.byteOffset % 4 === 0
        ? new Uint32Array(bytes.buffer, bytes.byteOffset, whole)
        : new Uint32Array(bytes.slice(0, whole * 4).buffer);
    for (let i = 0; i < words.length; i++) lanes.word(words[i]!);
    for (let i = whole * 4; i < bytes.length; i++) lanes.word(bytes[i]!);
    lanes.word(bytes.byteLength);
  }
  return lanes.hex();
}

// One canonical JSON for checksums, signatures and ids alike (keys sorted, no whitespace).
export { canonicalJson } from './json.js';
