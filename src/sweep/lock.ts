/**
 * DIR/lock: which process uses a sweep directory. A process id alone cannot tell a live owner from a
 * stale lock: the pid may live in another PID namespace (a container) or on another host sharing the
 * directory, or it may have been reused by an unrelated process after a crash. So the lock records the
 * host, the kernel's boot id, the PID namespace and the process's start time, and a lock is taken over
 * only when its owner is provably gone; otherwise the refusal says who holds it and how to clear it.
 */
import { closeSync, fstatSync, openSync, readFileSync, readlinkSync, readSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { DataError, fsReason } from '../core/errors.js';
import { printable } from '../core/text.js';
import { processAlive } from '../io/outputs.js';

/** The lock files this process holds. */
const held = new Set<string>();

/** Who holds a lock. Fields Linux's /proc cannot give elsewhere are absent. */
export interface LockOwner {
  pid: number;
  host: string;
  /** /proc/sys/kernel/random/boot_id: changes at every boot. */
  bootId?: string;
  /** The PID namespace, as /proc/self/ns/pid reads: pids of another namespace mean other processes. */
  pidNs?: string;
  /** The process's start time in clock ticks since boot (/proc/PID/stat, field 22): tells a reused pid. */
  start?: string;
}

function readProc(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Field 22 of /proc/PID/stat (after the command name, which may hold spaces and parentheses). */
export function processStart(pid: number): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

/** This process, as a lock names it. */
export function thisProcess(): LockOwner {
  let pidNs: string | undefined;
  try {
    pidNs = readlinkSync('/proc/self/ns/pid');
  } catch {
    pidNs = undefined;
  }
  const bootId = readProc('/proc/sys/kernel/random/boot_id');
  const start = processStart(process.pid);
  return {
    pid: process.pid,
    host: hostname(),
    ...(bootId ? { bootId } : {}),
    ...(pidNs ? { pidNs } : {}),
    ...(start ? { start } : {}),
  };
}

/** A lock's text: JSON of its owner, or (written by an older lnn) a bare pid. */
function parseLock(text: string, me: LockOwner): LockOwner | undefined {
  // An older lnn wrote only the pid, of a process on this machine as far as it could tell.
  if (/^\d+$/.test(text)) {
    const { start: _unknown, ...machine } = me;
    return { ...machine, pid: Number(text) };
  }
  try {
    const o = JSON.parse(text) as Partial<LockOwner>;
    if (Number.isInteger(o.pid) && o.pid! > 0 && typeof o.host === 'string') return o as LockOwner;
  } catch {
    // Not a lock this lnn wrote: treated as unreadable below.
  }
  return undefined;
}

/**
 * Whether the owner still runs: 'gone' when provably not (same machine and boot and namespace, and the
 * pid is free or now another process), 'alive' when it is, 'unknown' when this process cannot look.
 */
export function ownerState(
  owner: LockOwner,
  file: string,
  me: LockOwner = thisProcess(),
): 'alive' | 'gone' | 'unknown' {
  if (owner.host !== me.host) return 'unknown';
  if (owner.bootId && me.bootId && owner.bootId !== me.bootId) return 'gone';
  if (owner.pidNs !== me.pidNs) return 'unknown';
  // This very process: alive while it holds the lock (two sweeps of one program on one directory).
  if (owner.pid === me.pid && owner.start === me.start) return held.has(file) ? 'alive' : 'gone';
  if (!processAlive(owner.pid)) return 'gone';
  if (owner.start && processStart(owner.pid) !== owner.start) return 'gone';
  return 'alive';
}

function describe(o: LockOwner): string {
  const where = o.host === hostname() ? 'on this host' : `on host ${printable(o.host)}`;
  return `pid ${o.pid} ${where}`;
}

/**
 * Takes DIR/lock for this process; a lock whose owner is provably gone (kill -9, a reboot, a reused
 * pid) is taken over.
 * @throws DataError `--dir runs: is in use by another lnn process (pid 4242 on host b); if it is gone, remove runs/lock`
 */
export function takeLock(dir: string): void {
  const file = join(dir, 'lock');
  const me = thisProcess();
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx');
      writeSync(fd, JSON.stringify(me) + '\n');
      closeSync(fd);
      held.add(file);
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new DataError(`--dir ${dir}: cannot write (${fsReason(e)})`, dir);
    }
    const text = readLock(file);
    const owner = parseLock(text, me);
    const clear = `if that process is gone, remove ${file} and run again`;
    if (!owner && text !== '')
      throw new DataError(`--dir ${dir}: its lock file ${file} is not one lnn wrote; ${clear}`, dir);
    const state = owner ? ownerState(owner, file, me) : 'gone';
    if (state === 'alive')
      throw new DataError(`--dir ${dir}: is in use by another lnn process (${describe(owner!)})`, dir);
    if (state === 'unknown')
      throw new DataError(
        `--dir ${dir}: is locked by an lnn process this one cannot check (${describe(owner!)}${owner!.host === me.host ? ', another PID namespace' : ''}); ${clear}`,
        dir,
      );
    rmSync(file, { force: true });
  }
  throw new DataError(`--dir ${dir}: cannot take its lock file`, dir);
}

function readLock(file: string): string {
  try {
    const fd = openSync(file, 'r');
    try {
      const buf = Buffer.alloc(Math.min(1024, fstatSync(fd).size));
      readSync(fd, buf, 0, buf.length, 0);
      return buf.toString('utf8').trim();
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}

export function releaseLock(dir: string): void {
  const file = join(dir, 'lock');
  if (!held.delete(file)) return;
  rmSync(file, { force: true });
}

process.on('exit', () => {
  for (const file of held) rmSync(file, { force: true });
});
