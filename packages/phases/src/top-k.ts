/**
 * The k largest items seen, by a score, in bounded memory. k is small (tens), so a sorted array
 * with binary insertion beats a heap in both code and speed.
 */
export class TopK<T> {
  private readonly items: T[] = [];
  private readonly scores: number[] = [];

  constructor(
    readonly k: number,
    private readonly score: (item: T) => number,
  ) {}

  /** Would an item with this score be kept? (Lets callers skip building items that would not.) */
  accepts(score: number): boolean {
    return this.k > 0 && (this.items.length < this.k || score > (this.scores[this.scores.length - 1] as number));
  }

  push(item: T): void {
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
    if (this.items.length > this.k) {
      this.items.pop();
      this.scores.pop();
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
}
