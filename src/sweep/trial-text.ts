/** A sweep's values and errors in words, for messages, lines and tables. Browser-safe. */
import { formatPercent, printable } from '../core/text.js';
import type { TrialValues } from './space.js';

/** `--lr 0.1 --hidden 16,8` (or '(the shared options)' for a trial with no values of its own). */
export function valuesText(values: TrialValues): string {
  const parts = Object.entries(values).map(([k, v]) => `--${printable(k)} ${printable(String(v))}`);
  return parts.length ? parts.join(' ') : '(the shared options)';
}

/** An error as the record's kind of problem reads it: a percentage, or a cost for regression. */
export function errorText(v: number | undefined, classification: boolean): string {
  if (v === undefined) return '—';
  return classification ? formatPercent(v, 2) : v.toPrecision(4);
}
