/**
 * The data loaders as the workflow reaches them (data sets, --dev/--test files), given by the Node side:
 * `data/read/register-readers.ts`, which `lnn`'s entry and the command line import, registers them. A page has none:
 * a path there is refused in one line, naming the option. Browser-safe: this module imports no loader.
 * (A parameters file for --init is read by io/regular-file.ts directly, so that a sweep's trial threads read it.)
 */
import { UsageError } from '../../core/errors.js';
import type { Dataset } from '../dataset.js';
import type { DataSpec, FeaturesProbe } from './load.js';

/** The data loading the workflow does. */
export interface FileAccess {
  /** The data set `spec` names; with `keepMissing`, missing values stay NaN (filled later: --impute mean). */
  loadDataset(spec: DataSpec, keepMissing: boolean): Promise<Dataset>;
  /** The size of a .npy or HDF5 source's features without reading them; undefined for other formats. */
  probeFeatures(spec: DataSpec): Promise<FeaturesProbe | undefined>;
}

let access: FileAccess | undefined;

/** Lets the Node side give the workflow its data loaders (once, from data/read/register-readers.ts). */
export function registerFileAccess(a: FileAccess): void {
  access = a;
}

const inNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

/**
 * The data loaders, for `what` (the option and path, named in the error when there are none).
 * @throws UsageError `--data flowers.csv: reading files needs Node; give { rows, labels }`
 */
export function fileAccess(what: string): FileAccess {
  if (access) return access;
  throw new UsageError(
    inNode
      ? `${what}: reading files needs lnn's Node entry (import from 'lnn', not 'lnn/browser')`
      : `${what}: reading files needs Node; give { rows, labels }`,
  );
}
