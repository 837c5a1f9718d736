/**
 * Per-line events → joined events. An explicit state machine keyed by pid: each pid has at most
 * one call in progress (`<unfinished ...>` seen, `<... NAME resumed>` not yet), so memory grows
 * only with the number of live threads.
 *
 *   idle ──unfinished──▶ pending ──resumed (same name)──▶ idle   (emits one joined call)
 *   idle ──resumed──▶ idle                                       (emits a `resumed-only` call)
 *   pending ──exit/killed/another call/end of input──▶ idle      (emits a `never-resumed` call)
 */
import type {
  LineEvent,
  ParseIssue,
  ParsedLine,
  ResumedEvent,
  SyscallLineEvent,
  SyscallResult,
  Timestamp,
  UnfinishedEvent,
} from './types.js';
import { addSeconds } from './timestamps.js';
import { CallLine } from './call-line.js';
import { JoinedCall, joinArgs } from './joined-call.js';

export { addSeconds, joinArgs };

/** How a joined call was assembled. */
export type CallForm =
  /** One line: `close(3) = 0`. */
  | 'line'
  /** `<unfinished ...>` + `<... NAME resumed>`. */
  | 'joined'
  /** An `<unfinished ...>` whose resumed half never came (process killed, trace cut, detach). */
  | 'never-resumed'
  /** A `<... NAME resumed>` with no unfinished half (trace started or attached mid-call). */
  | 'resumed-only';

/** One system call, whole. */
export interface SyscallEvent {
  readonly kind: 'syscall';
  /** The calling thread; `null` only for unprefixed lines of a `-f` log whose pid is unknown. */
  readonly pid: number | null;
  readonly name: string;
  /** The full argument text (both halves of a split call, joined). */
  readonly args: string;
  /** `null` for a `never-resumed` call. */
  readonly result: SyscallResult | null;
  /** When the call started (entry); `null` without timestamps or for a `resumed-only` call without `-T`. */
  readonly start: Timestamp | null;
  /** When it returned: start + `-T` duration, else the resumed line's time; `null` if unknown. */
  readonly end: Timestamp | null;
  /** `-T` seconds in the call; `null` when not printed. */
  readonly duration: number | null;
  /** `-r` delta of the first line (a global, not per-process, delta). */
  readonly relative: number | null;
  readonly form: CallForm;
  /** Why a `never-resumed` call stopped: `unfinished`, `detached`, `pid-changed`; else `null`. */
  readonly stop: UnfinishedEvent['stop'] | null;
  readonly file: string;
  /** Line of the first (or only) half. */
  readonly line: number;
  /** Line of the resumed half (same as `line` for a one-line call). */
  readonly endLine: number;
  /** Text of the first (or only) line. */
  readonly text: string;
}

/** Events other than calls pass through the joiner unchanged (their pid filled in). */
export type PassThroughEvent = Exclude<LineEvent, SyscallLineEvent | UnfinishedEvent | ResumedEvent>;

/** What the joiner emits. */
export type JoinedEvent = SyscallEvent | PassThroughEvent;

function fromLine(ev: SyscallLineEvent, pid: number | null): SyscallEvent {
  if (ev instanceof CallLine) {
    // A CallLine is its own joined call (see call-line.ts): only its pid may change.
    ev.pid = pid;
    return ev;
  }
  // A plain event a caller built.
  return {
    kind: 'syscall',
    pid,
    name: ev.name,
    args: ev.args,
    result: ev.result,
    start: ev.time,
    end: ev.time && ev.duration !== null ? addSeconds(ev.time, ev.duration) : ev.time,
    duration: ev.duration,
    relative: ev.relative,
    form: 'line',
    stop: null,
    file: ev.file,
    line: ev.line,
    endLine: ev.line,
    text: ev.text,
  };
}

function fromPair(u: UnfinishedEvent, r: ResumedEvent, pid: number | null): SyscallEvent {
  const end = u.time && r.duration !== null ? addSeconds(u.time, r.duration) : r.time;
  return new JoinedCall(pid, r.name, u.args, r.args, r.result, u.time, end, r.duration, u.relative, u.file, u.line, r.line, u.text);
}

