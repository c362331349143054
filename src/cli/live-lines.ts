/**
 * Live lines at the bottom of a terminal: a block of lines redrawn in place (a training bar, one line
 * per running trial of a sweep), with lasting lines printed above it (an epoch's figures, a finished
 * trial). Each live line is cut to the terminal's width − 1, for a line that wraps would throw off the
 * count of lines to go back up over. Only for a terminal: off one, callers print plain lines.
 */

/** Erase the line the cursor is on and go to its start. */
export const CLEAR_LINE = '\r\x1b[2K';
/** Go up one line and erase it. */
const UP_CLEAR = '\x1b[1A\x1b[2K';

export class LiveLines {
  /** How many live lines are on the screen now. */
  private shown = 0;

  constructor(
    private readonly write: (text: string) => void,
    /** The terminal's width now (it may change while a run goes on); undefined: 80. */
    private readonly columns: () => number | undefined,
  ) {}

  /** The width lines must fit in: the terminal's, never under 20. */
  width(): number {
    return Math.max(20, this.columns() ?? 80);
  }

  /** What takes the cursor back to the start of the block, erasing it (one CLEAR_LINE when it is empty). */
  private erase(): string {
    return CLEAR_LINE + UP_CLEAR.repeat(Math.max(0, this.shown - 1));
  }

  private block(lines: readonly string[]): string {
    const room = this.width() - 1;
    return lines.map((l) => (l.length > room ? l.slice(0, room) : l)).join('\n');
  }

  /** Replaces the live block with these lines (the cursor stays at the end of the last one). */
  draw(lines: readonly string[]): void {
    this.write(this.erase() + this.block(lines));
    this.shown = lines.length;
  }

  /** Prints lasting lines where the block was, then the block (these lines) under them. */
  print(lasting: readonly string[], lines: readonly string[]): void {
    const above = lasting.map((l) => `${l}\n`).join('');
    this.write(this.erase() + above + this.block(lines));
    this.shown = lines.length;
  }

  /** Erases the block, leaving the cursor at the start of an empty line. */
  clear(): void {
    if (this.shown === 0) return;
    this.write(this.erase());
    this.shown = 0;
  }
}
