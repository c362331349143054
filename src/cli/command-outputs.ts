import {
  commitOutputs,
  planOutputs,
  removeTemporaries,
  type InputFile,
  type OutputContents,
  type OutputPlan,
  type OutputRequest,
} from '../io/outputs.js';
import { UsageError, type Parsed } from '../workflow/parse.js';

/** The options of `args` that name files a command reads, for the "an output is also an input" check. */
export function inputsOf(args: Parsed, options: readonly string[]): InputFile[] {
  const out: InputFile[] = [];
  for (const o of options) {
    const v = args[o];
    if (typeof v === 'string' && !v.startsWith('builtin:')) out.push({ option: `--${o}`, path: v });
  }
  return out;
}

/** The output options of `args` that were given, as requests for `planOutputs`. */
export function outputsOf(args: Parsed, options: readonly string[]): OutputRequest[] {
  const out: OutputRequest[] = [];
  for (const o of options) {
    const v = args[o];
    if (typeof v === 'string') out.push({ option: `--${o}`, path: v });
  }
  return out;
}

/**
 * Checks every output before the command does any work (see `planOutputs`). With `--json` a command's
 * results go to stdout, so no output may be `-` then.
 */
export function planCommandOutputs(args: Parsed, outputs: readonly string[], inputs: readonly string[]): OutputPlan {
  const plan = planOutputs(outputsOf(args, outputs), inputsOf(args, inputs));
  const toStdout = plan.targets.find((t) => t.kind === 'stdout');
  if (toStdout && args['json'])
    throw new UsageError(`${toStdout.option} - and --json both write to stdout; give a file to one of them`);
  return plan;
}

/** Whether an output of the plan goes to stdout (then a command's own text goes to stderr instead). */
export function usesStdout(plan: OutputPlan): boolean {
  return plan.targets.some((t) => t.kind === 'stdout');
}

const SIGNALS = { SIGINT: 2, SIGTERM: 15 } as const;

/**
 * Runs `work` with SIGINT and SIGTERM handled: a signal removes this process's temporary files and exits
 * 130 / 143, as the default action would, but leaving no temporary behind. JavaScript runs to
 * completion, so a signal that arrives during a synchronous commit inside `work` is handled right after
 * it: the commit is all or nothing, never cut half-way. (During training the signals keep their
 * default action, which leaves every existing file as it was.)
 */
export async function withSignalsHandled<T>(work: () => T | Promise<T>): Promise<T> {
  const handlers = Object.entries(SIGNALS).map(([name, code]) => {
    const handler = () => {
      removeTemporaries();
      process.exit(128 + code);
    };
    process.on(name, handler);
    return () => process.off(name, handler);
  });
  try {
    return await work();
  } finally {
    // A signal that arrived during synchronous work waits in libuv's signal pipe; its listener runs in
    // the event loop's next poll phase. Two check phases (setImmediate) always have a poll phase between
    // them, whatever phase this runs in; one is not enough (from a poll callback, the next check phase
    // comes first), and a listener removed before its signal is read loses the signal.
    for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
    for (const off of handlers) off();
  }
}

/** Commits the outputs (all or none) with SIGINT and SIGTERM handled after the commit, never during it. */
export function commitWithSignals(
  plan: OutputPlan,
  contents: OutputContents,
  stdout: (s: string) => void,
): Promise<void> {
  return withSignalsHandled(() => commitOutputs(plan, contents, stdout));
}
