/**
 * One shared copy of strings that recur across tasks and segments: syscall names and blame
 * actions (`openat under /usr/lib`). Each parsed line makes its own copies of them; kept as map
 * keys for every task of a large capture, the copies cost more than the counts stored under them.
 */

/** Distinct strings kept; past it, strings are returned as given (still correct, just not shared). */
const MAX_STRINGS = 65_536;

export class Interner {
  private readonly strings = new Map<string, string>();

  get(s: string): string {
    const had = this.strings.get(s);
    if (had !== undefined) return had;
    if (this.strings.size < MAX_STRINGS) this.strings.set(s, s);
    return s;
  }
}
