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
