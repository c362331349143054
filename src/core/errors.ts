/**
 * Errors that name the operation, the argument, the rule and what came, in the course's notation.
 * The command line prints `message` as its one-line reason, so every message must stand alone.
 */

/** A matrix had the wrong shape: `linearForward: W[2] must be (n[2], n[1]) = (5, 3) but is (5, 4)`. */
export class ShapeError extends Error {
  override name = 'ShapeError';
}

/** A hyperparameter or option had a value outside its domain (Keras style: what was expected, what came). */
export class ValueError extends Error {
  override name = 'ValueError';
}

/** A file could not be read or did not follow its format; the message names the file and the position. */
export class DataError extends Error {
  override name = 'DataError';
  constructor(
    message: string,
    readonly file?: string,
  ) {
    super(message);
  }
}

/**
 * An option broke its rule (a flag on the command line, or the same option given to a library call):
 * the command line prints it as one line with a pointer to --help and exits with code 2.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Work stopped because its AbortSignal was aborted (`signal` of fit, train, sweep): what was kept is
 * said by the operation (a model keeps the parameters of its last update).
 */
export class AbortError extends Error {
  override name = 'AbortError';
}

/**
 * A file refused for what it is rather than for what it holds: a FIFO or a device (a read could wait
 * forever), an HDF5 file that reads other files where only files under a data root may be read. Another
 * try, or another machine with the same files, would be refused the same way.
 */
export class RefusedFileError extends DataError {}

/** Formats a shape as the course writes it: (5, 3). */
export function fmtShape(rows: number, cols: number): string {
  return `(${rows}, ${cols})`;
}

/**
 * Why a file operation failed, in words, from a Node errno error (browser-safe: it only reads `.code`).
 * One mapping for every reader and writer, so the same failure reads the same everywhere.
 * @example fsReason({ code: 'ENOENT' }) // => 'no such file or directory'
 */
export function fsReason(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'read-only file system';
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'disk quota exceeded';
    case 'EMFILE':
    case 'ENFILE':
      return 'too many open files';
    case 'ENAMETOOLONG':
      return 'file name too long';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'EEXIST':
      return 'already exists';
    case 'EBUSY':
      return 'resource busy';
    case 'EXDEV':
      return 'cannot rename across file systems';
    default:
      return e instanceof Error ? e.message.split('\n')[0]! : String(e);
  }
}
