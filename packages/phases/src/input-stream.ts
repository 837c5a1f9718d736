/**
 * One input as it is read: its clock, its joiner, the task each pid has in it, its totals; and
 * whose each line is. That last is decided here and only here:
 *
 * - a line's prefix names its pid; a `-ff` file's lines without one are the pid its name carries;
 * - a log of one process (no `-f`), or a `-f` log on stderr before strace printed its first
 *   `[pid N]`, names no pid: those lines are "the unnamed process", pid 0, until the process says
 *   its pid (`set_tid_address`, `getpid`), a first prefix that no clone made shows it, the joiner
 *   matches a resumed call to it, or `strace: Process N attached` opened the log;
 * - a pid seen again after its task ended is a new task (pid reuse), with a warning.
 */
import { Joiner, resultPid, type JoinedEvent, type SyscallEvent } from '@strace-gaps/parser';
import type { StreamTotals } from './analysis-types.js';
import type { StreamClock } from './clock.js';
import { formatCount } from './format.js';
import type { Warning } from './model.js';
import type { Task } from './task.js';

/** The pid given to lines that carry none: a trace of one process made without -f. */
export const UNNAMED_PID = 0;
/** Calls whose result is the caller's own pid (for the first thread of a process). */
const SELF_PID_CALLS = new Set(['set_tid_address', 'getpid', 'gettid']);

/** What an input needs from the analysis it is read into. */
export interface InputHost {
  /** A new task for `pid` in this input (`lifetime` 1, or more after pid reuse). */
  newTask(input: InputStream, pid: number, lifetime: number): Task;
  /** The unnamed process of `file` is `pid`: what was cited as pid 0 from that file follows. */
  renamed(file: string, pid: number): void;
  warn(w: Warning): void;
}

export class InputStream {
  readonly joiner: Joiner;
  /** The current task of each pid in this input. */
  readonly tasks = new Map<number, Task>();
  /** The input's first and last times. */
  first: number | null = null;
  last: number | null = null;
  /** Lines pushed, those that were not issues, and the first issue's line. */
  lines = 0;
  parsed = 0;
  firstIssue: number | null = null;
  private unattributed = 0;
  private firstUnattributed: number | null = null;
  /** Pids this input saw created (clone results) or attached (`strace: Process N attached`). */
  private readonly born = new Set<number>();
  /** A line with a pid prefix was seen. */
  private sawPrefix = false;
  /**
   * The unnamed task's lines came before any prefix: they are all the first process's, whose pid
   * can then be learned. Unprefixed lines later in a log may be any process's; they stay pid 0.
   */
  private leadingUnnamed = false;

  constructor(
    readonly file: string,
    /** The pid a `-ff` file's name carries, else null. */
    readonly defaultPid: number | null,
    readonly clock: StreamClock,
    private readonly host: InputHost,
  ) {
    this.joiner = new Joiner(defaultPid);
  }

  /** After the joiner took a line: did it learn the unnamed process's pid? */
  joined(): void {
    if (this.joiner.unnamed !== null) this.nameUnnamed(this.joiner.unnamed);
  }

  /** The pid a joined event is analysed under: its own, or {@link UNNAMED_PID}. */
  pidOf(ev: JoinedEvent): number {
    const pid = ev.pid;
    if (pid !== null) {
      if (pid !== this.defaultPid) this.sawPrefix = true;
      return pid;
    }
    if (ev.kind === 'syscall' || ev.kind === 'signal' || ev.kind === 'exit' || ev.kind === 'killed') {
      if (this.unattributed++ === 0) this.firstUnattributed = ev.line;
    }
    return UNNAMED_PID;
  }

  /** The task a line of `pid` belongs to, made when it is new (or its pid was reused). */
  taskFor(pid: number, ev: JoinedEvent): Task {
    // Most lines: a live task of this input (one lookup instead of the three below).
    const live = this.tasks.get(pid);
    if (live !== undefined && !live.ended) return live;
    // The first prefixed pid that no clone made and strace did not announce as attached is the
    // process whose earlier lines had no prefix.
    if (pid !== UNNAMED_PID && !this.tasks.has(pid) && !this.born.has(pid) && this.tasks.has(UNNAMED_PID)) this.nameUnnamed(pid);
    const task = this.tasks.get(pid);
    if (task !== undefined && task.ended && ev.kind !== 'exit' && ev.kind !== 'killed' && ev.kind !== 'strace-message') {
      this.host.warn({
        code: 'pid-reuse',
        message: `pid ${pid} appears again after it ended: a second process with the same pid, analysed separately`,
        file: ev.file,
        line: ev.line,
      });
      return this.add(pid, task.lifetime + 1);
    }
    if (task !== undefined) return task;
    const first = this.add(pid, 1);
    if (pid === UNNAMED_PID) this.leadingUnnamed = !this.sawPrefix;
    return first;
  }

  private add(pid: number, lifetime: number): Task {
    const task = this.host.newTask(this, pid, lifetime);
    this.tasks.set(pid, task);
    return task;
  }

  /** `strace: Process N attached`. */
  attached(pid: number): void {
    this.born.add(pid);
    // `strace -p N` on stderr opens with "strace: Process N attached"; without -f its lines then
    // carry no pid, and they are N's. (Started by strace, a command gets no such line.)
    if (this.defaultPid === null && this.tasks.size === 0 && !this.sawPrefix) this.joiner.nameUnnamed(pid);
  }

  /** A call of `task`: a child it created is born here; the unnamed process may say its pid. */
  called(task: Task, ev: SyscallEvent, child: number | null): void {
    if (child !== null) this.born.add(child);
    if (task.pid === UNNAMED_PID && SELF_PID_CALLS.has(ev.name)) {
      const self = resultPid(ev.result);
      if (self !== null) this.nameUnnamed(self);
    }
  }

  /** Extends the task's and the input's time range. */
  seen(task: Task, t0: number | null, t1: number | null): void {
    if (t0 === null) return;
    const end = t1 ?? t0;
    task.extend(t0, end);
    if (this.first === null || t0 < this.first) this.first = t0;
    if (this.last === null || end > this.last) this.last = end;
  }

  /**
   * The unnamed process (lines without a prefix, analysed as pid 0) is `pid`: its task takes the
   * pid, and what was already cited with pid 0 from this input follows.
   */
  private nameUnnamed(pid: number): void {
    const task = this.tasks.get(UNNAMED_PID);
    if (task === undefined || !this.leadingUnnamed || this.tasks.has(pid)) return;
    this.tasks.delete(UNNAMED_PID);
    task.renumber(pid);
    this.tasks.set(pid, task);
    this.joiner.nameUnnamed(pid);
    this.host.renamed(this.file, pid);
  }

  totals(): StreamTotals {
    return { file: this.file, lines: this.lines, parsed: this.parsed, firstIssue: this.firstIssue, first: this.first, last: this.last };
  }

  /** Lines left as pid 0 in a log that names other pids: they may be any process's. */
  unattributedWarning(): Warning | null {
    if (this.unattributed === 0 || !this.tasks.has(UNNAMED_PID) || ![...this.tasks.keys()].some((p) => p !== UNNAMED_PID)) return null;
    return {
      code: 'unattributed-lines',
      message: `${formatCount(this.unattributed)} lines carry no pid and are shown as pid 0 (a -f log written to stderr before strace printed any [pid N] prefix)`,
      file: this.file,
      line: this.firstUnattributed,
    };
  }
}
