/**
 * When each task was busy issuing syscalls, kept as a bounded list of segments: calls closer than
 * the merge distance share a segment, and a segment counts what its calls did (`openat under DIR`,
 * `write`, …). Blame ("who was busy while pid 1 waited?") and whole-set idle windows are answered
 * from these segments after the whole set is read, without keeping events.
 */
import { bisector } from 'd3-array';

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

/** One task's busy segments, in time order. */
export class Activity {
  segments: Segment[] = [];
  /**
   * The merge distance once coarsened; `null` for the default. A number field holds a box of its
   * own in every object, and most of a big capture's thousands of tasks are never coarsened.
   */
  private merged: number | null = null;
  /** Where in the last segment's actions the last call's action was counted. */
  private lastAction = 0;

  /**
   * Records a call busy from `start` to `end` (for a blocking call, only its entry: the task was
   * waiting, not working, for the rest).
   */
  add(start: number, end: number, what: string): void {
    const last = this.segments[this.segments.length - 1];
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
    this.segments.push({ start, end, calls: 1, actions: [what, 1] });
    if (this.segments.length > MAX_SEGMENTS) this.coarsen();
  }

  /** For a task that has ended: the list of segments without the room it kept to grow. */
  compact(): void {
    this.segments = this.segments.slice();
    const last = this.segments[this.segments.length - 1];
    if (last !== undefined) fit(last);
  }

  /** Merges segments closer than four times the current distance, until under the cap. */
  private coarsen(): void {
    while (this.segments.length > MAX_SEGMENTS / 2) {
      const merge = 4 * (this.merged ?? DEFAULT_MERGE_SECONDS);
      this.merged = merge;
      const out: Segment[] = [];
      for (const s of this.segments) {
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
      this.segments = out;
    }
  }

  /** Seconds busy within [a, b], calls there (pro rata for partly overlapping segments), actions, and when most happened. */
  within(a: number, b: number): { busy: number; calls: number; actions: Map<string, number>; peak: number } {
    let busy = 0;
    let calls = 0;
    /** The middle of the overlap where most calls were made: the task's name there describes it. */
    let peak = a;
    let peakCalls = -1;
    const actions = new Map<string, number>();
    // Segments are ordered and disjoint, so the first that can overlap is just before `a`.
    let k = Math.max(0, byStart.right(this.segments, a) - 1);
    for (; k < this.segments.length; k++) {
      const s = this.segments[k] as Segment;
      if (s.start > b) break;
      const lo = Math.max(a, s.start);
      const hi = Math.min(b, s.end);
      if (hi < lo || (hi === lo && s.end > s.start)) continue;
      const length = s.end - s.start;
      const share = length > 0 ? (hi - lo) / length : 1;
      busy += hi - lo;
      calls += s.calls * share;
      if (s.calls * share > peakCalls) {
        peakCalls = s.calls * share;
        peak = (lo + hi) / 2;
      }
      forEachAction(s.actions, (w, n) => actions.set(w, (actions.get(w) ?? 0) + n * share));
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
  const segs: Segment[] = [];
  for (const a of all) for (const s of a.segments) segs.push(s);
  segs.sort((x, y) => x.start - y.start);
  const out: { start: number; end: number }[] = [];
  let covered = from;
  for (const s of segs) {
    if (s.start - covered >= min) out.push({ start: covered, end: s.start });
    if (s.end > covered) covered = s.end;
  }
  if (to - covered >= min) out.push({ start: covered, end: to });
  return out;
}
