/**
 * The busy segments of a set's ended tasks, in columns shared by the whole set. A segment kept as
 * an object costs its header, two boxed times and a list of its own for its actions: about 270
 * bytes with the task's list of them for a short-lived process's one segment, where its numbers
 * take 24. Over 100,000 such processes the columns keep 18 MB less live (docs/performance.md).
 */
import { bisectRight } from 'd3-array';
import type { Actions, Segment } from './activity.js';
import type { Interner } from './intern.js';

function grown<T extends Float64Array | Uint32Array>(a: T, need: number, make: (n: number) => T): T {
  if (need <= a.length) return a;
  const b = make(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

const f64 = (n: number) => new Float64Array(n);
const u32 = (n: number) => new Uint32Array(n);

export class SegmentColumns {
  /** Segments kept. */
  rows = 0;
  /** Action pairs kept. */
  private pairs = 0;
  private starts = f64(256);
  private ends = f64(256);
  private calls = f64(256);
  /** Row k's actions are pairs `firstPair[k]` to `firstPair[k + 1]`. */
  private firstPair = u32(257);
  /** Interned strings: a JS array holds a pointer each. */
  private whats: string[] = [];
  private counts = f64(1024);

  /**
   * A part read on another thread arrives as a structured clone, which drops the class: its
   * class back (its actions are interned into the receiver's `intern` when appended).
   */
  static revive(data: SegmentColumns): SegmentColumns {
    return Object.setPrototypeOf(data, SegmentColumns.prototype) as SegmentColumns;
  }

  /** Appends a task's segments, in order; returns the row of the first. */
  add(segments: readonly Segment[]): number {
    const from = this.rows;
    const to = from + segments.length;
    this.room(to);
    let pair = this.pairs;
    for (let k = 0; k < segments.length; k++) {
      const s = segments[k] as Segment;
      const row = from + k;
      this.starts[row] = s.start;
      this.ends[row] = s.end;
      this.calls[row] = s.calls;
      const n = s.actions.length / 2;
      this.counts = grown(this.counts, pair + n, f64);
      for (let i = 0; i < s.actions.length; i += 2) {
        this.whats.push(s.actions[i] as string);
        this.counts[pair++] = s.actions[i + 1] as number;
      }
      this.firstPair[row + 1] = pair;
    }
    this.rows = to;
    this.pairs = pair;
    return from;
  }

  /** Appends every row of `other` (another analyzer's, in input order after this one's); returns where its row 0 went. */
  append(other: SegmentColumns, intern: Interner | null): number {
    const base = this.rows;
    const to = base + other.rows;
    this.room(to);
    this.starts.set(other.starts.subarray(0, other.rows), base);
    this.ends.set(other.ends.subarray(0, other.rows), base);
    this.calls.set(other.calls.subarray(0, other.rows), base);
    const shift = this.pairs;
    for (let k = 1; k <= other.rows; k++) this.firstPair[base + k] = (other.firstPair[k] as number) + shift;
    this.counts = grown(this.counts, shift + other.pairs, f64);
    this.counts.set(other.counts.subarray(0, other.pairs), shift);
    for (let i = 0; i < other.pairs; i++) {
      const what = other.whats[i] as string;
      this.whats.push(intern === null ? what : intern.get(what));
    }
    this.rows = to;
    this.pairs = shift + other.pairs;
    return base;
  }

  private room(rows: number): void {
    this.starts = grown(this.starts, rows, f64);
    this.ends = grown(this.ends, rows, f64);
    this.calls = grown(this.calls, rows, f64);
    this.firstPair = grown(this.firstPair, rows + 1, u32);
  }

  start(row: number): number {
    return this.starts[row] as number;
  }

  end(row: number): number {
    return this.ends[row] as number;
  }

  callsOf(row: number): number {
    return this.calls[row] as number;
  }

  /** Among the `n` rows from `row`, in time order: how many start at or before `t`. */
  startingBy(row: number, n: number, t: number): number {
    return bisectRight(this.starts, t, row, row + n) - row;
  }

  /** Calls `fn` with each action of the row and its count, in the segment's order. */
  eachAction(row: number, fn: (what: string, n: number) => void): void {
    const to = this.firstPair[row + 1] as number;
    for (let i = this.firstPair[row] as number; i < to; i++) fn(this.whats[i] as string, this.counts[i] as number);
  }

  /** The row's actions as a list of its own. */
  actions(row: number): Actions {
    const out: Actions = [];
    this.eachAction(row, (what, n) => out.push(what, n));
    return out;
  }
}
