/** The page's controls as the run's settings, and back; the settings each kind of data starts with. */
import { HIDDEN_ACTIVATIONS, OPTIMIZERS, type ActivationKind, type OptimizerKind } from '../src/browser.js';
import type { PageData } from './data.js';
import { byId, input, select } from './dom.js';
import type { Settings } from './runs.js';

/** The hidden layers' widths n[1..L-1]: the layer inputs (#n-1, #n-2, …) are drawn from them and write to them. */
let hidden: number[] = [8, 8];

export function setWidth(l: number, n: number): void {
  hidden[l - 1] = n;
}

/** The menus offer what the library's tables hold: a new activation or optimizer appears with no edit here. */
export function fillChoices(): void {
  fill('activation', HIDDEN_ACTIVATIONS, 'relu');
  fill('optimizer', OPTIMIZERS, 'adam');
}

function fill(id: string, values: readonly string[], chosen: string): void {
  const options = values.map((v) => {
    const o = document.createElement('option');
    o.value = o.textContent = v;
    o.selected = v === chosen;
    return o;
  });
  select(id).replaceChildren(...options);
}

export function readSettings(): Settings {
  const number = (id: string) => Number(input(id).value);
  return {
    hidden: [...hidden],
    activation: select('activation').value as ActivationKind,
    optimizer: select('optimizer').value as OptimizerKind,
    lr: number('lr'),
    batching: select('batching').value as 'full' | 'mini',
    length: number('length'),
    batchSize: number('batch-size'),
    l2: number('l2'),
    keepProb: number('keep-prob'),
    seed: number('seed'),
  };
}

/** Sets the controls (the layer inputs are drawn from the widths by the page's next refresh). */
export function writeSettings(s: Settings): void {
  hidden = [...s.hidden];
  select('activation').value = s.activation;
  select('optimizer').value = s.optimizer;
  input('lr').value = String(s.lr);
  select('batching').value = s.batching;
  input('length').value = String(s.length);
  input('batch-size').value = String(s.batchSize);
  input('l2').value = String(s.l2);
  input('keep-prob').value = String(s.keepProb);
  input('seed').value = String(s.seed);
  byId('length-label').textContent = s.batching === 'full' ? 'iterations' : 'epochs';
  byId('batch-field').hidden = s.batching === 'full';
}

/** Where each kind of data starts: a small network and a run that shows something in a few seconds. */
export function defaultsFor(data: PageData): Settings {
  const seed = Number(input('seed').value) || 1;
  const base = { activation: 'relu', optimizer: 'adam', l2: 0, keepProb: 1, seed, batchSize: 64 } as const;
  if (data.kind === 'toy') return { ...base, hidden: [8, 8], lr: 0.01, batching: 'full', length: 1000 };
  if (data.kind === 'images') return { ...base, hidden: [64], lr: 0.003, batching: 'mini', length: 20, batchSize: 32 };
  return { ...base, hidden: [16], lr: 0.01, batching: 'full', length: 1000 };
}
