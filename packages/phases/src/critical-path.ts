/**
 * The critical path: walked back from ready through what held the start up (running, blocked,
 * silent), into the child a wait was for and into a process's parent before its clone. Steps are
 * contiguous and add up to the time to ready (docs/critical-path.md).
 */
import { bisector } from 'd3-array';
import { formatCount } from './format.js';
import { BLOCKING } from './call-facts.js';
import type { IntervalMark, PointMark } from './marks.js';
import type { ReadyPoint } from './ready.js';
import { isProcess, type TaskIndex } from './task-index.js';
import type { Task } from './task.js';

export type PathState = 'running' | 'blocked' | 'silent';

/** Lines a step cites. */
type Evidence = { file: string; line: number }[];

/** One step of the critical path. */
export interface PathSegment {
  readonly pid: number;
  /** The process's name during the step. */
  name: string;
  readonly start: number;
  readonly end: number;
  readonly state: PathState;
  /** What it did, collapsed: `4,028× openat+…+close under /run/s6/container_environment`. */
  what: string;
  /** For `blocked`: the call, and what woke it (`child`: continued in that child). */
  readonly syscall: string | null;
  readonly wake: 'child' | 'timer' | 'unknown' | null;
  /** The waking child was matched by time, not named by the trace (a pipe's writer, a SIGCHLD without si_pid). */
  readonly inferred: boolean;
  /** Time the trace has no line for: before a process whose creator it does not show. */
  readonly untraced: boolean;
  /** The id of the diagnosis that explains the step, once the causes are found. */
  cause: string | null;
  readonly evidence: Evidence;
  /** The marks the step covers (the causes read them). */
  readonly marks: readonly IntervalMark[];
  /** The task it ran in (internal: the report shows the pid). */
  readonly task: Task;
}

/** A child that ended this close before its parent's wait returned is taken as what woke it. */
const WAKE_MATCH_SECONDS = 0.005;
/** Iterations of the walk: a path longer than this is cut (and says so). */
const MAX_STEPS = 200_000;
const byTime = bisector((m: PointMark) => m.t);
const byEnd = bisector((t: Task) => t.end as number);
const byStart = bisector((m: IntervalMark) => m.start);

/** The index of the last point at or before `t` (-1 for none). */
function lastBefore(points: readonly PointMark[], t: number): number {
  return byTime.right(points, t) - 1;
}

/** The index of the last task that ended at or before `t` (-1 for none). */
function lastEndingBefore(tasks: readonly Task[], t: number): number {
  return byEnd.right(tasks, t) - 1;
}

/** The index of the last interval that starts before `t` (-1 for none). */
function lastStartingBefore(ivs: readonly IntervalMark[], t: number): number {
  return byStart.left(ivs, t) - 1;
}

/** Lock calls wait for another holder (fcntl only with F_SETLKW, which is the one that takes long). */
const LOCK_WAITS = new Set(['fcntl', 'fcntl64']);
const SLEEP_NAMES = new Set(['nanosleep', 'clock_nanosleep', 'clock_nanosleep_time64']);

interface Waker {
  readonly task: Task;
  readonly at: number;
  readonly inferred: boolean;
}

/** Who ended a wait of `t` that returned at `end`: a child it waited for, or one that ended just before. */
function wakerOf(index: TaskIndex, t: Task, m: IntervalMark, end: number): Waker | null {
  if (m.wake === 'timer') return null;
  const ended = (k: Task) => k.end !== null && k.start !== null && k.start < end && k.end <= end + WAKE_MATCH_SECONDS && k.end > m.start - WAKE_MATCH_SECONDS;
  let named: number | null = m.child;
  let inferred = false;
  if (named === null) {
    // The last SIGCHLD with a sender during the wait (signals are in time order).
    const sigs = index.points(t, 'signal');
    for (let k = lastBefore(sigs, end + WAKE_MATCH_SECONDS); k >= 0; k--) {
      const s = sigs[k] as PointMark;
      if (s.t < m.start) break;
      if (s.subject === 'SIGCHLD' && s.n !== null) {
        named = s.n;
        break;
      }
    }
  }
  if (named !== null) {
    const k = index.at(named, end);
    if (k !== null && k !== t && ended(k)) return { task: k, at: Math.min(k.end as number, end), inferred: false };
    // Inside a pid namespace the result is the namespace's pid: the child that ended last, by time.
    inferred = true;
  }
  // The child that ended last before the wait returned (children by end time).
  const kids = index.childrenByEnd(t);
  const i = lastEndingBefore(kids, end + WAKE_MATCH_SECONDS);
  const best = i < 0 ? null : (kids[i] as Task);
  if (best === null || !ended(best)) return null;
  // Without a name from the trace, only a child that ended right before the wait returned.
  if (named === null && end - (best.end as number) > WAKE_MATCH_SECONDS) return null;
  return { task: best, at: Math.min(best.end as number, end), inferred: inferred || named === null };
}



