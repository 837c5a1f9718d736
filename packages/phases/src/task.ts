/**
 * One task (a process or a thread) over its life: names, start and end, how it ended, per-syscall
 * statistics, busy segments, and its open fds. Everything here is an aggregate: memory grows with
 * the number of tasks and distinct syscall names, not with the number of calls.
 */
import { failed, prctlName, type ExecInfo, type SyscallEvent } from '@strace-gaps/parser';
import { Activity } from './activity.js';
import type { Call, LineRef, ProcessExit, ProcessName } from './model.js';
import { detach, type Interner } from './intern.js';
import { FdTable } from './paths.js';
import type { Mark, TreeWalk } from './marks.js';
import { SyscallStats } from './syscall-stats.js';

/** Names kept per task; a process that execs more often keeps its first ones and its latest. */
const MAX_NAMES = 32;
/**
 * Arguments kept per exec name. With `-s 4096` strace prints up to 4,096 arguments of up to 4,096
 * bytes each; a name is for people to recognise the process, and thousands of processes' full
 * argv would be most of the analysis's memory.
 */
const MAX_ARGS = 64;
const MAX_ARGV_CHARS = 4096;

/** The first arguments, within {@link MAX_ARGS} and {@link MAX_ARGV_CHARS}; and how many were left out. */
function keptArgv(argv: readonly string[]): { argv: readonly string[]; omitted: number } {
  let chars = 0;
  let n = 0;
  for (; n < argv.length && n < MAX_ARGS; n++) {
    chars += (argv[n] as string).length;
    if (chars > MAX_ARGV_CHARS) break;
  }
  return { argv: argv.slice(0, n).map(detach), omitted: argv.length - n };
}

/**
 * A name to show for an exec: argv when it says more than the path. Where strace cut an argument
 * (`"/root/.pyenv/libexec/pyenv-versi"...`) or left the rest out (`...`), the name says so with `…`.
 */
