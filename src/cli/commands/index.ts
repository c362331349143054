import type { Command } from '../command.js';
// The CSV, TSV, JSON and HDF5 readers for --data (must load before any command runs loadDataset).
import '../../data/read/register-readers.js';
import { diagnoseCommand } from './diagnose.js';
import { evalCommand } from './evaluate.js';
import { gradcheckCommand } from './gradcheck.js';
import { inspectCommand } from './inspect.js';
import { predictCommand } from './predict.js';
import { trainCommand } from './train.js';
import { reportCommand } from './report.js';
import { dataCommand } from './data.js';
import { splitCommand } from './split.js';
import { sweepCommand } from './sweep.js';
import { runsCommand } from './runs.js';
import { workerCommand } from './worker.js';
import { convertCommand } from './convert.js';
import { playgroundCommand } from './playground.js';

/** Every `lnn` command, in the order `lnn --help` lists them. */
export const commands: Command[] = [trainCommand, evalCommand, predictCommand, inspectCommand, gradcheckCommand];
commands.push(diagnoseCommand);
commands.push(reportCommand);
commands.push(dataCommand);
commands.push(splitCommand);
commands.push(sweepCommand);
commands.push(runsCommand);
commands.push(workerCommand);
commands.push(convertCommand);
commands.push(playgroundCommand);
