/**
 * What the critical path and the causes need of one task, kept while its calls stream past: the
 * intervals in which it did not run (a wait inside a call, a silence between calls) with what
 * woke it where the trace says, and the few moments that matter (an exec, a `listen`, a SIGCHLD
 * or a terminating signal, a failed `connect`, a lock). Bounded per task: the shortest intervals
 * go first when a task has too many (see {@link MAX_MARKS}).
 */
import { firstArgInt, resultPid } from '@strace-gaps/parser';
import { BLOCKING, CHILD_WAITS, FD_FIRST, POLLS, SLEEP_CALLS, STOP_SIGNALS, TREE_CALLS, envVars, fdsPolled, sleepSeconds, timedOut } from './call-facts.js';
import type { IntervalMark, Mark, PointMark, TreeWalk } from './marks.js';
import type { Call } from './model.js';
import type { FdTable } from './paths.js';
import type { Task } from './task.js';
import { CallMoments, MOMENT_CALLS } from './call-moments.js';
import { detach } from '@strace-gaps/parser/internal';
import { keptText, type Interner } from './intern.js';

/** Intervals shorter than this are part of "running": calls in a row. */
export const MARK_MIN_SECONDS = 0.001;
/** Marks kept per task; past it the shortest intervals are dropped (their time reads as running). */
export const MAX_MARKS = 4096;
/**
 * Intervals kept by all the tasks of an analysis together. Past it, each task that adds one drops
 * its shorter ones first (as past {@link MAX_MARKS}): thousands of threads that each wait
 * thousands of times would otherwise hold millions of marks.
 */
export const MAX_SET_MARKS = 1_000_000;

/** How many intervals the recorders of one analysis hold together. */
export class MarkBudget {
  held = 0;
  constructor(readonly limit = MAX_SET_MARKS) {}
}
/** A task keeps at least this many intervals whatever the set's budget. */
const MIN_KEPT = 16;
/** Moments kept per task (a server's connects and SIGCHLDs go on for as long as it runs). */
const MAX_POINTS = 1024;

/** A task's walk over files is kept once it has made this many calls (a cause needs thousands). */
const WALK_KEEP_CALLS = 1000;
/**
 * Calls the recorder reads beyond their times, whatever they took; all others cost one set
 * lookup (what a long wait waited on is read only when it becomes a mark).
 */
const READ = new Set([...MOMENT_CALLS, ...TREE_CALLS]);

/** Scans one task's calls into its marks. Lives as long as the task streams. */
export class PathRecorder {
  /**
   * When the previous call returned (NaN before the first), and its last line. Numbers, not the
   * call: a field that held `null` or an object took a new heap number or a young object on every
   * call, a tenth of the analysis on a big trace.
   */
  private prevEnd = NaN;
  private prevLine = 0;
  private lastName = '';
  private lastRead = false;
  /** A call without `-T` whose wait ends when the next call starts. */
  private open: { call: Call; what: string; timer: boolean; child: number | null; port: number | null } | null = null;
  /** Sockets, pipes and locks, and the moments they make. */
  private readonly moments: CallMoments;
  private threshold = MARK_MIN_SECONDS;
  private intervals = 0;
  /** How many intervals it kept at its last prune. */
  private pruned = 0;
  private points = 0;

  private readonly marks: Mark[];
  private readonly fds: FdTable;

  /** Keeps its marks in `task.marks`, and a long walk in `task.walk`; reads the task's fd table. */
  constructor(
    private readonly task: Pick<Task, 'markList' | 'fds' | 'keepWalk'>,
    private readonly budget: MarkBudget = new MarkBudget(),
    /** Shares subjects across tasks: thousands of processes exec the same program. */
    private readonly intern: Interner | null = null,
  ) {
    this.marks = task.markList();
    this.fds = task.fds;
    this.moments = new CallMoments(task.fds, (kind, call, t, subject, n, detail) => this.point(kind, call, t, subject, n, detail));
  }

  private walk: TreeWalk | null = null;

  /**
   * The task's next call. Kept small, with the rare branches in methods of their own: it runs for
   * every line, and a larger body kept V8 from inlining the analysis's own per-call helpers.
   */
  onCall(call: Call): void {
    const t0 = call.t0;
    if (t0 === null) return;
    if (this.open !== null) this.closeOpen(t0);
    // NaN before the first call: the comparison is false.
    if (t0 - this.prevEnd >= this.threshold) this.silence(call, t0);
    if (call.exec !== null) this.execPoint(call, t0);
    else {
      // Calls come in runs of one name (the parser hands out one string per name): compare it to
      // the last one before hashing it.
      const name = call.ev.name;
      if (name !== this.lastName) this.rememberName(name);
      if (this.lastRead) this.observe(call, t0);
    }
    const t1 = call.t1;
    const seconds = call.seconds;
    if (t1 === null || seconds === null || seconds >= this.threshold) {
      this.timed(call, t0);
      return;
    }
    this.prevEnd = t1;
    this.prevLine = call.ev.endLine;
  }

