/**
 * When each task was busy issuing syscalls, kept as a bounded list of segments: calls closer than
 * the merge distance share a segment, and a segment counts what its calls did (`openat under DIR`,
 * `write`, …). Blame ("who was busy while pid 1 waited?") and whole-set idle windows are answered
 * from these segments after the whole set is read, without keeping events.
 */
import { bisector } from 'd3-array';
import type { SegmentColumns } from './segment-columns.js';

/** Segments per task before they are coarsened (merge distance ×4). */
const MAX_SEGMENTS = 1024;
/** Distinct actions counted per segment (the most frequent, estimated as below). */
const MAX_ACTIONS = 64;
/** Calls closer than this share a segment (until a task needs coarsening). */
export const DEFAULT_MERGE_SECONDS = 0.01;

/**
 * What a segment's calls did: `[action, count, action, count, …]` in first-seen order. Flat pairs
 * take a third of a Map's memory, and a big capture holds a segment or more for each of its
 * thousands of tasks; a segment has few distinct actions, and they are interned strings, so the
 * linear search is short and compares pointers.
 */
export type Actions = (string | number)[];

export interface Segment {
  start: number;
  end: number;
  calls: number;
  actions: Actions;
}

function forEachAction(actions: Actions, fn: (what: string, n: number) => void): void {
  for (let i = 0; i < actions.length; i += 2) fn(actions[i] as string, actions[i + 1] as number);
}

/**
 * Counts an action in a bounded list with the space-saving rule (Metwally et al.): a new action
 * replaces the least counted one and inherits its count. The most frequent actions are kept and
 * their counts overestimate by at most the smallest count. Grows the list in place; a list grown by
 * `push` keeps room for 16 more, so a segment's list is cut to size when the segment closes (see
 * {@link Activity.add}). Copying the list for each new action instead was 9–12% of the analysis.
 */
function addAction(actions: Actions, what: string, n: number): Actions {
  for (let i = 0; i < actions.length; i += 2) {
    if (actions[i] === what) {
      actions[i + 1] = (actions[i + 1] as number) + n;
      added = i;
      return actions;
    }
  }
  added = actions.length;
  if (actions.length < 2 * MAX_ACTIONS) {
    actions.push(what, n);
    return actions;
  }
  let at = 0;
  for (let i = 2; i < actions.length; i += 2) if ((actions[i + 1] as number) < (actions[at + 1] as number)) at = i;
  const min = actions[at + 1] as number;
  // Removed and added at the end, as a Map would order them.
  actions.splice(at, 2);
  actions.push(what, min + n);
  added = actions.length - 2;
  return actions;
}

/** Cuts a segment's list of actions to its size, when it grew past the two it starts with. */
function fit(s: Segment): void {
  if (s.actions.length > 2) s.actions = s.actions.slice();
}

/** Where {@link addAction} counted its action: read right after it returns. */
let added = 0;

const byStart = bisector((s: Segment) => s.start);

/**
 * One task's busy segments, in time order: a list of its own while the task runs, rows of the
 * set's {@link SegmentColumns} once it has ended (see {@link compact}). Read through
 * {@link length}, {@link startOf}, {@link endOf}, {@link callsOf} and {@link eachAction}, the same
 * in both states.
 */
export class Activity {
  /** While the task runs; `null` once its segments are rows of {@link columns}. */
  private live: Segment[] | null = [];
  /** Its first row in {@link columns} once packed. */
  private from = 0;
  private rows = 0;
  /**
   * The merge distance once coarsened; `null` for the default. A number field holds a box of its
   * own in every object, and most of a big capture's thousands of tasks are never coarsened.
   */
  private merged: number | null = null;
  /** Where in the last segment's actions the last call's action was counted. */
  private lastAction = 0;

  /** `columns`: where an ended task's segments go; without them it keeps its own list. */
  constructor(private columns: SegmentColumns | null = null) {}

