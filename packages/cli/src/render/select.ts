/** What the human-readable reports (text, Markdown) show of the full report. */
import type { GapReport, ReportPhase } from '@strace-gaps/phases';

/** Phases shown in the timeline; exec/wait phases only when they are a large part of the span. */
const MAX_PHASE_ROWS = 16;
const KEY_PHASES = new Set(['runtime-init', 'env-dump', 'supervisor-start', 'repeat']);

/**
 * The timeline's rows: the start-up phases always, then the longest exec and wait phases that
 * take at least a tenth of the span, up to 16 rows, in time order; and how many qualified.
 */
export function timelinePhases(r: GapReport): { shown: ReportPhase[]; qualified: number } {
  if (r.span === null) return { shown: [], qualified: 0 };
  const span = r.span;
  const rows = r.phases.filter(
    (p) => KEY_PHASES.has(p.kind) || ((p.kind === 'exec' || p.kind === 'wait') && p.seconds >= 0.1 * span.seconds && p.seconds > 0),
  );
  const key = rows.filter((p) => KEY_PHASES.has(p.kind));
  const rest = rows.filter((p) => !KEY_PHASES.has(p.kind)).sort((a, b) => b.seconds - a.seconds);
  const shown = [...key, ...rest.slice(0, Math.max(0, MAX_PHASE_ROWS - key.length))].sort((a, b) => a.start - b.start || a.end - b.end);
  return { shown, qualified: rows.length };
}
