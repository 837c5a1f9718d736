/**
 * When the start was over ("ready"): the stop, a hang, and the documented rule or `--ready`
 * (docs/critical-path.md).
 */
import type { IntervalMark, PointMark } from './marks.js';
import { STOP_SIGNALS } from './call-facts.js';
import { basename } from './paths.js';
import { isProcess, type TaskIndex } from './task-index.js';
import type { Task } from './task.js';

/** How ready was decided. */
export type ReadyRule =
  /** `--ready PROGRAM`: the first exec of that program. */
  | 'exec-option'
  /** `--ready listen`, or the default when the last long-lived program listens after its exec. */
  | 'listen'
  /** `--ready TIME`. */
  | 'time-option'
  /** The last exec among the processes still running at the end (or at the stop). */
  | 'last-exec'
  /** No survivor exec'd: the last of them to start. */
  | 'last-start'
  /** Every process ended: the first process's exit (a command that ran to completion). */
  | 'exit'
  /** The start was still waiting when the trace ended (a hang): ready is the trace's end. */
  | 'trace-end'
  /** Nothing above marked ready after the start (a fragment of a trace): its last line. */
  | 'last-line';

export interface ReadyPoint {
  readonly t: number;
  readonly rule: ReadyRule;
  readonly task: Task | null;
  readonly file: string | null;
  readonly line: number | null;
  readonly text: string | null;
}

export interface StartupOptions {
  /** `--ready`: a program name or path, `listen`, or a time as the trace prints it (set-clock seconds given by `at`). */
  readonly ready?: string | null;
  /** `--ready TIME` and `--from TIME` already turned into set-clock seconds. */
  readonly readyAt?: number | null;
  readonly from?: number | null;
}

/**
 * A call that returned this close before the stop (or the trace's end) was cut short by it: the
 * signal that stops a program ends its waits with ERESTARTSYS or EINTR at about the same time.
 */
export const STOP_SLACK_SECONDS = 0.05;
/** Calls a finished hang leaves pending that say "still waiting for the start" rather than "idle". */
const HANG_CALLS = new Set(['nanosleep', 'clock_nanosleep', 'clock_nanosleep_time64', 'flock', 'fcntl', 'fcntl64', 'connect', 'wait4', 'waitid', 'waitpid', 'read']);
/** What the first process itself can hang in (a sleep or a wait of its own may be how it idles). */
const ROOT_HANG_CALLS = new Set(['flock', 'fcntl', 'fcntl64', 'connect']);
const LINK_CALLS = new Set(['wait4', 'waitid', 'waitpid', 'read']);

/** The first process: where the trace begins. */
export function rootOf(tasks: readonly Task[]): Task | null {
  let root: Task | null = null;
  for (const t of tasks) if (isProcess(t) && t.start !== null && (root === null || t.start < (root.start as number))) root = t;
  return root;
}

/**
 * When the capture's stop began: the first terminating signal a traced process got from outside
 * the trace (`docker stop`, `runc kill`, Ctrl-C: a sender that is not a traced process), or the
 * first process's death by one. What follows (supervisors exiting, finish scripts) is not the start.
 */
export function stopOf(index: TaskIndex, root: Task | null): number | null {
  let at: number | null = null;
  for (const { m } of index.all('signal')) {
    if (!STOP_SIGNALS.has(m.subject) || (at !== null && m.t >= at)) continue;
    const sender = m.n === null ? null : index.at(m.n, m.t);
    // A traced sender (a `timeout`, a supervisor) is part of the start; pid 1 inside a namespace is not traced by that pid.
    if (sender !== null && sender.start !== null && sender.start <= m.t && (sender.end === null || sender.end >= m.t)) continue;
    at = m.t;
  }
  if (root !== null && root.exit?.signal != null && STOP_SIGNALS.has(root.exit.signal) && root.end !== null && (at === null || root.end < at)) at = root.end;
  return at;
}

/**
 * The calls that say the start never finished: following the first process's waits for its
 * children (`wait4`, a `read` of a pipe) down to a call that was still waiting at `at` (the stop,
 * or the trace's end): a sleep, a lock, a connect, a wait with no traced child left. A call of the
 * first process itself counts only when it is a lock or a connect: a program idle in a sleep or a
 * read at the end is ready, not hung.
 */
export function hangLeaf(index: TaskIndex, root: Task, at: number, alive: (t: Task) => boolean): { task: Task; mark: IntervalMark | null }[] {
  const out: { task: Task; mark: IntervalMark | null }[] = [];
  const seen = new Set<Task>();
  const waitingAt = (t: Task) => index.intervals(t).find((m) => m.kind === 'wait' && m.start <= at && (m.end === null || m.end > at - STOP_SLACK_SECONDS));
  const visit = (t: Task, depth: number): void => {
    if (seen.has(t)) return;
    seen.add(t);
    const pending = waitingAt(t);
    if (pending === undefined) {
      // Running (no call pending) while its parent waits for it: that is what the start waits for.
      if (depth > 0) out.push({ task: t, mark: null });
      return;
    }
    const name = pending.syscall ?? '';
    if (!HANG_CALLS.has(name)) return;
    const pipe = name !== 'read' || pending.what.includes('pipe');
    const kids = index.children(t).filter((k) => isProcess(k) && alive(k));
    if (LINK_CALLS.has(name) && pipe && kids.length > 0) {
      for (const k of kids) visit(k, depth + 1);
      return;
    }
    if (!pipe) return;
    if (depth === 0 && !ROOT_HANG_CALLS.has(name)) return;
    out.push({ task: t, mark: pending });
  };
  visit(root, 0);
  return out;
}

