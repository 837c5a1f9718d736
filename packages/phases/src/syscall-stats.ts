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

export class SyscallStats {
  private readonly slots = new Map<string, number>();
  // Grown by doubling from two names: most tasks of a big capture make only a few kinds of call.
  private values = new Float64Array(2 * FIELDS);

  constructor(private readonly intern: Interner | null = null) {}

  /** Stats that arrived as a structured clone: the class back, and the receiver's interner. */
  static revive(data: SyscallStats, intern: Interner | null): SyscallStats {
    const s = Object.setPrototypeOf(data, SyscallStats.prototype) as SyscallStats;
    (s as unknown as { intern: Interner | null }).intern = intern;
    return s;
  }

  /** Distinct syscall names seen. */
  get size(): number {
    return this.slots.size;
  }

  /** Counts one call; `seconds` is its duration when known. */
  add(name: string, seconds: number | null, failed: boolean): void {
    let slot = this.slots.get(name);
    if (slot === undefined) {
      slot = this.slots.size * FIELDS;
      if (slot + FIELDS > this.values.length) {
        const grown = new Float64Array(this.values.length * 2);
        grown.set(this.values);
        this.values = grown;
      }
      this.slots.set(this.intern?.get(name) ?? name, slot);
    }
    const v = this.values;
    v[slot + COUNT] = (v[slot + COUNT] as number) + 1;
    if (failed) v[slot + ERRORS] = (v[slot + ERRORS] as number) + 1;
    if (seconds !== null) {
      v[slot + SECONDS] = (v[slot + SECONDS] as number) + seconds;
      if (seconds > (v[slot + MAX] as number)) v[slot + MAX] = seconds;
    }
  }

  get(name: string): SyscallStat | undefined {
    const slot = this.slots.get(name);
    return slot === undefined ? undefined : this.at(name, slot);
  }

  /** All of them, in the order first seen. */
  list(): SyscallStat[] {
    return [...this.slots].map(([name, slot]) => this.at(name, slot));
  }

  private at(name: string, slot: number): SyscallStat {
    const v = this.values;
    return { name, count: v[slot + COUNT] as number, seconds: v[slot + SECONDS] as number, max: v[slot + MAX] as number, errors: v[slot + ERRORS] as number };
  }
}
