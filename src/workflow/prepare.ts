import { defined } from '../core/defined.js';
import { DataError } from '../core/errors.js';
import { defaultOutput, inFileOrder, outputUnits, type Dataset, type OutputKind } from '../data/dataset.js';
import { featureSource, STORED_TYPES, type Features } from '../data/features.js';
import { applyImputer, fitImputer, type Imputer } from '../data/prepare/impute.js';
import { parseJsonText } from '../core/json.js';
import { fileAccess } from '../data/read/file-access.js';
import { canReadFiles, readRegularFile } from '../io/regular-file.js';
import type { DataSpec, FeaturesProbe } from '../data/read/load.js';
import { RowFeatures } from '../data/rows.js';
import { leanTargets, type Targets } from '../data/targets.js';
import { formatBytes } from '../train/memory.js';
import type { Shuffle } from '../train/order.js';
import { defaultInit, layerActivations, type ActivationKind } from '../nn/activations.js';
import { initName, type InitKind } from '../nn/initializers.js';
import { parametersFromJSON, type Parameters } from '../nn/params.js';
import { UsageError, type Io, type Parsed } from './parse.js';
import { chooseSets, type Sets } from './sets.js';
import { dataSpec } from './inputs.js';
import { machineMemory } from './machine.js';
import type { TrainSettings } from './settings.js';

/** How the features of a run are held: in memory in their own dtype, or streamed from disk, and why. */
export interface DataStorage {
  /** The training features are read from disk in the background as training goes. */
  streamed: boolean;
  /** Bytes of features held in memory (the store the sets are views on; 0 for a streamed file). */
  bytes: number;
  /** The memory budget (--memory, or half of the free memory; unbounded where the runtime does not tell). */
  budget: number;
  /** Why the data is streamed when --stream was not given, for a note. */
  note?: string;
}

/** The data of a run: the whole set, its train/dev/test sets (imputed when asked) and the targets. */
export interface PreparedData {
  data: Dataset;
  sets: Sets;
  imputer?: Imputer;
  output: OutputKind;
  /**
   * Y for train: (n[L], m) in the form the output wants (one-hot for softmax), as training reads it:
   * class indices made into each batch's rows, or the targets' matrix for regression.
   */
  Y: Targets;
  dev?: { X: Features; Y: Targets };
  /** Where the features are (memory or disk) and how much memory they take; absent: in memory. */
  storage?: DataStorage;
  /** The order of the examples in each epoch of mini-batches; absent: a new permutation each epoch. */
  shuffle?: Shuffle;
  /**
   * The sets before imputation (with --impute mean): a refit or a fold fits its own imputer on the
   * examples it trains on. Absent: `sets` are as read.
   */
  unimputed?: Pick<Sets, 'train' | 'dev' | 'test'>;
}

/**
 * Loads the data the options name, makes the sets (split, or the separate --dev/--test files), fills
 * missing values with train's means when asked, and builds the targets for the output layer. The
 * features stay in their file's dtype; the sets are views on them. A .npy or HDF5 source is left on
 * disk and streamed with --stream, or when its features alone exceed the memory budget (with a note).
 * `read.confined` (a worker's --data-root) reads only the files named, --dev and --test included.
 */
