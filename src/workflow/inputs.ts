import { backendInitError, defaultBackend, getBackend, initBackends } from '../backend/index.js';
import { printable } from '../core/text.js';
import type { Backend } from '../backend/backend.js';
import type { DataSpec } from '../data/read/load.js';
import type { ImputeKind } from '../data/read/table.js';
import { UsageError, type Options, type Parsed } from './parse.js';

/** The options every command that reads a data set takes. */
export const dataOptions: Options = {
  data: {
    type: 'string',
    value: 'FILE',
    description: 'data file (.csv, .tsv with --label; .json; .h5 with --x-key/--y-key) or builtin:mnist, builtin:iris',
  },
  x: {
    type: 'string',
    value: 'X.npy',
    description: 'features, one example per first-axis entry, flattened row-major (with --y)',
  },
  y: { type: 'string', value: 'Y.npy', description: 'labels, one per example, or one-hot rows (with --x)' },
  label: {
    type: 'string',
    value: 'COLUMN',
    description: 'CSV/JSON label column: a name, or a 0-based index (-1 = last)',
  },
  'x-key': {
    type: 'string',
    value: 'KEY',
    description: 'HDF5 dataset of features (e.g. train_set_x); guessed when there is one pair',
  },
  'y-key': { type: 'string', value: 'KEY', description: 'HDF5 dataset of labels (e.g. train_set_y)' },
  'classes-key': {
    type: 'string',
    value: 'KEY',
    description: 'HDF5 dataset of class names (default: list_classes when present)',
  },
};

export const backendOption: Options = {
  backend: {
    type: 'string',
    value: 'NAME',
    description:
      'kernels: native (the C++ addon, when built), wasm (WebAssembly SIMD, threads) or ts (plain TypeScript reference); default: the fastest available',
  },
};

/**
 * The data options as loadDataset's spec, each reader's options in its own object: --label and --impute
 * for CSV/TSV and JSON, the --*-key options for HDF5; notes (guessed HDF5 keys) go to stderr.
 */
export function dataSpec(args: Parsed, io?: { err: (s: string) => void }, unlabeled = false): DataSpec {
  const str = (opt: string) => (typeof args[opt] === 'string' ? (args[opt] as string) : undefined);
  const impute = str('impute');
  const isImpute = (v: string | undefined): v is ImputeKind | undefined =>
    v === undefined || v === 'mean' || v === 'none';
  if (!isImpute(impute)) throw new UsageError(`--impute must be 'mean' or 'none' but is '${impute}'`);
  const table = { label: str('label'), impute };
  const spec: DataSpec = {
    data: str('data'),
    x: str('x'),
    y: str('y'),
    unlabeled,
    csv: table,
    json: table,
    hdf5: {
      xKey: str('x-key'),
      yKey: str('y-key'),
      classesKey: str('classes-key'),
      onNote: io ? (s: string) => io.err(`note: ${s}\n`) : undefined,
    },
  };
  if (spec.data === undefined && spec.x === undefined && spec.y === undefined)
    throw new UsageError('no data given: use --data FILE (or builtin:mnist, builtin:iris) or --x X.npy --y Y.npy');
  return spec;
}

/** The most threads LNN_THREADS may ask for. */
const MAX_THREADS = 256;

/**
 * LNN_THREADS, checked: a positive integer up to MAX_THREADS, or unset. A bad value is refused with its own
 * message rather than quietly leaving the fast backends unloaded.
 */
export function threadsFromEnvironment(env: Record<string, string | undefined> = environment()): number | undefined {
  const raw = env['LNN_THREADS'];
  if (raw === undefined || raw === '') return undefined;
  const n = Number(raw.trim());
  if (!/^\s*\d+\s*$/.test(raw) || !Number.isInteger(n) || n < 1 || n > MAX_THREADS)
    throw new UsageError(
      `LNN_THREADS must be a whole number of threads from 1 to ${MAX_THREADS} but is '${printable(raw)}' (unset it to use every core)`,
    );
  return n;
}

/** process.env under Node; nothing in a page (which has no process). */
function environment(): Record<string, string | undefined> {
  return typeof process !== 'undefined' && process.env ? process.env : {};
}

/** The backend `--backend` names (after loading the fast ones), or the fastest available. */
export async function chooseBackend(args: Parsed): Promise<Backend> {
  const threads = threadsFromEnvironment();
  await initBackends(threads !== undefined ? { threads } : {});
  const name = args['backend'];
  if (typeof name !== 'string') return defaultBackend();
  try {
    return getBackend(name);
  } catch (e) {
    const why = backendInitError();
    const reason =
      why !== undefined && name === 'wasm' ? ` (the wasm backend could not load: ${(why as Error).message})` : '';
    throw new UsageError((e as Error).message.replace(/^backend/, '--backend') + reason);
  }
}
