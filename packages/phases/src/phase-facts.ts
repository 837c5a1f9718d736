/**
 * Reading a phase's facts by kind, typed by {@link PhaseFacts}: in memory (a `Phase`) and in a
 * report read back from JSON (a `ReportPhase`, which an older strace-gaps may have written, so
 * every fact may be missing there).
 */
import type { KnownPhase, Phase, PhaseFacts, PhaseKind } from './model.js';
import type { ReportPhase } from './report.js';

/** Whether `p` is a built-in phase of `kind`; its `extra` is then typed. */
export function isPhase<K extends PhaseKind>(p: Phase, kind: K): p is KnownPhase<K> {
  return p.kind === kind;
}

/** The facts of a report's phase of `kind`, each possibly absent; `null` for a phase of another kind. */
export function factsOf<K extends PhaseKind>(p: ReportPhase, kind: K): Partial<PhaseFacts[K]> | null {
  return p.kind === kind ? (p as unknown as Partial<PhaseFacts[K]>) : null;
}