export async function prepareData(
  args: Parsed,
  settings: TrainSettings,
  io: Io,
  read: Pick<DataSpec, 'confined'> & { dataset?: Dataset } = {},
): Promise<PreparedData> {
  const budget = settings.memory ?? halfOfFreeMemory();
  const { data, streamed } = read.dataset
    ? { data: read.dataset, streamed: { streamed: false } }
    : await loadForTraining(args, settings, io, { budget, confined: read.confined });
  const shuffle = settings.shuffle ?? { kind: streamed.streamed ? 'blocks' : 'examples' };
  if (streamed.streamed && shuffle.kind === 'examples')
    throw new UsageError(
      '--shuffle examples reads every example at random, which streaming from disk cannot do fast; use --shuffle blocks (the default when streaming) or none',
    );
  const sets = await chooseSets(data, args, io, {
    split: settings.split,
    seed: settings.seed,
    confined: read.confined,
  });
  // Blocks and file order are drawn over the training set in file order: the same in memory and on disk.
  if (shuffle.kind !== 'examples') sets.train = inFileOrder(sets.train);
  if (streamed.streamed) keepHeldOutInMemory(sets, budget);
  let imputer: Imputer | undefined;
  let unimputed: PreparedData['unimputed'];
  if (settings.impute) {
    unimputed = {
      train: sets.train,
      ...defined({ dev: sets.dev, test: sets.test }),
    };
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
  const Y = leanTargets(sets.train, output);
  const dev = sets.dev ? { X: sets.dev.X, Y: leanTargets(sets.dev, output) } : undefined;
  const bytes = streamed.streamed ? heldBytes(sets) : featureSource(data.X).memoryBytes;
  const storage: DataStorage = { ...streamed, bytes, budget };
  return {
    data,
    sets,
    ...(imputer && unimputed ? { imputer, unimputed } : {}),
    output,
    Y,
    ...defined({ dev }),
    storage,
    shuffle,
  };
}

/**
 * The data the options name, left on disk when it is to be streamed (with a note saying why): when
 * --stream asks, or when its features exceed `budget` bytes; `confined` reads only the files named.
 */
async function loadForTraining(
  args: Parsed,
  settings: TrainSettings,
  io: Io,
  { budget, confined }: { budget: number; confined: boolean | undefined },
): Promise<{ data: Dataset; streamed: { streamed: boolean; note?: string } }> {
  const spec = { ...dataSpec(args, io), confined };
  const files = fileAccess(spec.data !== undefined ? `--data ${spec.data}` : `--x ${spec.x ?? spec.y}`);
  const probe = await files.probeFeatures(spec);
  const streamed = chooseStreaming(settings, probe, budget, spec);
  if (streamed.note && !args['quiet']) io.err(`note: ${streamed.note}\n`);
  const data = await files.loadDataset({ ...spec, stream: streamed.streamed }, settings.impute);
  return { data, streamed };
}

/**
 * Whether to stream: --stream asks for it (a .npy or HDF5 source only); otherwise features larger than
 * the budget are streamed, with a note that says so.
 */
function chooseStreaming(
  settings: TrainSettings,
  probe: FeaturesProbe | undefined,
  budget: number,
  spec: DataSpec,
): { streamed: boolean; note?: string } {
  const source = spec.x ?? spec.data ?? 'the data';
  if (settings.stream) {
    if (!probe)
      throw new UsageError(
        `--stream reads .npy (--x) and HDF5 files by row ranges, and ${source} can only be read whole; convert it once (lnn convert --data ${source} --out DIR) and train on --x DIR/x.npy --y DIR/y.npy`,
      );
    return { streamed: true };
  }
  if (!probe || probe.bytes <= budget) return { streamed: false };
  const asked = settings.memory !== undefined ? '--memory' : 'the memory budget (half of the free memory; --memory)';
  return {
    streamed: true,
    note: `${source}: the features take ${formatBytes(probe.bytes)} (${probe.m.toLocaleString('en-US')} × ${probe.n} ${probe.stored}), more than ${asked} of ${formatBytes(budget)}; streaming them from disk (--stream)`,
  };
}

/**
 * Whether a command that reads a data set once (lnn data, eval, predict) should leave its features on
 * disk: a .npy or HDF5 source whose features exceed half of the free memory.
 */
export async function streamWhenLarge(spec: DataSpec): Promise<boolean> {
  const probe = await fileAccess(`--data ${spec.data ?? spec.x}`).probeFeatures(spec);
  return probe !== undefined && probe.bytes > halfOfFreeMemory();
}

/** The default memory budget: half of the free memory, or unbounded where the runtime does not tell it. */
function halfOfFreeMemory(): number {
  const { free } = machineMemory();
  return free !== undefined ? Math.floor(free / 2) : Number.POSITIVE_INFINITY;
}

/** Held-out sets read often (every evaluation) and small next to the budget are read into memory once. */
function keepHeldOutInMemory(sets: Sets, budget: number): void {
  for (const key of ['dev', 'test'] as const) {
    const d = sets[key];
    if (!d || !(d.X instanceof RowFeatures) || !d.X.onDisk) continue;
    const bytes = d.X.cols * d.X.rows * STORED_TYPES[d.X.stored].bytes;
    if (bytes <= budget / 8) sets[key] = { ...d, X: d.X.toMemory() };
  }
}

/** Bytes of features the sets hold in memory once training streams the training set. */
function heldBytes(sets: Sets): number {
  let bytes = 0;
  for (const d of [sets.dev, sets.test]) if (d && !featureSource(d.X).onDisk) bytes += featureSource(d.X).memoryBytes;
  return bytes;
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
    const params = parametersFromJSON(readInitFile(init.file), 'float64', init.file, dims);
    return { dims, activations, init: params, initLabel: baseName(init.file) };
  }
  const recipe = init ?? defaultInit(activations.slice(0, -1));
  return { dims, activations, init: recipe, initLabel: initName(recipe) };
}

/** A parameters file for --init, parsed; read where files can be read (Node: any thread, entry or not). */
function readInitFile(file: string): unknown {
  if (!canReadFiles) throw new UsageError(`--init ${file}: reading files needs Node; give { rows, labels }`);
  return parseJsonText(new TextDecoder('utf-8').decode(readRegularFile(file)), file);
}

/** The last part of a path, either separator (node:path's basename, which a page has not). */
function baseName(file: string): string {
  return (
    file
      .replace(/[/\\]+$/, '')
      .split(/[/\\]/)
      .pop() ?? file
  );
}