/** Ready by the default rule, or by `--ready`; a rule that lands on the start gives way to the trace's last line. */
export function findReady(index: TaskIndex, traceStart: number, traceEnd: number, options: StartupOptions): { ready: ReadyPoint; stopAt: number | null; warning: string | null } {
  const r = readyByRule(index, traceStart, traceEnd, options);
  const from = options.from ?? traceStart;
  if (r.ready.t > from || r.ready.rule === 'time-option' || traceEnd <= from) return r;
  const last = lastTask(index.tasks);
  return { ...r, ready: { t: traceEnd, rule: 'last-line', task: last, file: null, line: null, text: null } };
}

/** The task whose last line is the trace's last. */
function lastTask(tasks: readonly Task[]): Task | null {
  let best: Task | null = null;
  for (const t of tasks) if (t.last !== null && (best === null || t.last > (best.last as number))) best = t;
  return best;
}

function readyByRule(index: TaskIndex, traceStart: number, traceEnd: number, options: StartupOptions): { ready: ReadyPoint; stopAt: number | null; warning: string | null } {
  const tasks = index.tasks;
  const root = rootOf(tasks);
  const stopAt = stopOf(index, root);
  const endOfStart = stopAt ?? traceEnd;
  let warning: string | null = null;
  const want = options.ready ?? null;
  if (options.readyAt != null) {
    return { ready: { t: options.readyAt, rule: 'time-option', task: null, file: null, line: null, text: null }, stopAt, warning };
  }
  if (want === 'listen') {
    const l = firstPoint(index, 'listen', () => true);
    if (l !== null) return { ready: { t: l.m.t, rule: 'listen', task: l.task, file: l.m.file, line: l.m.line, text: l.m.text }, stopAt, warning };
    warning = 'no process called listen(), so --ready listen does not apply: ready was found by the default rule';
  } else if (want !== null) {
    // A path names one program; a bare name, the first exec of it after the start (the traced
    // command itself, a shim named like the program, is exec'd at the first line).
    const from = options.from ?? traceStart;
    const e =
      firstPoint(index, 'exec', (m) => m.subject === want) ??
      firstPoint(index, 'exec', (m) => m.t > from && (basename(m.subject) === want || argv0(m.text) === want)) ??
      firstPoint(index, 'exec', (m) => basename(m.subject) === want || argv0(m.text) === want);
    if (e !== null) return { ready: { t: e.m.t, rule: 'exec-option', task: e.task, file: e.m.file, line: e.m.line, text: e.m.text }, stopAt, warning };
    warning = `no process exec'd ${want}, so --ready ${want} does not apply: ready was found by the default rule`;
  }
  const alive = (t: Task) => t.start !== null && t.start < endOfStart && (t.exit === null ? true : stopAt !== null && (t.end ?? traceEnd) >= stopAt);
  const survivors = tasks.filter((t) => isProcess(t) && alive(t));
  if (root !== null) {
    const leaves = hangLeaf(index, root, endOfStart, alive);
    if (leaves.length > 0) {
      const leaf = leaves[0] as (typeof leaves)[number];
      return {
        ready: { t: endOfStart, rule: 'trace-end', task: leaf.task, file: leaf.mark?.file ?? null, line: leaf.mark?.line ?? null, text: leaf.mark?.text ?? null },
        stopAt,
        warning,
      };
    }
  }
  if (survivors.length > 0) {
    let best: { task: Task; m: PointMark } | null = null;
    for (const t of survivors) {
      for (const m of index.points(t, 'exec')) if (m.t < endOfStart && (best === null || m.t > best.m.t)) best = { task: t, m };
    }
    if (best !== null) {
      const tg = best.task.tgid;
      const after = best.m.t;
      const l = firstPoint(index, 'listen', (m, t) => t.tgid === tg && m.t >= after && m.t < endOfStart);
      if (l !== null) return { ready: { t: l.m.t, rule: 'listen', task: l.task, file: l.m.file, line: l.m.line, text: l.m.text }, stopAt, warning };
      return { ready: { t: best.m.t, rule: 'last-exec', task: best.task, file: best.m.file, line: best.m.line, text: best.m.text }, stopAt, warning };
    }
    const last = survivors.reduce((a, b) => ((b.start as number) > (a.start as number) ? b : a));
    return { ready: { t: last.start as number, rule: 'last-start', task: last, file: last.first?.file ?? null, line: last.first?.line ?? null, text: last.first?.text ?? null }, stopAt, warning };
  }
  const end = root?.end ?? traceEnd;
  return {
    ready: { t: Math.min(end, endOfStart), rule: 'exit', task: root, file: root?.file ?? null, line: null, text: null },
    stopAt,
    warning,
  };
}

function argv0(text: string): string | null {
  const m = /\[\s*"([^"]*)"/.exec(text);
  return m ? basename(m[1] as string) : null;
}

function firstPoint(index: TaskIndex, kind: PointMark['kind'], ok: (m: PointMark, t: Task) => boolean): { task: Task; m: PointMark } | null {
  let best: { task: Task; m: PointMark } | null = null;
  for (const { task, m } of index.all(kind)) if (ok(m, task) && (best === null || m.t < best.m.t)) best = { task, m };
  return best;
}

/**
 * A time as the trace prints it, in seconds on its own clock: `11:01:42.297482` (since midnight)
 * or `1700000000.123456` (since the epoch); `null` for anything else.
 */
export function parseTimeOption(text: string): number | null {
  const tod = /^(\d{1,2}):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(text.trim());
  if (tod !== null) return Number(tod[1]) * 3600 + Number(tod[2]) * 60 + Number(tod[3]);
  const epoch = /^\d{6,}(?:\.\d+)?$/.exec(text.trim());
  return epoch === null ? null : Number(epoch[0]);
}