function fromUnfinished(u: UnfinishedEvent, pid: number | null): SyscallEvent {
  return {
    kind: 'syscall',
    pid,
    name: u.name,
    args: u.args,
    result: null,
    start: u.time,
    end: null,
    duration: null,
    relative: u.relative,
    form: 'never-resumed',
    stop: u.stop,
    file: u.file,
    line: u.line,
    endLine: u.line,
    text: u.text,
  };
}

function fromResumed(r: ResumedEvent, pid: number | null): SyscallEvent {
  return {
    kind: 'syscall',
    pid,
    name: r.name,
    args: r.args,
    result: r.result,
    start: r.time && r.duration !== null ? addSeconds(r.time, -r.duration) : null,
    end: r.time,
    duration: r.duration,
    relative: r.relative,
    form: 'resumed-only',
    stop: null,
    file: r.file,
    line: r.line,
    endLine: r.line,
    text: r.text,
  };
}

/**
 * The call in progress of each thread, by pid. On a busy `-f` log calls begin and end on most
 * lines. A Map churned that often rebuilds its table every few entries (deleted entries leave
 * holes until a rebuild), and for a Map that has lived long, V8 allocates each new table in the
 * old generation: on the 1 GB `-f` bench set that was 66 MB of old-space garbage, most of what
 * raised peak RSS over the `-ff` set's. Here a pid keeps its slot in an array until its process
 * ends, so the map changes only when processes come and go.
 */
class PendingCalls {
  private readonly slots = new Map<number | null, number>();
  private readonly calls: (UnfinishedEvent | undefined)[] = [];
  private readonly free: number[] = [];
  /** Calls in progress. */
  size = 0;

  get(pid: number | null): UnfinishedEvent | undefined {
    const slot = this.slots.get(pid);
    return slot === undefined ? undefined : this.calls[slot];
  }

  has(pid: number | null): boolean {
    return this.get(pid) !== undefined;
  }

  set(pid: number | null, u: UnfinishedEvent): void {
    let slot = this.slots.get(pid);
    if (slot === undefined) {
      slot = this.free.pop() ?? this.calls.length;
      this.slots.set(pid, slot);
    }
    if (this.calls[slot] === undefined) this.size++;
    this.calls[slot] = u;
  }

  delete(pid: number | null): void {
    const slot = this.slots.get(pid);
    if (slot === undefined || this.calls[slot] === undefined) return;
    this.calls[slot] = undefined;
    this.size--;
  }

  /** `pid`'s process has ended: its slot goes back for another, unless a call still waits in it. */
  release(pid: number): void {
    const slot = this.slots.get(pid);
    if (slot === undefined || this.calls[slot] !== undefined) return;
    this.slots.delete(pid);
    this.free.push(slot);
  }

  /** Takes out every call in progress, with its pid. */
  drain(): [number | null, UnfinishedEvent][] {
    const out: [number | null, UnfinishedEvent][] = [];
    for (const [pid, slot] of this.slots) {
      const u = this.calls[slot];
      if (u !== undefined) out.push([pid, u]);
    }
    this.slots.clear();
    this.calls.length = 0;
    this.free.length = 0;
    this.size = 0;
    return out;
  }
}

/**
 * Joins the events of one ordered stream (one `-f` file, or one `-ff` file). Unprefixed lines
 * belong to `defaultPid` (the pid in a `-ff` file's name). Without one (a `-f` log written to
 * stderr), strace drops the `[pid N]` prefix whenever only one process is traced, so an unprefixed
 * line belongs to the only process still alive; before any prefix is seen its pid is `null`.
 */
export class Joiner {
  private readonly pending = new PendingCalls();
  /** The pid whose process the current line ended (its pending slot is released after the line). */
  private ended: number | null = null;
  /** Pids seen in prefixes and not yet exited. */
  private readonly live = new Set<number>();
  private lastCallPid: number | null = null;
  private unnamedPid: number | null = null;
  /** No prefixed line yet: unprefixed lines so far are all the first process's. */
  private leading = true;
  /** The pending unprefixed call was made while {@link leading}. */
  private leadingPending = false;

