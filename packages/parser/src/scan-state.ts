/**
 * What a reader of lines reuses from one line to the next: the prefix and the call tail of the
 * line being read, and the syscall names seen so far. One per `TraceLineParser` (the public
 * `parseLine` makes one per call), so that parsing keeps no state at module level: two readers
 * never share it, whatever they interleave.
 */
import { CallTail } from './call-tail.js';
import { detach } from './detach.js';
import { emptyPrefix, type MutablePrefix } from './prefix.js';

/** Distinct names kept: a garbage input with endless "names" stops adding to the table. */
const MAX_NAMES = 4096;

export class ScanState {
  /** The prefix of the line being read; valid until the next line is scanned. */
  readonly prefix: MutablePrefix = emptyPrefix();
  /** What the tail split of the line being read found besides its result. */
  readonly tail = new CallTail();
  /**
   * Syscall names by a hash of their characters, so that a line's name is found without slicing
   * it (and the analysis keys its tables by strings whose hash V8 has already computed).
   */
  private readonly names: Map<number, string> | null;

  /** `keepNames: false` for a state that reads one line (the public parseLine): no table to fill. */
  constructor(keepNames = true) {
    this.names = keepNames ? new Map() : null;
  }

  /** The name `text[b, end)`, whose characters hash to `hash`: one string per distinct name. */
  name(text: string, b: number, end: number, hash: number): string {
    const names = this.names;
    if (names === null) return text.slice(b, end);
    const known = names.get(hash);
    if (known !== undefined && known.length === end - b && text.startsWith(known, b)) return known;
    const name = text.slice(b, end);
    if (known !== undefined || names.size >= MAX_NAMES) return name;
    // The table keeps a copy, once per distinct name: a slice would keep its whole line alive.
    const own = detach(name);
    names.set(hash, own);
    return own;
  }
}