  /**
   * Activity that crossed a thread boundary as a structured clone (see `Task.revive`): its class
   * back, and its rows in the receiver's columns, where the sender's row 0 went to `base`.
   */
  static revive(data: Activity, columns: SegmentColumns | null, base: number): Activity {
    const a = Object.setPrototypeOf(data, Activity.prototype) as Activity;
    if (a.live === null) a.from += base;
    a.columns = columns;
    return a;
  }

  /** How many segments. */
  get length(): number {
    return this.live === null ? this.rows : this.live.length;
  }

  startOf(k: number): number {
    return this.live === null ? (this.columns as SegmentColumns).start(this.from + k) : (this.live[k] as Segment).start;
  }

  endOf(k: number): number {
    return this.live === null ? (this.columns as SegmentColumns).end(this.from + k) : (this.live[k] as Segment).end;
  }

  callsOf(k: number): number {
    return this.live === null ? (this.columns as SegmentColumns).callsOf(this.from + k) : (this.live[k] as Segment).calls;
  }

  /** Calls `fn` with each action of segment `k` and its count. */
  eachAction(k: number, fn: (what: string, n: number) => void): void {
    if (this.live === null) (this.columns as SegmentColumns).eachAction(this.from + k, fn);
    else forEachAction((this.live[k] as Segment).actions, fn);
  }

  /**
   * Records a call busy from `start` to `end` (for a blocking call, only its entry: the task was
   * waiting, not working, for the rest).
   */
  add(start: number, end: number, what: string): void {
    const segments = this.live ?? this.thaw();
    const last = segments[segments.length - 1];
    if (last !== undefined && start - last.end <= (this.merged ?? DEFAULT_MERGE_SECONDS) && start >= last.start) {
      if (end > last.end) last.end = end;
      last.calls++;
      // Calls come in runs of one action: try where the last one was counted before searching.
      const actions = last.actions;
      const at = this.lastAction;
      if (at < actions.length && actions[at] === what) actions[at + 1] = (actions[at + 1] as number) + 1;
      else {
        last.actions = addAction(actions, what, 1);
        this.lastAction = added;
      }
      return;
    }
    this.lastAction = 0;
    // The last segment is closed: its list drops the room it kept to grow (tens of thousands of
    // segments are kept to the end of a big capture).
    if (last !== undefined) fit(last);
    segments.push({ start, end, calls: 1, actions: [what, 1] });
    if (segments.length > MAX_SEGMENTS) this.coarsen(segments);
  }

  /**
   * For a task that has ended: its segments become rows of the set's columns, or without columns
   * a list without the room it kept to grow.
   */
  compact(): void {
    const live = this.live;
    if (live === null) return;
    if (this.columns === null) {
      this.live = live.slice();
      const last = live[live.length - 1];
      if (last !== undefined) fit(last);
      return;
    }
    this.from = this.columns.add(live);
    this.rows = live.length;
    this.live = null;
  }

  /** A list of its own again, for a call after {@link compact} (not expected: an ended task makes none). */
  private thaw(): Segment[] {
    const live: Segment[] = [];
    const c = this.columns as SegmentColumns;
    for (let k = 0; k < this.rows; k++) {
      const row = this.from + k;
      live.push({ start: c.start(row), end: c.end(row), calls: c.callsOf(row), actions: c.actions(row) });
    }
    this.live = live;
    this.rows = 0;
    this.lastAction = 0;
    return live;
  }

  /** Merges segments closer than four times the current distance, until under the cap. */
  private coarsen(segments: Segment[]): void {
    while (segments.length > MAX_SEGMENTS / 2) {
      const merge = 4 * (this.merged ?? DEFAULT_MERGE_SECONDS);
      this.merged = merge;
      const out: Segment[] = [];
      for (const s of segments) {
        const last = out[out.length - 1];
        if (last !== undefined && s.start - last.end <= merge) {
          if (s.end > last.end) last.end = s.end;
          last.calls += s.calls;
          forEachAction(s.actions, (w, n) => {
            last.actions = addAction(last.actions, w, n);
          });
        } else out.push(s);
      }
      for (const s of out) fit(s);
      segments = out;
    }
    this.live = segments;
  }

