/**
 * The playground page: a network built layer by layer in the course's notation, trained live in a Web
 * Worker (lnn's trainInWorker, steered by a TrainingControl), looked inside on its current parameters
 * with the course's blocks, diagnosed after each run, and taken away as lnn's own files. Everything
 * numerical is lnn/browser's: this file only keeps the page's state and draws it. An application
 * writes `from 'lnn/browser'` where the page reaches into the repository's source.
 */
import { defaultBackend, startTrainWorker, ValueError, type SplitResult } from '../src/browser.js';
import { builtinData, fileData, splitOf, toyData, type PageData } from './data.js';
import { button, byId, clearError, el, input, select, show, showError } from './dom.js';
import { layersOf, memoryOf, shapesTable, type Layers } from './network.js';
import { readSettings, writeSettings, defaultsFor, setWidth, fillChoices } from './settings.js';
import { drawViews, modelFor, onRefresh, state } from './state.js';
import { startRun } from './live.js';
import { wireInside } from './inside-panel.js';
import { showRun, wireTakeAway } from './after.js';

// ---- data ----

async function chooseSource(): Promise<void> {
  const value = select('source').value;
  byId('toy-controls').hidden = !value.startsWith('toy:');
  if (value === 'file') return;
  const seed = readSettings().seed;
  const data = value.startsWith('toy:')
    ? toyData(value.slice(4) as never, Number(input('toy-m').value), Number(input('toy-noise').value), seed)
    : await builtinData(value.slice(8) as 'mnist' | 'iris');
  setData(data, value.startsWith('toy:') && state.data?.kind === 'toy');
}

/** Makes `data` the page's data; `keepSettings` when only a toy's size or noise changed. */
export function setData(data: PageData, keepSettings = false): void {
  const before = state.data;
  state.data = data;
  if (!keepSettings || !before) writeSettings(defaultsFor(data));
  const [m, n] = data.rows.shape;
  const classes = data.dataset.classes;
  show(
    'data-info',
    `${data.name}: m = ${m.toLocaleString('en-US')} examples of n[0] = ${n} features` +
      (classes ? `, ${classes.length} classes` : ', values (regression)') +
      (data.made ? ` (${data.made})` : ''),
  );
  byId('data-info').dataset['m'] = String(m);
  byId('boundary-figure').hidden = n !== 2;
  byId('digits-figure').hidden = !data.image;
  refreshPage();
}

/** The split bar: train, dev and test as the library's rule makes them, to scale. */
function drawSplit(split: SplitResult): void {
  const { train, dev, test } = split.sizes;
  const m = train + dev + test;
  const part = (name: string, k: number) =>
    el('span', { class: `part ${name}`, style: `flex-grow: ${k}`, 'data-count': String(k) }, `${name} ${k}`);
  const bar = byId('split');
  bar.replaceChildren(part('train', train), part('dev', dev), part('test', test));
  bar.setAttribute('aria-label', `split: train ${train}, dev ${dev}, test ${test} of ${m} examples`);
  show('split-info', `${split.rule} (seed ${readSettings().seed}): train ${train}, dev ${dev}, test ${test}`);
}

// ---- the network ----

/** The hidden layers' inputs: drawn anew only when their number changes (an input being edited keeps its focus). */
function drawLayers(): void {
  const s = readSettings();
  const list = byId('layers');
  if (list.children.length === s.hidden.length) {
    s.hidden.forEach((n, i) => {
      const e = input(`n-${i + 1}`);
      if (Number(e.value) !== n) e.value = String(n);
    });
    return;
  }
  const items = s.hidden.map((n, i) => {
    const l = i + 1;
    const units = el('input', {
      type: 'number',
      id: `n-${l}`,
      class: 'units',
      min: '1',
      max: '1000000',
      step: '1',
      value: String(n),
    });
    units.addEventListener('change', () => {
      setWidth(l, Number(units.value));
      refreshPage();
    });
    const remove = el('button', { type: 'button', 'aria-label': `Remove hidden layer ${l}` }, 'Remove');
    remove.addEventListener('click', () => {
      const hidden = readSettings().hidden;
      hidden.splice(i, 1);
      writeSettings({ ...readSettings(), hidden });
      refreshPage();
    });
    return el('li', {}, el('label', { for: `n-${l}` }, `layer ${l}: n[${l}] =`), units, remove);
  });
  list.replaceChildren(...items);
}

/** Redraws everything that depends on the data and the settings (not while a run is on). */
function refreshPage(): void {
  const data = state.data;
  if (!data || state.live) return;
  clearError();
  const s = readSettings();
  drawLayers();
  let layers: Layers;
  try {
    state.split = splitOf(data, s.seed);
    layers = layersOf(data, readSettings());
  } catch (e) {
    showError(e);
    return;
  }
  drawSplit(state.split);
  const { train, dev } = state.split.sizes;
  const batch = s.batching === 'full' ? train : Math.min(s.batchSize, train);
  show(
    'shapes-m',
    `${batch.toLocaleString('en-US')} (${s.batching === 'full' ? 'the training set: one update on all of it' : 'one mini-batch'})`,
  );
  byId('shapes-m').dataset['m'] = String(batch);
  byId('shapes').innerHTML = `<caption>W[l], b[l], Z[l] and A[l] of each layer</caption>${shapesTable(layers, batch)}`;
  const memory = memoryOf(layers.dims, {
    mTrain: train,
    mDev: dev,
    batchSize: batch,
    optimizer: s.optimizer,
    dropout: s.keepProb < 1,
    dataBytes: data.rows.data.byteLength,
  });
  const L = layers.dims.length - 1;
  const kind = L === 1 ? ' — logistic regression' : '';
  show('net-info', `L = ${L}${kind}; n = [${layers.dims.join(', ')}]; ${memory.text}.`);
  if (memory.refusal) showError(new ValueError(`this network: ${memory.refusal}`));
  button('train').disabled = !!memory.refusal || !state.workerReady;
  button('train').dataset['refused'] = memory.refusal ? 'true' : 'false';
  if (memory.refusal) return dropModel();
  setInitialModel(data, layers, s.seed);
  drawViews();
}

