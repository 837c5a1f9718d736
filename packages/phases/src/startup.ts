/**
 * The start and what held it up: when it was over ("ready", by a documented rule or the user's
 * `--ready`), and the critical path to that moment, walked back from ready through the process
 * that got there: its calls in a row (running), a call it waited in (blocked), or no call at all
 * (silent). A wait the trace says a child ended continues in that child; a process's start
 * continues in its parent before the `clone`. Segments are contiguous and add up to the time to
 * ready. docs/critical-path.md says what each step can and cannot prove.
 */
import type { PathSegment } from './critical-path.js';
import type { ReadyPoint } from './ready.js';
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