  /** The first segment that starts after `t`. */
  private after(t: number): number {
    return this.live === null ? (this.columns as SegmentColumns).startingBy(this.from, this.rows, t) : byStart.right(this.live, t);
  }

  /** Seconds busy within [a, b], calls there (pro rata for partly overlapping segments), actions, and when most happened. */
  within(a: number, b: number): { busy: number; calls: number; actions: Map<string, number>; peak: number } {
    let busy = 0;
    let calls = 0;
    /** The middle of the overlap where most calls were made: the task's name there describes it. */
    let peak = a;
    let peakCalls = -1;
    const actions = new Map<string, number>();
    const n = this.length;
    // Segments are ordered and disjoint, so the first that can overlap is just before `a`.
    for (let k = Math.max(0, this.after(a) - 1); k < n; k++) {
      const start = this.startOf(k);
      const end = this.endOf(k);
      if (start > b) break;
      const lo = Math.max(a, start);
      const hi = Math.min(b, end);
      if (hi < lo || (hi === lo && end > start)) continue;
      const length = end - start;
      const share = length > 0 ? (hi - lo) / length : 1;
      const c = this.callsOf(k);
      busy += hi - lo;
      calls += c * share;
      if (c * share > peakCalls) {
        peakCalls = c * share;
        peak = (lo + hi) / 2;
      }
      this.eachAction(k, (w, m) => actions.set(w, (actions.get(w) ?? 0) + m * share));
    }
    return { busy, calls: Math.round(calls), actions, peak };
  }
}

/**
 * The pro-rata counts of {@link Activity.within} as whole calls that add up to its `calls`: each
 * count rounded down, and the calls left over given to the largest remainders (ties in the Map's
 * order). Rounded one by one, three actions at 1.6 calls each showed 2× each for 5 calls, and a
 * 0.4 showed as 0×. Actions that get no whole call are left out. Largest first.
 */
export function wholeCounts(actions: ReadonlyMap<string, number>): [string, number][] {
  const rows = [...actions].map(([what, n]) => ({ what, n, whole: Math.floor(n) }));
  let left = Math.round(rows.reduce((t, r) => t + r.n, 0)) - rows.reduce((t, r) => t + r.whole, 0);
  // Sorts are stable: equal remainders, and then equal counts, keep the Map's order.
  for (const r of [...rows].sort((a, b) => (b.n % 1) - (a.n % 1))) {
    if (left <= 0) break;
    r.whole++;
    left--;
  }
  return rows
    .filter((r) => r.whole > 0)
    .sort((a, b) => b.whole - a.whole || b.n - a.n)
    .map((r): [string, number] => [r.what, r.whole]);
}

/** Windows of at least `min` seconds in [from, to] covered by no task's busy segment. */
export function idleWindows(all: readonly Activity[], from: number, to: number, min: number): { start: number; end: number }[] {
  const starts: number[] = [];
  const ends: number[] = [];
  for (const a of all) {
    for (let k = 0; k < a.length; k++) {
      starts.push(a.startOf(k));
      ends.push(a.endOf(k));
    }
  }
  // Segments that start together can come in any order: only the furthest end counts.
  const order = Array.from(starts.keys()).sort((x, y) => (starts[x] as number) - (starts[y] as number));
  const out: { start: number; end: number }[] = [];
  let covered = from;
  for (const k of order) {
    const start = starts[k] as number;
    const end = ends[k] as number;
    if (start - covered >= min) out.push({ start: covered, end: start });
    if (end > covered) covered = end;
  }
  if (to - covered >= min) out.push({ start: covered, end: to });
  return out;
}
