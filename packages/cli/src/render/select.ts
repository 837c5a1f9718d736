/** What the human-readable reports (text, Markdown) show of the full report. */
import type { GapReport, ReportGap, ReportPhase } from '@strace-gaps/phases';

/** Phases shown in the timeline; generic ones only when they are on the path or large. */
const MAX_PHASE_ROWS = 16;
const KEY_PHASES = new Set(['runtime-init', 'env-dump', 'supervisor-start']);
/** A generic phase (exec, loader, wait, repeat) on the path shows from this share of the time to ready… */
const ON_PATH_SHARE = 0.1;
/** …and one off the path from this share. */
const LARGE_SHARE = 0.5;

/** Seconds of [start, end] the critical path spends in `pid`. */
function onPath(r: GapReport, pid: number, start: number, end: number): number {
  let t = 0;
  for (const p of r.startup?.criticalPath ?? []) if (p.pid === pid) t += Math.max(0, Math.min(end, p.end) - Math.max(start, p.start));
  return t;
}

/**
 * The timeline's rows: the start-up phases always, then the longest generic phases that are on
 * the critical path (half their length or more) and a tenth of the time to ready, or that are half
 * of it; up to 16 rows, in time order; and how many qualified. Without a start: a tenth of the span.
 */
export function timelinePhases(r: GapReport): { shown: ReportPhase[]; qualified: number } {
  if (r.span === null) return { shown: [], qualified: 0 };
  const total = r.startup?.seconds ?? r.span.seconds;
  const generic = (p: ReportPhase): boolean => {
    if (p.seconds <= 0) return false;
    if (r.startup === null) return (p.kind === 'exec' || p.kind === 'wait' || p.kind === 'repeat') && p.seconds >= ON_PATH_SHARE * total;
    const on = onPath(r, p.pid, p.start, p.end);
    return (on >= 0.5 * p.seconds && on >= ON_PATH_SHARE * total) || (p.kind === 'repeat' && p.seconds >= LARGE_SHARE * total);
  };
  const rows = r.phases.filter((p) => KEY_PHASES.has(p.kind) || generic(p));
  const key = rows.filter((p) => KEY_PHASES.has(p.kind));
  const rest = rows.filter((p) => !KEY_PHASES.has(p.kind)).sort((a, b) => b.seconds - a.seconds);
  const shown = [...key, ...rest.slice(0, Math.max(0, MAX_PHASE_ROWS - key.length))].sort((a, b) => a.start - b.start || a.end - b.end);
  return { shown, qualified: rows.length };
}

/**
 * The gaps of one kind to list: threads of one process, or processes of one program, waiting in
 * the same call over the same window fold into one row (a Go runtime parks them all), and a helper thread's wait shows only
 * when the critical path runs through it.
 */
export function shownGaps(r: GapReport, kind: ReportGap['kind']): { gap: ReportGap; more: number }[] {
  const tgid = new Map(r.processes.map((p) => [p.pid, p.tgid]));
  const thread = new Map(r.processes.map((p) => [p.pid, p.thread]));
  // Threads of one process, or processes of one program (three supervisors in ppoll), alike.
  const alike = (a: ReportGap, b: ReportGap) => tgid.get(a.pid) === tgid.get(b.pid) || a.name === b.name;
  const out: { gap: ReportGap; more: number }[] = [];
  for (const g of r.gaps) {
    if (g.kind !== kind) continue;
    if (r.startup !== null && thread.get(g.pid) === true && onPath(r, g.pid, g.start, g.end) === 0) continue;
    const same = out.find(
      (x) => alike(x.gap, g) && x.gap.syscall === g.syscall && Math.min(x.gap.end, g.end) - Math.max(x.gap.start, g.start) >= 0.5 * g.seconds,
    );
    if (same !== undefined) same.more++;
    else out.push({ gap: g, more: 0 });
  }
  return out;
}
