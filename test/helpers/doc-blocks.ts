/**
 * The code blocks of a Markdown page, as test/docs.test.ts runs them: ```sh (or bash) blocks as shell
 * commands, ```ts and ```js blocks as ES modules, each with the marker written on the line before its
 * fence and the outputs it promises (`# => TEXT` after a command, `// => TEXT` on a statement).
 */

/** What a `<!-- docs-test: ... -->` comment before a fence asks. */
export type Marker =
  { kind: 'run' } | { kind: 'skip'; reason: string } | { kind: 'slow' } | { kind: 'course-data'; slow: boolean };

export interface Command {
  /** The command as written, continuation lines joined. */
  text: string;
  /** The outputs it promises (`# => ...` lines after it). */
  expect: string[];
}

export interface Block {
  lang: 'sh' | 'ts' | 'js';
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  marker: Marker;
}

const FENCE = /^(\s*)```(\w*)\s*$/;
const MARKER = /^\s*<!--\s*docs-test:\s*(.*?)\s*-->\s*$/;
const LANGS: Record<string, Block['lang']> = { sh: 'sh', bash: 'sh', ts: 'ts', typescript: 'ts', js: 'js' };

/**
 * The marker's text as a Marker: `skip (why)`, `slow`, `course-data` or `course-data slow`.
 * @throws Error for an unknown marker, or a skip that does not say why.
 */
export function parseMarker(text: string, where: string): Marker {
  const skip = /^skip\s*(?:\((.*)\))?$/.exec(text);
  if (skip) {
    const reason = skip[1]?.trim();
    if (!reason) throw new Error(`${where}: a skipped block must say why: <!-- docs-test: skip (REASON) -->`);
    return { kind: 'skip', reason };
  }
  if (text === 'slow') return { kind: 'slow' };
  if (text === 'course-data') return { kind: 'course-data', slow: false };
  if (text === 'course-data slow') return { kind: 'course-data', slow: true };
  throw new Error(`${where}: unknown marker '${text}' (skip (REASON), slow, course-data, course-data slow)`);
}

/** Every runnable block of a page, in order; other fences (json, python, text) are passed over. */
export function extractBlocks(markdown: string, file: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    let end = i + 1;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end]!)) end++;
    if (end === lines.length) throw new Error(`${file}:${i + 1}: the code block is never closed`);
    const lang = LANGS[open[2]!];
    if (lang) {
      let before = i - 1;
      while (before >= 0 && lines[before]!.trim() === '') before--;
      const m = before >= 0 ? MARKER.exec(lines[before]!) : null;
      const marker: Marker = m ? parseMarker(m[1]!, `${file}:${before + 1}`) : { kind: 'run' };
      const code = lines
        .slice(i + 1, end)
        .map((l) => l.slice(Math.min(indent, l.length - l.trimStart().length)))
        .join('\n');
      blocks.push({ lang, line: i + 1, code, marker });
    }
    i = end;
  }
  return blocks;
}

/**
 * A shell block's commands: continuation lines (`\` at the end) joined, comment lines dropped, a
 * `# => TEXT` line given to the command before it.
 */
export function shellCommands(code: string): Command[] {
  const out: Command[] = [];
  let pending = '';
  for (const raw of code.split('\n')) {
    const line = raw.trimEnd();
    const expect = /^\s*# =>\s?(.*)$/.exec(line);
    if (expect && !pending) {
      if (!out.length) throw new Error(`'# => ${expect[1]}' follows no command`);
      out[out.length - 1]!.expect.push(expect[1]!);
      continue;
    }
    if (!pending && (line.trim() === '' || line.trimStart().startsWith('#'))) continue;
    const part = pending ? line.trimStart() : line;
    if (part.endsWith('\\')) {
      pending += part.slice(0, -1).trimEnd() + ' ';
      continue;
    }
    out.push({ text: (pending + part).trim(), expect: [] });
    pending = '';
  }
  if (pending) out.push({ text: pending.trim(), expect: [] });
  return out;
}

