import { basename } from 'node:path';
import { DataError } from '../../core/errors.js';
import { defaultOutput, outputUnits, targets, type Dataset, type OutputKind } from '../../data/dataset.js';
import { applyImputer, fitImputer, type Imputer } from '../../data/impute.js';
import type { Matrix } from '../../core/matrix.js';
import { readJsonFile } from '../../io/files.js';
import { defaultInit, layerActivations, type ActivationKind } from '../../nn/activations.js';
import { initName, type InitKind } from '../../nn/initializers.js';
import { parametersFromJSON, type Parameters } from '../../nn/params.js';
import type { Io, Parsed } from '../command.js';
import { chooseSets, type Sets } from '../sets.js';
import { loadData } from '../shared.js';
import type { TrainSettings } from './settings.js';

/** The data of a run: the whole set, its train/dev/test sets (imputed when asked) and the targets. */
export interface PreparedData {
  data: Dataset;
  sets: Sets;
  imputer?: Imputer;
  output: OutputKind;
  /** Y for train, dev (and test): (n[L], m) in the form the output wants (one-hot for softmax). */
  Y: Matrix;
  dev?: { X: Matrix; Y: Matrix };
}

/**
 * Loads the data the options name, makes the sets (split, or the separate --dev/--test files), fills
 * missing values with train's means when asked, and builds the targets for the output layer.
 */
export async function prepareData(args: Parsed, settings: TrainSettings, io: Io): Promise<PreparedData> {
  const data = await loadData(args, io);
  const sets = await chooseSets(data, args, settings.split, settings.seed, io);
  let imputer: Imputer | undefined;
  if (settings.impute) {
    imputer = fitImputer(sets.train);
    sets.train = applyImputer(sets.train, imputer);
    if (sets.dev) sets.dev = applyImputer(sets.dev, imputer);
    if (sets.test) sets.test = applyImputer(sets.test, imputer);
  }
  if (settings.evaluateTest && (!sets.test || sets.test.X.cols === 0))
    throw new DataError(
      `--evaluate-test: there is no test set (${sets.rule}); keep a split with a test share, or give --test FILE`,
    );
  const output = settings.output ?? defaultOutput(data);
  const Y = targets(sets.train, output);
  const dev = sets.dev ? { X: sets.dev.X, Y: targets(sets.dev, output) } : undefined;
  return { data, sets, ...(imputer ? { imputer } : {}), output, Y, ...(dev ? { dev } : {}) };
}

/** The network a run trains: n[0..L], g[1..L], and its initialization (a recipe or given parameters). */
export interface Network {
  dims: number[];
  activations: ActivationKind[];
  init: InitKind | Parameters;
  /** How the record names the initialization: 'he', 'scaled:0.01', 'llayer_init_params.json'. */
  initLabel: string;
}

/**
 * n[0] and n[L] come from the data; --dims must agree with them, --hidden fills in between. An --init
 * file must hold parameters of exactly these dims.
 * @throws DataError `--dims: n[0] must be n_x = 4, the number of features per example in iris, but is 5`
 */
export function resolveNetwork(settings: TrainSettings, prepared: PreparedData): Network {
  const { data, output } = prepared;
  const nx = data.X.rows;
  const nL = outputUnits(data, output);
  const given = settings.dims;
  if (given && given[0] !== nx)
    throw new DataError(
      `--dims: n[0] must be n_x = ${nx}, the number of features per example in ${data.source}, but is ${given[0]}`,
    );
  if (given && given.at(-1) !== nL) {
    const classes = data.classes ? ` (${data.classes.length} classes)` : '';
    throw new DataError(
      `--dims: n[L] must be ${nL} for a ${output} output on these labels${classes} but is ${given.at(-1)}`,
    );
  }
  const dims = given ?? [nx, ...settings.hidden, nL];
  const activations = layerActivations(dims.length - 1, settings.activation, output);
  const init = settings.init;
  if (init !== undefined && typeof init === 'object' && 'file' in init) {
    const params = parametersFromJSON(readJsonFile(init.file), 'float64', init.file, dims);
    return { dims, activations, init: params, initLabel: basename(init.file) };
  }
  const recipe = init ?? defaultInit(activations.slice(0, -1));
  return { dims, activations, init: recipe, initLabel: initName(recipe) };
}
