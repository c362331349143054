/**
 * The example page: (a) a saved model (a file chosen, or model.json beside the page) predicts for rows
 * typed in; (b) Fisher's iris is trained in a Web Worker with a live cost curve, abortable, and the
 * trained model predicts in turn. An application writes `from 'lnn/browser'` where this file reaches
 * into the repository's source.
 */
import {
  AbortError,
  defaultBackend,
  lineChart,
  modelFromJSON,
  modelToJSON,
  REPORT_CSS,
  startTrainWorker,
  train,
  trainInWorker,
  type EpochLogs,
  type Model,
  type TrainOutput,
  type TrainWorker,
} from '../../src/browser.js';

const byId = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
const show = (id: string, text: string) => void (byId(id).textContent = text);

/** The model predictions use: the last one loaded or trained. */
let model: Model | undefined;

function useModel(next: Model, where: string): void {
  model?.dispose();
  model = next;
  byId('download').hidden = true;
  const { dims, activations } = model.arch;
  const classes = model.classes ? `, classes ${model.classes.join(', ')}` : '';
  show('model-info', `Model from ${where}: n = [${dims.join(', ')}], output ${activations.at(-1)}${classes}.`);
  byId<HTMLButtonElement>('predict').disabled = false;
}

/** The rows in the text area: one example per line, numbers separated by commas or spaces. */
function rowsOf(text: string): number[][] {
  const lines = text.split('\n').map((l) => l.trim());
  return lines.flatMap((line, i) => {
    if (line === '') return [];
    const values = line.split(/[\s,;]+/).filter((v) => v !== '');
    const bad = values.find((v) => !Number.isFinite(Number(v)));
    if (bad !== undefined) throw new Error(`line ${i + 1}: '${bad}' is not a number`);
    return [values.map(Number)];
  });
}

function predict(): void {
  if (!model) return;
  const rows = rowsOf(byId<HTMLTextAreaElement>('rows').value);
  const labels = model.predict(rows);
  const probabilities = model.isClassifier ? model.predictProba(rows) : undefined;
  const list = byId('predictions');
  list.replaceChildren(
    ...labels.map((label, i) => {
      const li = document.createElement('li');
      li.dataset['label'] = String(label);
      const p = probabilities ? ` (p = ${Math.max(...probabilities[i]!).toFixed(3)})` : '';
      li.textContent = `${String(label)}${p}`;
      return li;
    }),
  );
}

async function loadBeside(): Promise<void> {
  const res = await fetch('model.json');
  if (!res.ok)
    throw new Error(
      'model.json is not beside the page: make one with `npx lnn train --data builtin:iris --save examples/browser/model.json`',
    );
  useModel(modelFromJSON(await res.json(), 'model.json'), 'model.json');
}

async function loadChosen(input: HTMLInputElement): Promise<void> {
  const file = input.files?.[0];
  if (file) useModel(modelFromJSON(JSON.parse(await file.text()), file.name), file.name);
}

// ---- training, with a live cost curve ----

interface Curve {
  train: { x: number; y: number }[];
  dev: { x: number; y: number }[];
  last?: EpochLogs;
  timer?: ReturnType<typeof setTimeout> | undefined;
}

/** How often the curve and the status are redrawn while epochs arrive (a redraw costs the page a few ms). */
const DRAW_EVERY_MS = 100;

/** Redraws the curve and the status at most every DRAW_EVERY_MS, however fast epochs arrive. */
function drawSoon(curve: Curve, epochs: number): void {
  curve.timer ??= setTimeout(() => {
    curve.timer = undefined;
    requestAnimationFrame(() => draw(curve, epochs));
  }, DRAW_EVERY_MS);
}

function draw(curve: Curve, epochs: number): void {
  const logs = curve.last;
  if (logs) show('train-status', `epoch ${logs.epoch} of ${epochs}: cost ${logs.cost?.toFixed(4)}`);
  byId('curve').innerHTML = lineChart({
    id: 'cost-chart',
    title: 'Cost per epoch',
    xLabel: 'epoch',
    yLabel: 'cost',
    series: [
      { name: 'train', colorClass: 's0', points: curve.train },
      ...(curve.dev.length ? [{ name: 'dev', colorClass: 's1', points: curve.dev, dashed: true }] : []),
    ],
    height: 280,
    maxPoints: 600,
  });
}

function optionsFromInputs() {
  const number = (id: string) => Number(byId<HTMLInputElement>(id).value);
  const hidden = byId<HTMLInputElement>('hidden').value.split(',').map(Number);
  return { hidden, epochs: number('epochs'), batchSize: number('batch-size'), optimizer: 'adam' as const, lr: 0.01 };
}

let iris: Promise<{ rows: number[][]; labels: string[] }> | undefined;

/** The training worker, started as the page loads so that a run begins at once; restarted if it ended. */
let worker: Promise<TrainWorker> | undefined;

