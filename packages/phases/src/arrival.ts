/**
 * Items kept with when they arrived (the analysis's `seq`: the line being read), so that lists
 * kept by parts of an analysis that read different pids of one input can be merged into the list
 * one reader would have kept (see `TraceSetAnalyzer.interleave`).
 */

/** An item with the position it arrived at. */
export interface Keyed<T> {
  readonly item: T;
  readonly seq: number;
}

/** Items with their arrival positions, from parallel arrays. */
export function keyed<T>(items: readonly T[], seqs: readonly number[]): Keyed<T>[] {
  return items.map((item, i) => ({ item, seq: seqs[i] as number }));
}

/** The items of several lists, each in arrival order, merged by arrival; ties keep list order. */
export function bySeq<T>(lists: readonly { items: readonly T[]; seqs: readonly number[] }[]): Keyed<T>[] {
  const all: Keyed<T>[] = [];
  for (const l of lists) l.items.forEach((item, i) => all.push({ item, seq: l.seqs[i] as number }));
  return all.sort((a, b) => a.seq - b.seq);
}

/**
 * `mine` (with `mySeqs`) becomes the first `cap` items of both lists in arrival order, as one
 * instance that saw every item would have kept them. Each list is in arrival order already and
 * holds its own first `cap`, so the first `cap` of the union are among them.
 */
export function interleaveInto<T>(mine: T[], mySeqs: number[], theirs: readonly T[], theirSeqs: readonly number[], cap: number): void {
  const kept = bySeq([
    { items: mine, seqs: mySeqs },
    { items: theirs, seqs: theirSeqs },
  ]).slice(0, cap);
  mine.splice(0, mine.length, ...kept.map((e) => e.item));
  mySeqs.splice(0, mySeqs.length, ...kept.map((e) => e.seq));
}
