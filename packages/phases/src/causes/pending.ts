/**
 * `pending-at-end`: the start was still waiting when the trace ended or the stop began (a hang,
 * interrupted with Ctrl-C or stopped from outside): the call it waited in, and the processes that
 * waited for it, are the answer.
 */
import { formatSeconds } from '../format.js';
import type { Diagnosis, LineRef } from '../model.js';
import type { IntervalMark } from '../marks.js';
import { STOP_SLACK_SECONDS } from '../ready.js';
import type { Task } from '../task.js';
import { cite, diagnosis, type CauseContext } from './context.js';

/** Under this, the trace does not show the wait at all: it ends at the call. */
const SEEN_SECONDS = 0.001;

function waitingAt(t: Task, at: number): IntervalMark | undefined {
  return t.marks.find((m): m is IntervalMark => m.kind === 'wait' && m.start <= at && (m.end === null || m.end > at - STOP_SLACK_SECONDS));
}

export function pendingAtEnd(ctx: CauseContext): Diagnosis | null {
  const id = 'pending-at-end';
  const ready = ctx.startup.ready;
  const leafTask = ready.task;
  if (ready.rule !== 'trace-end' || leafTask === null) return null;
  const at = ready.t;
  const leaf = waitingAt(leafTask, at) ?? null;
  // The processes that waited for it: its parent, and theirs, each in a wait of its own.
  const waiters: { task: Task; mark: IntervalMark }[] = [];
  for (let p = ctx.index.parent(leafTask); p !== null && waiters.length < 8; p = ctx.index.parent(p)) {
    const m = waitingAt(p, at);
    if (m === undefined) break;
    waiters.push({ task: p, mark: m });
  }
  const since = leaf?.start ?? leafTask.start ?? ctx.startup.start;
  const seconds = ctx.ledger.take(id, leafTask.pid, since, at);
  const waited = at - since;
  const stopped = ctx.startup.stopAt !== null && Math.abs(ctx.startup.stopAt - at) < 1e-9;
  const end = stopped ? 'when the stop began' : 'when the trace ended';
  const how =
    leaf === null
      ? `, ${formatSeconds(waited)} after it started`
      : waited < SEEN_SECONDS
        ? `; the trace ends at the call, so it does not show how long it waited`
        : `, waiting for at least ${formatSeconds(waited)}`;
  const what = leaf === null ? 'running (no call pending)' : `in ${leaf.what}`;
  const evidence: LineRef[] = [];
  if (leaf !== null) evidence.push(cite(leaf));
  for (const w of waiters.slice(0, 3)) evidence.push(cite(w.mark));
  return diagnosis(ctx, {
    id,
    severity: 'critical',
    summary:
      `the start never got ready: ${end}, pid ${leafTask.pid} (${leafTask.nameAt(since)}) was still ${what}${how}` +
      (waiters.length > 0 ? `; ${waiters.map((w) => `pid ${w.task.pid} (${w.task.nameAt(w.mark.start)}) in ${w.mark.what}`).join(', ')} waited for it` : ''),
    fix: `${fixOf(leaf, leafTask.pid)}; capture longer, or attach \`strace -p\` during the hang, to see whether it ever returns`,
    seconds,
    totalSeconds: waited,
    parts: [
      ...(leaf === null ? [] : [{ what: `${leafTask.nameAt(since)}: ${leaf.what}`, pid: leafTask.pid, seconds }]),
      ...waiters.map((w) => ({ what: `${w.task.nameAt(w.mark.start)}: ${w.mark.what}`, pid: w.task.pid, seconds: 0 })),
    ],
    evidence,
  });
}

function fixOf(leaf: IntervalMark | null, pid: number): string {
  if (leaf === null) return `find what pid ${pid} was doing: it was not waiting in a call, so it ran its own code or made calls until the end (profile it)`;
  const call = leaf.syscall ?? '';
  const why = /sleep/.test(call)
    ? 'it is a fixed sleep in the script that ran it'
    : /flock|fcntl/.test(call)
      ? 'another process holds the lock (`lslocks`)'
      : /connect/.test(call)
        ? 'the address it connects to does not answer'
        : 'what it waits for is outside the trace';
  return `find why ${call} does not return: ${why}`;
}
