import { ftruncateSync, mkdirSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, fsReason } from '../../core/errors.js';
import { CONVERT_DTYPES, convertCsv, type ConvertResult } from '../../data/stream/convert.js';
import { planOutputs, StreamedOutputs } from '../../io/outputs.js';
import { formatBytes } from '../../train/memory.js';
import { type Command } from '../command.js';
import { choiceOption, UsageError, type Io, type Parsed } from '../../workflow/parse.js';
import { inputsOf, withSignalsHandled } from '../command-outputs.js';

export const convertCommand: Command = {
  name: 'convert',
  summary: 'convert a CSV into x.npy and y.npy, streaming in constant memory, for training by row ranges (--stream)',
  usage: '--data FILE.csv --out DIR [--label COLUMN] [--dtype float32|float64|uint8] [--force]',
  options: {
    data: { type: 'string', value: 'FILE', description: 'the CSV (or .tsv) to convert, with a header row' },
    label: {
      type: 'string',
      value: 'COLUMN',
      description: 'the label column: a name, or a 0-based index (-1 = last); default label, y, target, class, ...',
    },
    out: {
      type: 'string',
      value: 'DIR',
      description: 'the directory to write x.npy and y.npy into (created if missing)',
    },
    dtype: {
      type: 'string',
      value: 'TYPE',
      description: 'dtype of x.npy: float32, float64 (exact) or uint8 (integers 0..255, e.g. pixels)',
      default: 'float32',
    },
    force: { type: 'boolean', description: 'replace x.npy and y.npy when they exist' },
    json: { type: 'boolean', description: 'print one JSON document (m, nx, dtype, files, labels) on stdout' },
    quiet: { type: 'boolean', description: 'no progress output on stderr' },
  },
  details: [
    'A CSV cannot be read by row ranges, so a file larger than memory is converted once; then',
    '  lnn train --x DIR/x.npy --y DIR/y.npy --stream',
    'reads it by offset. Numeric labels are written as float64, text labels as strings (classes by',
    'name), as the CSV reader reads them. Feature names are not kept (.npy has none).',
    '',
    'Examples:',
    '  lnn convert --data big.csv --label y --out big',
    '  lnn convert --data mnist_train.csv --label label --dtype uint8 --out mnist',
  ].join('\n'),
  run: (args, io) => runConvert(args, io),
};

async function runConvert(args: Parsed, io: Io): Promise<number> {
  const file = typeof args['data'] === 'string' ? args['data'] : undefined;
  const dir = typeof args['out'] === 'string' ? args['out'] : undefined;
  if (file === undefined) throw new UsageError('--data FILE.csv is required');
  if (dir === undefined) throw new UsageError('--out DIR is required');
  if (!/\.(csv|tsv)$/i.test(file))
    throw new UsageError(
      `--data ${file}: lnn convert reads CSV and TSV files (.npy and HDF5 are read by offset already)`,
    );
  const dtype = choiceOption(args, 'dtype', CONVERT_DTYPES)!;
  checkInput(file);
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new DataError(`--out ${dir}: cannot create the output directory (${fsReason(e)})`, dir);
  }
  // Both files are checked before a row is read; existing ones are kept unless --force.
  const plan = planOutputs(
    ['x.npy', 'y.npy'].map((name) => ({ option: '--out', key: name, path: join(dir, name) })),
    inputsOf(args, ['data']),
    args['force'] ? {} : { mustNotExist: { hint: 'pass --force to replace it, or choose another --out' } },
  );
  const outs = new StreamedOutputs(plan);
  const result = await withSignalsHandled(async () => {
    try {
      const codes = outs.scratchFile('y.npy');
      const fd = { x: outs.fd('x.npy'), y: outs.fd('y.npy'), codes };
      const converted = await convertCsv(
        file,
        {
          write: (f, bytes, position) => outs.write(fd[f], bytes, position),
          read: (_f, into, position) => void readSync(codes, into, 0, into.length, position),
          truncate: (_f, length) => ftruncateSync(fd.y, length),
        },
        {
          label: typeof args['label'] === 'string' ? args['label'] : undefined,
          delimiter: /\.tsv$/i.test(file) ? '\t' : ',',
          dtype,
          onRows: args['quiet'] ? undefined : (rows) => io.err(`${rows.toLocaleString('en-US')} rows...\n`),
        },
      );
      outs.commit();
      return converted;
    } catch (e) {
      outs.abort();
      throw e;
    }
  });
  io.out(report(result, dir, Boolean(args['json'])));
  return 0;
}

/** The input must be a readable file (a missing one fails before the outputs are touched). */
function checkInput(file: string): void {
  try {
    if (statSync(file).isDirectory()) throw new DataError(`${file}: cannot read (is a directory)`, file);
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw new DataError(`${file}: cannot read (${fsReason(e)})`, file);
  }
}

function report(r: ConvertResult, dir: string, json: boolean): string {
  const x = join(dir, 'x.npy'),
    y = join(dir, 'y.npy');
  if (json)
    return (
      JSON.stringify({
        m: r.m,
        nx: r.nx,
        dtype: r.dtype,
        x,
        y,
        labels: r.labels,
        ...(r.classes !== undefined ? { classes: r.classes } : {}),
        labelColumn: r.labelColumn,
      }) + '\n'
    );
  const labels = r.labels === 'text' ? `${r.classes} classes as text` : 'numbers';
  return [
    `wrote ${x}: (${r.m}, ${r.nx}) ${r.dtype}, ${formatBytes(statSync(x).size)}`,
    `wrote ${y}: ${r.m} labels (${labels}) from column '${r.labelColumn}'`,
    `train with: lnn train --x ${x} --y ${y} --stream`,
    '',
  ].join('\n');
}