/** Walks back from ready to the start. */
export function criticalPath(index: TaskIndex, from: number, ready: ReadyPoint, fallback: Task | null): PathSegment[] {
  const out: Step[] = [];
  let cur: Task | null = ready.task ?? fallback;
  let t = ready.t;
  if (cur === null || t <= from) return [];
  if (ready.rule === 'time-option') cur = activeAt(index, t) ?? cur;
  const seg = (task: Task, start: number, end: number, state: PathState, m: IntervalMark | null, extra: StepFacts = {}): void => {
    if (end <= start) return;
    out.push(
      new Step(task, start, end, state, m, extra.what ?? m?.what ?? '', extra.syscall ?? m?.syscall ?? null, extra.wake === undefined ? (m === null ? null : m.wake) : extra.wake,
        extra.inferred ?? false, extra.untraced ?? false, extra.evidence ?? null),
    );
  };
  for (let steps = 0; t > from && steps < MAX_STEPS; steps++) {
    const task: Task = cur;
    const ivs = index.intervals(task);
    const k = lastStartingBefore(ivs, t);
    const m = k < 0 ? null : (ivs[k] as IntervalMark);
    const mEnd = m === null ? -Infinity : (m.end ?? Infinity);
    const taskStart = task.start ?? from;
    if (m !== null && mEnd >= t) {
      const lo = Math.max(m.start, from);
      if (m.kind === 'wait' && mEnd === t) {
        const w = wakerOf(index, task, m, t);
        if (w !== null && w.at > lo && w.at <= t) {
          seg(task, w.at, t, 'blocked', m, { what: `${m.what}, woken by pid ${w.task.pid}'s exit`, wake: 'child', inferred: w.inferred });
          cur = w.task;
          t = w.at;
          continue;
        }
      }
      // A child named by wait4 that the path could not go on in (untraced): the step keeps its call,
      // not a wake. A call that does not wait by design (an execve, an fsync) was not woken at all.
      const wake = m.kind === 'wait' && m.wake !== 'timer' && !BLOCKING.has(m.syscall ?? '') && !LOCK_WAITS.has(m.syscall ?? '') ? { wake: null } : m.wake === 'child' ? { wake: 'unknown' as const } : {};
      seg(task, lo, t, m.kind === 'wait' ? 'blocked' : 'silent', m, wake);
      t = lo;
      continue;
    }
    // Never later than the walk is: a task whose first line comes after this point (a child that
    // printed before its parent's clone, as the clock has it) ran none of it.
    const lo = Math.min(t, Math.max(mEnd, taskStart, from));
    // A child reaped in this run that ended within it: the run waited for it, too briefly for a mark.
    const reap = reapIn(index, task, lo, t);
    if (reap !== null) {
      seg(task, reap.at, t, 'running', null, { evidence: [{ file: reap.m.file, line: reap.m.line }] });
      seg(task, reap.child.end as number, reap.at, 'blocked', null, {
        what: `wait for pid ${reap.child.pid}, woken by its exit`, syscall: 'wait4', wake: 'child', evidence: [{ file: reap.m.file, line: reap.m.line }],
      });
      cur = reap.child;
      t = reap.child.end as number;
      continue;
    }
    seg(task, lo, t, 'running', null, { evidence: m === null ? [] : [{ file: m.file, line: m.kind === 'wait' ? m.otherLine : m.line }] });
    t = lo;
    if (t <= from || lo > taskStart) continue;
    // The task's first line: before it, its parent was creating it.
    const parent = index.parent(task);
    if (parent === null) {
      // No clone in the trace made it (attached with -p, or lines missing): go on in the process
      // that was busy last before it started, and say that the link is a guess.
      const before = busyBefore(index, task, t, from);
      if (before === null) {
        seg(task, from, t, 'silent', null, { what: `before pid ${task.pid}'s first line (not in the trace)`, untraced: true });
        t = from;
        break;
      }
      seg(task, before.at, t, 'silent', null, {
        what: `the trace does not show what started pid ${task.pid}; the path goes on in pid ${before.task.pid}, busy last before it`,
        untraced: true,
        inferred: true,
      });
      cur = before.task;
      t = before.at;
      continue;
    }
    const clone = parent.cloneOf(task.pid);
    const at = clone?.at ?? t;
    if (at < t) seg(parent, at, t, 'running', null, { what: `clone of pid ${task.pid}`, evidence: clone === null ? [] : [{ file: parent.file, line: clone.line }] });
    t = Math.min(at, t);
    cur = parent;
  }
  out.reverse();
  return splitAtExecs(index, fold(absorb(out, Math.max(MIN_STEP_SECONDS, MIN_STEP_SHARE * (ready.t - from)))));
}

