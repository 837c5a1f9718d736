/**
 * `sleep`: fixed sleeps on the path: a `nanosleep`/`clock_nanosleep` call, or a `sleep` program a
 * script ran, named with the script that ran it.
 */
import { formatSeconds, formatShare } from '../format.js';
import type { Diagnosis, DiagnosisPart, LineRef } from '../model.js';
import { basename } from '../paths.js';
import type { PathSegment } from '../critical-path.js';
import { SLEEP_CALLS } from '../call-facts.js';
import type { Task } from '../task.js';
import { cite, costly, diagnosis, pointsOf, type CauseContext } from './context.js';

const SLEEP_PROGRAMS = new Set(['sleep', 'usleep']);

function isSleepProgram(ctx: CauseContext, t: Task, at: number): boolean {
  const exec = pointsOf(ctx, t, 'exec').filter((m) => m.t <= at).pop();
  return exec !== undefined && SLEEP_PROGRAMS.has(basename(exec.subject));
}

export function sleeps(ctx: CauseContext): Diagnosis | null {
  const id = 'sleep';
  const byScript = new Map<string, { pid: number; seconds: number }>();
  const evidence: LineRef[] = [];
  let seconds = 0;
  let total = 0;
  const path = ctx.startup.criticalPath;
  for (const s of path) {
    const inCall = s.state === 'blocked' && s.syscall !== null && SLEEP_CALLS.has(s.syscall);
    const inProgram = isSleepProgram(ctx, s.task, (s.start + s.end) / 2);
    if (!inCall && !inProgram) continue;
    const got = ctx.ledger.take(id, s.pid, s.start, s.end, (x: PathSegment) => x === s);
    if (got <= 0) continue;
    seconds += got;
    // The script: the sleep program's parent, or the process that slept.
    const parent = inProgram ? ctx.index.parent(s.task) : s.task;
    const script = parent === null ? s.task.nameAt(s.start) : parent.nameAt(s.start);
    const key = `${script}`;
    const e = byScript.get(key) ?? { pid: parent?.pid ?? s.pid, seconds: 0 };
    e.seconds += got;
    byScript.set(key, e);
    for (const m of s.marks) if (m.kind === 'wait' && evidence.length < 6) evidence.push(cite(m));
    if (inProgram && evidence.length < 6) {
      const ex = pointsOf(ctx, s.task, 'exec').filter((m) => m.t <= s.end).pop();
      if (ex !== undefined && !evidence.some((r) => r.file === ex.file && r.line === ex.line)) evidence.unshift(cite(ex));
    }
  }
  for (const { m } of ctx.index.waitsIn(SLEEP_CALLS)) if (m.end !== null) total += m.end - m.start;
  if (!costly(ctx, seconds)) return null;
  const parts: DiagnosisPart[] = [...byScript].map(([what, v]) => ({ what: `slept in ${what}`, pid: v.pid, seconds: v.seconds }));
  parts.sort((a, b) => b.seconds - a.seconds);
  const top = parts[0] as DiagnosisPart;
  return diagnosis(ctx, {
    id,
    summary:
      `fixed sleeps held up the start for ${formatSeconds(seconds)} (${formatShare(seconds, ctx.startup.seconds)}): ` +
      parts.slice(0, 3).map((p) => `${formatSeconds(p.seconds)} ${p.what.replace(/^slept in /, 'in ')} (pid ${p.pid})`).join(', '),
    fix: `replace the fixed sleep in ${top.what.replace(/^slept in /, '')} with a wait for what it stands for (a readiness check polled every few ms, or the event itself), or shorten it`,
    seconds,
    totalSeconds: total,
    parts,
    evidence,
  });
}