  constructor(private readonly defaultPid: number | null = null) {}

  /**
   * The pid of the process whose lines carried no prefix, once known. A `-f` log on stderr
   * prefixes lines only while more than one process is traced, so the first process's early lines
   * have none; its pid shows when one of its calls resumes under a prefix, or the caller learns it
   * (e.g. from `getpid()`) and says so with {@link nameUnnamed}.
   */
  get unnamed(): number | null {
    return this.unnamedPid;
  }

  /** Unprefixed lines so far (and unprefixed lines that cannot be attributed otherwise) are `pid`'s. */
  nameUnnamed(pid: number): void {
    if (this.defaultPid !== null || this.unnamedPid !== null) return;
    this.unnamedPid = pid;
    const u = this.pending.get(null);
    if (u !== undefined && !this.pending.has(pid)) {
      this.pending.delete(null);
      this.pending.set(pid, u);
    }
  }

  private pidOf(ev: LineEvent): number | null {
    // A CallLine's `pid` is the joined call's once joined: its prefix's is `linePid`.
    const linePid = ev instanceof CallLine ? ev.linePid : ev.pid;
    if (linePid !== null) {
      this.leading = false;
      // `exit_group(0) = ?` also ends a process: with -qq strace prints no "+++ exited" line.
      if (ev.kind === 'exit' || ev.kind === 'killed' || isExitCall(ev)) {
        this.live.delete(linePid);
        this.ended = linePid;
      } else {
        this.live.add(linePid);
      }
      return linePid;
    }
    if (this.defaultPid !== null) return this.defaultPid;
    if (this.live.size === 1) {
      const only = this.live.values().next().value as number;
      if (ev.kind === 'exit' || ev.kind === 'killed') {
        this.live.delete(only);
        this.ended = only;
      }
      return only;
    }
    return this.unnamedPid;
  }

  /**
   * {@link push} for a one-line call ({@link CallLine}): what it completes, without a list for the usual one
   * event. Gives the call its pid; a call of that pid still waiting comes first, never resumed.
   */
  pushCall(ev: CallLine): SyscallEvent | JoinedEvent[] {
    const pid = this.pidOf(ev);
    this.lastCallPid = pid;
    ev.pid = pid;
    // Another thread's call in progress is the usual case in a threaded `-f` log: only this pid's
    // makes a list.
    const u = this.pending.size === 0 ? undefined : this.pending.get(pid);
    let out: SyscallEvent | JoinedEvent[] = ev;
    if (u !== undefined) {
      this.pending.delete(pid);
      out = [fromUnfinished(u, pid), ev];
    }
    if (this.ended !== null) {
      this.pending.release(this.ended);
      this.ended = null;
    }
    return out;
  }

  /** Feeds one parsed line; returns the events it completes (usually one, sometimes none or two). */
  push(ev: ParsedLine): JoinedEvent[] {
    if (ev.kind === 'issue') return [];
    const out = this.join(ev);
    if (this.ended !== null) {
      this.pending.release(this.ended);
      this.ended = null;
    }
    return out;
  }

