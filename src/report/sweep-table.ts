/**
 * The sweep report's table of trials, best first: sortable by any column (the page's script sorts on a
 * click on its heading, by each cell's `data-v` where it is a number) and filterable (a text box, and
 * the parallel coordinates' brushes). Without the script it is the ranked table. Browser-safe.
 */
import { verdictLabel } from '../evaluate/diagnose.js';
import { escapeHtml, formatDuration } from './format.js';
import { valueOf, type SweepView, type TrialView } from './sweep-view.js';

interface Column {
  head: string;
  /** Numbers sort by value, texts by text. */
  num: boolean;
  text: (t: TrialView) => string;
  /** The value a numeric column sorts by; undefined sorts last. */
  value?: (t: TrialView) => number | undefined;
  /** The recipe's reason: a wide column of prose. */
  why?: boolean;
}

function columns(view: SweepView): Column[] {
  const { fmt } = view;
  const adaptive = view.trials.some((t) => t.trial.reason);
  const status = (t: TrialView) =>
    t.trial.infrastructure ? 'no worker' : t.rung ? `pruned (rung ${t.rung})` : t.trial.status;
  return [
    { head: 'rank', num: true, text: (t) => String(t.v + 1), value: (t) => t.v + 1 },
    { head: 'trial', num: true, text: (t) => String(t.trial.index), value: (t) => t.trial.index },
    { head: 'status', num: false, text: status },
    { head: 'dev error', num: true, text: (t) => `${fmt(t.dev)}${t.near ? ' ≈' : ''}`, value: (t) => t.dev },
    { head: 'train error', num: true, text: (t) => fmt(t.train), value: (t) => t.train },
    { head: 'diagnosis', num: false, text: (t) => verdictLabel(t.trial.diagnosis) },
    { head: 'time', num: true, text: (t) => formatDuration(t.trial.seconds), value: (t) => t.trial.seconds },
    ...view.keys.map((k) => {
      const nums = view.trials.map((t) => valueOf(t.trial, k)).filter((x) => x !== '');
      const numeric = nums.every((x) => Number.isFinite(Number(x)));
      const col: Column = { head: `--${k}`, num: numeric, text: (t) => valueOf(t.trial, k) };
      if (numeric) col.value = (t) => (valueOf(t.trial, k) === '' ? undefined : Number(valueOf(t.trial, k)));
      return col;
    }),
    ...(adaptive ? [{ head: 'why', num: false, why: true, text: (t: TrialView) => t.trial.reason ?? '' }] : []),
  ];
}

function rowClass(t: TrialView): string {
  if (t.v === 0 && t.trial.status === 'ok') return 'best';
  if (t.near) return 'near-best';
  return t.trial.status !== 'ok' ? 'muted' : '';
}

/** The filter box, the count of rows shown, and `table#trials` (one `tr[data-t]` per trial). */
export function trialsTable(view: SweepView): string {
  const cols = columns(view);
  const head = cols
    .map(
      (col, i) =>
        `<th scope="col" class="${col.num ? 'num ' : ''}sortable" data-col="${i}" data-type="${col.num ? 'num' : 'text'}" tabindex="0" title="sort by ${escapeHtml(col.head)}">${escapeHtml(col.head)}</th>`,
    )
    .join('');
  const rows = view.trials
    .map((t) => {
      const cls = rowClass(t);
      const cells = cols.map((col) => {
        const v = col.value?.(t);
        const data = v !== undefined && Number.isFinite(v) ? ` data-v="${v}"` : '';
        const cls = col.num ? ' class="num"' : col.why ? ' class="why"' : '';
        return `<td${cls}${data}>${escapeHtml(col.text(t))}</td>`;
      });
      return `<tr${cls ? ` class="${cls}"` : ''} data-t="${t.v}" data-id="${escapeHtml(t.trial.id)}">${cells.join('')}</tr>`;
    })
    .join('');
  const n = view.trials.length;
  const tools =
    `<div class="table-tools"><input type="search" id="trial-filter" placeholder="filter: text in a row, e.g. pruned, 0.01, high bias" aria-label="filter the trials">` +
    `<span id="trial-count" aria-live="polite">${n} of ${n} trials</span>` +
    `<button type="button" id="clear-filters">clear filters</button></div>`;
  return `${tools}<div class="table-wrap"><table class="compare" id="trials"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>`;
}