  private rememberName(name: string): void {
    this.lastName = name;
    this.lastRead = READ.has(name);
  }

  /** No call for a while before this one. */
  private silence(call: Call, t0: number): void {
    const ev = call.ev;
    this.add({
      kind: 'silent', start: this.prevEnd, end: t0, syscall: null, what: 'no syscall', wake: 'unknown', child: null,
      timedOut: false, port: null, noDuration: false, file: ev.file, line: ev.line, otherLine: this.prevLine, text: '',
    });
  }

  /** A call that took long enough to be a wait, or whose end is unknown (never returned, no -T). */
  private timed(call: Call, t0: number): void {
    const ev = call.ev;
    if (call.t1 === null && ev.form === 'never-resumed') {
      // Still waiting when its input ended, or killed inside it (the exit line says which).
      this.add(this.waitOf(call, t0, null));
      this.prevEnd = NaN;
      return;
    }
    const end = call.t1 ?? t0;
    const seconds = call.seconds;
    if (seconds !== null) {
      if (seconds >= this.threshold) this.add(this.waitOf(call, t0, end));
    } else if (ev.duration === null && BLOCKING.has(ev.name)) {
      // No -T: a call that waits by design is taken to have waited until the next call.
      const w = this.waitOf(call, t0, null);
      this.open = { call, what: w.what, timer: w.wake === 'timer', child: w.child, port: w.port };
    }
    this.prevEnd = end;
    this.prevLine = ev.endLine;
  }

  /** The task's exit line (or its input's end) at `t`. */
  end(t: number | null): void {
    if (this.open !== null && t !== null) this.closeOpen(t);
    this.open = null;
  }

  private closeOpen(next: number): void {
    const o = this.open as NonNullable<typeof this.open>;
    this.open = null;
    const start = o.call.t0 as number;
    if (next - start < this.threshold) return;
    this.add({
      kind: 'wait', start, end: next, syscall: o.call.ev.name, what: o.what, wake: o.timer ? 'timer' : o.child !== null ? 'child' : 'unknown',
      child: o.child, timedOut: o.timer, port: o.port, noDuration: true, file: o.call.ev.file, line: o.call.ev.line, otherLine: o.call.ev.endLine,
      text: citedText(o.call.ev.text, start, next),
    });
    // The silence after it is the wait.
    this.prevEnd = next;
  }

  /** The mark of a call that waited from `start` to `end` (`null`: still waiting at the end). */
  private waitOf(call: Call, start: number, end: number | null): IntervalMark {
    const ev = call.ev;
    const name = ev.name;
    const timer = timedOut(ev);
    let what = name;
    let child: number | null = null;
    let port: number | null = null;
    {
      if (CHILD_WAITS.has(name)) {
        child = resultPid(ev.result);
        if (child !== null && child <= 0) child = null;
        if (child !== null) what = `${name} for pid ${child}`;
      } else if (SLEEP_CALLS.has(name)) {
        // TIMER_ABSTIME: the time is a clock reading, not a length.
        const s = ev.args.includes('TIMER_ABSTIME') ? null : sleepSeconds(ev.args);
        if (s !== null) what = `${name} ${formatShort(s)}`;
      } else if (POLLS.has(name) || FD_FIRST.has(name)) {
        const fds = POLLS.has(name) ? fdsPolled(name, ev.args) : [firstArgInt(ev) ?? -1];
        for (const fd of fds) {
          const on = this.moments.waitedOn(name, fd);
          if (on !== null) {
            what = on.what;
            port = on.port;
            break;
          }
        }
      }
    }
    return {
      kind: 'wait', start, end, syscall: name, what, wake: timer ? 'timer' : child !== null ? 'child' : 'unknown', child, timedOut: timer, port,
      noDuration: false, file: ev.file, line: ev.line, otherLine: ev.endLine, text: citedText(ev.text, start, end),
    };
  }

  private point(kind: PointMark['kind'], call: Call, t: number, subject: string, n: number | null, detail: string | null): void {
    // The subject and detail are often slices of the line: copies, or they would keep it whole.
    // An exec's program recurs across processes: one copy (a reap's child is unique).
    const own = detach(subject);
    const shared = this.intern === null || kind !== 'exec' ? own : this.intern.get(own);
    // A reap is never cited: its line is not kept.
    const text = kind === 'reap' ? '' : keptText(call.ev.text);
    this.add({ kind, t, file: call.ev.file, line: call.ev.line, subject: shared, text, n, detail: detail === null ? null : detach(detail) });
  }

  /** A successful exec: the program, and how many variables its environment had (`/* 4029 vars *\/`). */
  private execPoint(call: Call, t0: number): void {
    const exec = call.exec as NonNullable<Call['exec']>;
    this.point('exec', call, t0, exec.path, envVars(call.ev.text), null);
    this.moments.exec();
  }

