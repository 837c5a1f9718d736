/**
 * `dominant-wait`, `dominant-silent-gap` and `dominant-work`: a step of the path that no other
 * cause explains and that held up a large part of the start: a wait the trace cannot follow (a
 * timer, the network, a disk, a process strace did not trace), a silence (user code, CPU, calls
 * filtered out), or a process's own calls in a row (a read loop over a big file, a parse).
 */
import { formatCount, formatSeconds, formatShare } from '../format.js';
import type { Diagnosis, Gap, LineRef } from '../model.js';
import type { PathSegment } from '../critical-path.js';
import { cite, diagnosis, type CauseContext } from './context.js';

/** A step must be this long… */
export const DOMINANT_MIN_SECONDS = 1;
/** …and this share of the time to ready to be called dominant. */
export const DOMINANT_MIN_SHARE = 0.2;

/** The longest step in `state` not yet claimed by another cause, when it dominates: claimed for `id`. */
function largest(ctx: CauseContext, id: string, state: PathSegment['state']): { s: PathSegment; seconds: number } | null {
  let best: { s: PathSegment; free: number } | null = null;
  for (const s of ctx.startup.criticalPath) {
    if (s.state !== state || s.wake === 'child' || s.untraced) continue;
    const free = ctx.ledger.take(id, s.pid, s.start, s.end, (x) => x === s, true);
    if (best === null || free > best.free) best = { s, free };
  }
  if (best === null) return null;
  const sure = best.free - ctx.resolution;
  if (sure < DOMINANT_MIN_SECONDS || best.free < DOMINANT_MIN_SHARE * ctx.startup.seconds) return null;
  const s = best.s;
  return { s, seconds: ctx.ledger.take(id, s.pid, s.start, s.end, (x) => x === s) };
}

function linesOf(s: PathSegment, gaps: readonly Gap[]): LineRef[] {
  const g = gaps.find((x) => x.pid === s.pid && x.start <= s.start + 1e-6 && x.end >= s.end - 1e-6);
  if (g !== undefined) return [g.before, g.after];
  return s.marks.filter((m) => m.text !== '').slice(0, 2).map(cite);
}

export function dominantWait(ctx: CauseContext, gaps: readonly Gap[]): Diagnosis | null {
  const id = 'dominant-wait';
  const b = largest(ctx, id, 'blocked');
  if (b === null) return null;
  const { s, seconds } = b;
  const timer = s.wake === 'timer';
  const g = gaps.find((x) => x.pid === s.pid && x.kind === 'waiting' && x.start <= s.start + 1e-6 && x.end >= s.end - 1e-6);
  const busy = g?.blame[0];
  const blamed = busy !== undefined && busy.busySeconds >= 0.5 * seconds ? busy : undefined;
  const what = blamed?.top.map((x) => `${formatCount(x.count)}× ${x.what}`).join(', ');
  // A wait4 whose child has no line in the trace: strace did not follow it (no -f).
  const child = s.marks.find((m) => m.child !== null)?.child ?? null;
  const untracedChild = child !== null && ctx.index.at(child, s.end) === null ? child : null;
  return diagnosis(ctx, {
    id,
    severity: 'warning',
    summary:
      `pid ${s.pid} (${s.name}) waited ${formatSeconds(seconds)} (${formatShare(seconds, ctx.startup.seconds)} of the start) in ${s.what}` +
      (timer
        ? s.what.endsWith('timed out') ? '' : ', until its timeout ran out'
        : untracedChild !== null
          ? `: its child pid ${untracedChild} ran all that time, and the trace has no line of it`
          : blamed !== undefined
            ? ` while pid ${blamed.pid} (${blamed.name}) was busy for ${formatSeconds(blamed.busySeconds)}${what ? `: ${what}` : ''}, and the trace does not show that it woke it`
            : ', and the trace does not show what woke it'),
    fix: timer
      ? 'it waited for a timeout to run out: find what it expected in that time (an answer, an event) and why it never came, or shorten the timeout'
      : untracedChild !== null
        ? `capture again with -f (or -ff -o DIR/PREFIX) so that strace follows pid ${untracedChild} and the report can say what it did`
        : blamed !== undefined
        ? `if pid ${blamed.pid} is what it waited for, what it did in that window is what to speed up`
        : 'it waited on something outside the trace (the network, a disk, a process strace did not follow): look at what the call waited on; capture with -f to follow every child',
    seconds,
    totalSeconds: s.end - s.start,
    parts: [{ what: s.what, pid: s.pid, seconds }],
    evidence: linesOf(s, gaps),
  });
}

export function dominantSilence(ctx: CauseContext, gaps: readonly Gap[], filtered: boolean): Diagnosis | null {
  const id = 'dominant-silent-gap';
  const b = largest(ctx, id, 'silent');
  if (b === null) return null;
  const { s, seconds } = b;
  const lines = linesOf(s, gaps);
  return diagnosis(ctx, {
    id,
    severity: 'warning',
    summary:
      `pid ${s.pid} (${s.name}) made no syscall for ${formatSeconds(seconds)} (${formatShare(seconds, ctx.startup.seconds)} of the start)` +
      (lines.length === 2 ? `, between ${(lines[0] as LineRef).file}:${(lines[0] as LineRef).line} and ${(lines[1] as LineRef).file}:${(lines[1] as LineRef).line}` : ''),
    fix: filtered
      ? 'the capture recorded only some calls (strace -e trace=…), so the gap may be calls it left out: ' +
        `capture again without -e to see them, then profile pid ${s.pid} if it is still silent`
      : `strace cannot see inside user code: profile pid ${s.pid} over that window (e.g. \`perf record -g -p ${s.pid}\`), ` +
        "and check the container's CPU throttling (`nr_throttled` in its cgroup's cpu.stat)",
    seconds,
    totalSeconds: s.end - s.start,
    parts: [{ what: 'no syscall', pid: s.pid, seconds }],
    evidence: lines,
  });
}

export function dominantWork(ctx: CauseContext): Diagnosis | null {
  const id = 'dominant-work';
  const b = largest(ctx, id, 'running');
  if (b === null) return null;
  const { s, seconds } = b;
  return diagnosis(ctx, {
    id,
    severity: 'warning',
    summary:
      `pid ${s.pid} (${s.name}) worked through ${formatSeconds(seconds)} of the start (${formatShare(seconds, ctx.startup.seconds)}) ` +
      `on its own, call after call with no long wait: ${s.what}`,
    fix:
      `this is the program's own work: see whether its input can be smaller (the files it reads above) or the work skipped at start; ` +
      `strace shows its calls, not its code: profile pid ${s.pid} over that window (e.g. \`perf record -g -p ${s.pid}\`). ` +
      'strace stops the program at every call (and longer with -k), so under strace a run of many calls takes longer than without it: the cost is an upper bound',
    seconds,
    totalSeconds: s.end - s.start,
    parts: [{ what: s.what, pid: s.pid, seconds }],
    evidence: s.evidence.slice(0, 2).map((e) => ({ file: e.file, line: e.line, text: '', time: null })),
  });
}
