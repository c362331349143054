import { readFileSync } from 'node:fs';
import { DataError, fsReason } from '../core/errors.js';
import { parseJsonText } from '../core/json.js';
import { writeOutput } from './outputs.js';

/**
 * Writes `content` to `file` so that readers see either the old file or the whole new one, never a
 * half-written file (see `writeOutput`: a symlink's target is replaced, a FIFO or device is written
 * through, an existing file keeps its mode, a read-only file is refused).
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  writeOutput(file, content);
}

/** Reads and parses a JSON file; a missing, empty or malformed file is a DataError naming file and position. */
export function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new DataError(`${file}: cannot read (${fsReason(e)})`, file);
  }
  return parseJsonText(text, file);
}
