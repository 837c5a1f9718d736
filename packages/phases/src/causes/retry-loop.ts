/**
 * `retry-loop`: a start that tried to reach something until it answered: `connect` refused (or a
 * non-blocking connect whose `getsockopt(SO_ERROR)` says so), tried again, in one process or a new
 * child per try, with sleeps between. The cost is the path's time from the first failed try to the
 * try that worked (or the last one).
 */
import { formatCount, formatSeconds, formatShare } from '../format.js';
import type { Diagnosis } from '../model.js';
import type { PointMark } from '../marks.js';
import type { Task } from '../task.js';
import { cite, costly, diagnosis, someOf, type CauseContext } from './context.js';

/** Failed tries of one target before a loop is a loop. */
const MIN_TRIES = 3;

export function retryLoop(ctx: CauseContext): Diagnosis | null {
  const id = 'retry-loop';
  const byTarget = new Map<string, { task: Task; m: PointMark }[]>();
  for (const { task, m } of ctx.index.all('connect')) {
    const l = byTarget.get(m.subject) ?? [];
    l.push({ task, m });
    byTarget.set(m.subject, l);
  }
  let best: Diagnosis | null = null;
  for (const [target, tries] of byTarget) {
    tries.sort((a, b) => a.m.t - b.m.t);
    const firstFail = tries.findIndex((x) => x.m.n === 0);
    if (firstFail < 0) continue;
    const okAt = tries.findIndex((x, i) => i > firstFail && x.m.n === 1);
    const failed = tries.slice(firstFail, okAt < 0 ? undefined : okAt).filter((x) => x.m.n === 0);
    if (failed.length < MIN_TRIES) continue;
    // A loop tries again until it gets through, or keeps trying in one process. Many processes
    // that each try once and go on (every program asking nscd's socket) are no loop.
    const procs = new Set(failed.map((x) => x.task.tgid));
    if (okAt < 0 && procs.size > 1) continue;
    const a = (failed[0] as (typeof failed)[number]).m.t;
    const ok = okAt < 0 ? null : (tries[okAt] as (typeof tries)[number]);
    const b = ok?.m.t ?? (failed[failed.length - 1] as (typeof failed)[number]).m.t;
    const seconds = ctx.ledger.take(id, null, a, b);
    if (!costly(ctx, seconds)) continue;
    const errnos = [...new Set(failed.map((x) => x.m.detail ?? '?'))];
    const sleepers = new Set<number>();
    for (const s of ctx.startup.criticalPath) if (s.start < b && s.end > a && s.syscall !== null && /sleep/.test(s.syscall)) sleepers.add(s.pid);
    const d = diagnosis(ctx, {
      id,
      summary:
        `the start retried connecting to ${target} ${formatCount(failed.length)} times (${errnos.join(', ')}${errnos.includes('ECONNREFUSED') ? ': nothing listened there yet' : ''}) ` +
        `over ${formatSeconds(b - a)}` +
        (procs.size > 1 ? `, a new process per try (${formatCount(procs.size)})` : `, in pid ${(failed[0] as (typeof failed)[number]).task.pid}`) +
        (ok !== null ? `, until pid ${ok.task.pid} got through` : ', and never got through') +
        `: ${formatSeconds(seconds)} of the start (${formatShare(seconds, ctx.startup.seconds)})`,
      fix:
        `the start waits for ${target} to come up: start that dependency earlier (or in parallel) and look at its own start-up time; ` +
        'if the order is right, make the wait react to it (a readiness signal) instead of polling with sleeps',
      seconds,
      totalSeconds: b - a,
      parts: [
        { what: `${formatCount(failed.length)} failed tries of ${target}`, pid: procs.size === 1 ? (failed[0] as (typeof failed)[number]).task.pid : null, seconds },
      ],
      evidence: [...someOf(failed, 3).map((x) => cite(x.m)), ...(ok === null ? [] : [cite(ok.m)])],
    });
    if (best === null || (d.seconds ?? 0) > (best.seconds ?? 0)) best = d;
  }
  return best;
}