  private join(ev: LineEvent): JoinedEvent[] {
    // strace's own messages and tables belong to no process; `-k` frames never carry a prefix
    // and belong to the call printed just before them.
    let pid: number | null;
    // The program's own output belongs to the writer its prefix named, if any; it is no call.
    if (ev.kind === 'strace-message' || ev.kind === 'summary' || ev.kind === 'output') pid = ev.pid ?? this.defaultPid;
    else if (ev.kind === 'stack-frame') pid = ev.pid ?? this.defaultPid ?? this.lastCallPid;
    else pid = this.pidOf(ev);
    if (ev.kind === 'syscall' || ev.kind === 'unfinished' || ev.kind === 'resumed') this.lastCallPid = pid;
    switch (ev.kind) {
      case 'syscall':
        // Most lines: one literal of one element, not an empty array grown by push (which
        // reserves room for 16 more, ~150 bytes per line).
        return this.pending.size === 0 ? [fromLine(ev, pid)] : this.flushThen(pid, fromLine(ev, pid));
      case 'unfinished': {
        const out = this.flush(pid);
        if (ev.stop === 'unfinished' || ev.stop === 'pid-changed') {
          // A thread's execve resumes in the leader: wait for it under the new pid.
          this.pending.set(ev.stop === 'pid-changed' ? ev.newPid : pid, ev);
          if (pid === null) this.leadingPending = this.leading;
        } else {
          out.push(fromUnfinished(ev, pid));
        }
        return out;
      }
      case 'resumed': {
        // The first process's call, begun before strace printed any prefix, resumes under its pid.
        if (pid !== null && this.leadingPending && !this.pending.has(pid) && this.pending.get(null)?.name === ev.name) this.nameUnnamed(pid);
        const u = this.pending.get(pid);
        if (u !== undefined && u.name === ev.name) {
          this.pending.delete(pid);
          return [fromPair(u, ev, pid)];
        }
        return this.flushThen(pid, fromResumed(ev, pid));
      }
      case 'superseded': {
        // "+++ superseded by execve in pid 6858 +++": 6858's pending execve resumes in this pid.
        if (ev.execPid !== null && pid !== null) {
          const u = this.pending.get(ev.execPid);
          if (u !== undefined && u.name.startsWith('execve')) {
            this.pending.delete(ev.execPid);
            const out = this.flush(pid);
            this.pending.set(pid, u);
            out.push(withPid(ev, pid));
            return out;
          }
        }
        return [withPid(ev, pid)];
      }
      case 'exit':
      case 'killed':
        return this.flushThen(pid, withPid(ev, pid));
      default:
        return [withPid(ev, pid)];
    }
  }

  /** Ends the stream: calls still in progress are emitted as `never-resumed`. */
  end(): SyscallEvent[] {
    const out: SyscallEvent[] = [];
    // In the order their lines came: an order that any reader of some of the pids agrees on.
    const left = this.pending.drain().sort((a, b) => a[1].line - b[1].line);
    for (const [pid, u] of left) out.push(fromUnfinished(u, pid));
    return out;
  }

  /** Calls in progress right now (one per thread at most). */
  get inProgress(): number {
    return this.pending.size;
  }

  /** `pid`'s call in progress, if any, ended as never resumed; then `ev`. */
  private flushThen(pid: number | null, ev: JoinedEvent): JoinedEvent[] {
    const u = this.pending.get(pid);
    if (u === undefined) return [ev];
    this.pending.delete(pid);
    return [fromUnfinished(u, pid), ev];
  }

  private flush(pid: number | null): JoinedEvent[] {
    const u = this.pending.get(pid);
    if (u === undefined) return [];
    this.pending.delete(pid);
    return [fromUnfinished(u, pid)];
  }
}

function isExitCall(ev: LineEvent): boolean {
  // The name first: reading a CallLine's result builds it.
  return (ev.kind === 'syscall' || ev.kind === 'resumed') && (ev.name === 'exit_group' || ev.name === 'exit') && ev.result.value === null;
}

function withPid<T extends PassThroughEvent>(
  ev: T,
  pid: number | null,
): T {
  return ev.pid === pid ? ev : { ...ev, pid };
}

/** Joins a whole list of parsed lines (tests, small inputs); issues are returned separately. */
export function joinAll(parsed: readonly ParsedLine[], defaultPid: number | null = null): { events: JoinedEvent[]; issues: ParseIssue[] } {
  const j = new Joiner(defaultPid);
  const events: JoinedEvent[] = [];
  const issues: ParseIssue[] = [];
  for (const p of parsed) {
    if (p.kind === 'issue') issues.push(p);
    else for (const e of j.push(p)) events.push(e);
  }
  for (const e of j.end()) events.push(e);
  return { events, issues };
}
