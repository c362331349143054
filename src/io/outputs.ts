import {
  accessSync,
  chmodSync,
  closeSync,
  constants,
  fsyncSync,
  linkSync,
  lstatSync,
  openSync,
  readdirSync,
  readlinkSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { DataError, fsReason } from '../core/errors.js';

/**
 * Every file a command writes goes through here, so that:
 * - locations are checked before any work starts (`planOutputs`): a missing directory, a directory
 *   given as a file, a read-only file or an output that is also an input fails in one line, first;
 * - outputs are committed all or none (`commitOutputs`): each regular file is written to a temporary
 *   file beside it, flushed, and renamed over the target only when every temporary file is written;
 * - a path keeps what it is: `-` is stdout; a character device, FIFO or socket is written through as a
 *   stream; a symlink is resolved and its target replaced; an existing file keeps its permission bits.
 * Temporary files are named `.NAME.lnn-tmp-PID-RANDOM`, so a later run recognises those of a process
 * that died (kill -9) and removes them.
 */

/** One output a command wants to write: the option that named it (for messages) and the path given. */
export interface OutputRequest {
  option: string;
  path: string;
  /** What `commitOutputs`' contents name this output by, when not the option (several files of one option). */
  key?: string;
}

/** One input a command reads (for messages): an output equal to an input would destroy it. */
export interface InputFile {
  option: string;
  path: string;
}

export type OutputTarget =
  | { kind: 'stdout'; option: string; key: string; path: '-' }
  | { kind: 'stream'; option: string; key: string; path: string; resolved: string }
  | { kind: 'file'; option: string; key: string; path: string; resolved: string; mode?: number };

export interface OutputPlan {
  targets: OutputTarget[];
}

export interface PlanOptions {
  /** Refuse a target that already exists (lnn split without --force): `hint` says what to do instead. */
  mustNotExist?: { hint: string };
}

const TMP_MARK = '.lnn-tmp-';

/**
 * Checks every output location before any work. Refuses, naming the option and the path: an empty
 * path; two outputs on stdout; a missing directory or one that is not a directory; a directory given
 * as a file; a block device; a file or directory that may not be written; an output that is also an
 * input or another output (compared as resolved real paths). Removes temporary files that dead lnn
 * processes left beside the targets.
 * @throws DataError `--save a.csv: is also the input --data; writing it would destroy the data`
 */
export function planOutputs(
  requests: readonly (OutputRequest | undefined)[],
  inputs: readonly (InputFile | undefined)[] = [],
  options: PlanOptions = {},
): OutputPlan {
  const targets: OutputTarget[] = [];
  for (const r of requests) if (r) targets.push(planOne(r, options));
  const onStdout = targets.filter((t) => t.kind === 'stdout');
  if (onStdout.length > 1)
    throw new DataError(
      `${onStdout.map((t) => t.option).join(' and ')} all name stdout (-); only one output can go there`,
    );
  const seen = new Map<string, string>();
  for (const t of targets) {
    if (t.kind === 'stdout') continue;
    const other = seen.get(t.resolved);
    if (other !== undefined && t.kind === 'file')
      throw new DataError(`${where(t)}: is also ${other}; give each output its own file`, t.path);
    seen.set(t.resolved, where(t));
  }
  for (const input of inputs) {
    if (!input) continue;
    const real = realInput(input.path);
    if (real === undefined) continue;
    for (const t of targets)
      if (t.kind === 'file' && t.resolved === real)
        throw new DataError(
          `${where(t)}: is also the input ${where(input)}; writing it would destroy that input`,
          t.path,
        );
  }
  for (const t of targets) if (t.kind === 'file') removeStaleTemporaries(t.resolved);
  return { targets };
}

function planOne(r: OutputRequest, options: PlanOptions): OutputTarget {
  const at = where(r);
  if (r.path.trim() === '') throw new DataError(`${r.option} needs a file name but is empty`);
  const key = r.key ?? r.option;
  if (r.path === '-') return { kind: 'stdout', option: r.option, key, path: '-' };
  const resolved = resolveLinks(r.path, at);
  let st: Stats | undefined;
  try {
    st = statSync(resolved);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw new DataError(`${at}: cannot write (${fsReason(e)})`, r.path);
  }
  if (st === undefined) {
    checkDirectory(dirname(resolved), at, r.path);
    return { kind: 'file', option: r.option, key, path: r.path, resolved };
  }
  if (st.isDirectory()) throw new DataError(`${at}: is a directory; name the file to write`, r.path);
  if (st.isFIFO() || st.isCharacterDevice() || st.isSocket()) {
    if (!writable(resolved)) throw new DataError(`${at}: cannot write (permission denied)`, r.path);
    return { kind: 'stream', option: r.option, key, path: r.path, resolved };
  }
  if (!st.isFile()) throw new DataError(`${at}: is not a regular file, a stream or a device lnn can write`, r.path);
  if (options.mustNotExist) throw new DataError(`${at}: already exists; ${options.mustNotExist.hint}`, r.path);
  // Root may write anything; a file with no write bit for anyone still means "do not replace me".
  if ((st.mode & 0o222) === 0 || !writable(resolved))
    throw new DataError(
      `${at}: the file is read-only; lnn will not replace it (chmod u+w, or choose another file)`,
      r.path,
    );
  checkDirectory(dirname(resolved), at, r.path);
  return { kind: 'file', option: r.option, key, path: r.path, resolved, mode: st.mode & 0o7777 };
}

/** The path a symlink chain ends at (which may not exist yet): the target is replaced, not the link. */
function resolveLinks(path: string, at: string): string {
  let p = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    let st: Stats;
    try {
      st = lstatSync(p);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') return join(realDirectory(dirname(p)), basename(p));
      throw new DataError(`${at}: cannot write (${fsReason(e)})`, path);
    }
    if (!st.isSymbolicLink()) return join(realDirectory(dirname(p)), basename(p));
    const link = readlinkSync(p);
    p = isAbsolute(link) ? link : resolve(dirname(p), link);
  }
  throw new DataError(`${at}: cannot write (too many levels of symbolic links)`, path);
}

