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

/** Formats a shape as the course writes it: (5, 3). */
export function fmtShape(rows: number, cols: number): string {
  return `(${rows}, ${cols})`;
}
