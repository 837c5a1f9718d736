/**
 * The set's tasks looked up by pid and by parent, and their marks (path-marks.ts) sorted out once,
 * for the ready rule, the critical path and the causes.
 */
import type { IntervalMark, PointMark } from './marks.js';
import type { Task } from './task.js';

const NO_POINTS: readonly PointMark[] = [];

/** A process, not a thread. */
export function isProcess(t: Task): boolean {
  return !t.thread;
}

/**
 * The lifetimes of each pid, in set order. A pid is almost always one task: it is kept without a
 * list of its own (100,000 one-item lists were most of what looking tasks up cost at the end of a
 * big capture).
 */
export class TasksByPid {
  private readonly map = new Map<number, Task | Task[]>();

  constructor(tasks: Iterable<Task>) {
    for (const t of tasks) {
      const had = this.map.get(t.pid);
      if (had === undefined) this.map.set(t.pid, t);
      else if (Array.isArray(had)) had.push(t);
      else this.map.set(t.pid, [had, t]);
    }
  }

  /** The first lifetime of `pid` that `ok` accepts. */
  find(pid: number, ok: (t: Task) => boolean): Task | undefined {
    const had = this.map.get(pid);
    if (had === undefined) return undefined;
    if (!Array.isArray(had)) return ok(had) ? had : undefined;
    return had.find(ok);
  }

  /** The lifetime of `pid` alive at `t` (the latest that had started; else its first). */
  at(pid: number, t: number | null): Task | null {
    const had = this.map.get(pid);
    if (had === undefined) return null;
    if (!Array.isArray(had)) return had;
    let best: Task | null = null;
    for (const x of had) if (best === null || (t !== null && x.start !== null && x.start <= t)) best = x;
    return best;
  }
}

/** A wait and the task that waited. */
export interface TaskWait {
  readonly task: Task;
  readonly m: IntervalMark;
}

/**
 * The set's tasks, looked up by pid and by parent, and their marks sorted out in one pass: every
 * wait by the call it waited in, the waits still open at the end, every moment by kind. The walk
 * and the causes read these lists instead of scanning every task's marks again (on a capture of
 * 100,000 tasks each scan cost tens of milliseconds). A task's own lists are made when asked.
 */
export class TaskIndex {
  private readonly kids = new Map<Task, Task[]>();
  private readonly everyPoint = new Map<PointMark['kind'], { task: Task; m: PointMark }[]>();
  private readonly bySyscall = new Map<string, TaskWait[]>();
  private readonly ownIntervals = new Map<Task, IntervalMark[]>();
  private readonly ownPoints = new Map<PointMark['kind'], Map<Task, readonly PointMark[]>>();
  /** Waits on a socket whose port the trace showed. */
  readonly waitsOnPorts: TaskWait[] = [];
  /** Waits that had not returned when the trace ended. */
  readonly openWaits: TaskWait[] = [];

  constructor(
    readonly tasks: readonly Task[],
    /** The same tasks by pid: the process tree has made the map already (7 MB for 100,000 tasks). */
    private readonly byPid: TasksByPid,
  ) {
    for (const t of tasks) {
      for (const m of t.marks) {
        if (m.kind === 'silent') continue;
        if (m.kind === 'wait') {
          const w = { task: t, m };
          const name = m.syscall ?? '';
          const same = this.bySyscall.get(name);
          if (same === undefined) this.bySyscall.set(name, [w]);
          else same.push(w);
          if (m.port !== null) this.waitsOnPorts.push(w);
          if (m.end === null) this.openWaits.push(w);
          continue;
        }
        const p = m as PointMark;
        const all = this.everyPoint.get(p.kind);
        if (all === undefined) this.everyPoint.set(p.kind, [{ task: t, m: p }]);
        else all.push({ task: t, m: p });
      }
    }
    for (const t of tasks) {
      const p = t.ppid === null ? null : this.at(t.ppid, t.start);
      if (p === null || p === t) continue;
      const l = this.kids.get(p);
      if (l === undefined) this.kids.set(p, [t]);
      else l.push(t);
    }
  }

  /** The lifetime of `pid` alive at `t` (the latest that had started). */
  at(pid: number, t: number | null): Task | null {
    return this.byPid.at(pid, t);
  }

  children(t: Task): readonly Task[] {
    return this.kids.get(t) ?? [];
  }

  private readonly kidsByEnd = new Map<Task, Task[]>();

  /** The child processes (not threads) of `t` that ended, by when they ended. */
  childrenByEnd(t: Task): readonly Task[] {
    let l = this.kidsByEnd.get(t);
    if (l === undefined) {
      l = this.children(t).filter((k) => isProcess(k) && k.end !== null);
      l.sort((a, b) => (a.end as number) - (b.end as number));
      this.kidsByEnd.set(t, l);
    }
    return l;
  }

  parent(t: Task): Task | null {
    return t.ppid === null ? null : this.at(t.ppid, t.start);
  }

  /** A task's waits and silences, in time order. */
  intervals(t: Task): readonly IntervalMark[] {
    let l = this.ownIntervals.get(t);
    if (l === undefined) {
      l = t.marks.filter((m): m is IntervalMark => m.kind === 'wait' || m.kind === 'silent');
      this.ownIntervals.set(t, l);
    }
    return l;
  }

  /**
   * A task's moments of one kind, in time order, sorted out of its marks when first asked: only the
   * tasks the path and the causes ask about (a list for each of 100,000 tasks was 9 MB).
   */
  points(t: Task, kind: PointMark['kind']): readonly PointMark[] {
    if (t.marks.length === 0) return NO_POINTS;
    let byTask = this.ownPoints.get(kind);
    if (byTask === undefined) {
      byTask = new Map();
      this.ownPoints.set(kind, byTask);
    }
    let l = byTask.get(t);
    if (l === undefined) {
      const own = t.marks.filter((m): m is PointMark => m.kind === kind);
      l = own.length === 0 ? NO_POINTS : own;
      byTask.set(t, l);
    }
    return l;
  }

  /** Every task's moments of one kind. */
  all(kind: PointMark['kind']): readonly { task: Task; m: PointMark }[] {
    return this.everyPoint.get(kind) ?? [];
  }

  /** Every wait in one of these calls. */
  waitsIn(names: Iterable<string>): TaskWait[] {
    const out: TaskWait[] = [];
    for (const n of names) {
      const l = this.bySyscall.get(n);
      if (l !== undefined) for (const w of l) out.push(w);
    }
    return out;
  }

  /** The children `t` reaped (`wait4` results), in time order. */
  reaped(t: Task): readonly PointMark[] {
    return this.points(t, 'reap');
  }
}
