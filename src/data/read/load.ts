import { DataError } from '../../core/errors.js';
import { zeros } from '../../core/matrix.js';
import { loadBuiltin } from './builtin.js';
import { readRegularFile } from '../../io/regular-file.js';
import type { CsvOptions } from './csv.js';
import type { Hdf5Options } from './hdf5.js';
import type { JsonOptions } from './json-data.js';
import { recordLoaded } from '../origin.js';
import { validateDataset, type Dataset } from '../dataset.js';
import { npyLabels } from './npy-pair.js';
import { loadNpyRows, openNpyRows, probeNpy } from './npy-file.js';
import type { StoredType } from '../features.js';
import type { RowFeatures } from '../rows.js';

/**
 * Where a data set comes from, as the command line's data options say it, with each reader's own
 * options in a typed object of its own (a reader ignores the others).
 * @example { data: 'flowers.csv', csv: { label: 'species' } }
 * @example { data: 'train_catvnoncat.h5', hdf5: { xKey: 'train_set_x', yKey: 'train_set_y' } }
 */
export interface DataSpec {
  /** --data: `builtin:<name>`, or a file whose extension picks the reader. */
  data?: string | undefined;
  /** --x / --y: separate feature and label files (.npy). */
  x?: string | undefined;
  y?: string | undefined;
  /** Features alone are enough (prediction): --x without --y gives labels: (0, m). */
  unlabeled?: boolean | undefined;
  /** Options of the .csv and .tsv reader: label column, imputation, delimiter. */
  csv?: CsvOptions | undefined;
  /** Options of the .json reader: label key (arrays of objects), imputation. */
  json?: JsonOptions | undefined;
  /** Options of the .h5/.hdf5 reader: dataset names, and where notes about guessed names go. */
  hdf5?: Hdf5Options | undefined;
  /**
   * Leave the features of a .npy or HDF5 file on disk and read them by row ranges as they are needed
   * (data larger than memory); other formats are read whole. Labels are always read into memory.
   */
  stream?: boolean | undefined;
  /**
   * Read only the files named (a worker's --data-root): an HDF5 file whose external links, external
   * storage or virtual datasets would read other files is refused, naming the link or dataset. (Every
   * reader, confined or not, reads regular files only: a FIFO or a device is refused.)
   */
  confined?: boolean | undefined;
  /**
   * What the message for a refused missing feature value (a NaN in a .npy or HDF5 file, an empty CSV or
   * JSON field unless their own options say otherwise) tells the user to do; default: fill it in, or
   * pass --impute mean. `lnn eval` says instead that the model has no means to fill it with.
   */
  missingAdvice?: string | undefined;
}

/** A reader for one file extension, registered by the data modules. */
export type FileReader = (file: string, spec: DataSpec) => Dataset | Promise<Dataset>;
const readers = new Map<string, FileReader>();

/** Adds a reader for files ending in `.ext` (e.g. 'csv', 'h5', 'json'). */
export function registerReader(ext: string, reader: FileReader): void {
  readers.set(ext.toLowerCase(), reader);
}

registerReader('npy', (file) => {
  throw new DataError(`${file}: a .npy file holds only X or only Y; pass it as --x ${file} with --y LABELS.npy`, file);
});

/**
 * Loads and validates a data set: every value finite, as many labels as examples. A missing feature
 * value (NaN in a binary file, an empty field in a table) is refused with `spec.missingAdvice`.
 */
export async function loadDataset(spec: DataSpec): Promise<Dataset> {
  const d = await readDataset(spec);
  validateDataset(d, { advice: spec.missingAdvice });
  return recordLoaded(d);
}

/**
 * loadDataset, except that missing feature values are kept as NaN instead of refused, from every
 * format that can hold one (an empty field in CSV, TSV and JSON; NaN in .npy and HDF5, in memory or
 * streamed): for `--impute mean` (split first, then fitImputer(train) and applyImputer to each set) and
 * for `lnn data`, which counts them. Every other rule of validateDataset still holds: ±Infinity is not
 * missing, and is refused.
 */