/** No model to show (the network cannot be built in the page's memory). */
function dropModel(): void {
  if (state.model && state.modelIs !== 'trained') state.model.dispose();
  state.model = undefined;
  delete state.modelIs;
  button('inside-run').disabled = true;
  button('gradcheck').disabled = true;
}

/** The model of the initial parameters (the run's own, from the same seed), for the views and "look inside". */
function setInitialModel(data: PageData, layers: Layers, seed: number): void {
  if (state.model && state.modelIs !== 'trained') state.model.dispose();
  else if (state.modelIs === 'trained') state.model = undefined;
  state.model = modelFor(data, layers, state.split!, seed);
  state.modelIs = 'initial';
  button('inside-run').disabled = false;
  button('gradcheck').disabled = false;
}

// ---- wiring ----

function onFiles(files: readonly File[]): void {
  if (state.live) return showError(new Error('a run is training: stop it before changing the data'));
  fileData(files).then(
    (data) => {
      const option = byId<HTMLOptionElement>('source-file');
      option.hidden = false;
      option.disabled = false;
      option.textContent = `dropped: ${data.name}`;
      select('source').value = 'file';
      byId('toy-controls').hidden = true;
      setData(data);
    },
    (e) => showError(e),
  );
}

function wireData(): void {
  select('source').addEventListener('change', () => void chooseSource().catch(showError));
  for (const id of ['toy-m', 'toy-noise'])
    input(id).addEventListener('change', () => void chooseSource().catch(showError));
  input('toy-noise').addEventListener('input', () =>
    show('toy-noise-value', Number(input('toy-noise').value).toFixed(2)),
  );
  input('file').addEventListener('change', () => onFiles(Array.from(input('file').files ?? [])));
  const drop = byId('drop');
  drop.addEventListener('dragover', (e) => {
    e.preventDefault();
    drop.classList.add('over');
  });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    drop.classList.remove('over');
    onFiles(Array.from(e.dataTransfer?.files ?? []));
  });
}

function wireSettings(): void {
  byId('add-layer').addEventListener('click', () => {
    const s = readSettings();
    writeSettings({ ...s, hidden: [...s.hidden, s.hidden.at(-1) ?? 8] });
    refreshPage();
    input(`n-${s.hidden.length + 1}`).focus();
  });
  for (const id of ['activation', 'optimizer', 'lr', 'batching', 'length', 'batch-size', 'l2', 'keep-prob'])
    byId(id).addEventListener('change', refreshPage);
  select('batching').addEventListener('change', () => {
    const full = select('batching').value === 'full';
    show('length-label', full ? 'iterations' : 'epochs');
    byId('batch-field').hidden = full;
  });
  // A new seed draws a toy set anew (its points are seeded too), then the split and the initial parameters.
  input('seed').addEventListener('change', () =>
    select('source').value.startsWith('toy:') ? void chooseSource().catch(showError) : refreshPage(),
  );
}

function startWorker(): void {
  const t0 = performance.now();
  state.worker = startTrainWorker();
  state.worker.then(
    (w) => {
      state.workerReady = true;
      const env = byId('env');
      env.textContent += ` The training worker: ${w.backend} on ${w.threads} thread${w.threads === 1 ? '' : 's'}.`;
      Object.assign(env.dataset, {
        workerThreads: String(w.threads),
        workerStartMs: (performance.now() - t0).toFixed(0),
        workerReadyMs: performance.now().toFixed(0),
      });
      if (state.data && !state.live) refreshPage();
    },
    (e) => showError(e),
  );
}

function describeKernels(): void {
  const be = defaultBackend();
  const isolated = globalThis.crossOriginIsolated === true;
  const env = byId('env');
  env.textContent =
    `Kernels: ${be.name} on ${be.threads} thread${be.threads === 1 ? '' : 's'}` +
    (isolated ? ' (cross-origin isolated).' : ' (not cross-origin isolated: one thread; serve with COOP/COEP).');
  Object.assign(env.dataset, {
    readyMs: performance.now().toFixed(0),
    ready: 'true',
    isolated: String(isolated),
    backend: be.name,
    threads: String(be.threads),
  });
}

async function boot(): Promise<void> {
  onRefresh(refreshPage);
  describeKernels();
  startWorker();
  wireData();
  fillChoices();
  wireSettings();
  wireInside();
  wireTakeAway();
  byId('train').addEventListener('click', () => {
    const run = startRun();
    if (run) void run.then((r) => r && showRun(r), showError);
  });
  await chooseSource();
  byId('env').dataset['drawnMs'] = performance.now().toFixed(0);
}

boot().catch(showError);