/** The outputs a ts/js block promises: the text after each `// =>`, in order. */
export function moduleExpectations(code: string): string[] {
  return [...code.matchAll(/\/\/ =>\s?(.*)$/gm)].map((m) => m[1]!.trim());
}

type Token = { kind: 'text'; text: string } | { kind: 'num'; value: number; tol: number } | { kind: 'gap' };

const TOKEN = /\.\.\.|…|~?-?\d+(?:\.\d+)?(?:e[-+]?\d+)?|[A-Za-z_]+|\S/gi;

/**
 * Text as tokens: words, single marks, numbers (with the tolerance their writing implies: `0.93` is
 * anything that rounds to it, `~95` anything within 10%), and `...` gaps.
 */
function tokens(text: string, expected: boolean): Token[] {
  return [...text.matchAll(TOKEN)].map(([t]): Token => {
    if (expected && (t === '...' || t === '…')) return { kind: 'gap' };
    const num = /^(~?)(-?\d+(?:\.(\d+))?(?:e([-+]?\d+))?)$/i.exec(t);
    if (!num) return { kind: 'text', text: t.toLowerCase() };
    const value = Number(num[2]);
    if (!expected) return { kind: 'num', value, tol: 0 };
    if (num[1]) return { kind: 'num', value, tol: Math.abs(value) * 0.1 };
    const decimals = (num[3]?.length ?? 0) - Number(num[4] ?? 0);
    return { kind: 'num', value, tol: 0.5 * 10 ** -decimals * (1 + 1e-9) };
  });
}

function same(e: Token, a: Token): boolean {
  if (e.kind === 'text') return a.kind === 'text' && a.text === e.text;
  if (e.kind === 'num') return a.kind === 'num' && Math.abs(a.value - e.value) <= e.tol;
  return false;
}

/**
 * Whether `output` shows what `expected` promises, loosely: the expected words, marks and numbers in
 * order, whitespace ignored, case ignored, each number as precise as it is written (`~` for 10%), and
 * `...` standing for anything. A promise may match anywhere in the output.
 */
export function matchesLoosely(output: string, expected: string): boolean {
  const want = tokens(expected, true);
  const have = tokens(output, false);
  const segments: Token[][] = [[]];
  for (const t of want) t.kind === 'gap' ? segments.push([]) : segments[segments.length - 1]!.push(t);
  let at = 0;
  for (const seg of segments) {
    if (!seg.length) continue;
    let found = -1;
    for (let i = at; i + seg.length <= have.length && found < 0; i++)
      if (seg.every((t, k) => same(t, have[i + k]!))) found = i;
    if (found < 0) return false;
    at = found + seg.length;
  }
  return true;
}

/**
 * A command as `lnn`'s slow blocks run it: every `--epochs N` made 1 and every `--iterations N` made 50,
 * and `--epochs 1` given to a `train` or `sweep` that names neither.
 */
export function shortened(command: string): string {
  const c = command.replace(/--epochs[ =]\d+/g, '--epochs 1').replace(/--iterations[ =]\d+/g, '--iterations 50');
  return c.replace(/(\bnpx lnn (?:train|sweep))(?![^#]*--(?:epochs|iterations)\b)/g, '$1 --epochs 1');
}

/**
 * The paragraphs of a page whose parentheses do not balance (a note cut short), outside code blocks and
 * inline code, with the line each starts on.
 */
export function unbalancedParagraphs(markdown: string): { line: number; text: string }[] {
  const out: { line: number; text: string }[] = [];
  let para: string[] = [];
  let start = 0;
  let inCode = false;
  const flush = () => {
    const text = para.join(' ').replace(/(`+)[^`]*?\1/g, '');
    if (text.split('(').length !== text.split(')').length) out.push({ line: start, text: para.join(' ') });
    para = [];
  };
  markdown.split('\n').forEach((line, i) => {
    if (/^\s*```/.test(line)) inCode = !inCode;
    const breaks = inCode || /^\s*(```|$|#|\||- |<!--)/.test(line);
    if (breaks) flush();
    if (!inCode && !/^\s*(```|$)/.test(line)) {
      if (!para.length) start = i + 1;
      para.push(line);
    }
  });
  flush();
  return out;
}
