/**
 * Small text helpers shared by messages, the command line and the report. Browser-safe.
 */

/**
 * A fraction as a percentage: `decimals` places, or by default 1, and 2 below 1%.
 * @example formatPercent(0.032) // => '3.2%'
 * @example formatPercent(0.005) // => '0.50%'
 * @example formatPercent(0.9554, 2) // => '95.54%'
 */
export function formatPercent(fraction: number, decimals?: number): string {
  if (!Number.isFinite(fraction)) return Number.isNaN(fraction) ? 'NaN' : fraction > 0 ? '∞' : '−∞';
  const p = fraction * 100;
  const d = decimals ?? (Math.abs(p) < 1 && p !== 0 ? 2 : 1);
  return `${p.toFixed(d)}%`;
}

/**
 * Text that came from input (a file's bytes, a column name, an option value), made safe to print on a
 * terminal: control characters (C0, DEL, C1, and the bidi overrides) become visible escapes, so a
 * hostile file cannot move the cursor, retitle the terminal or reorder what the user reads.
 * @example printable('a\u001b]0;pwned\u0007b') // => 'a\\x1b]0;pwned\\x07b'
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/**
 * A value from a file, for a message: 'missing' when absent, else at most 60 characters of its JSON,
 * printable (a file cannot drive the terminal).
 * @example shown('relu') // => '"relu"'
 */
export function shown(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return printable(text.length > 60 ? `${text.slice(0, 60)}...` : text);
}

/** Edits (insertions, deletions, substitutions, swaps of neighbours) that turn `a` into `b`. */
function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++)
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  return d[a.length]![b.length]!;
}

/**
 * The candidate a mistyped name most likely meant: within 2 edits (1 for names of 4 letters or fewer),
 * or one that starts with it or it starts with; undefined when none is close.
 * @example closest('hiden', ['hidden', 'dims']) // => 'hidden'
 */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  const key = name.toLowerCase();
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = editDistance(key, c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  const limit = key.length <= 4 ? 1 : 2;
  if (best !== undefined && bestDistance <= limit) return best;
  const prefix = candidates.find((c) => key.length >= 3 && (c.startsWith(key) || key.startsWith(c)));
  return prefix;
}
