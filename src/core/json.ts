import { DataError } from './errors.js';

/**
 * JSON.parse with an error that names the file, the line and column, and says when the text simply
 * stops (a truncated file). Browser-safe: it takes the text, not the file.
 */
export function parseJsonText(text: string, file: string): unknown {
  // A byte-order mark (editors on Windows write one) is not part of the document, as in the data readers.
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw new DataError(`${file}: the file is empty`, file);
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg)?.[1];
    let where = '';
    if (pos !== undefined) {
      const before = text.slice(0, Number(pos));
      where = ` at line ${before.split('\n').length}, column ${Number(pos) - before.lastIndexOf('\n')}`;
    } else if (/Unexpected end/.test(msg)) where = ' at the end (the file is truncated)';
    throw new DataError(
      `${file}: not valid JSON${where} (truncated or corrupted?): ${msg.replace(/ in JSON at position \d+.*$/, '')}`,
      file,
    );
  }
}
