import type { Command } from '../command.js';
import { diagnoseCommand } from './diagnose.js';
import { reportCommand } from './report.js';

/** Every `lnn` command, in the order `lnn --help` lists them. */
export const commands: Command[] = [];
commands.push(diagnoseCommand);
commands.push(reportCommand);
