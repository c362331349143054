import type { BigIntStats, Stats } from 'node:fs';
import { importNodeBuiltin, isNode } from '../backend/wasm/platform.js';
import { DataError, fsReason, RefusedFileError, UsageError } from '../core/errors.js';

/**
 * Node's fs, imported at run time: this module is part of a page's bundle (a parameters file for --init
 * is read here, by every Node thread that trains, with or without lnn's entry), where there is no file.
 */
const fs = isNode ? await importNodeBuiltin<typeof import('node:fs')>('fs') : undefined;

/** Whether files can be read here (Node), or not (a page). */
export const canReadFiles = fs !== undefined;

function nodeFs(file: string): typeof import('node:fs') {
  if (!fs) throw new UsageError(`${file}: reading files needs Node; give { rows, labels }`);
  return fs;
}

/**
 * How every reader opens a data file. A FIFO, a device or a socket given as data would make a read wait
 * forever on the thread that runs the event loop (a FIFO with no writer blocks `open` itself), where no
 * signal handler can run: so a file is opened with O_NONBLOCK (no effect on a regular file), what was
 * opened is looked at through the descriptor (fstat: the file checked is the file read, whatever is
 * renamed meanwhile), and only a regular file is read.
 *
 * A file read in pieces over a run (streamed features) keeps the stamp it had when opened: its size,
 * its modification time to the nanosecond and its inode. A piece read after any of them changed would
 * mix two versions of the data, so each read compares them (`checkUnchanged`).
 */

/** What a file that is not a regular one is, for messages: 'a FIFO', 'a character device', ... */
function kindOf(st: Stats | BigIntStats): string {
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  if (st.isDirectory()) return 'a directory';
  return 'not a file';
}

/** The one line for a data path that names something other than a regular file. */
export function notRegular(file: string, st: Stats | BigIntStats): DataError {
  if (st.isDirectory()) return new DataError(`${file}: cannot read (is a directory)`, file);
  return new RefusedFileError(
    `${file}: not a regular file (${kindOf(st)}); lnn reads data only from regular files, since a read from a pipe or a device can wait forever: save it to a file first`,
    file,
  );
}

/**
 * Opens a regular file for reading without blocking; anything else is refused before one byte is read.
 * The caller closes the descriptor. `stat` is the descriptor's, with nanosecond times.
 * @throws DataError `data.csv: not a regular file (a FIFO); lnn reads data only from regular files, ...`
 */
export function openRegular(file: string): { fd: number; stat: BigIntStats } {
  const { openSync, constants, statSync, fstatSync, closeSync } = nodeFs(file);
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    // A socket cannot be opened at all (ENXIO): say what it is rather than why open failed.
    const st = statSync(file, { throwIfNoEntry: false });
    if (st && !st.isFile()) throw notRegular(file, st);
    throw new DataError(`${file}: cannot read (${fsReason(e)})`, file);
  }
  const stat = fstatSync(fd, { bigint: true });
  if (!stat.isFile()) {
    closeSync(fd);
    throw notRegular(file, stat);
  }
  return { fd, stat };
}

/** The whole of a regular file (see `openRegular`). */
export function readRegularFile(file: string): Uint8Array {
  const { fd } = openRegular(file);
  const { readFileSync, closeSync } = nodeFs(file);
  try {
    return readFileSync(fd);
  } catch (e) {
    throw new DataError(`${file}: cannot read (${fsReason(e)})`, file);
  } finally {
    closeSync(fd);
  }
}

/**
 * What a file read in pieces must keep while it is read: a change in any of them means the pieces would
 * come from two versions of the data. (Plain numbers and bigints, so it crosses to a reader thread.)
 */
export interface FileStamp {
  size: number;
  /** Last modification, in nanoseconds since the epoch. */
  mtimeNs: bigint;
  ino: bigint;
  dev: bigint;
}

/** The stamp of an open file: what must stay the same while it is read in pieces. */
export function stampOf(st: BigIntStats): FileStamp {
  return { size: Number(st.size), mtimeNs: st.mtimeNs, ino: st.ino, dev: st.dev };
}

/** The stamp of the file at `file` now, or undefined when nothing is there any more. */
export function stampAt(file: string): FileStamp | undefined {
  const st = nodeFs(file).statSync(file, { bigint: true, throwIfNoEntry: false });
  return st ? stampOf(st) : undefined;
}

/** A time in nanoseconds since the epoch, as ISO 8601 with its nine decimals. */
function isoNs(ns: bigint): string {
  const ms = ns / 1_000_000n;
  return new Date(Number(ms)).toISOString().replace(/\.\d+Z$/, `.${String(ns % 1_000_000_000n).padStart(9, '0')}Z`);
}

/**
 * Throws when the file changed since it was opened (`was`): `now` is the open descriptor's stamp (the
 * bytes being read), `onPath` what its path names now (undefined: removed). A file that shrank is
 * told by `cut` when given (it can name the first example cut off); any other change names what
 * changed.
 * @throws DataError `x.npy: changed while lnn read it: its size went from 48128 to 48140 bytes; ...`
 */
export function checkUnchanged(
  file: string,
  was: FileStamp,
  { now, onPath }: { now: FileStamp; onPath: FileStamp | undefined },
  cut?: (size: number) => DataError,
): void {
  const what: string[] = [];
  if (now.ino !== was.ino || now.dev !== was.dev) what.push(`it is another file (inode ${was.ino}, now ${now.ino})`);
  else if (now.size < was.size && cut) throw cut(now.size);
  else if (now.size !== was.size) what.push(`its size went from ${was.size} to ${now.size} bytes`);
  else if (now.mtimeNs !== was.mtimeNs)
    what.push(`it was written to: its modification time went from ${isoNs(was.mtimeNs)} to ${isoNs(now.mtimeNs)}`);
  if (!onPath) what.push('its path names no file any more');
  else if (onPath.ino !== was.ino || onPath.dev !== was.dev)
    what.push(`its path names another file now (inode ${was.ino}, now ${onPath.ino})`);
  if (what.length === 0) return;
  throw new DataError(
    `${file}: changed while lnn read it: ${what.join('; ')}; a file cut or changed mid-run stops the run, since the examples read before and after would not be one data set`,
    file,
  );
}

/** Whether `path` names a directory (false when it names nothing, or nothing Node can look at). */
export function isDirectory(path: string): boolean {
  try {
    return nodeFs(path).statSync(path).isDirectory();
  } catch {
    return false;
  }
}