/** A run of calls across an `execve` is two programs' work: one step each. The path's segments are made here. */
function splitAtExecs(index: TaskIndex, path: readonly Step[]): PathSegment[] {
  const out: PathSegment[] = [];
  for (const s of path) {
    if (s.state !== 'running') {
      out.push(s.segment(s.start, s.end, s.what, s.cited()));
      continue;
    }
    let start = s.start;
    let what = s.what;
    let evidence = s.cited();
    const execs = index.points(s.task, 'exec');
    // From the first exec after the step's start (execs are in time order).
    for (let k = lastBefore(execs, s.start) + 1; k < execs.length; k++) {
      const m = execs[k] as PointMark;
      if (m.t >= s.end) break;
      if (m.t <= start) continue;
      out.push(s.segment(start, m.t, '', evidence));
      start = m.t;
      what = '';
      evidence = [{ file: m.file, line: m.line }];
    }
    out.push(s.segment(start, s.end, what, evidence));
  }
  return out;
}

/** A wait or a silence shorter than this (or this share of the start) inside a run of calls is part of the run. */
const MIN_STEP_SECONDS = 0.01;
const MIN_STEP_SHARE = 0.01;

/**
 * Short waits and silences between calls of one task read as that task running: the path names
 * what took time, and a dump of 4,000 files has a 1 ms `fsync` or a scheduling hiccup every few files.
 */
function absorb(path: readonly Step[], min: number): Step[] {
  const out: Step[] = [];
  for (let i = 0; i < path.length; i++) {
    const s = path[i] as Step;
    const short = s.state !== 'running' && s.wake !== 'child' && s.end - s.start < min;
    const prev = out[out.length - 1];
    const next = path[i + 1];
    const inRun = prev !== undefined && prev.task === s.task && prev.state === 'running' && (next === undefined || (next.task === s.task && next.wake !== 'child'));
    if (short && inRun) {
      prev.end = s.end;
      continue;
    }
    if (s.state === 'running' && prev !== undefined && prev.task === s.task && prev.state === 'running') {
      prev.runOn(s);
      continue;
    }
    out.push(s);
  }
  return out;
}

/** The process busy last before `t` (its last busy segment's end), other than `task`. */
function busyBefore(index: TaskIndex, task: Task, t: number, from: number): { task: Task; at: number } | null {
  let best: { task: Task; at: number } | null = null;
  for (const x of index.tasks) {
    if (x === task || x.tgid === task.tgid || x.start === null || x.start >= t) continue;
    const act = x.activity;
    let at: number | null = null;
    for (let k = act.length - 1; k >= 0; k--) {
      if (act.startOf(k) >= t) continue;
      at = Math.min(act.endOf(k), t);
      break;
    }
    if (at === null || at < from) continue;
    if (best === null || at > best.at) best = { task: x, at };
  }
  return best;
}

