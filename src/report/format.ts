/**
 * Text for the report: HTML escaping and number formats. Browser-safe (no node imports).
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for HTML content and quoted attribute values: & < > " '.
 * Everything that came from a file (CSV column names, class names, the command line) goes through it.
 * @example escapeHtml('<b>"x"</b>') // => '&lt;b&gt;&quot;x&quot;&lt;/b&gt;'
 */
export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON that is safe inside `<script type="application/json">`: `<`, `>`, `&` and the JS line separators
 * are written as \u escapes, so no text can close the script element. Non-finite numbers become null.
 * @example jsonForScript({ a: '</script>' }) // => '{"a":"\\u003c/script\\u003e"}'
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** A non-finite value as a reader sees it: NaN, ∞, −∞. */
function nonFinite(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? '∞' : '−∞';
}

/**
 * A number with `digits` significant digits, without exponent for ordinary magnitudes.
 * @example formatNumber(0.672053468, 4) // => '0.6721'
 * @example formatNumber(NaN) // => 'NaN'
 */
export function formatNumber(v: number, digits = 4): string {
  if (!Number.isFinite(v)) return nonFinite(v);
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(Math.max(0, digits - 1)).replace('e+', 'e');
  if (Number.isInteger(v) && a < 1e6) return String(v);
  return String(Number(v.toPrecision(digits)));
}

/**
 * A duration for people: 0.84 s, 12.3 s, 2 min 05 s, 1 h 02 min.
 * @example formatDuration(125) // => '2 min 05 s'
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 10) return `${seconds.toFixed(2)} s`;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  if (s < 3600) return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(s / 3600)} h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')} min`;
}

/** A count with thousands separators: 980,000. */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return nonFinite(n);
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export { formatPercent } from '../core/text.js';
