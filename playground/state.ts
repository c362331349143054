/** What the page holds, and the drawings that follow from it. */
import { fitNormalization, Model, type SplitResult, type TrainWorker } from '../src/browser.js';
import type { PageData } from './data.js';
import { byId } from './dom.js';
import type { Live } from './live.js';
import type { Layers } from './network.js';
import type { Run } from './runs.js';
import { drawBoundary, drawDigits } from './views.js';

/** What the page holds. */
export interface PageState {
  data?: PageData;
  split?: SplitResult;
  /** The model the views show: the initial parameters, the live run's latest, or the last trained. */
  model?: Model | undefined;
  /** Whose parameters `model` holds: 'initial', 'live' or 'trained'. */
  modelIs?: 'initial' | 'live' | 'trained';
  worker?: Promise<TrainWorker>;
  /** The worker has loaded its kernels: runs start at once. */
  workerReady?: boolean;
  live?: Live | undefined;
  runs: Run[];
}

export const state: PageState = { runs: [] };

/** A model as the worker's `train` makes it: the same n, g, seed, classes and normalization fitted on train. */
export function modelFor(data: PageData, layers: Layers, split: SplitResult, seed: number): Model {
  const d = data.dataset;
  return Model.create({
    dims: layers.dims,
    activations: layers.activations,
    seed,
    ...(d.classes ? { classes: d.classes, ...(d.classKind ? { classKind: d.classKind } : {}) } : {}),
    normalize: fitNormalization(split.train.X, 'minmax'),
  });
}

/** The boundary or the digits, with the model the page shows (the initial one: points only). */
export function drawViews(): void {
  const { data, split, model } = state;
  if (!data || !split) return;
  const shown = state.modelIs === 'initial' ? undefined : model;
  if (data.rows.shape[1] === 2) {
    const canvas = byId<HTMLCanvasElement>('boundary');
    const fingerprint = drawBoundary(canvas, data, split, shown);
    canvas.dataset['fingerprint'] = fingerprint;
    canvas.dataset['draws'] = String(Number(canvas.dataset['draws'] ?? 0) + 1);
    canvas.setAttribute(
      'aria-label',
      `${data.name}: ${split.sizes.train} train and ${split.sizes.dev} dev points${shown ? ', over the network’s decision' : ''}`,
    );
  }
  if (data.image) {
    const wrong = drawDigits(byId('digits'), data, split, shown);
    byId('digits').dataset['wrong'] = String(wrong);
  }
}

/** Redraws what depends on the data and the settings (the page's refresh, registered by main.ts). */
export let refresh: () => void = () => {};

export function onRefresh(f: () => void): void {
  refresh = f;
}