/** A directory's real path when it exists (so /tmp/x and /private/tmp/x compare equal), else as given. */
function realDirectory(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return dir;
  }
}

function realInput(path: string): string | undefined {
  try {
    return realpathSync(path);
  } catch {
    return undefined;
  }
}

function checkDirectory(dir: string, at: string, path: string): void {
  let st: Stats;
  try {
    st = statSync(dir);
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? `the directory ${dir} does not exist` : fsReason(e);
    throw new DataError(`${at}: cannot write (${why})`, path);
  }
  if (!st.isDirectory()) throw new DataError(`${at}: cannot write (${dir} is not a directory)`, path);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    throw new DataError(`${at}: cannot write (no permission to create files in ${dir})`, path);
  }
}

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Temporary files of this process not yet renamed into place; removed on failure and on SIGINT/SIGTERM. */
const liveTemporaries = new Set<string>();

/** Removes this process's temporary files (a signal handler calls it before exiting). */
export function removeTemporaries(): void {
  for (const t of liveTemporaries) rmSync(t, { force: true });
  liveTemporaries.clear();
}

function temporaryName(target: string): string {
  const random = Math.floor(Math.random() * 0x100000000)
    .toString(36)
    .padStart(7, '0');
  return join(dirname(target), `.${basename(target)}${TMP_MARK}${process.pid}-${random}`);
}

/** Removes `.NAME.lnn-tmp-PID-*` beside `target` whose process is gone (left by kill -9 or a crash). */
function removeStaleTemporaries(target: string): void {
  const dir = dirname(target);
  const prefix = `.${basename(target)}${TMP_MARK}`;
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-[0-9a-z]+$/.exec(name.slice(prefix.length))?.[1]);
    if (Number.isInteger(pid) && pid > 0 && !processAlive(pid)) rmSync(join(dir, name), { force: true });
  }
}

/** Whether process `pid` exists (one of another user, which may not be signalled, counts). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** What to write for each target of the plan, by its key (the option); a target without content is skipped. */
export type OutputContents = Record<string, string | Uint8Array | undefined>;

/**
 * Writes the plan's outputs all or none. Regular files: every temporary file is written and flushed
 * first (with the old file's permission bits), then each is renamed over its target; if a rename fails,
 * the targets already replaced get their old contents back. Streams and stdout, which cannot be taken
 * back, are written last. `stdout` receives what goes to `-`.
 * @throws DataError naming the option, the path and the reason; no regular file is changed then.
 */
export function commitOutputs(plan: OutputPlan, contents: OutputContents, stdout: (text: string) => void): void {
  const files: { t: FileTarget; tmp: string }[] = [];
  try {
    for (const t of plan.targets) {
      const content = contents[t.key];
      if (t.kind !== 'file' || content === undefined) continue;
      const tmp = temporaryName(t.resolved);
      liveTemporaries.add(tmp);
      files.push({ t, tmp });
      try {
        writeWhole(tmp, content, t.mode);
      } catch (e) {
        throw new DataError(`${where(t)}: cannot write (${fsReason(e)}); no output was changed`, t.path);
      }
    }
    replaceAll(files);
  } finally {
    for (const f of files) {
      rmSync(f.tmp, { force: true });
      liveTemporaries.delete(f.tmp);
    }
  }
  for (const t of plan.targets) {
    const content = contents[t.key];
    if (content === undefined || t.kind === 'file') continue;
    if (t.kind === 'stdout') stdout(typeof content === 'string' ? content : new TextDecoder().decode(content));
    else writeStream(t, content);
  }
}

