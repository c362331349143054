/**
 * A run, live: `trainInWorker` on the page's worker with a TrainingControl. The worker posts the cost,
 * the train and dev error, and every 100 ms (and at each pause) a snapshot of the parameters, which the
 * page loads into its own model of the run to redraw the boundary or the digits. Pause, Step, Stop and
 * a new α go to the run between two updates.
 */
import {
  formatPercent,
  lineChart,
  loadParameters,
  startTrainWorker,
  TrainingControl,
  trainInWorker,
  type EpochLogs,
  type Point,
  type Snapshot,
  type WorkerTrainOptions,
} from '../src/browser.js';
import type { PageData } from './data.js';
import { button, byId, clearError, input, show, showError, throttled } from './dom.js';
import { drawViews, modelFor, state } from './state.js';
import { layersOf } from './network.js';
import type { Run, Settings } from './runs.js';
import { readSettings } from './settings.js';

/** The run in progress. */
export interface Live {
  control: TrainingControl;
  settings: Settings;
  data: PageData;
  stop: boolean;
  paused: boolean;
  iteration: number;
  total: number;
  cost?: number;
  lr: number;
  costs: Point[];
  trainError: Point[];
  devError: Point[];
  rateChanges: [number, number][];
}

/** Full batch: record the cost (and evaluate) this often, for about 250 points on the curves. */
export function recordEvery(s: Settings): number {
  return Math.max(1, Math.floor(s.length / 250));
}

/** The run's options for `train` (the flags of `lnn train` in camelCase). */
export function trainOptionsOf(s: Settings, data: PageData): Omit<WorkerTrainOptions, 'worker'> {
  const featureNames = data.featureNames ? { featureNames: data.featureNames } : {};
  const every = recordEvery(s);
  return {
    data: { rows: data.rows, labels: data.labels, ...featureNames },
    hidden: s.hidden.length ? s.hidden : 'none',
    activation: s.activation,
    optimizer: s.optimizer,
    lr: s.lr,
    l2: s.l2,
    keepProb: s.keepProb,
    seed: s.seed,
    ...(s.batching === 'full'
      ? { iterations: s.length, printCostEvery: every, evalEvery: every }
      : { epochs: s.length, batchSize: s.batchSize }),
  };
}

const redraw = throttled(() => drawLive(), 100);

/** Starts a run with the page's settings; resolves with it when it ends (undefined when it could not start). */
export function startRun(): Promise<Run | undefined> | undefined {
  const { data, split } = state;
  if (state.live || !data || !split) return;
  clearError();
  const settings = readSettings();
  const layers = layersOf(data, settings);
  if (state.modelIs !== 'trained') state.model?.dispose();
  state.model = modelFor(data, layers, split, settings.seed);
  state.modelIs = 'live';
  const live: Live = {
    control: new TrainingControl({ onSnapshot: (s) => onSnapshot(live, s), snapshotEveryMs: 100 }),
    settings,
    data,
    stop: false,
    paused: false,
    iteration: 0,
    total: 0,
    lr: settings.lr,
    costs: [],
    trainError: [],
    devError: [],
    rateChanges: [],
  };
  state.live = live;
  setRunning(true);
  return run(live).finally(() => {
    delete state.live;
    setRunning(false);
  });
}

async function run(live: Live): Promise<Run | undefined> {
  const worker = await workerForRun();
  const t0 = performance.now();
  try {
    const out = await trainInWorker({
      ...trainOptionsOf(live.settings, live.data),
      worker,
      control: live.control,
      onCost: (p) => {
        live.costs.push({ x: p.iteration, y: p.cost });
        redraw.soon();
      },
      onEpochEnd: (logs) => onEvaluation(live, logs),
      onIteration: (s) => {
        live.iteration = s.iteration;
        live.total = s.total;
        if (s.cost !== undefined) live.cost = s.cost;
        redraw.soon();
        return live.stop ? false : undefined;
      },
    });
    const seconds = (performance.now() - t0) / 1000;
    if (state.modelIs === 'live') state.model?.dispose();
    state.model = out.model;
    state.modelIs = 'trained';
    live.iteration = out.result.iterations;
    redraw.now();
    finish(live, out.result.stopped, out.dev?.error);
    Object.assign(byId('train-status').dataset, {
      wallMs: (seconds * 1000).toFixed(1),
      fitSeconds: String(out.result.seconds),
    });
    const index = state.runs.length + 1;
    return {
      index,
      data: live.data.name,
      cliData: live.data.cliData,
      settings: live.settings,
      out,
      rateChanges: live.rateChanges,
      seconds,
    };
  } catch (e) {
    byId('train-status').dataset['state'] = 'failed';
    show('train-status', `The run failed: ${(e as Error).message}`);
    showError(e);
    return undefined;
  }
}

/** The page's worker, or a new one when it has ended (cut off after an abort it did not answer). */
async function workerForRun() {
  let worker = await state.worker!;
  if (worker.ended) worker = await (state.worker = startTrainWorker());
  return worker;
}

