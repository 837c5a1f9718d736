/**
 * Per-syscall statistics of one task, like `strace -c` per process. Four numbers per syscall name
 * in one growing array instead of an object each: a large capture has tens of thousands of
 * (task, syscall) pairs, and an object with two boxed doubles costs three times as much.
 */
import type { Interner } from './intern.js';
import type { SyscallStat } from './model.js';

const COUNT = 0;
const SECONDS = 1;
const MAX = 2;
const ERRORS = 3;
const FIELDS = 4;

/** `n` zeros in a packed array (`new Array(n)` would make a holey one, slower to read). */
function zeros(n: number): number[] {
  const a: number[] = [];
  for (let k = 0; k < n; k++) a.push(0);
  return a;
}

export class SyscallStats {
  /** Name → offset in `values`; null once {@link compact}ed (then `names` holds them in order). */
  private slots: Map<string, number> | null = new Map();
  private names: readonly string[] | null = null;
  // Grown by doubling from two names: most tasks of a big capture make only a few kinds of call.
  // A plain array of doubles, not a Float64Array: a typed array and its buffer cost ~340 bytes
  // besides the numbers (34 MB over a capture of 100,000 short-lived processes).
  private values: number[] = zeros(2 * FIELDS);

  constructor(private readonly intern: Interner | null = null) {}

  /** Stats that arrived as a structured clone: the class back, and the receiver's interner. */
  static revive(data: SyscallStats, intern: Interner | null): SyscallStats {
    const s = Object.setPrototypeOf(data, SyscallStats.prototype) as SyscallStats;
    (s as unknown as { intern: Interner | null }).intern = intern;
    if (s.names !== null && intern !== null) s.names = intern.list(s.names.map((n) => intern.get(n)));
    return s;
  }

  /** Distinct syscall names seen. */
  get size(): number {
    return this.slots?.size ?? (this.names as string[]).length;
  }

  /** Counts one call; `seconds` is its duration when known. */
  add(name: string, seconds: number | null, failed: boolean): void {
    const slots = this.slots ?? this.thaw();
    let slot = slots.get(name);
    if (slot === undefined) {
      slot = slots.size * FIELDS;
      if (slot + FIELDS > this.values.length) {
        const grown = zeros(Math.max(2 * FIELDS, this.values.length * 2));
        for (let k = 0; k < this.values.length; k++) grown[k] = this.values[k] as number;
        this.values = grown;
      }
      slots.set(this.intern?.get(name) ?? name, slot);
    }
    const v = this.values;
    v[slot + COUNT] = (v[slot + COUNT] as number) + 1;
    if (failed) v[slot + ERRORS] = (v[slot + ERRORS] as number) + 1;
    if (seconds !== null) {
      v[slot + SECONDS] = (v[slot + SECONDS] as number) + seconds;
      if (seconds > (v[slot + MAX] as number)) v[slot + MAX] = seconds;
    }
  }

  /**
   * Keeps the numbers in an array of their exact size and the names in a plain list, dropping the
   * lookup table: for a task that has ended. A capture of thousands of processes holds a table and
   * a doubled array per task, about 2 KB, where the numbers alone take 32 bytes per name. The list
   * is shared with every task that made the same calls in the same order (the processes of one
   * program mostly do). A later {@link add} (not expected) builds the table again.
   */
  compact(): void {
    if (this.slots === null) return;
    const names = [...this.slots.keys()];
    this.names = this.intern === null ? names : this.intern.list(names);
    this.values = this.values.slice(0, names.length * FIELDS);
    this.slots = null;
  }

  private thaw(): Map<string, number> {
    const slots = new Map<string, number>();
    (this.names as readonly string[]).forEach((name, k) => slots.set(name, k * FIELDS));
    this.slots = slots;
    this.names = null;
    return slots;
  }

  get(name: string): SyscallStat | undefined {
    const slot = this.slots !== null ? this.slots.get(name) : (this.names as readonly string[]).indexOf(name) * FIELDS;
    return slot === undefined || slot < 0 ? undefined : this.at(name, slot);
  }

  /** The names, in the order first seen (an ended task's list is shared: do not change it). */
  callNames(): readonly string[] {
    return this.slots !== null ? [...this.slots.keys()] : (this.names as readonly string[]);
  }

  /** All of them, in the order first seen. */
  list(): SyscallStat[] {
    if (this.slots !== null) return [...this.slots].map(([name, slot]) => this.at(name, slot));
    return (this.names as readonly string[]).map((name, k) => this.at(name, k * FIELDS));
  }

  private at(name: string, slot: number): SyscallStat {
    const v = this.values;
    return { name, count: v[slot + COUNT] as number, seconds: v[slot + SECONDS] as number, max: v[slot + MAX] as number, errors: v[slot + ERRORS] as number };
  }
}