  /** The calls whose arguments say something: a walk over files, or a moment (call-moments.ts). */
  private observe(call: Call, t0: number): void {
    if (TREE_CALLS.has(call.ev.name)) this.countWalk(call, t0);
    else this.moments.observe(call, t0);
  }

  private countWalk(call: Call, t0: number): void {
    const ev = call.ev;
    let w = this.walk;
    if (w === null) {
      w = { calls: 0, first: t0, last: t0, root: null, byName: {}, file: ev.file, firstLine: ev.line, lastLine: ev.line, firstText: ev.text, lastText: '' };
      this.walk = w;
    }
    w.calls++;
    w.last = call.t1 ?? t0;
    w.lastLine = ev.line;
    w.lastText = ev.text;
    w.byName[ev.name] = (w.byName[ev.name] ?? 0) + 1;
    // The directory a getdents64 lists (its fd's path) names the tree.
    if (ev.name === 'getdents64' || ev.name === 'getdents') {
      const fd = firstArgInt(ev);
      const dir = fd === null ? null : this.fds.get(fd);
      if (dir !== null && dir.startsWith('/')) w.root = w.root === null ? dir : commonDir(w.root, dir);
    }
    // Most tasks stat a few files: only a walk long enough to matter is kept with the task.
    if (w.calls === WALK_KEEP_CALLS) {
      w.firstText = keptText(w.firstText);
      this.task.keepWalk(w);
    }
  }

  private add(m: Mark): void {
    if (m.kind === 'wait' || m.kind === 'silent') {
      this.marks.push(m);
      this.budget.held++;
      // Over the set's budget, a task with more than a few keeps only its longer ones.
      // (Not again before it has doubled since: each prune reads all its marks.)
      if (++this.intervals > MAX_MARKS || (this.budget.held > this.budget.limit && this.intervals > MIN_KEPT && this.intervals >= 2 * this.pruned)) this.prune();
    } else if (this.points++ < MAX_POINTS) this.marks.push(m);
  }

  /** Too many intervals: raise the bar until the shorter ones are gone (their time reads as running). */
  private prune(): void {
    const before = this.intervals;
    const target = this.budget.held > this.budget.limit ? Math.max(MIN_KEPT, this.intervals >> 1) : MAX_MARKS / 2;
    // Keep the `target` longest (ties may keep a few more); from now on only as long ones are marks.
    const lengths: number[] = [];
    for (const m of this.marks) if (m.kind === 'wait' || m.kind === 'silent') lengths.push(m.end === null ? Infinity : m.end - m.start);
    lengths.sort((x, y) => y - x);
    const bar = lengths[Math.min(target, lengths.length) - 1] ?? Infinity;
    if (bar > this.threshold && bar !== Infinity) this.threshold = bar;
    let n = 0;
    const keep = this.marks.filter((m) => {
      if (m.kind !== 'wait' && m.kind !== 'silent') return true;
      const long = m.end === null || m.end - m.start >= bar;
      if (long) n++;
      return long;
    });
    this.marks.length = 0;
    for (const m of keep) this.marks.push(m);
    this.intervals = n;
    this.budget.held -= before - this.intervals;
    this.pruned = this.intervals;
  }

  /** A signal delivered to the task: who sent a SIGCHLD, and when a stop began. */
  signal(t: number, signal: string, info: string | null, file: string, line: number): void {
    if (signal !== 'SIGCHLD' && !STOP_SIGNALS.has(signal)) return;
    const pid = info === null ? null : /si_pid=(\d+)/.exec(info);
    const code = info === null ? null : /si_code=([A-Z_]+)/.exec(info);
    this.add({ kind: 'signal', t, file, line, subject: signal, text: '', n: pid ? Number(pid[1]) : null, detail: code ? (code[1] as string) : null });
  }
}

/** Waits shorter than this are never cited on their own (the path folds them): their line is not kept. */
const CITED_WAIT_SECONDS = 0.01;

/**
 * A wait's line, when a report may cite it: one still open at the end, or one long enough to be a
 * step of its own. A process that waits thousands of times for a millisecond keeps no lines.
 */
function citedText(text: string, start: number, end: number | null): string {
  return end === null || end - start >= CITED_WAIT_SECONDS ? keptText(text) : '';
}

function commonDir(a: string, b: string): string {
  let i = 0;
  while (i < a.length && i < b.length && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === a.length && (i === b.length || b[i] === '/')) return a;
  if (i === b.length && a[i] === '/') return b;
  const k = a.lastIndexOf('/', i);
  return k <= 0 ? '/' : a.slice(0, k);
}

function formatShort(s: number): string {
  return s >= 1 ? `${Number(s.toFixed(3))} s` : `${Number((s * 1000).toFixed(3))} ms`;
}
