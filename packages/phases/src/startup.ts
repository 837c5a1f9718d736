/**
 * The start and what held it up: when it was over ("ready", by a documented rule or the user's
 * `--ready`), and the critical path to that moment, walked back from ready through the process
 * that got there: its calls in a row (running), a call it waited in (blocked), or no call at all
 * (silent). A wait the trace says a child ended continues in that child; a process's start
 * continues in its parent before the `clone`. Segments are contiguous and add up to the time to
 * ready. docs/critical-path.md says what each step can and cannot prove.
 */
import type { Span } from './analysis-types.js';
import { DAY, HALF_DAY, type SetClock } from './clock.js';
import { criticalPath, describeRun, type PathSegment } from './critical-path.js';
import { findReady, parseTimeOption, rootOf, type ReadyPoint } from './ready.js';
import type { TaskIndex } from './task-index.js';
import type { Task } from './task.js';

/** A call still waiting when the trace ended. */
export interface PendingCall {
  readonly pid: number;
  readonly syscall: string;
  readonly since: number;
  /** Until the trace's last line: how long it had waited at least. */
  readonly seconds: number;
  readonly what: string;
  readonly text: string;
  readonly file: string;
  readonly line: number;
  readonly task: Task;
}

export interface Startup {
  readonly start: number;
  readonly ready: ReadyPoint;
  readonly seconds: number;
  /** From ready to the trace's end (steady state, and the stop). */
  readonly afterReadySeconds: number;
  /** When the stop began (a SIGTERM/SIGINT/… to the first process), if the capture has one. */
  readonly stopAt: number | null;
  readonly criticalPath: PathSegment[];
}

/** Pending calls a report lists: a capture of 100,000 threads parked in calls lists the first ones. */
export const MAX_PENDING = 1000;

/**
 * Calls still waiting when the trace ended, in processes that did not die in them: the first
 * {@link MAX_PENDING} by when they began, and how many there were.
 */
export function pendingCalls(index: TaskIndex, traceEnd: number): { list: PendingCall[]; total: number } {
  const open = index.openWaits.filter((w) => w.task.exit === null);
  open.sort((a, b) => a.m.start - b.m.start || a.task.pid - b.task.pid);
  const list = open.slice(0, MAX_PENDING).map(({ task, m }) => ({
    pid: task.pid, syscall: m.syscall ?? '?', since: m.start, seconds: Math.max(0, traceEnd - m.start), what: m.what, text: m.text, file: m.file, line: m.line, task,
  }));
  return { list, total: open.length };
}

/** A time as the trace prints it (`--ready`, `--from`, `until`) on the set's clock; `null` for none. */
export function onSetClock(text: string | null | undefined, clock: SetClock, span: Span): number | null {
  if (text == null) return null;
  const abs = parseTimeOption(text);
  if (abs === null) return null;
  let t = abs - clock.absolute(0);
  // A time of day before the base second is on the next day (a trace across midnight).
  if (clock.kind === 'time-of-day' && t < span.start - HALF_DAY) t += DAY;
  return t;
}

/**
 * Ready, the window of the start, and the critical path to ready (names and words filled in);
 * `end` is the capture's. `warning` says why the ready asked for was not found.
 */
export function findStartup(
  index: TaskIndex,
  tasks: readonly Task[],
  span: Span,
  end: number,
  clock: SetClock,
  options: { readonly ready: string | null; readonly from: string | null },
): { startup: Startup; warning: string | null } {
  const readyAt = onSetClock(options.ready, clock, span);
  const from = onSetClock(options.from, clock, span) ?? span.start;
  const r = findReady(index, span.start, end, { ready: readyAt === null ? options.ready : null, readyAt, from });
  const readyT = Math.max(from, Math.min(r.ready.t, end));
  const ready = { ...r.ready, t: readyT };
  const path = criticalPath(index, from, ready, rootOf(tasks));
  for (const seg of path) {
    seg.name = seg.task.nameAt((seg.start + seg.end) / 2);
    if (seg.state === 'running' && seg.what === '') seg.what = describeRun(seg.task, seg.start, seg.end);
    if (seg.state === 'silent' && seg.what === 'no syscall') seg.what = 'no syscall (user code, CPU, or calls the trace left out)';
  }
  const startup = { start: from, ready, seconds: readyT - from, afterReadySeconds: Math.max(0, end - readyT), stopAt: r.stopAt, criticalPath: path };
  return { startup, warning: r.warning };
}
