/**
 * Per-process activity for drawing a timeline: each task's busy segments (already bounded, see
 * activity.ts), as flat numbers on the trace's own clock. A lane is what a timeline row shows;
 * the report document has no segments because a reader of the JSON wants gaps, not pixels.
 */
import type { Analysis } from './analyze.js';

export interface Lane {
  readonly pid: number;
  /** The process a thread belongs to (its own pid for a process). */
  readonly tgid: number;
  /** 2, 3, … for a later process with the same pid. */
  readonly lifetime: number;
  /** `[start, end, calls, start, end, calls, …]`, seconds on the trace's clock, in time order. */
  readonly busy: readonly number[];
}

export interface LaneOptions {
  /** Only these pids (and their threads); default all. */
  readonly pids?: readonly number[] | null;
}

/** The busy segments of every task, in the analysis's task order. */
export function buildLanes(a: Analysis, options: LaneOptions = {}): Lane[] {
  const wanted = options.pids && options.pids.length > 0 ? new Set(options.pids) : null;
  const lanes: Lane[] = [];
  for (const t of a.tasks) {
    if (wanted !== null && !wanted.has(t.pid) && !wanted.has(t.tgid)) continue;
    const busy: number[] = [];
    const act = t.activity;
    for (let k = 0; k < act.length; k++) busy.push(a.absolute(act.startOf(k)), a.absolute(act.endOf(k)), act.callsOf(k));
    lanes.push({ pid: t.pid, tgid: t.tgid, lifetime: t.lifetime, busy });
  }
  return lanes;
}
