import type { Command } from '../command.js';

/** Every `lnn` command, in the order `lnn --help` lists them. */
export const commands: Command[] = [];
