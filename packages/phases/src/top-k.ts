import type { Keyed } from './arrival.js';

/**
 * The k largest items seen, by a score, in bounded memory. k is small (tens), so a sorted array
 * with binary insertion beats a heap in both code and speed.
 */
export class TopK<T> {
  private readonly items: T[] = [];
  private readonly scores: number[] = [];
  /** When each item arrived (the analysis's `seq`), for merging lists of parts that interleave. */
  private readonly seqs: number[] = [];

  constructor(
    readonly k: number,
    private readonly score: (item: T) => number,
  ) {}

  /** Would an item with this score be kept? (Lets callers skip building items that would not.) */
  accepts(score: number): boolean {
    return this.k > 0 && (this.items.length < this.k || score > (this.scores[this.scores.length - 1] as number));
  }

  push(item: T, seq = 0): void {
    const s = this.score(item);
    if (!this.accepts(s)) return;
    // Descending order; equal scores keep arrival order.
    let lo = 0;
    let hi = this.scores.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.scores[mid] as number) >= s) lo = mid + 1;
      else hi = mid;
    }
    this.items.splice(lo, 0, item);
    this.scores.splice(lo, 0, s);
    this.seqs.splice(lo, 0, seq);
    if (this.items.length > this.k) {
      this.items.pop();
      this.scores.pop();
      this.seqs.pop();
    }
  }

  /** Replaces each item by `fn(item)`; scores, and so the order, stay. */
  replace(fn: (item: T) => T): void {
    for (let i = 0; i < this.items.length; i++) this.items[i] = fn(this.items[i] as T);
  }

  /** Largest first. */
  values(): T[] {
    return [...this.items];
  }

  /** The items with when they arrived, largest first. */
  entries(): Keyed<T>[] {
    return this.items.map((item, i) => ({ item, seq: this.seqs[i] as number }));
  }

  /**
   * Takes in items that arrived interleaved with this list's own (another part's `entries()`): the
   * result is the list one instance would hold had every item come to it in `seq` order. The k
   * largest by score, equal scores by arrival, is a total order, so the k kept of the union of two
   * top-k lists are the k kept of all the items.
   */
  interleave(other: readonly Keyed<T>[]): void {
    const all = [...this.entries(), ...other].sort((a, b) => a.seq - b.seq);
    this.items.length = 0;
    this.scores.length = 0;
    this.seqs.length = 0;
    for (const e of all) this.push(e.item, e.seq);
  }
}
