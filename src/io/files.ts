import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { DataError, fsReason } from '../core/errors.js';
import { parseJsonText } from '../core/json.js';

/**
 * Writes `content` to `file` so that readers see either the old file or the whole new one, never a
 * half-written file: write a temporary file beside it, flush, then rename over the target.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    const fd = openSync(tmp, 'w');
    try {
      writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    const code = (e as NodeJS.ErrnoException).code;
    throw new DataError(
      `${file}: cannot write (${code === 'ENOENT' ? 'no such directory' : code === 'EACCES' ? 'permission denied' : (e as Error).message})`,
      file,
    );
  }
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