function onEvaluation(live: Live, logs: EpochLogs): void {
  live.trainError.push({ x: logs.iteration, y: logs.trainError });
  if (logs.devError !== undefined) live.devError.push({ x: logs.iteration, y: logs.devError });
  redraw.soon();
}

function onSnapshot(live: Live, s: Snapshot): void {
  if (state.live !== live || state.modelIs !== 'live' || !state.model) return;
  loadParameters(state.model, s.parameters);
  live.iteration = s.iteration;
  live.paused = s.paused;
  if (s.paused) redraw.now();
  else redraw.soon();
}

/** The curves, the views and the status line of the run in progress. */
function drawLive(): void {
  const live = state.live;
  if (!live) return;
  drawCharts(live);
  drawViews();
  const where = `update ${live.iteration.toLocaleString('en-US')} of ${live.total.toLocaleString('en-US')}`;
  const cost = live.cost !== undefined ? `, cost J = ${live.cost.toFixed(4)}` : '';
  const mode = live.paused ? 'Paused at' : 'Training:';
  const status = byId('train-status');
  status.textContent = `${mode} ${where}${cost}, α = ${live.lr}.`;
  Object.assign(status.dataset, { state: live.paused ? 'paused' : 'running', iteration: String(live.iteration) });
}

export function drawCharts(live: Pick<Live, 'costs' | 'trainError' | 'devError'>): void {
  const box = byId('cost-chart-box');
  Object.assign(box.dataset, {
    points: String(live.costs.length),
    first: String(live.costs[0]?.y ?? ''),
    last: String(live.costs.at(-1)?.y ?? ''),
  });
  box.innerHTML = lineChart({
    id: 'cost-chart',
    title: 'Cost J as the run goes',
    xLabel: 'update',
    yLabel: 'cost J',
    series: [{ name: 'train', colorClass: 's0', points: live.costs }],
    height: 240,
    maxPoints: 500,
  });
  byId('error-chart-box').innerHTML = lineChart({
    id: 'error-chart',
    title: 'Train and dev error',
    xLabel: 'update',
    yLabel: 'error',
    series: [
      { name: 'train', colorClass: 's0', points: live.trainError },
      ...(live.devError.length ? [{ name: 'dev', colorClass: 's1', points: live.devError, dashed: true }] : []),
    ],
    yFormat: (v) => formatPercent(v, 0),
    height: 240,
    maxPoints: 500,
  });
}

function finish(live: Live, stopped: string, devError: number | undefined): void {
  const status = byId('train-status');
  const dev = devError !== undefined ? `; dev error ${formatPercent(devError, 1)}` : '';
  const updates = `${live.iteration.toLocaleString('en-US')} update${live.iteration === 1 ? '' : 's'}`;
  // The trainer's reason repeats the count when the run simply finished; say it only when it stopped early.
  const why = stopped.startsWith('finished ') ? '' : ` (${stopped})`;
  status.textContent = `Done after ${updates}${why}${dev}.`;
  Object.assign(status.dataset, { state: 'done', iteration: String(live.iteration) });
}

/** The controls of a run in progress on, those that change the data or the network off (and back). */
function setRunning(on: boolean): void {
  for (const id of ['pause', 'stop', 'live-lr', 'set-lr']) byId<HTMLButtonElement>(id).disabled = !on;
  button('step').disabled = !on;
  button('train').disabled = on;
  button('pause').textContent = 'Pause';
  input('live-lr').value = on ? String(state.live!.lr) : '';
  const frozen = ['source', 'toy-m', 'toy-noise', 'file', 'add-layer', 'activation', 'seed'];
  for (const id of frozen) byId<HTMLInputElement>(id).disabled = on;
  for (const e of Array.from(byId('layers').querySelectorAll<HTMLInputElement | HTMLButtonElement>('input, button')))
    e.disabled = on;
}

function wireControls(): void {
  button('pause').addEventListener('click', () => {
    const live = state.live;
    if (!live) return;
    if (live.control.paused) {
      live.control.resume();
      live.paused = false;
      button('pause').textContent = 'Pause';
    } else {
      live.control.pause();
      button('pause').textContent = 'Resume';
    }
  });
  button('step').addEventListener('click', () => {
    state.live?.control.step();
    button('pause').textContent = 'Resume';
  });
  button('stop').addEventListener('click', () => {
    const live = state.live;
    if (!live) return;
    live.stop = true;
    // A paused run makes one more update, after which the page's onIteration stops it.
    if (live.control.paused) live.control.step();
  });
  button('set-lr').addEventListener('click', setRate);
  input('live-lr').addEventListener('keydown', (e) => void (e.key === 'Enter' && setRate()));
}

function setRate(): void {
  const live = state.live;
  if (!live) return;
  try {
    const lr = Number(input('live-lr').value);
    live.control.setLearningRate(lr);
    live.lr = lr;
    live.rateChanges.push([live.iteration, lr]);
    clearError();
    redraw.soon();
  } catch (e) {
    showError(e);
  }
}

wireControls();
