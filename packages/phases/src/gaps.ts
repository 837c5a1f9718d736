/**
 * Gaps: time a task spent without a syscall returning. Between two calls the task ran user code
 * (or waited for a CPU, or made calls the trace filtered out); inside one call it waited. Each
 * task's stream of calls is scanned once; only the largest gaps of the set are kept.
 */
import { SLEEP_CALLS, timedOut } from './call-facts.js';
import type { Call, Gap, GapKind, LineRef } from './model.js';
import { TopK } from './top-k.js';

/** The set's largest gaps, per kind, limited to the pids asked for. */
export class GapCollector {
  readonly userspace: TopK<Gap>;
  readonly waiting: TopK<Gap>;

  constructor(
    k: number,
    /** Gaps shorter than this are not candidates. */
    readonly minSeconds: number,
    private readonly pids: ReadonlySet<number> | null,
  ) {
    this.userspace = new TopK<Gap>(k, (g) => g.seconds);
    this.waiting = new TopK<Gap>(k, (g) => g.seconds);
  }

  wants(pid: number, tgid: number, kind: GapKind, seconds: number): boolean {
    if (seconds < this.minSeconds) return false;
    if (this.pids !== null && !this.pids.has(pid) && !this.pids.has(tgid)) return false;
    return (kind === 'userspace' ? this.userspace : this.waiting).accepts(seconds);
  }

  add(g: Gap): void {
    (g.kind === 'userspace' ? this.userspace : this.waiting).push(g);
  }

  /** Gaps of `from` cited from `file` become `to`'s (the unnamed process got its pid). */
  renumber(from: number, to: number, file: string): void {
    for (const top of [this.userspace, this.waiting]) {
      top.replace((g) => (g.pid === from && g.before.file === file ? { ...g, pid: to } : g));
    }
  }

  /**
   * The top `k` of each kind, largest first. Kept per kind so that long waits (often many threads
   * of one runtime waiting for the same thing) cannot crowd out the silent gaps.
   */
  merged(): Gap[] {
    return [...this.userspace.values(), ...this.waiting.values()].sort((a, b) => b.seconds - a.seconds);
  }
}

/**
 * A blocking call whose gap waits for the next line to say where it ended. Its line is cited
 * only when the gap is kept: most blocking calls are too short to be among the longest.
 */
interface OpenWait {
  readonly call: Call;
  /**
   * Without -T, a call whose timeout ran out (or a sleep) certainly waited until about the next
   * line: its wait ends there, not at its entry.
   */
  readonly untilNext: boolean;
}

/** Scans one task's calls for gaps. */
export class GapTracker {
  /** The previous call and when it returned (two fields, not a pair object per call). */
  private prev: Call | null = null;
  private prevEnd = 0;
  private wait: OpenWait | null = null;
  /** The time since the previous call is its wait (see {@link OpenWait.untilNext}), not silence. */
  private waited = false;

  constructor(
    private readonly task: { readonly pid: number; readonly tgid: number },
    private readonly out: GapCollector,
    private readonly ref: (call: Call) => LineRef,
    /** Sees every call after this tracker (the critical path's marks): one call site per line, not two. */
    private readonly next: { onCall(call: Call): void } | null = null,
  ) {}

  /** The next call of the task. */
  call(call: Call): void {
    const t0 = call.t0;
    if (t0 === null) return;
    // No closure here: a parameter that a closure captures is moved to a context object made on
    // every call, whether or not the closure is made (the largest allocation of the analysis).
    if (this.wait !== null) this.closeWait(t0, call, null);
    const prev = this.prev;
    if (prev !== null && !this.waited) {
      const seconds = t0 - this.prevEnd;
      if (this.out.wants(this.task.pid, this.task.tgid, 'userspace', seconds)) {
        this.out.add({
          pid: this.task.pid,
          kind: 'userspace',
          start: this.prevEnd,
          end: t0,
          seconds,
          syscall: null,
          before: this.ref(prev),
          after: this.ref(call),
          blame: [],
        });
      }
    }
    // A call that never returned blocks until whatever comes next. The early check asks with the
    // score the gap will have (end − start on the set's clock, not the printed -T): asked with
    // another number, a gap that ties the smallest kept one would be dropped here and kept by the
    // same collector later (a set read in parts, then merged, keeps it).
    this.waited = false;
    if (call.t1 === null || (call.seconds !== null && this.out.wants(this.task.pid, this.task.tgid, 'waiting', call.t1 - t0))) {
      this.wait = { call, untilNext: false };
    } else if (call.seconds === null && (timedOut(call.ev) || SLEEP_CALLS.has(call.ev.name))) {
      this.wait = { call, untilNext: true };
      this.waited = true;
    }
    this.prev = call;
    this.prevEnd = call.t1 ?? t0;
    this.next?.onCall(call);
  }

  /** The task ended at `t` (its exit line, or its last line when the input ended). */
  end(t: number | null, after: (() => LineRef) | null): void {
    if (t !== null && after !== null) this.closeWait(t, null, after);
    else if (this.wait !== null && this.wait.call.t1 !== null) {
      // It returned, and no line came after it: it is cited on both sides.
      const call = this.wait.call;
      this.closeWait(call.t1 as number, call, null);
    }
    this.wait = null;
    this.prev = null;
  }

  /** The open wait ends at `next`; the line after it is `afterCall`'s, else `after()`. */
  private closeWait(next: number, afterCall: Call | null, after: (() => LineRef) | null): void {
    const w = this.wait;
    if (w === null) return;
    this.wait = null;
    const start = w.call.t0 as number;
    const end = w.untilNext ? next : (w.call.t1 ?? next);
    const seconds = end - start;
    if (!this.out.wants(this.task.pid, this.task.tgid, 'waiting', seconds)) return;
    this.out.add({
      pid: this.task.pid,
      kind: 'waiting',
      start,
      end,
      seconds,
      syscall: w.call.ev.name,
      before: this.ref(w.call),
      after: afterCall !== null ? this.ref(afterCall) : (after as () => LineRef)(),
      blame: [],
    });
  }
}
