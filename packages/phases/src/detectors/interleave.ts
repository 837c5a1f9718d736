/**
 * Merging a detector's arrival-ordered list with another part's, for parts that read different
 * pids of one input (see `PhaseDetector.interleaves`).
 */

/**
 * `mine` (with `mySeqs`) becomes the first `cap` items of both lists in arrival order, as one
 * instance that saw every item would have kept them. Each list is in arrival order already and
 * holds its own first `cap`, so the first `cap` of the union are among them.
 */
export function interleaveInto<T>(mine: T[], mySeqs: number[], theirs: readonly T[], theirSeqs: readonly number[], cap: number): void {
  const all = [...mine.map((item, i) => ({ item, seq: mySeqs[i] as number })), ...theirs.map((item, i) => ({ item, seq: theirSeqs[i] as number }))];
  all.sort((a, b) => a.seq - b.seq);
  const kept = all.slice(0, cap);
  mine.splice(0, mine.length, ...kept.map((e) => e.item));
  mySeqs.splice(0, mySeqs.length, ...kept.map((e) => e.seq));
}
