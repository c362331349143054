import { parseJsonText } from '../core/json.js';
import { readRegularFile } from './regular-file.js';
import { writeOutput } from './outputs.js';

/**
 * Writes `content` to `file` so that readers see either the old file or the whole new one, never a
 * half-written file (see `writeOutput`: a symlink's target is replaced, a FIFO or device is written
 * through, an existing file keeps its mode, a read-only file is refused).
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  writeOutput(file, content);
}

/**
 * Reads and parses a JSON file; a missing, empty or malformed file, or one that is not a regular file (a
 * FIFO would block the read), is a DataError naming file and position.
 */
export function readJsonFile(file: string): unknown {
  return parseJsonText(new TextDecoder('utf-8').decode(readRegularFile(file)), file);
}
