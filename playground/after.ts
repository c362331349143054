/**
 * After a run: its diagnosis and the recipe's next moves (one click makes the move the next run), the
 * runs side by side, and what to take away: the model file (`lnn eval`, `lnn predict`, the library's
 * modelFromJSON), the run record (`lnn report`), the data as a CSV, and the `lnn train` command line that
 * makes the same run.
 */
import { modelToJSON } from '../src/browser.js';
import { widthsValue } from '../src/sweep/space.js';
import { csvOf } from './data.js';
import { button, byId, download, el, show, showError } from './dom.js';
import { recordEvery, startRun } from './live.js';
import { diagnosisHtml, nextMoves, runsChart, runsTable, type Run } from './runs.js';
import { writeSettings } from './settings.js';
import { refresh, state } from './state.js';

export function showRun(run: Run): void {
  state.runs.push(run);
  byId('diagnosis').innerHTML = diagnosisHtml(run);
  drawRecipe(run);
  byId('runs').innerHTML = runsTable(state.runs);
  byId('runs-chart-box').innerHTML = runsChart(state.runs);
  for (const id of ['download-model', 'download-record', 'download-data']) button(id).disabled = false;
  button('download-data').hidden = !state.data?.needsDownload;
  show('command', commandLine(run));
  const rates = run.rateChanges.map(([at, lr]) => `α = ${lr} from update ${at}`).join(', ');
  const note = byId('command-note');
  note.replaceChildren(
    ...(rates
      ? [
          `This run changed its learning rate as it went (${rates}): the command line trains at α = ${run.settings.lr} throughout. `,
        ]
      : []),
    ...(state.data?.needsDownload ? [`It reads ${state.data.cliData}: download the data beside you first. `] : []),
    'Then ',
    el('code', {}, 'npx lnn eval --model model.json --data … --subset dev'),
    ' scores the model as the page did, and ',
    el('code', {}, 'npx lnn report run.json'),
    ' draws the run.',
  );
}

/** The recipe's moves for this run, as buttons that start the next run with the move made. */
function drawRecipe(run: Run): void {
  const moves = nextMoves(run);
  const box = byId('recipe');
  if (moves.length === 0) {
    box.replaceChildren(
      el('p', { class: 'muted' }, 'The recipe has no move to suggest: neither bias nor variance is high.'),
    );
    return;
  }
  box.replaceChildren(
    el('span', { class: 'muted' }, 'Apply and train:'),
    ...moves.map((m, i) => {
      const b = el(
        'button',
        { type: 'button', class: i === 0 ? 'primary' : '', 'data-move': m.move },
        `${m.words} (${m.flags})`,
      );
      b.addEventListener('click', () => {
        if (state.live) return;
        writeSettings(m.settings);
        refresh();
        const next = startRun();
        if (next) void next.then((r) => r && showRun(r), showError);
      });
      return b;
    }),
  );
}

/** `npx lnn train …` with the run's options: the same run, from the same data, on the command line. */
export function commandLine(run: Run): string {
  const s = run.settings;
  const length =
    s.batching === 'full'
      ? `--iterations ${s.length} --print-cost-every ${recordEvery(s)} --eval-every ${recordEvery(s)}`
      : `--epochs ${s.length} --batch-size ${s.batchSize}`;
  return [
    `npx lnn train --data ${run.cliData}`,
    `--hidden ${widthsValue(s.hidden)} --activation ${s.activation}`,
    `--optimizer ${s.optimizer} --lr ${s.lr} ${length}`,
    `--l2 ${s.l2} --keep-prob ${s.keepProb} --seed ${s.seed}`,
    '--save model.json --record run.json',
  ].join(' ');
}

export function wireTakeAway(): void {
  const last = () => state.runs.at(-1);
  button('download-model').addEventListener('click', () => {
    const run = last();
    if (run) download('model.json', JSON.stringify(modelToJSON(run.out.model, run.out.record)));
  });
  button('download-record').addEventListener('click', () => {
    const run = last();
    if (run) download('run.json', JSON.stringify(run.out.record, null, 1));
  });
  button('download-data').addEventListener('click', () => {
    if (state.data) download(state.data.cliData, csvOf(state.data), 'text/csv');
  });
}
