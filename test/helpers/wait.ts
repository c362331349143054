/**
 * Waiting for events, never for time: a test that needs something to have happened (a line on a
 * process's stderr, a file in a directory) waits for that, checked again at each event that could bring
 * it. A wait that never ends is ended by the runner's timeout, a failure like any other; no test decides
 * what "soon enough" is.
 */
import type { ChildProcess } from 'node:child_process';
import { watch, type FSWatcher } from 'node:fs';

export interface WaitOn {
  /** Processes whose output may bring the condition; each one's end before it holds is a failure. */
  procs?: readonly ChildProcess[];
  /** Directories whose changes (a file made, renamed, written, removed) may bring it. */
  dirs?: readonly string[];
}

/**
 * Resolves once `ok()` holds: checked at once, then after every chunk of output of `on.procs` (after the
 * process's own listeners have taken it in) and every change in `on.dirs`. Rejects, naming `what`, when
 * one of the processes closes first.
 */
export function eventually(what: string, ok: () => boolean, on: WaitOn): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const watchers: FSWatcher[] = [];
    const undo: (() => void)[] = [];
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      for (const w of watchers) w.close();
      for (const u of undo) u();
      if (error) reject(error);
      else resolve();
    };
    const check = () => {
      if (!settled && ok()) settle();
    };
    for (const child of on.procs ?? []) {
      const ended = (code: number | null, signal: NodeJS.Signals | null) => {
        check();
        settle(new Error(`waiting for ${what}: the process ended first (${signal ?? `exit ${code}`})`));
      };
      for (const stream of [child.stdout, child.stderr]) {
        stream?.on('data', check);
        undo.push(() => stream?.off('data', check));
      }
      child.on('close', ended);
      undo.push(() => child.off('close', ended));
    }
    for (const dir of on.dirs ?? []) watchers.push(watch(dir, check));
    check();
  });
}
