/**
 * `lock-wait`: blocked in `flock` or `fcntl(F_SETLKW)` on the path; the holder is named where the
 * trace shows another process taking the same file's lock before and letting go as the wait ended.
 */
import { formatSeconds, formatShare } from '../format.js';
import type { Diagnosis, DiagnosisPart, LineRef } from '../model.js';
import type { Task } from '../task.js';
import type { PointMark } from '../marks.js';
import { cite, costly, diagnosis, who, type CauseContext } from './context.js';

const LOCK_CALLS = new Set(['flock', 'fcntl', 'fcntl64']);
/** A release this close to the end of a wait is what ended it. */
const RELEASE_SECONDS = 0.05;

export function lockWait(ctx: CauseContext): Diagnosis | null {
  const id = 'lock-wait';
  let seconds = 0;
  let total = 0;
  const parts: DiagnosisPart[] = [];
  const evidence: LineRef[] = [];
  let first: string | null = null;
  // Every lock point by file, once (a holder is looked for per wait).
  const locksByFile = new Map<string, { task: Task; m: PointMark }[]>();
  for (const x of ctx.index.all('lock')) {
    const l = locksByFile.get(x.m.subject);
    if (l === undefined) locksByFile.set(x.m.subject, [x]);
    else l.push(x);
  }
  for (const { task: t, m } of ctx.index.waitsIn(LOCK_CALLS)) {
    {
      if (m.syscall === null || !LOCK_CALLS.has(m.syscall) || m.end === null) continue;
      if (m.syscall !== 'flock' && !/SETLKW/.test(m.text)) continue;
      const file = m.what.replace(/^\S+ on /, '');
      total += m.end - m.start;
      const got = ctx.ledger.take(id, t.pid, m.start, m.end);
      if (got <= 0) continue;
      seconds += got;
      const holder = holderOf(locksByFile.get(file) ?? [], t, m.start, m.end);
      parts.push({ what: `${t.nameAt(m.start)} waited for the lock on ${file}`, pid: t.pid, seconds: got });
      evidence.push(cite(m));
      if (holder !== null) evidence.push(...holder.lines);
      first ??=
        `${who(t, m.start)} waited ${formatSeconds(m.end - m.start)} in ${m.syscall} for the lock on ${file}, ` +
        (holder !== null
          ? `held by ${who(holder.task, holder.from)} from its ${holder.lines.length > 1 ? 'lock to its release' : 'lock until it (and the children that shared its fd) ended'}`
          : 'held by a process the trace does not show');
    }
  }
  if (first === null || !costly(ctx, seconds)) return null;
  return diagnosis(ctx, {
    id,
    summary: `${first}: ${formatSeconds(seconds)} of the start (${formatShare(seconds, ctx.startup.seconds)})`,
    fix: 'find who holds the lock (`lslocks`, `fuser FILE`) and keep it held for less (not across slow work), or give the two users separate files',
    seconds,
    totalSeconds: total,
    parts,
    evidence: evidence.slice(0, 6),
  });
}

function holderOf(points: readonly { task: Task; m: PointMark }[], waiter: Task, a: number, b: number): { task: Task; from: number; lines: LineRef[] } | null {
  const byTask = new Map<Task, PointMark[]>();
  for (const { task, m } of points) {
    if (task.tgid === waiter.tgid) continue;
    const l = byTask.get(task);
    if (l === undefined) byTask.set(task, [m]);
    else l.push(m);
  }
  for (const [t, locks] of byTask) {
    const took = locks.filter((m) => m.n === 1 && m.t <= a).pop();
    if (took === undefined) continue;
    const released = locks.find((m) => m.n === 0 && m.t >= took.t && Math.abs(m.t - b) <= RELEASE_SECONDS);
    const ended = t.end !== null && Math.abs(t.end - b) <= RELEASE_SECONDS;
    if (released === undefined && !ended) continue;
    return { task: t, from: took.t, lines: released === undefined ? [cite(took)] : [cite(took), cite(released)] };
  }
  return null;
}