/** The latest child reaped in (lo, t] by `task` that ended after `lo`. */
function reapIn(index: TaskIndex, task: Task, lo: number, t: number): { m: PointMark; child: Task; at: number } | null {
  const reaps = index.reaped(task);
  let best: { m: PointMark; child: Task; at: number } | null = null;
  // Reaps are in time order: from the last at or before `t` back to `lo`.
  for (let k = lastBefore(reaps, t); k >= 0; k--) {
    const m = reaps[k] as PointMark;
    if (m.t <= lo) break;
    if (m.n === null) continue;
    const child = index.at(m.n, m.t);
    if (child === null || child === task || child.end === null || child.start === null) continue;
    // It ended in this run (not after the point the walk is at: a -T in whole seconds puts the
    // reaping wait4's return at its entry).
    if (child.end <= lo || child.end > t || child.end > m.t + WAKE_MATCH_SECONDS || child.start >= child.end) continue;
    best = { m, child, at: m.t };
    break;
  }
  if (best !== null && (best.child.end as number) > best.at) return { ...best, at: best.child.end as number };
  return best;
}

function activeAt(index: TaskIndex, t: number): Task | null {
  let best: Task | null = null;
  for (const x of index.tasks) {
    if (!isProcess(x) || x.start === null || x.start > t || (x.end !== null && x.end < t)) continue;
    if (best === null || x.start > (best.start as number)) best = x;
  }
  return best;
}


function evidenceOf(m: IntervalMark): Evidence {
  if (m.kind === 'silent') return [{ file: m.file, line: m.otherLine }, { file: m.file, line: m.line }];
  return m.otherLine !== m.line ? [{ file: m.file, line: m.line }, { file: m.file, line: m.otherLine }] : [{ file: m.file, line: m.line }];
}


/** What a step of the walk says beyond its mark's own words. */
type StepFacts = Partial<Pick<PathSegment, 'what' | 'syscall' | 'wake' | 'inferred' | 'untraced' | 'evidence'>>;

/**
 * A step while the path is walked, joined and folded: the walk makes two or three for every step
 * the path keeps (28,000 for a path of 14,000 through a big capture), so a step holds its mark and
 * leaves its lines and the marks it covers to be listed once it is kept ({@link segment}).
 */
class Step {
  /** The marks it covers, once folded; else its own mark's. */
  marks: IntervalMark[] | null = null;

  constructor(
    readonly task: Task,
    readonly start: number,
    public end: number,
    readonly state: PathState,
    private readonly mark: IntervalMark | null,
    public what: string,
    readonly syscall: string | null,
    readonly wake: PathSegment['wake'],
    readonly inferred: boolean,
    readonly untraced: boolean,
    /** `null`: its mark's lines. */
    public evidence: Evidence | null,
  ) {}

  /** The lines it cites. */
  cited(): Evidence {
    this.evidence ??= this.mark === null ? [] : evidenceOf(this.mark);
    return this.evidence;
  }

  covered(): IntervalMark[] {
    return this.marks ?? (this.mark === null ? [] : [this.mark]);
  }

  /** A run of the same task's calls goes on in `next`. */
  runOn(next: Step): void {
    this.end = next.end;
    // Its first two lines: a run of thousands of steps lists the later ones' only when it has fewer.
    const own = this.cited();
    if (own.length < 2) this.evidence = [...own, ...next.cited()].slice(0, 2);
  }

  /** The step, or a part of it (`start` to `end`), as the path keeps it. */
  segment(start: number, end: number, what: string, evidence: Evidence): PathSegment {
    return {
      pid: this.task.pid, name: '', start, end, state: this.state, what, syscall: this.syscall, wake: this.wake, inferred: this.inferred,
      untraced: this.untraced, cause: null, evidence, marks: this.covered(), task: this.task,
    };
  }
}

/**
 * Joins a run of the same wait with short runs of calls between into one step (`2× poll on UDP
 * 127.0.0.53:53`, a retry's sleeps): blocked X, short running, blocked X. Running after running
 * of one task, the other kind of one step, {@link absorb} has joined already.
 */
function fold(path: readonly Step[]): Step[] {
  const folded: Step[] = [];
  for (let i = 0; i < path.length; i++) {
    const s = path[i] as Step;
    if (s.state !== 'blocked' || s.wake === 'child') {
      folded.push(s);
      continue;
    }
    let j = i;
    let n = 1;
    const marks = s.covered().slice();
    while (j + 2 < path.length) {
      const gap = path[j + 1] as Step;
      const next = path[j + 2] as Step;
      if (gap.task !== s.task || gap.state !== 'running' || next.task !== s.task || next.state !== 'blocked' || next.what !== s.what || next.wake === 'child') break;
      if (gap.end - gap.start > 0.1 * (next.end - next.start)) break;
      j += 2;
      n++;
      marks.push(...next.covered());
    }
    const last = path[j] as Step;
    const timed = marks.every((m) => m.timedOut) && !SLEEP_NAMES.has(s.syscall ?? '');
    if (n > 1) s.evidence = [...s.cited().slice(0, 1), ...last.cited().slice(-1)];
    s.end = last.end;
    s.what = `${n > 1 ? `${formatCount(n)}× ` : ''}${s.what}${timed ? ', timed out' : ''}`;
    s.marks = marks;
    folded.push(s);
    i = j;
  }
  return folded;
}

