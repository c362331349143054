import { streamWhenLarge } from '../../workflow/prepare.js';
import { loadDatasetKeepingMissing } from '../../data/read/register-readers.js';
import { formatSummary, summarizeDataset } from '../../data/describe/summary.js';
import { type Command } from '../command.js';
import { UsageError } from '../../workflow/parse.js';
import { dataOptions, dataSpec } from '../../workflow/inputs.js';

export const dataCommand: Command = {
  name: 'data',
  summary: 'summarize a data source: m, n_x, classes with counts, value ranges, missing values',
  usage: '--data FILE [--label COLUMN] [--json]   |   --x X.npy --y Y.npy',
  options: {
    ...dataOptions,
    'per-feature': {
      type: 'string',
      value: 'N',
      description: 'list each feature when n_x is at most N',
      default: '50',
    },
    json: { type: 'boolean', description: 'print one JSON document (m, nx, classes, values, features, missing, ...)' },
  },
  details: [
    'Examples:',
    '  lnn data --data builtin:iris',
    '  lnn data --data flowers.csv --label species --json',
    '  lnn data --data train_catvnoncat.h5 --x-key train_set_x --y-key train_set_y',
  ].join('\n'),
  async run(args, io) {
    const limit = Number(args['per-feature']);
    if (!Number.isInteger(limit) || limit < 0)
      throw new UsageError(`--per-feature must be an integer ≥ 0 but is '${args['per-feature']}'`);
    // Missing values are counted, not refused: this is where a user finds out about them. The summary
    // is one pass over the examples: a .npy or HDF5 file larger than memory is read from disk a chunk
    // at a time.
    const spec = dataSpec(args, io);
    const d = await loadDatasetKeepingMissing({ ...spec, stream: await streamWhenLarge(spec) });
    const s = summarizeDataset(d, limit);
    io.out(args['json'] ? `${JSON.stringify(s, null, 2)}\n` : formatSummary(s));
  },
};
