/**
 * The "look inside a step" panel: which examples (one dev example, or a mini-batch of training
 * examples), then forward's A[0], Z[l], A[l] and backward's dZ[l], dW[l], db[l] as heat maps with their
 * shapes, and the gradient check on the same examples.
 */
import { convert, takeExamples, targets, type Matrix } from '../src/browser.js';
import { button, byId, el, input, select, show, showError } from './dom.js';
import { checkGradients, GRADCHECK_THRESHOLD, heatmap, lookInside, type Shown } from './inside.js';
import { readSettings } from './settings.js';
import { state } from './state.js';

/** The examples chosen: X normalized as the model normalizes (float64), Y as the output wants it. */
function chosen(): { X: Matrix; Y: Matrix; what: string } {
  const { data, split, model } = state;
  if (!data || !split || !model) throw new Error('no data yet');
  const one = select('inside-what').value === 'example';
  const k = Math.max(0, Math.floor(Number(input('inside-index').value)));
  const pool = one ? split.indices.dev : split.indices.train;
  if (pool.length === 0) throw new RangeError(`the ${one ? 'dev' : 'training'} set has no examples`);
  const index = one ? [pool[Math.min(k, pool.length - 1)]!] : Array.from(pool.slice(0, Math.max(1, k)));
  const sub = takeExamples(data.dataset, index);
  const output = model.output === 'softmax' ? 'softmax' : model.output === 'sigmoid' ? 'sigmoid' : 'linear';
  const X = convert(model.prepare(sub.X), 'float64');
  const Y = targets(sub, output, 'float64');
  const label = one
    ? `dev example #${Math.min(k, pool.length - 1)} (label ${data.labels[index[0]!]})`
    : `the first ${index.length} training examples`;
  return { X, Y, what: label };
}

/** One matrix as a card: its name, formula and shape, the heat map, and its values when they are few. */
function card(s: Shown): HTMLElement {
  const { M } = s;
  const shape = `(${M.rows}, ${M.cols})`;
  const values =
    M.rows * M.cols <= 12
      ? el('code', { class: 'values' }, `[${Array.from(M.data, (v) => v.toPrecision(3)).join(', ')}]`)
      : el(
          'span',
          { class: 'muted' },
          `from ${Math.min(...M.data).toPrecision(3)} to ${Math.max(...M.data).toPrecision(3)}`,
        );
  const cut = M.cols > 64 ? el('span', { class: 'muted' }, ` (first 64 of ${M.cols} columns)`) : '';
  return el(
    'figure',
    { class: 'mat', 'data-name': s.name, 'data-shape': `${M.rows},${M.cols}` },
    el('figcaption', {}, el('strong', {}, s.name), ` = ${s.formula} `, el('span', { class: 'shape' }, shape), cut),
    heatmap(M),
    values,
  );
}

function showInside(): void {
  const { X, Y, what } = chosen();
  const r = lookInside(state.model!, X, Y, readSettings().l2);
  const step = state.live
    ? `update ${state.live.iteration}`
    : state.modelIs === 'trained'
      ? 'the trained network'
      : 'the initial parameters';
  show(
    'inside-info',
    `${what}, m = ${r.m}, on ${step}: cost J = ${r.cost.toPrecision(5)}. modelBackward gives the same dW, db (largest difference ${r.agreement.toExponential(1)}).`,
  );
  byId('inside-info').dataset['agreement'] = String(r.agreement);
  const section = (title: string, layers: Shown[][]) =>
    el(
      'div',
      { class: 'pass' },
      el('h3', {}, title),
      ...layers.map((row) => el('div', { class: 'mats' }, ...row.map(card))),
    );
  byId('inside').replaceChildren(section('Forward: l = 1 … L', r.forward), section('Backward: l = L … 1', r.backward));
}

function runGradcheck(): void {
  const { X, Y, what } = chosen();
  const r = checkGradients(state.model!, X, Y, readSettings().l2);
  const pass = r.relativeDifference < GRADCHECK_THRESHOLD;
  const w = r.worst;
  show(
    'inside-info',
    `Gradient check on ${what}: relative difference ${r.relativeDifference.toExponential(2)} over ${r.checked} of ${r.total} parameters` +
      `${r.checked < r.total ? ' (chosen at random)' : ''}: ${pass ? 'PASS' : 'FAIL'} (threshold ${GRADCHECK_THRESHOLD}). ` +
      `Largest gap at ${w.name}[${w.row}, ${w.col}]: backprop ${w.backprop.toPrecision(6)}, numerical ${w.numerical.toPrecision(6)}.` +
      (r.kinks > 0
        ? ` ${r.kinks} value${r.kinks === 1 ? '' : 's'} of Z[l] sit at ReLU's kink (within ε of 0), where the two-sided difference is not the derivative: check again after a few updates.`
        : ''),
  );
  Object.assign(byId('inside-info').dataset, {
    gradcheck: pass ? 'pass' : 'fail',
    difference: String(r.relativeDifference),
  });
}

export function wireInside(): void {
  button('inside-run').addEventListener('click', () => {
    try {
      showInside();
    } catch (e) {
      showError(e);
    }
  });
  button('gradcheck').addEventListener('click', () => {
    try {
      runGradcheck();
    } catch (e) {
      showError(e);
    }
  });
  select('inside-what').addEventListener('change', () => {
    const one = select('inside-what').value === 'example';
    byId('inside-index-label').textContent = one ? 'dev example #' : 'batch size';
    input('inside-index').value = one ? '0' : '16';
  });
}