type FileTarget = Extract<OutputTarget, { kind: 'file' }>;

/** How messages name an output: `--save m.json`, or the bare path for library calls. */
function where(t: { option: string; path: string }): string {
  return t.option ? `${t.option} ${t.path}` : t.path;
}

function writeWhole(file: string, content: string | Uint8Array, mode: number | undefined): void {
  const fd = openSync(file, 'w', 0o666);
  try {
    const bytes = typeof content === 'string' ? Buffer.from(content) : content;
    for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (mode !== undefined) chmodSync(file, mode);
}

/** Renames every temporary file over its target; on a failure, puts back what was already replaced. */
function replaceAll(files: { t: FileTarget; tmp: string }[]): void {
  const done: { target: string; backup?: string }[] = [];
  let current: FileTarget | undefined;
  try {
    for (const { t, tmp } of files) {
      current = t;
      let backup: string | undefined;
      if (files.length > 1 && exists(t.resolved)) {
        backup = temporaryName(t.resolved);
        liveTemporaries.add(backup);
        linkSync(t.resolved, backup);
      }
      renameSync(tmp, t.resolved);
      done.push(backup !== undefined ? { target: t.resolved, backup } : { target: t.resolved });
    }
  } catch (e) {
    for (const d of [...done].reverse()) {
      if (d.backup !== undefined) renameSync(d.backup, d.target);
      else rmSync(d.target, { force: true });
    }
    throw new DataError(
      `${current ? where(current) : 'output'}: cannot write (${fsReason(e)}); no output was changed`,
      current?.path,
    );
  } finally {
    for (const d of done)
      if (d.backup !== undefined) {
        rmSync(d.backup, { force: true });
        liveTemporaries.delete(d.backup);
      }
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function writeStream(t: Extract<OutputTarget, { kind: 'stream' }>, content: string | Uint8Array): void {
  try {
    const fd = openSync(t.resolved, 'w');
    try {
      const bytes = typeof content === 'string' ? Buffer.from(content) : content;
      for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw new DataError(`${where(t)}: cannot write (${fsReason(e)})`, t.path);
  }
}

/**
 * One output, checked and committed at once: for library calls (saveModel) and commands whose single
 * output is ready when they start writing. `-` goes to `stdout`.
 */
export function writeOutput(
  path: string,
  content: string | Uint8Array,
  stdout: (text: string) => void = (s) => void process.stdout.write(s),
  option = '',
): void {
  commitOutputs(planOutputs([{ option, path }]), { [option]: content }, stdout);
}

/**
 * Outputs too large to build in memory first (`lnn convert`'s .npy files), written piece by piece with
 * the guarantees of `commitOutputs`: the plan was checked before any work; each target is written to a
 * temporary file beside it (`.NAME.lnn-tmp-PID-…`, removed on failure, by `removeTemporaries` on a
 * signal, or by a later run if the process is killed); `commit` flushes them and renames all or none
 * into place. Only regular files can be written this way — a .npy header, for one, is written last.
 */
export class StreamedOutputs {
  private readonly files = new Map<string, { t: FileTarget; tmp: string; fd: number }>();
  private readonly scratch: { tmp: string; fd: number }[] = [];

  /**
   * Opens a temporary file for every target of the plan.
   * @throws DataError for a target that is not a regular file (stdout, a FIFO, a device), naming it.
   */
  constructor(plan: OutputPlan) {
    try {
      for (const t of plan.targets) {
        if (t.kind !== 'file')
          throw new DataError(
            `${where(t)}: this output is written in pieces and finished at its start, so it must be a regular file, not ${t.kind === 'stdout' ? 'stdout' : 'a stream or device'}`,
            t.path,
          );
        const tmp = temporaryName(t.resolved);
        liveTemporaries.add(tmp);
        this.files.set(t.key, { t, tmp, fd: openSync(tmp, 'w+', 0o666) });
      }
    } catch (e) {
      this.abort();
      throw e;
    }
  }

  /** The descriptor of the temporary file of output `key` (read and write; positions are the file's). */
  fd(key: string): number {
    const f = this.files.get(key);
    if (!f) throw new Error(`StreamedOutputs: no output '${key}'`);
    return f.fd;
  }

  /** A scratch file beside output `key`, removed with the temporaries (for data kept on disk meanwhile). */
  scratchFile(key: string): number {
    const f = this.files.get(key)!;
    const tmp = temporaryName(f.t.resolved);
    liveTemporaries.add(tmp);
    const fd = openSync(tmp, 'w+', 0o600);
    this.scratch.push({ tmp, fd });
    return fd;
  }

  /** Writes all of `bytes` at `position` of output `key` (or of a scratch descriptor). */
  write(fdOrKey: number | string, bytes: Uint8Array, position: number): void {
    const fd = typeof fdOrKey === 'number' ? fdOrKey : this.fd(fdOrKey);
    const target = typeof fdOrKey === 'string' ? this.files.get(fdOrKey)!.t : undefined;
    try {
      for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off, position + off);
    } catch (e) {
      throw new DataError(
        `${target ? where(target) : 'a temporary file'}: cannot write (${fsReason(e)}); no output was changed`,
        target?.path,
      );
    }
  }

  /** Flushes every temporary file and renames them all into place (or none, if one rename fails). */
  commit(): void {
    try {
      for (const f of this.files.values()) {
        try {
          fsyncSync(f.fd);
        } catch (e) {
          throw new DataError(`${where(f.t)}: cannot write (${fsReason(e)}); no output was changed`, f.t.path);
        }
        closeSync(f.fd);
        f.fd = -1;
        if (f.t.mode !== undefined) chmodSync(f.tmp, f.t.mode);
      }
      replaceAll([...this.files.values()].map(({ t, tmp }) => ({ t, tmp })));
    } finally {
      this.abort();
    }
  }

  /** Closes and removes every temporary file (after a failure, or after the commit). */
  abort(): void {
    for (const f of [...this.files.values(), ...this.scratch]) {
      if (f.fd >= 0) closeSync(f.fd);
      f.fd = -1;
      rmSync(f.tmp, { force: true });
      liveTemporaries.delete(f.tmp);
    }
    this.scratch.length = 0;
    this.files.clear();
  }
}

/**
 * One output written from its start to its end in pieces, as they are made (`lnn predict`'s rows, a
 * batch of examples at a time), so that it is never held whole:
 * - a regular file: through a temporary file beside it (`StreamedOutputs`); `commit` flushes it and
 *   renames it into place, `abort` (a failure, bad input halfway) removes it, and the file keeps what it
 *   had — or stays absent;
 * - a FIFO, a character device or a socket: written through as the pieces come (what went out cannot be
 *   taken back);
 * - stdout (`-`, or no target at all): each piece is given to `stdout`, likewise.
 * Only commands whose output is one sequence of text written in order use this; the plan was checked
 * before any work, as for every output.
 */
export class AppendedOutput {
  private file?: { outs: StreamedOutputs; key: string; position: number } | undefined;
  private stream?: { t: Extract<OutputTarget, { kind: 'stream' }>; fd: number } | undefined;

  /**
   * Opens the target (a temporary file for a regular file; a stream itself); `undefined` is stdout.
   * @throws DataError naming the option and the path when a stream cannot be opened.
   */
  constructor(
    target: OutputTarget | undefined,
    private readonly stdout: (text: string) => void,
  ) {
    if (target?.kind === 'file')
      this.file = { outs: new StreamedOutputs({ targets: [target] }), key: target.key, position: 0 };
    else if (target?.kind === 'stream') {
      try {
        this.stream = { t: target, fd: openSync(target.resolved, 'w') };
      } catch (e) {
        throw new DataError(`${where(target)}: cannot write (${fsReason(e)})`, target.path);
      }
    }
  }

  /** Writes `text` after everything appended before. */
  append(text: string): void {
    if (text === '') return;
    if (this.file) {
      const bytes = Buffer.from(text);
      this.file.outs.write(this.file.key, bytes, this.file.position);
      this.file.position += bytes.length;
    } else if (this.stream) {
      const { t, fd } = this.stream;
      const bytes = Buffer.from(text);
      try {
        for (let off = 0; off < bytes.length;) off += writeSync(fd, bytes, off, bytes.length - off);
      } catch (e) {
        throw new DataError(`${where(t)}: cannot write (${fsReason(e)})`, t.path);
      }
    } else this.stdout(text);
  }

  /** Finishes the output: a regular file is flushed and renamed into place; a stream is closed. */
  commit(): void {
    if (this.file) this.file.outs.commit();
    this.close();
  }

  /** Gives up: a regular file's temporary file is removed (the target keeps what it had); a stream is closed. */
  abort(): void {
    this.file?.outs.abort();
    this.close();
  }

  private close(): void {
    this.file = undefined;
    if (this.stream) closeSync(this.stream.fd);
    this.stream = undefined;
  }
}