function startWorker(): Promise<TrainWorker> {
  const t0 = performance.now();
  worker = startTrainWorker();
  void worker.then((w) => {
    const env = byId('env');
    env.textContent += ` Training worker: ${w.backend}, ${w.threads} thread${w.threads === 1 ? '' : 's'}.`;
    Object.assign(env.dataset, {
      workerThreads: String(w.threads),
      workerStartMs: (performance.now() - t0).toFixed(1),
    });
  }, failed);
  return worker;
}

async function trainIris(signal: AbortSignal): Promise<void> {
  const data = await (iris ??= fetch('iris.json').then((r) => r.json()));
  const options = optionsFromInputs();
  const onMain = byId<HTMLInputElement>('main-thread').checked;
  const curve: Curve = { train: [], dev: [] };
  const status = byId('train-status');
  const onEpochEnd = (logs: EpochLogs) => {
    if (logs.cost !== undefined) curve.train.push({ x: logs.epoch ?? logs.iteration, y: logs.cost });
    if (logs.devCost !== undefined) curve.dev.push({ x: logs.epoch ?? logs.iteration, y: logs.devCost });
    curve.last = logs;
    drawSoon(curve, options.epochs);
  };
  const run = { ...options, data, seed: 1, signal, onEpochEnd };
  const t0 = performance.now();
  const inWorker = async () => trainInWorker({ ...run, worker: await (worker ?? startWorker()) });
  const out = await (onMain ? train(run) : inWorker()).finally(() => clearTimeout(curve.timer));
  const t1 = performance.now();
  draw(curve, options.epochs);
  Object.assign(status.dataset, { startedAt: t0.toFixed(1), finishedAt: t1.toFixed(1) });
  finished(out, onMain ? 'main' : 'worker', t1 - t0);
}

/** Shows how the run ended, and makes its model the one predictions use. */
function finished(out: TrainOutput & { worker?: { threads: number } }, where: string, wall: number) {
  useModel(out.model, where === 'main' ? 'training on the main thread' : 'training in the worker');
  // The model file (what `lnn train --save` writes), made when asked for.
  const button = byId('download');
  button.onclick = () => {
    const file = modelToJSON(out.model, out.record);
    const a = Object.assign(document.createElement('a'), { download: 'model.json' });
    a.href = URL.createObjectURL(new Blob([JSON.stringify(file)], { type: 'application/json' }));
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href));
  };
  button.hidden = false;
  const status = byId('train-status');
  const accuracy = out.dev?.accuracy !== undefined ? `dev accuracy ${(100 * out.dev.accuracy).toFixed(1)}%, ` : '';
  status.textContent = `Done: ${accuracy}${out.result.iterations} updates in ${(wall / 1000).toFixed(2)} s.`;
  Object.assign(status.dataset, {
    state: 'done',
    wallMs: wall.toFixed(1),
    fitSeconds: String(out.result.seconds),
    iterations: String(out.result.iterations),
    where,
    workerThreads: String(out.worker?.threads ?? ''),
  });
}

function startTraining(): void {
  const controller = new AbortController();
  const [trainButton, stopButton] = [byId<HTMLButtonElement>('train'), byId<HTMLButtonElement>('stop')];
  const status = byId('train-status');
  trainButton.disabled = true;
  stopButton.disabled = false;
  stopButton.onclick = () => controller.abort();
  status.dataset['state'] = 'training';
  show('error', '');
  trainIris(controller.signal)
    .catch((e: unknown) => {
      if (e instanceof AbortError || (e as Error).name === 'AbortError') {
        status.dataset['state'] = 'stopped';
        status.textContent = 'Stopped.';
      } else failed(e);
      // A worker cut off after an abort, or broken, is replaced for the next run.
      void worker?.then(
        (w) => void (w.ended && startWorker()),
        () => void startWorker(),
      );
    })
    .finally(() => {
      trainButton.disabled = false;
      stopButton.disabled = true;
    });
}

function failed(e: unknown): void {
  byId('train-status').dataset['state'] = 'failed';
  show('error', e instanceof Error ? e.message : String(e));
}

function wire(): void {
  const style = document.createElement('style');
  style.textContent = REPORT_CSS;
  document.head.append(style);
  const isolated = globalThis.crossOriginIsolated === true;
  const be = defaultBackend();
  const env = byId('env');
  env.textContent = `${isolated ? 'Cross-origin isolated' : 'Not cross-origin isolated (one thread)'}; kernels: ${be.name}, ${be.threads} thread${be.threads === 1 ? '' : 's'}.`;
  Object.assign(env.dataset, { isolated: String(isolated), backend: be.name, threads: String(be.threads) });
  const guard = (f: () => unknown) => () => Promise.resolve().then(f).catch(failed);
  byId('predict').addEventListener('click', guard(predict));
  byId('load-beside').addEventListener('click', guard(loadBeside));
  byId('model-file').addEventListener(
    'change',
    guard(() => loadChosen(byId<HTMLInputElement>('model-file'))),
  );
  byId('train').addEventListener('click', startTraining);
  env.dataset['ready'] = 'true';
  void startWorker();
}

wire();
