/** What the human-readable reports show of the start: the ready rule in words, and the path's rows. */
import { formatCount as n, formatSeconds as secs, type GapReport, type ReportPathStep, type ReportStartup } from '@strace-gaps/phases';

/** Steps of the path shown as rows; the rest are folded into one line per run. */
const MAX_STEPS = 20;
/** A path of this many steps or fewer shows whole. */
const SHOW_ALL = 6;
/** Steps below this share of the start are folded unless few enough to show all. */
const MIN_STEP_SHARE = 0.01;

/** How ready was decided, in words. */
export function readyRuleText(s: ReportStartup): string {
  const by = s.readyBy;
  const who = by.pid === null ? '' : ` of pid ${by.pid}`;
  switch (by.rule) {
    case 'exec-option':
      return `the first exec${who} of the program given with --ready`;
    case 'time-option':
      return 'the time given with --ready';
    case 'listen':
      return `the first listen()${who} after the last exec of the processes still running at the ${s.stopAt === null ? "trace's end" : 'stop'}`;
    case 'last-exec':
      return `the last exec${who === '' ? '' : ` (pid ${by.pid})`} among the processes still running at the ${s.stopAt === null ? "trace's end" : 'stop'}`;
    case 'last-start':
      return `the last start${who === '' ? '' : ` (pid ${by.pid})`} among the processes still running at the ${s.stopAt === null ? "trace's end" : 'stop'} (none of them exec'd)`;
    case 'exit':
      return `the exit of the first process${who === '' ? '' : ` (pid ${by.pid})`}: every process ended, so the command ran to completion`;
    case 'last-line':
      return "the trace's last line: nothing marked ready earlier (no process exec'd, listened or ended after the start)";
    case 'trace-end':
      return `none: the start was still waiting when the trace ended${who === '' ? '' : ` (in pid ${by.pid})`}, so ready is the trace's end`;
    default:
      return by.rule;
  }
}

/** `+1.234 s`: a time as an offset from the start. */
export function offset(s: ReportStartup, abs: number): string {
  const d = abs - s.start;
  return `+${d < 10 ? d.toFixed(3) : d < 100 ? d.toFixed(2) : d.toFixed(1)} s`;
}

/** A row of the waterfall: a step, or a run of short steps folded into one line. */
export type PathRow = { readonly step: ReportPathStep } | { readonly folded: number; readonly seconds: number; readonly pids: readonly number[] };

/**
 * The waterfall's rows in time order: steps of at least 1% of the start (the 20 longest), and
 * each run of shorter steps between them as one folded row. A short path shows whole.
 */
export function pathRows(s: ReportStartup): PathRow[] {
  const steps = s.criticalPath;
  if (steps.length <= SHOW_ALL) return steps.map((step) => ({ step }));
  const keep = new Set(
    steps
      .filter((p) => p.share >= MIN_STEP_SHARE)
      .sort((a, b) => b.seconds - a.seconds)
      .slice(0, MAX_STEPS),
  );
  const rows: PathRow[] = [];
  let run: ReportPathStep[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const pids = [...new Set(run.map((p) => p.pid))];
    rows.push({ folded: run.length, seconds: run.reduce((x, p) => x + p.seconds, 0), pids });
    run = [];
  };
  for (const p of steps) {
    if (keep.has(p)) {
      flush();
      rows.push({ step: p });
    } else run.push(p);
  }
  flush();
  return rows;
}

/** `… 7 short steps (pids 11199, 11219, …), 66 ms` */
export function foldedText(row: { folded: number; seconds: number; pids: readonly number[] }): string {
  const pids = row.pids.length > 3 ? `${row.pids.slice(0, 3).join(', ')}, …` : row.pids.join(', ');
  return `… ${n(row.folded)} short step${row.folded === 1 ? '' : 's'} in pid${row.pids.length === 1 ? '' : 's'} ${pids}: ${secs(row.seconds)}`;
}

/** One line: `Ready at 07:41:09.221372, 6.34 s after the first line`. */
export function readyLine(r: GapReport): string | null {
  const s = r.startup;
  if (s === null) return null;
  const at = s.readyText ?? offset(s, s.ready);
  return `Ready at ${at}, ${secs(s.seconds)} after ${s.startText === (r.span?.startText ?? null) ? 'the first line' : 'the start'} (${s.startText ?? '?'})`;
}

export function afterText(s: ReportStartup): string {
  return s.afterReadySeconds > 0 ? `${secs(s.afterReadySeconds)} after ready (steady state${s.stopAt === null ? '' : ' and the stop'}) are not part of the start` : '';
}



/** What a step did, with what the trace cannot say about it: `futex; the trace does not show what woke it`. */
export function stepText(p: ReportPathStep): string {
  const woke = p.state === 'blocked' && p.wake === 'unknown' ? '; the trace does not show what woke it' : '';
  const guess = p.inferred ? ' (matched by time)' : '';
  return `${p.what}${woke}${guess}`;
}
