import { closeSync, constants, existsSync, fstatSync, openSync, statSync, type BigIntStats } from 'node:fs';

/**
 * Which files the HDF5 library may open. HDF5 opens files by name on its own: the data file, and the
 * files an external link, external storage (a dataset whose values live in another file) or a virtual
 * dataset names. h5wasm runs it over Emscripten's NODERAWFS, where every such open goes through
 * `FS.open`; `guardOpens` wraps it so that each open for reading
 *  - is looked at first (stat: a file refused is never opened), then opened with O_NONBLOCK and looked
 *    at again through its descriptor: anything but a regular file (a FIFO would block the thread for
 *    good) is refused; HDF5 then opens that same file through /proc/self/fd, so nothing can be put in
 *    its place between the look and the open;
 *  - while a loader runs with `only` set (DataSpec.confined, under a worker's --data-root), must be the
 *    data file itself, whatever name leads to it.
 * A refused open fails with EACCES inside HDF5, which gives up the read; the loader then tells what was
 * refused (`OpenGuard.refused`) rather than HDF5's error stack.
 */

/** The part of h5wasm's file system the guard wraps. */
export interface H5FileSystem {
  open(path: string, flags: number | string, mode?: number): unknown;
  ErrnoError: new (errno: number) => Error;
}

/** What one loader call lets HDF5 open, and the first open it refused. */
export interface OpenGuard {
  /** The one file HDF5 may open (its device and inode); absent: any regular file. */
  only?: { dev: bigint; ino: bigint } | undefined;
  /** The dataset being read (see `reading`), for the message of a refused open. */
  reading?: string | undefined;
  refused?: { path: string; stat: BigIntStats; reading?: string | undefined } | undefined;
}

/** Emscripten's errno for EACCES (its own numbering, not the host's). */
const EACCES = 2;
/** Emscripten's open flags, as the C library passes them: the access mode bits and O_CREAT. */
const O_ACCMODE = 3,
  O_CREAT = 64;
const PROC_FD = existsSync('/proc/self/fd');

let current: OpenGuard | undefined;

/** Runs `read` (synchronous h5wasm calls) with `g` deciding the files HDF5 may open meanwhile. */
export function guarded<T>(g: OpenGuard, read: () => T): T {
  const before = current;
  current = g;
  try {
    return read();
  } finally {
    current = before;
  }
}

/** The guard of the loader call running now: rows made by it keep it for their later reads. */
export function activeGuard(): OpenGuard | undefined {
  return current;
}

/** Runs `read` of dataset `key` under the active guard, so that an open refused meanwhile names it. */
export function reading<T>(key: string, read: () => T): T {
  const g = current;
  if (!g) return read();
  const before = g.reading;
  g.reading = key;
  try {
    return read();
  } finally {
    g.reading = before;
  }
}

/** Wraps `FS.open` of an h5wasm module once: see the module comment. Opens for writing pass untouched. */
export function guardOpens(FS: H5FileSystem): void {
  const open = FS.open;
  FS.open = (path, flags, mode) => {
    if (typeof flags !== 'number' || (flags & O_ACCMODE) !== 0 || flags & O_CREAT) return open(path, flags, mode);
    const refuse = (stat: BigIntStats) => {
      if (current) current.refused ??= { path, stat, reading: current.reading };
      return new FS.ErrnoError(EACCES);
    };
    // Looked at before it is opened (a file refused is never opened), and again through the descriptor.
    const before = statSync(path, { bigint: true, throwIfNoEntry: false });
    if (before && !allowed(before)) throw refuse(before);
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch {
      return open(path, flags, mode); // HDF5 gets its own reason (no such file, permission denied)
    }
    try {
      const stat = fstatSync(fd, { bigint: true });
      if (!allowed(stat)) throw refuse(stat);
      return open(PROC_FD ? `/proc/self/fd/${fd}` : path, flags, mode);
    } finally {
      closeSync(fd);
    }
  };
}

/** Whether HDF5 may open this file now: a regular file, and the data file itself when a guard says so. */
function allowed(st: BigIntStats): boolean {
  const only = current?.only;
  return st.isFile() && (!only || (st.dev === only.dev && st.ino === only.ino));
}