export async function loadDatasetKeepingMissing(spec: DataSpec): Promise<Dataset> {
  const d = await readDataset({
    ...spec,
    csv: { ...spec.csv, impute: 'mean' },
    json: { ...spec.json, impute: 'mean' },
  });
  validateDataset(d, { keep: true });
  return recordLoaded(d);
}

/** The data set the spec names, as its reader gives it (not validated). */
async function readDataset(spec: DataSpec): Promise<Dataset> {
  if (spec.x !== undefined || spec.y !== undefined) {
    if (spec.data !== undefined) throw new DataError('give either --data or --x/--y, not both');
    if (spec.x !== undefined && spec.y === undefined && spec.unlabeled) return loadNpyFeatures(spec.x, spec.stream);
    if (spec.x === undefined || spec.y === undefined)
      throw new DataError(`--x and --y go together: missing --${spec.x === undefined ? 'x' : 'y'}`);
    return loadNpyPair(spec.x, spec.y, spec.stream);
  }
  if (spec.data === undefined)
    throw new DataError('no data given: use --data FILE (or builtin:mnist, builtin:iris) or --x X.npy --y Y.npy');
  if (spec.data.startsWith('builtin:')) return loadBuiltin(spec.data.slice('builtin:'.length));
  const ext = /\.([A-Za-z0-9]+)$/.exec(spec.data)?.[1]?.toLowerCase();
  const reader = ext ? readers.get(ext) : undefined;
  if (!reader)
    throw new DataError(
      `${spec.data}: no reader for this file type; use .npy (--x/--y)${[...readers.keys()]
        .filter((e) => e !== 'npy')
        .map((e) => `, .${e}`)
        .join('')} or builtin:mnist, builtin:iris`,
      spec.data,
    );
  return reader(spec.data, spec);
}

/** What the features of a source take in memory, from the headers alone; undefined for formats read whole. */
export interface FeaturesProbe {
  source: string;
  m: number;
  n: number;
  stored: StoredType;
  /** m · n_x · bytes per value: what holding X in memory takes. */
  bytes: number;
}

/**
 * The size of a .npy (--x) or HDF5 source's features without reading them: what decides whether they
 * are held in memory or streamed from disk. Undefined for sources that can only be read whole (CSV,
 * JSON, built-in sets).
 */
export async function probeFeatures(spec: DataSpec): Promise<FeaturesProbe | undefined> {
  if (spec.x !== undefined) return { source: spec.x, ...probeNpy(spec.x) };
  const file = spec.data;
  if (file === undefined || file.startsWith('builtin:')) return undefined;
  const ext = /\.([A-Za-z0-9]+)$/.exec(file)?.[1]?.toLowerCase();
  if (ext !== 'h5' && ext !== 'hdf5') return undefined;
  const { probeHdf5 } = await import('./hdf5.js');
  return { source: file, ...(await probeHdf5(file, spec)) };
}

/** The bytes of a data file read whole: a regular file only (see src/io/regular-file.ts). */
export function readBytes(file: string): Uint8Array {
  return readRegularFile(file);
}

/**
 * X: (n_x, m) from X.npy: (m, ...), one example per first-axis entry flattened row-major, held as the
 * file holds it (in its dtype, example-major): in memory, or on disk with `stream`.
 */
function npyFeatures(xFile: string, stream = false): RowFeatures {
  return stream ? openNpyRows(xFile) : loadNpyRows(xFile);
}

/** Features without labels (labels: (0, m)), for prediction. */
function loadNpyFeatures(xFile: string, stream = false): Dataset {
  const X = npyFeatures(xFile, stream);
  return { X, labels: zeros(0, X.cols, 'float64'), source: xFile };
}

/**
 * X.npy: (m, ...) one example per first-axis entry, each flattened row-major → X: (n_x, m).
 * Y.npy: (m,) or (m, 1) labels, (m, K) one-hot or multi-output targets, or the course's (1, m).
 * With `stream`, X stays on disk (see `DataSpec.stream`).
 */
export function loadNpyPair(xFile: string, yFile: string, stream = false): Dataset {
  const X = npyFeatures(xFile, stream);
  return { X, ...npyLabels(readBytes(yFile), yFile, X.cols), source: xFile };
}
