import type { DataSpec } from '../../data/load.js';
import { loadDatasetKeepingMissing } from '../../data/register.js';
import { formatSummary, summarizeDataset } from '../../data/summary.js';
import { UsageError, type Command, type Io, type Options, type Parsed } from '../command.js';

/** The options that name a data source, shared by `lnn data` and `lnn split`. */
export const dataSourceOptions: Options = {
  data: { type: 'string', value: 'FILE', description: 'data file (.csv, .tsv, .json, .h5) or builtin:mnist, builtin:iris' },
  x: { type: 'string', value: 'X.npy', description: 'features, one example per first-axis entry (with --y)' },
  y: { type: 'string', value: 'Y.npy', description: 'labels (with --x)' },
  label: { type: 'string', value: 'COLUMN', description: 'CSV/JSON label column: a name, or a 0-based index (-1 = last)' },
  'x-key': { type: 'string', value: 'KEY', description: 'HDF5 dataset of features (e.g. train_set_x); guessed when there is one pair' },
  'y-key': { type: 'string', value: 'KEY', description: 'HDF5 dataset of labels (e.g. train_set_y)' },
  'classes-key': { type: 'string', value: 'KEY', description: 'HDF5 dataset of class names (default: list_classes when present)' },
};

/** The data options as loadDataset's spec; notes (guessed HDF5 keys) go to stderr. */
export function dataSpecFrom(args: Parsed, io: Io): DataSpec {
  const spec: DataSpec = { onNote: (s: string) => io.err(`note: ${s}\n`) };
  for (const [opt, key] of [['data', 'data'], ['x', 'x'], ['y', 'y'], ['label', 'label'], ['x-key', 'xKey'], ['y-key', 'yKey'], ['classes-key', 'classesKey'], ['impute', 'impute']] as const)
    if (typeof args[opt] === 'string') spec[key] = args[opt];
  if (spec.data === undefined && spec.x === undefined && spec.y === undefined) throw new UsageError('no data given: use --data FILE (or builtin:mnist, builtin:iris) or --x X.npy --y Y.npy');
  return spec;
}

export const dataCommand: Command = {
  name: 'data',
  summary: 'summarize a data source: m, n_x, classes with counts, value ranges, missing values',
  usage: '--data FILE [--label COLUMN] [--json]   |   --x X.npy --y Y.npy',
  options: {
    ...dataSourceOptions,
    'per-feature': { type: 'string', value: 'N', description: 'list each feature when n_x is at most N', default: '50' },
    json: { type: 'boolean', description: 'print one JSON document (m, nx, classes, values, features, missing, ...)' },
  },
  details: ['Examples:', '  lnn data --data builtin:iris', '  lnn data --data flowers.csv --label species --json', '  lnn data --data train_catvnoncat.h5 --x-key train_set_x --y-key train_set_y'].join('\n'),
  async run(args, _positionals, io) {
    const limit = Number(args['per-feature']);
    if (!Number.isInteger(limit) || limit < 0) throw new UsageError(`--per-feature must be an integer ≥ 0 but is '${args['per-feature']}'`);
    // Missing values are counted, not refused: this is where a user finds out about them.
    const d = await loadDatasetKeepingMissing(dataSpecFrom(args, io));
    const s = summarizeDataset(d, limit);
    io.out(args['json'] ? `${JSON.stringify(s, null, 2)}\n` : formatSummary(s));
  },
};
