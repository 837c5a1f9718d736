/**
 * One shared copy of strings that recur across tasks and segments: syscall names and blame
 * actions (`openat under /usr/lib`). Each parsed line makes its own copies of them; kept as map
 * keys for every task of a large capture, the copies cost more than the counts stored under them.
 * And the lines a task keeps to cite, cut to their head and tail when long.
 */
import { detach } from '@strace-gaps/parser/internal';

/** Distinct strings kept; past it, strings are returned as given (still correct, just not shared). */
const MAX_STRINGS = 65_536;

/** Distinct lists kept (see {@link Interner.list}). */
const MAX_LISTS = 65_536;

export class Interner {
  private readonly strings = new Map<string, string>();
  private readonly lists = new Map<string, readonly string[]>();

  /**
   * One shared, frozen copy of a list of interned strings: the syscall names of ended tasks, which
   * recur across the thousands of processes one program starts.
   */
  list(items: readonly string[]): readonly string[] {
    const key = items.join('\0');
    const had = this.lists.get(key);
    if (had !== undefined) return had;
    const own = Object.freeze(items.slice());
    if (this.lists.size < MAX_LISTS) this.lists.set(key, own);
    return own;
  }

  get(s: string): string {
    const had = this.strings.get(s);
    if (had !== undefined) return had;
    if (this.strings.size >= MAX_STRINGS) return s;
    // Kept for the whole analysis: a copy, not a view into (or a join of views into) a line.
    const own = detach(s);
    this.strings.set(own, own);
    return own;
  }
}


/** Lines kept to be cited: whole up to this length… */
const KEEP_CHARS = 512;

/**
 * …and longer ones (a `read` of 4 KiB, an `execve` with its environment) as head and tail, which
 * hold the call's name, first arguments and result: a trace of thousands of waits would otherwise
 * keep megabytes of buffers.
 */
export function keptText(text: string): string {
  // The parts are copied out: slices joined would keep the whole line alive.
  return text.length <= KEEP_CHARS ? text : detach(`${text.slice(0, KEEP_CHARS - 192)}…${text.slice(-191)}`);
}
