/**
 * One task (a process or a thread) over its life: names, start and end, how it ended, per-syscall
 * statistics, busy segments, and its open fds. Everything here is an aggregate: memory grows with
 * the number of tasks and distinct syscall names, not with the number of calls.
 */
import { failed, prctlName, type ExecInfo, type SyscallEvent } from '@strace-gaps/parser';
import { Activity } from './activity.js';
import type { Call, LineRef, ProcessExit, ProcessName } from './model.js';
import { detach } from '@strace-gaps/parser/internal';
import { keptText, type Interner } from './intern.js';
import { FdTable } from './paths.js';
import type { Mark, TreeWalk } from './marks.js';
import type { SegmentColumns } from './segment-columns.js';
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

/**
 * The first arguments, within {@link MAX_ARGS} and {@link MAX_ARGV_CHARS}; and how many were left
 * out. argv[0] recurs across processes: one copy of it (the others are often unique).
 */
function keptArgv(argv: readonly string[], intern: Interner | null): { argv: readonly string[]; omitted: number } {
  let chars = 0;
  let n = 0;
  for (; n < argv.length && n < MAX_ARGS; n++) {
    chars += (argv[n] as string).length;
    if (chars > MAX_ARGV_CHARS) break;
  }
  const kept = argv.slice(0, n).map(detach);
  if (intern !== null && kept.length > 0) kept[0] = intern.get(kept[0] as string);
  return { argv: kept, omitted: argv.length - n };
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

/** Numbers kept per child (see {@link Task.children}): pid, when (NaN: no time), line, thread (1 or 0). */
const CHILD_FIELDS = 4;

/** Exits by code (and kills by signal), one object each: thousands of processes exit with 0. */
const EXITS = new Map<string, ProcessExit>();

/** How a process ended, as one shared, frozen object per outcome. */
export function exitOf(code: number | null, signal: string | null, coreDumped = false): ProcessExit {
  const key = signal === null ? `${code}` : `${signal}${coreDumped ? '+core' : ''}`;
  let e = EXITS.get(key);
  if (e === undefined) {
    e = Object.freeze(signal === null ? { code: code as number, signal: null, coreDumped: false as const } : { code: null, signal, coreDumped });
    // Bounded: codes are bytes and signals few; anything past that is not shared.
    if (EXITS.size < 1024) EXITS.set(key, e);
  }
  return e;
}

/** What only the engine writes: a task's fields are readonly to everyone else. */
type Writable<T> = { -readonly [K in keyof T]: T[K] };

/** A child a task created: its pid, whether a thread, when, and the `clone`/`fork` line. */
export interface TaskChild {
  readonly pid: number;
  readonly thread: boolean;
  readonly at: number | null;
  readonly line: number;
}

/**
 * A task's fields are readonly outside this file: the analysis changes them through the methods
 * below (each says which part of it calls it), so a reader of an `Analysis` cannot.
 */
export class Task {
  /** Who created it (from the parent's `clone`/`fork` return value); set once the set is read. */
  readonly ppid: number | null = null;
  /**
   * The parent was matched by time, not by pid: inside a pid namespace `clone` returns the
   * namespace's pid, which is not the pid strace names the child's file after.
   */
  readonly ppidGuessed: boolean = false;
  /** Created with CLONE_THREAD. */
  readonly thread: boolean = false;
  /** The process it belongs to (itself unless a thread). */
  readonly tgid: number;
  readonly names: readonly ProcessName[] = [];
  readonly first: LineRef | null = null;
  readonly start: number | null = null;
  /** Time of its last line. */
  readonly last: number | null = null;
  /** When it ended: its `+++ exited` / `+++ killed` line, else its last line. */
  readonly end: number | null = null;
  readonly exit: ProcessExit | null = null;
  /** `exit_group(N) = ?`: the code when strace printed no `+++ exited` line (`-qq`). */
  readonly exitCallCode: number | null = null;
  readonly ended: boolean = false;
  readonly syscalls: number = 0;
  readonly inSyscallSeconds: number = 0;
  /** Calls whose result never came (killed or cut inside the call). */
  readonly unfinished: number = 0;
  /** The first of them, to name in the warning. */
  readonly firstUnfinished: { readonly file: string; readonly line: number; readonly name: string } | null = null;
  readonly signals: number = 0;
  readonly stats: SyscallStats;
  /** Made on first use and dropped when the task ends: an ended task of a big capture holds none. */
  private fdTable: FdTable | null = null;
  readonly activity: Activity;
  /**
   * The children it created, as numbers in one packed list ({@link CHILD_FIELDS} each): an object
   * per child cost 80 bytes, and a spawner of 100,000 processes holds 100,000 of them.
   */
  private kids: number[] | null = null;
  /** Its waits, silences and the moments the critical path and the causes read (see path-marks.ts). */
  readonly marks: readonly Mark[] = [];
  /** Its walk over a tree of files, when it made such calls. */
  readonly walk: TreeWalk | null = null;

  /**
   * The children it created, in the order of their `clone`s: a list made on each read. The
   * analysis reads them one at a time ({@link childCount}, {@link child}, {@link cloneOf}).
   */
  get children(): readonly TaskChild[] {
    const out: TaskChild[] = [];
    for (let k = 0; k < this.childCount; k++) out.push(this.child(k));
    return out;
  }

  /** How many children it created. */
  get childCount(): number {
    return this.kids === null ? 0 : this.kids.length / CHILD_FIELDS;
  }

  /** Its `k`-th child (0 ≤ k < {@link childCount}). */
  child(k: number): TaskChild {
    return childAt(this.kids as number[], k * CHILD_FIELDS);
  }

  /** The first `clone` that returned `pid`, if it made one. */
  cloneOf(pid: number): TaskChild | null {
    const k = this.kids;
    if (k === null) return null;
    for (let i = 0; i < k.length; i += CHILD_FIELDS) if (k[i] === pid) return childAt(k, i);
    return null;
  }

  /** Its open fds, while it runs (an ended task's table is empty). */
  get fds(): FdTable {
    this.fdTable ??= new FdTable();
    return this.fdTable;
  }

  constructor(
    /** Position among the set's tasks; unique even when a pid is reused. */
    readonly index: number,
    /** Fixed, except once for the unnamed process of a log without prefixes (see {@link renumber}). */
    readonly pid: number,
    /** The input it was read from. */
    readonly file: string,
    /** 1 for the first process with this pid in its input, 2 after pid reuse, … */
    readonly lifetime: number,
    /** Shares syscall names between tasks (see intern.ts). */
    private readonly intern: Interner | null = null,
    /** Where its busy segments go when it ends (see segment-columns.ts). */
    segments: SegmentColumns | null = null,
  ) {
    this.tgid = pid;
    this.stats = new SyscallStats(intern);
    this.activity = new Activity(segments);
  }

  /**
   * A task that crossed a thread boundary as a structured clone (plain data, see
   * `TraceSetAnalyzer.absorb`): its classes back, its place among this set's tasks, this
   * analysis's interner and columns (where the sender's segment row 0 went to `base`). Only ended
   * tasks travel, so their fd tables are empty.
   */
  static revive(data: Task, index: number, intern: Interner | null, segments: SegmentColumns | null, base: number): Task {
    const t = Object.setPrototypeOf(data, Task.prototype) as Task;
    (t as { index: number }).index = index;
    (t as unknown as { intern: Interner | null }).intern = intern;
    Activity.revive(t.activity, segments, base);
    if (t.fdTable !== null) Object.setPrototypeOf(t.fdTable, FdTable.prototype);
    SyscallStats.revive(t.stats, intern);
    return t;
  }

  /**
   * Nothing more comes for the task: its fd table goes, and its per-syscall numbers and busy
   * segments drop the room they kept to grow. Thousands of ended processes of a big capture are
   * most of what an analysis holds.
   */
  compact(): void {
    this.fdTable = null;
    this.stats.compact();
    this.activity.compact();
    const w = this as Writable<Task>;
    w.names = this.names.slice();
    // Room kept to grow, dropped: most tasks have a mark or two.
    w.marks = this.marks.slice();
    if (this.kids !== null) this.kids = this.kids.slice();
  }

  /**
   * The unnamed process (pid 0: lines without a pid prefix) turned out to be `pid`. Only the
   * analyzer calls this, before anything has been cited with the new pid.
   */
  renumber(pid: number): void {
    const w = this as Writable<Task>;
    if (this.tgid === this.pid) w.tgid = pid;
    w.pid = pid;
  }

  /** The analysis: a line of it at `t0` (to `end`) extends its time range. */
  extend(t0: number, end: number): void {
    const w = this as Writable<Task>;
    if (this.start === null || t0 < this.start) w.start = t0;
    if (this.last === null || end > this.last) w.last = end;
  }

  /**
   * The analysis: its first line, once. Every task keeps it to the end, so a long one is kept as
   * its head and tail, as a mark keeps its line (see {@link keptText}): a build's thousands of
   * compiler `execve` lines would otherwise stay whole.
   */
  begin(first: LineRef): void {
    if (this.first !== null) return;
    const text = keptText(first.text);
    (this as Writable<Task>).first = text === first.text ? first : { ...first, text };
  }

  /** The analysis: a signal was delivered to it. */
  signalled(): void {
    (this as Writable<Task>).signals++;
  }

  /** The analysis: its `+++ exited` or `+++ killed` line. */
  exited(exit: ProcessExit): void {
    (this as Writable<Task>).exit = exit;
  }

  /** The analysis: nothing more comes for it; it ended at `t`, else at its last line. False if it had already. */
  close(t: number | null): boolean {
    if (this.ended) return false;
    const w = this as Writable<Task>;
    w.ended = true;
    w.end = t ?? this.last;
    return true;
  }

  /** The analysis: it created `child`. */
  addChild(child: TaskChild): void {
    this.kids ??= [];
    this.kids.push(child.pid, child.at ?? Number.NaN, child.line, child.thread ? 1 : 0);
  }

  /** The process tree (process-tree.ts): its parent, and whether it is a thread of the parent's process. */
  linkParent(parent: Task, thread: boolean, guessed: boolean): void {
    const w = this as Writable<Task>;
    w.ppid = parent.pid;
    w.ppidGuessed = guessed;
    w.thread = thread;
    w.tgid = thread ? parent.tgid : this.pid;
  }

  /** The process tree: the name it had from its parent before any exec of its own. */
  inherit(name: ProcessName): void {
    // A new list of its size: the task's list was cut to size when it ended (see compact).
    (this as Writable<Task>).names = [name, ...this.names];
  }

  /** The path recorder (path-marks.ts): the list it keeps the marks in. */
  markList(): Mark[] {
    return this.marks as Mark[];
  }

  /** The path recorder: a walk long enough to keep. */
  keepWalk(walk: TreeWalk): void {
    (this as Writable<Task>).walk = walk;
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
    const names = this.names as ProcessName[];
    if (names.length >= MAX_NAMES) names.splice(MAX_NAMES - 1, 1);
    names.push(n);
  }

  /** Updates the aggregates (stats, names, exit code) with one call. */
  record(call: Call): void {
    const ev = call.ev;
    const w = this as Writable<Task>;
    w.syscalls++;
    this.stats.add(ev.name, call.seconds, failed(ev));
    if (call.seconds !== null) w.inSyscallSeconds += call.seconds;
    if (ev.form === 'never-resumed' && w.unfinished++ === 0) w.firstUnfinished = { file: ev.file, line: ev.line, name: ev.name };
    this.noteNames(call);
  }

  /** One copy of a string many tasks keep (a program's path, its argv[0]). */
  private shared(s: string): string {
    const own = detach(s);
    return this.intern === null ? own : this.intern.get(own);
  }

  private noteNames(call: Call): void {
    const ev = call.ev;
    const info = call.exec;
    if (info !== null) {
      const { argv, omitted } = keptArgv(info.argv, this.intern);
      const name = detach(execName(info.path, info.argv, info));
      // The program's path recurs across processes: one copy.
      const path = this.shared(info.path);
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
      if (Number.isFinite(code)) (this as Writable<Task>).exitCallCode = code;
    }
  }
}

function childAt(k: readonly number[], i: number): TaskChild {
  const at = k[i + 1] as number;
  return { pid: k[i] as number, thread: k[i + 3] === 1, at: Number.isNaN(at) ? null : at, line: k[i + 2] as number };
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
