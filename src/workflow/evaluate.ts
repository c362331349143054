/**
 * `evaluate` and `predict`: a saved or trained model on data, as `lnn eval` and `lnn predict` do. The
 * data is fitted to the model first — columns matched by name when both have names, missing values
 * filled from the model's training means when it has them, classes indexed as the model indexes them —
 * so a label the model never saw is a clear error, not a wrong figure.
 */
import type { Backend } from '../backend/backend.js';
import { DataError } from '../core/errors.js';
import { alignFeatures } from '../data/prepare/align.js';
import { alignClasses, outputUnits, type Dataset, type OutputKind } from '../data/dataset.js';
import { fileAccess } from '../data/read/file-access.js';
import { applyImputer } from '../data/prepare/impute.js';
import { unlabeledRows, type Rows } from '../data/read/rows-input.js';
import { leanTargets } from '../data/targets.js';
import type { Evaluation } from '../evaluate/metrics.js';
import type { Model } from '../train/model.js';
import { inCallersWords } from './camel.js';
import { UsageError } from './parse.js';
import { heldBackSubset, SUBSETS, type Subset } from './held-back.js';
import { printable } from '../core/text.js';
import { datasetOf } from './train.js';
import type { DataInput } from '../data/read/rows-input.js';

/**
 * A model file's loader, registered by the Node entry (the browser build reads no files: a page rebuilds a
 * model from its JSON with `modelFromJSON`). Data files come through data/read/file-access.ts.
 */
export type ModelLoader = (file: string, backend?: Backend, onNote?: (text: string) => void) => Model;

const loaders: { model?: ModelLoader } = {};

/** Lets the Node entry give the workflow its model file loader. */
export function registerLoaders(l: { model: ModelLoader }): void {
  Object.assign(loaders, l);
}

function modelOf(model: Model | string): Model {
  if (typeof model !== 'string') return model;
  if (!loaders.model)
    throw new UsageError(`model ${model}: reading model files needs Node; give a model (modelFromJSON in a page)`);
  return loaders.model(model);
}

/**
 * The data fitted to the model: its columns (by name when both have names), its missing values (the
 * model's training means), its classes (the model's indices). `owner` names the model in errors.
 */
export function fitToModel(model: Model, loaded: Dataset, owner: string, onNote?: (t: string) => void): Dataset {
  const { data: aligned, note } = alignFeatures(loaded, model.featureNames, model.arch.dims[0]!, owner);
  if (note) onNote?.(note);
  const data = model.imputer ? applyImputer(aligned, model.imputer) : aligned;
  return alignClasses(data, model.classes, owner);
}

/**
 * The model's figures on labelled data already fitted to it (fitToModel): cost, error, and for a
 * classifier accuracy and the count of correct examples.
 * @throws DataError `iris.csv: the labels need 3 output units but the model has n[L] = 1`
 */
export function evaluateFitted(model: Model, data: Dataset): Evaluation {
  const output = model.output as OutputKind;
  if (model.isClassifier && !data.classes)
    throw new DataError(`${data.source}: the model classifies but the labels are continuous values`);
  const withClasses = { ...data, classes: model.classes ?? data.classes };
  const n = outputUnits(withClasses, output);
  if (n !== model.arch.dims[model.depth])
    throw new DataError(
      `${data.source}: the labels need ${n} output units but the model has n[L] = ${model.arch.dims[model.depth]}`,
    );
  return model.evaluate(data.X, leanTargets(withClasses, output));
}

/** Data as evaluate and predict take it: a path (Node), a Dataset, or rows with labels. */
async function dataFor(model: Model, data: DataInput, unlabeled: boolean): Promise<Dataset> {
  if (typeof data !== 'string') return datasetOf(data, model.imputer !== undefined)!;
  return fileAccess(`data ${data}`).loadDataset({ data, unlabeled }, model.imputer !== undefined);
}

export interface EvaluateOptions {
  /**
   * Which examples to score (`lnn eval --subset`): on the source the model was split from, its 'test'
   * part by default, or 'dev', 'train', 'all'; on other data, all of it.
   */
  subset?: Subset;
  /** What `lnn eval` prints as `note:` and `warning:` (which part was scored; examples it trained on). */
  onNote?: (text: string) => void;
  onWarning?: (text: string) => void;
}

/**
 * A model's figures on data, as `lnn eval`: the model (or a model file) and the data as a path, a
 * Dataset, or rows and labels. On the source the model was split from (`train` records the split),
 * only its held-back test part is scored unless `subset` says otherwise.
 * @example
 * const e = await evaluate(model, { rows, labels });  // { m, cost, error, accuracy, correct, subset: 'all' }
 * await evaluate('iris.json', 'builtin:iris')  // the 30 test examples: { m: 30, ..., subset: 'test' }
 * @throws DataError for a label the model never saw: `rows: has class 'x' that the model does not have (...)`;
 *   ValueError for a subset the model's split does not have (`subset test needs the split ...`)
 */
export async function evaluate(
  model: Model | string,
  data: DataInput,
  options: EvaluateOptions = {},
): Promise<Evaluation & { subset: Subset }> {
  try {
    if (options.subset !== undefined && !SUBSETS.includes(options.subset))
      throw new UsageError(
        `--subset must be one of ${SUBSETS.join(', ')} but is '${printable(String(options.subset))}'`,
      );
    const m = modelOf(model);
    const owner = typeof model === 'string' ? `the model ${model}` : 'the model';
    const fitted = fitToModel(m, await dataFor(m, data, false), owner);
    const chosen = heldBackSubset(m.split, fitted, options.subset, owner);
    if (chosen.note) options.onNote?.(chosen.note);
    if (chosen.warning) options.onWarning?.(chosen.warning);
    return { ...evaluateFitted(m, chosen.data), subset: chosen.subset };
  } catch (e) {
    throw inCallersWords(e);
  }
}

/**
 * One prediction per row, as `lnn predict`: class labels (as they were given in training) for a
 * classifier, values for a regression. `model.predict(rows)` does the same on a model in hand.
 * @example await predict('iris.json', [[5.1, 3.5, 1.4, 0.2]]) // => ['setosa']
 */
export async function predict(model: Model | string, rows: Rows): Promise<(string | number)[] | number[][]> {
  try {
    const m = modelOf(model);
    // A model trained with impute: 'mean' fills a missing value with its training mean.
    return m.predict(m.imputer ? applyImputer(unlabeledRows(rows, 'rows', true), m.imputer).X : rows);
  } catch (e) {
    throw inCallersWords(e);
  }
}