export function execName(path: string, argv: readonly string[], cut: Pick<ExecInfo, 'cutArgs' | 'moreArgs'> = NOTHING_CUT): string {
  let text = path;
  if (argv.length > 0) {
    text = (cut.cutArgs.length === 0 ? argv : argv.map((a, i) => (cut.cutArgs.includes(i) ? `${a}…` : a))).join(' ');
    if (cut.moreArgs) text += ' …';
  }
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

const NOTHING_CUT = { cutArgs: [], moreArgs: false };

export class Task {
  /** Who created it (from the parent's `clone`/`fork` return value); set once the set is read. */
  ppid: number | null = null;
  /**
   * The parent was matched by time, not by pid: inside a pid namespace `clone` returns the
   * namespace's pid, which is not the pid strace names the child's file after.
   */
  ppidGuessed = false;
  /** Created with CLONE_THREAD. */
  thread = false;
  /** The process it belongs to (itself unless a thread). */
  tgid: number;
  names: ProcessName[] = [];
  first: LineRef | null = null;
  start: number | null = null;
  /** Time of its last line. */
  last: number | null = null;
  /** When it ended: its `+++ exited` / `+++ killed` line, else its last line. */
  end: number | null = null;
  exit: ProcessExit | null = null;
  /** `exit_group(N) = ?`: the code when strace printed no `+++ exited` line (`-qq`). */
  exitCallCode: number | null = null;
  ended = false;
  syscalls = 0;
  inSyscallSeconds = 0;
  /** Calls whose result never came (killed or cut inside the call). */
  unfinished = 0;
  /** The first of them, to name in the warning. */
  firstUnfinished: { readonly file: string; readonly line: number; readonly name: string } | null = null;
  signals = 0;
  readonly stats: SyscallStats;
  readonly fds = new FdTable();
  readonly activity = new Activity();
  /** The children it created: pid → thread?, when, and the `clone`/`fork` line. */
  readonly children: { pid: number; thread: boolean; at: number | null; line: number }[] = [];
  /** Its waits, silences and the moments the critical path and the causes read (see path-marks.ts). */
  readonly marks: Mark[] = [];
  /** Its walk over a tree of files, when it made such calls. */
  walk: TreeWalk | null = null;

  constructor(
    /** Position among the set's tasks; unique even when a pid is reused. */
    readonly index: number,
    /** Fixed, except once for the unnamed process of a log without prefixes (see {@link renumber}). */
    public pid: number,
    /** The input it was read from. */
    readonly file: string,
    /** 1 for the first process with this pid in its input, 2 after pid reuse, … */
    readonly lifetime: number,
    /** Shares syscall names between tasks (see intern.ts). */
    intern: Interner | null = null,
  ) {
    this.tgid = pid;
    this.stats = new SyscallStats(intern);
  }

  /**
   * A task that crossed a thread boundary as a structured clone (plain data, see
   * `TraceSetAnalyzer.absorb`): its classes back, its place among this set's tasks, this
   * analysis's interner. Only ended tasks travel, so their fd tables are empty.
   */
  static revive(data: Task, index: number, intern: Interner | null): Task {
    const t = Object.setPrototypeOf(data, Task.prototype) as Task;
    (t as { index: number }).index = index;
    Object.setPrototypeOf(t.activity, Activity.prototype);
    Object.setPrototypeOf(t.fds, FdTable.prototype);
    SyscallStats.revive(t.stats, intern);
    return t;
  }

  /**
   * Nothing more comes for the task: its per-syscall numbers and busy segments drop the room they
   * kept to grow. Thousands of ended processes of a big capture are most of what an analysis holds.
   */
  compact(): void {
    this.stats.compact();
    this.activity.compact();
    this.names = this.names.slice();
  }

  /**
   * The unnamed process (pid 0: lines without a pid prefix) turned out to be `pid`. Only the
   * analyzer calls this, before anything has been cited with the new pid.
   */
  renumber(pid: number): void {
    if (this.tgid === this.pid) this.tgid = pid;
    this.pid = pid;
  }

  /** Its name at time `t` (the latest execve/prctl name before it), or its first name. */
  nameAt(t: number | null): string {
    let name: string | null = null;
    for (const n of this.names) {
      if (t !== null && n.at !== null && n.at > t && name !== null) break;
      name = n.name;
    }
    return name ?? '?';
  }

  /** Its current name. */
  get name(): string {
    return this.names.length === 0 ? '?' : (this.names[this.names.length - 1] as ProcessName).name;
  }

  addName(n: ProcessName): void {
    if (this.names.length >= MAX_NAMES) this.names.splice(MAX_NAMES - 1, 1);
    this.names.push(n);
  }

  /** Updates the aggregates (stats, names, exit code) with one call. */
  record(call: Call): void {
    const ev = call.ev;
    this.syscalls++;
    this.stats.add(ev.name, call.seconds, failed(ev));
    if (call.seconds !== null) this.inSyscallSeconds += call.seconds;
    if (ev.form === 'never-resumed' && this.unfinished++ === 0) this.firstUnfinished = { file: ev.file, line: ev.line, name: ev.name };
    this.noteNames(call);
  }

  private noteNames(call: Call): void {
    const ev = call.ev;
    const info = call.exec;
    if (info !== null) {
      const { argv, omitted } = keptArgv(info.argv);
      const name = detach(execName(info.path, info.argv, info));
      const path = detach(info.path);
      this.addName({
        source: 'execve',
        name,
        at: call.t0,
        path,
        argv,
        ...(omitted === 0 ? {} : { argvOmitted: omitted }),
        ...(info.argvTruncated ? { argvTruncated: true as const } : {}),
      });
    } else if (ev.name === 'prctl' && ev.result?.value === 0) {
      const name = prctlName(ev);
      if (name !== null) this.addName({ source: 'prctl', name, at: call.t0 });
    } else if ((ev.name === 'exit_group' || ev.name === 'exit') && ev.result?.value === null) {
      const code = Number.parseInt(ev.args, 10);
      if (Number.isFinite(code)) this.exitCallCode = code;
    }
  }
}

/** A call's first line as a citation. */
export function refOf(ev: Pick<SyscallEvent, 'file' | 'line' | 'text'>, time: string | null): LineRef {
  return { file: ev.file, line: ev.line, text: ev.text, time };
}

/** The name of the task with this pid at time `t` (the latest lifetime that had started by then). */
export function nameOfPid(tasks: readonly Task[], pid: number, t: number | null): string {
  let best: Task | undefined;
  for (const task of tasks) {
    if (task.pid !== pid) continue;
    if (best === undefined || (t !== null && task.start !== null && task.start <= t)) best = task;
  }
  return best?.nameAt(t) ?? '?';
}