/**
 * Names a running step from its task's busy segments: `4,013× openat+…+close under DIR`, or its
 * most frequent calls. Counts are the segments' pro-rata estimates, rounded: a path has a step for
 * every process it runs through, and exact whole counts (as blame's) cost a sort each.
 */
export function describeRun(task: Task, start: number, end: number): string {
  const w = task.activity.within(start, end);
  if (w.calls === 0) return 'calls in a row';
  const byDir = new Map<string, { names: string[]; counts: number[]; total: number }>();
  let top: { dir: string; g: { names: string[]; counts: number[]; total: number } } | null = null;
  // The two most frequent actions outside the largest directory, for the words after it.
  const plain: [string, number][] = [];
  for (const [what, n] of w.actions) {
    const c = Math.round(n);
    if (c === 0) continue;
    const k = what.indexOf(' under ');
    if (k >= 0) {
      const dir = what.slice(k + 7);
      let g = byDir.get(dir);
      if (g === undefined) {
        g = { names: [], counts: [], total: 0 };
        byDir.set(dir, g);
      }
      g.names.push(what.slice(0, k));
      g.counts.push(c);
      g.total += c;
      if (top === null || g.total > top.g.total) top = { dir, g };
    }
    plain.push([what, c]);
  }
  // A plain close as frequent as the group's opens closed those files (the fd table forgets a
  // file at its close, so blame counts closes by name): it is part of the same cycle.
  if (top !== null) {
    const opens = top.g.names.findIndex((x) => x.startsWith('open') || x === 'creat');
    const close = plain.find(([what]) => what === 'close');
    if (opens >= 0 && close !== undefined && close[1] >= 0.9 * (top.g.counts[opens] as number) && !top.g.names.includes('close')) {
      top.g.names.push('close');
      top.g.counts.push(close[1]);
      top.g.total += close[1];
      plain.splice(plain.indexOf(close), 1);
    }
  }
  if (top !== null && top.g.total >= 0.5 * w.calls) {
    const { dir, g } = top;
    // A file's life in order: opened first, closed last (a window may begin mid-cycle).
    const rank = (x: string) => (x.startsWith('open') || x === 'creat' ? 0 : x === 'close' ? 2 : 1);
    const order = g.names.map((_, i) => i).sort((x, y) => rank(g.names[x] as string) - rank(g.names[y] as string));
    const names = order.map((i) => g.names[i] as string);
    const joined = names.length > 3 ? `${names[0]}+…+${names[names.length - 1]}` : names.join('+');
    const rest = w.calls - g.total;
    const suffix = ` under ${dir}`;
    let other: [string, number] | null = null;
    for (const p of plain) if (!p[0].endsWith(suffix) && (other === null || p[1] > other[1])) other = p;
    const named = other !== null && other[1] >= 0.3 * rest ? ` (${formatCount(other[1])}× ${other[0]}${other[1] < rest ? ', …' : ''})` : '';
    return `${formatCount(g.counts[order[0] as number] as number)}× ${joined} under ${dir}${rest > 0 ? `, ${formatCount(rest)} other ${rest === 1 ? 'call' : 'calls'}${named}` : ''}`;
  }
  plain.sort((x, y) => y[1] - x[1]);
  if (w.calls === 1 && plain.length === 1) return `1 call: ${(plain[0] as [string, number])[0]}`;
  const firstTwo = plain.slice(0, 2).map(([what, n]) => `${formatCount(n)}× ${what}`);
  // Calls only partly inside the window count less than one each, and none rounds to a name.
  if (firstTwo.length === 0) return `${formatCount(w.calls)} ${w.calls === 1 ? 'call' : 'calls'}`;
  return `${formatCount(w.calls)} ${w.calls === 1 ? 'call' : 'calls'}: ${firstTwo.join(', ')}${plain.length > 2 ? ', …' : ''}`;
}
