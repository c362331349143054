/**
 * lnn for any JavaScript runtime (browsers included): everything but the file loaders, the model
 * file I/O and the command line. `import { ... } from 'lnn/browser'`. Importing it loads the fastest
 * kernels the runtime offers (WebAssembly SIMD, on every core where the page is cross-origin isolated;
 * docs/browser.md says why), so the module has a top-level await: bundle it as an ES module.
 *
 * @example
 * import { train, trainInWorker } from 'lnn/browser';
 * const { model, dev } = await train({ data: { rows, labels }, hidden: [16], epochs: 50 });
 * model.predict([[5.1, 3.5, 1.4, 0.2]]) // => ['setosa']
 */
import { backendInitError, defaultBackend, initBackends } from './backend/index.js';

// core
export {
  Matrix,
  Mask,
  zeros,
  zerosMask,
  fromArray,
  columnVector,
  convert,
  type DType,
  type FloatArray,
} from './core/matrix.js';
export { Rng } from './core/rng.js';
export { philox4x32 } from './core/philox.js';
export { ShapeError, ValueError, DataError, UsageError, AbortError } from './core/errors.js';
// backends
export {
  ReferenceBackend,
  registerBackend,
  getBackend,
  setBackend,
  defaultBackend,
  backendNames,
  initBackends,
  type Backend,
  type ActivationKind,
  type DropoutKey,
  type LossKind,
} from './backend/index.js';
// nn: the course's building blocks
export { initializeParametersDeep, parseInit, type InitKind } from './nn/initializers.js';
export { linearForward, linearBackward, type LinearCache } from './nn/linear.js';
export { linearActivationForward, linearActivationBackward, type LayerCache } from './nn/linear-activation.js';
export {
  modelForward,
  modelBackward,
  courseActivations,
  DROPOUT_RNGS,
  type DropoutRng,
  type DropoutOptions,
} from './nn/propagation.js';
export { computeCost, computeCostWithRegularization, l2Cost } from './nn/cost.js';
export { updateParameters, Optimizer, OPTIMIZERS, type OptimizerKind, type OptimizerConfig } from './nn/update.js';
export { gradientCheck, type GradCheckResult } from './nn/gradcheck.js';
export { lossFor, parseLoss } from './nn/losses.js';
export { ACTIVATIONS, HIDDEN_ACTIVATIONS, parseActivation } from './nn/activations.js';
export { parametersToJSON, parametersFromJSON, layerDims, type Parameters, type Gradients } from './nn/params.js';
export { createWorkspace, type Workspace } from './nn/workspace.js';
// data (in-memory)
export {
  targets,
  defaultOutput,
  outputUnits,
  takeExamples,
  labelsFromValues,
  labelsFromStrings,
  validateDataset,
  type Dataset,
  type OutputKind,
} from './data/dataset.js';
export {
  trainDevTestSplit,
  defaultSplitSizes,
  parseSplitOption,
  type SplitOptions,
  type SplitResult,
} from './data/prepare/split.js';
export {
  fitNormalization,
  applyNormalization,
  parseNormalize,
  type Normalization,
  type NormalizeKind,
} from './data/prepare/normalize.js';
export { fitImputer, applyImputer, type Imputer } from './data/prepare/impute.js';
export { compareDistributions } from './data/describe/mismatch.js';
export { parseNpy, encodeNpy } from './data/read/npy.js';
// the loaders that take what a page holds: a dropped file's text or bytes
export { parseCsv } from './data/read/csv-browser.js';
export type { CsvTextOptions } from './data/read/csv-text.js';
export { npyPair, npyLabels } from './data/read/npy-pair.js';
export { toySet, TOY_SETS, type ToyKind, type ToyOptions } from './data/read/toys.js';
// data held lean (in the file's dtype, views by index) and targets read from class indices
export {
  toMatrix,
  featureSource,
  ColumnFeatures,
  type Features,
  type FeatureSource,
  type StoredType,
} from './data/features.js';
export { RowFeatures, MemoryRows } from './data/rows.js';
export { leanTargets, ClassTargets, type Targets } from './data/targets.js';
export { FeatureStats } from './data/stats.js';
export { SHUFFLE_KINDS, type Shuffle, type ShuffleKind } from './train/order.js';
// training, evaluation, diagnosis
export { Model, labelsOf, type ModelConfig, type FitOptions } from './train/model.js';
export {
  TrainingControl,
  type TrainingControlOptions,
  type Snapshot,
  type ControlCommand,
  type ControlState,
} from './train/control.js';
export {
  estimateTrainingMemory,
  checkMemory,
  formatBytes,
  type MemoryEstimate,
  type MemoryPlan,
} from './train/memory.js';
export {
  datasetFromRows,
  rowFeatures,
  type Rows,
  type ShapedRows,
  type Labels,
  type RowsAndLabels,
  type DataInput,
} from './data/read/rows-input.js';
export {
  trainParameters,
  type TrainedNetwork,
  type TrainOptions as TrainerOptions,
  type TrainResult,
} from './train/trainer.js';
export { modelToJSON, modelFromJSON, type ModelFile } from './train/model-json.js';
export type {
  RunRecord,
  TrainingHistory,
  CostPoint,
  EvalPoint,
  RefitRecord,
  FoldRecord,
  FoldsRecord,
} from './train/run-record.js';
export { ChunkedForward, evaluateNetwork, type Evaluation, type Architecture } from './evaluate/metrics.js';
export {
  diagnose,
  errorStandardError,
  verdictLabel,
  parseErrorRate,
  type Diagnosis,
  type DiagnoseInput,
} from './evaluate/diagnose.js';
// the workflow on data in memory: lnn train, eval and predict as async functions (paths need Node)
export { train, type TrainOptions, type TrainOutput, type EpochLogs } from './workflow/train.js';
export { evaluate, predict, type EvaluateOptions } from './workflow/evaluate.js';
export { SUBSETS, type Subset } from './workflow/held-back.js';
export type { SplitRecord } from './data/prepare/split-record.js';
// the same in a Web Worker, so that a page stays responsive (train-worker.js is the worker's script)
export {
  trainInWorker,
  startTrainWorker,
  type TrainWorker,
  type WorkerSource,
  type WorkerTrainOptions,
  type WorkerTrainOutput,
  type WorkerLike,
} from './browser/train-in-worker.js';
export { loadParameters, type ModelState } from './browser/model-state.js';
// pictures
export * from './report/index.js';

await initBackends();
if (defaultBackend().name === 'ts')
  console.warn(
    `lnn: running on the plain TypeScript reference kernels, which are slow: the WebAssembly kernels could not load (${(backendInitError() as Error)?.message ?? 'unknown reason'})`,
  );
