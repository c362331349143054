/**
 * A terminal for tests of what lnn draws on one: stderr as a TTY of a given width, and a screen that
 * plays the writes as a terminal would (\r, \n, erase line ESC[2K, cursor up ESC[1A; other escapes are
 * refused), so a test reads what a person sees during and after a run. A line that reaches the last
 * column wraps to the next row, as on a terminal: a live line that wrapped would leave pieces behind
 * when it is erased, and the screen would show them.
 */
import { main } from '../../src/cli/main.js';

export class FakeTerminal {
  readonly lines: string[] = [''];
  row = 0;
  col = 0;
  /** The screen after each write (its last 8 rows): what a person saw then. */
  readonly frames: string[][] = [];

  constructor(readonly columns: number) {}

  write(text: string): void {
    for (let i = 0; i < text.length; i++) {
      const ch = text[i]!;
      if (ch === '\x1b') {
        const m = /^\x1b\[(\d*)([A-Za-z])/.exec(text.slice(i));
        if (!m || !['2K', '1A'].includes(m[1]! + m[2]!))
          throw new Error(`unexpected escape ${JSON.stringify(text.slice(i, i + 6))}`);
        if (m[2] === 'K') this.lines[this.row] = '';
        else this.row = Math.max(0, this.row - 1);
        i += m[0].length - 1;
      } else if (ch === '\r') this.col = 0;
      else if (ch === '\n') this.newline();
      else {
        if (this.col >= this.columns) this.newline();
        const line = this.lines[this.row]!.padEnd(this.col);
        this.lines[this.row] = line.slice(0, this.col) + ch + line.slice(this.col + 1);
        this.col++;
      }
    }
    this.frames.push(this.lines.slice(-8));
  }

  private newline(): void {
    this.row++;
    this.col = 0;
    if (this.lines.length <= this.row) this.lines.push('');
  }

  /** The screen's text, its trailing empty lines dropped. */
  screen(): string[] {
    const out = this.lines.map((l) => l.trimEnd());
    while (out.length && out[out.length - 1] === '') out.pop();
    return out;
  }
}

/** Runs `lnn ARGS` in this process with stderr on a fake terminal of `columns`; stdout is collected apart. */
export async function lnnOnTerminal(args: string[], columns: number) {
  const term = new FakeTerminal(columns);
  let stdout = '';
  const io = {
    out: (s: string) => void (stdout += s),
    err: (s: string) => term.write(s),
    errIsTTY: true,
    errColumns: () => columns,
  };
  const code = await main(args, io);
  return { code, stdout, term };
}
