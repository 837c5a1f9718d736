/**
 * What a recording runs, decided before anything runs: strace's command line for the options
 * given, the capture directory's default name, and what `strace -V` says about the strace found.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** The trace files' prefix in the capture directory: `trace.PID`. */
export const TRACE_PREFIX = 'trace';

export interface StracePlan {
  /** Where the trace files go: `DIR/trace`, absolute. */
  readonly prefixPath: string;
  readonly strings: number;
  readonly syscalls: string | null;
  readonly stack: boolean;
  readonly followThreads: boolean;
  /** A command to start, or a pid to attach to. */
  readonly target: { readonly command: readonly string[] } | { readonly pid: number };
}

/**
 * strace's arguments (without its path). A started command runs under `-D`: strace traces it as a
 * detached grandchild instead of being its parent, so stopping strace never signals the command
 * (strace's cleanup kills a child it started) and the command's exit status is its own. `-I2`
 * lets SIGINT reach strace so it detaches; `-q` keeps its attach and detach messages out of the
 * command's stderr, which it shares.
 */
export function straceArgv(plan: StracePlan): string[] {
  const argv: string[] = [];
  if ('command' in plan.target) argv.push('-D', '-I2');
  argv.push('-q');
  if (plan.followThreads) argv.push('-ff');
  argv.push('-tt', '-T', '-s', String(plan.strings));
  if (plan.syscalls !== null) argv.push('-e', `trace=${plan.syscalls}`);
  if (plan.stack) argv.push('-k');
  argv.push('-o', plan.prefixPath);
  if ('command' in plan.target) argv.push('--', ...plan.target.command);
  else argv.push('-p', String(plan.target.pid));
  return argv;
}

/** `strace-gaps-20261207-071003`: the local date and time, as a directory name sorts. */
export function defaultCaptureName(at: Date): string {
  const two = (x: number) => String(x).padStart(2, '0');
  return `strace-gaps-${at.getFullYear()}${two(at.getMonth() + 1)}${two(at.getDate())}-${two(at.getHours())}${two(at.getMinutes())}${two(at.getSeconds())}`;
}

/** What `strace -V` printed: `strace -- version 6.1` and `Optional features enabled: stack-trace=libunwind …`. */
export interface StraceVersion {
  /** `6.1`, `4.26`; `null` when the output did not say. */
  readonly version: string | null;
  /** Whether it was built with `-k` (stack traces). */
  readonly stack: boolean;
}

export function parseStraceVersion(output: string): StraceVersion {
  const v = /\bversion\s+(\d+(?:\.\d+)+)/.exec(output);
  return { version: v?.[1] ?? null, stack: /\bstack-trace=/.test(output) };
}

/**
 * The file `execvp` would run for `name`: a path as given, else the first executable match on
 * PATH; `null` when there is none. strace would report the same, but as its own message mixed
 * into the command's stderr.
 */
export function findExecutable(name: string, path: string | undefined, cwd: string): string | null {
  if (name.includes('/')) {
    const file = isAbsolute(name) ? name : resolve(cwd, name);
    return isExecutableFile(file) ? file : null;
  }
  for (const dir of (path ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
    if (dir === '') continue;
    const file = join(isAbsolute(dir) ? dir : resolve(cwd, dir), name);
    if (isExecutableFile(file)) return file;
  }
  return null;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
