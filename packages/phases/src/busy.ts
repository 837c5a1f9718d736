/**
 * Who was busy when: the span of a set, the processes busy during a gap (its blame), and the
 * windows in which no process was.
 */
import { DEFAULT_MERGE_SECONDS, idleWindows, wholeCounts } from './activity.js';
import type { Span } from './analysis-types.js';
import type { Blame, Gap, IdleWindow } from './model.js';
import type { Task } from './task.js';

/** Processes named in a gap's blame. */
const BLAME_TASKS = 3;

/** From the first task's start to the last task's end; `null` when no task has a time. */
export function spanOfTasks(tasks: readonly Task[]): Span | null {
  let start: Task | null = null;
  let end: Task | null = null;
  for (const t of tasks) {
    if (t.start !== null && (start === null || t.start < (start.start as number))) start = t;
    const e = t.end ?? t.last;
    if (e !== null && (end === null || e > ((end.end ?? end.last) as number))) end = t;
  }
  if (start === null || end === null) return null;
  const s = start.start as number;
  const e = (end.end ?? end.last) as number;
  return { start: s, end: e, seconds: e - s, startRef: start.first, endRef: null };
}

/** Who was busy while a gap lasted: the most busy few. */
export function blame(tasks: readonly Task[], g: Gap): Blame[] {
  const out: Blame[] = [];
  for (const t of tasks) {
    if (t.pid === g.pid || t.start === null || (t.end ?? t.last ?? -Infinity) < g.start || t.start > g.end) continue;
    const w = t.activity.within(g.start, g.end);
    if (w.busy <= 0 && w.calls === 0) continue;
    const top = wholeCounts(w.actions)
      .slice(0, 3)
      .map(([what, count]) => ({ what, count }));
    out.push({ pid: t.pid, name: t.nameAt(w.peak), busySeconds: w.busy, calls: w.calls, top });
  }
  return out.sort((a, b) => b.busySeconds - a.busySeconds || b.calls - a.calls).slice(0, BLAME_TASKS);
}

/** The longest `top` windows of the span in which no task was busy, of at least `minGap`. */
export function idle(tasks: readonly Task[], span: Span, minGap: number, top: number): IdleWindow[] {
  const min = Math.max(minGap, DEFAULT_MERGE_SECONDS);
  const windows = idleWindows(tasks.map((t) => t.activity), span.start, span.end, min);
  windows.sort((a, b) => b.end - b.start - (a.end - a.start));
  return windows.slice(0, top).map((w) => ({ start: w.start, end: w.end, seconds: w.end - w.start }));
}