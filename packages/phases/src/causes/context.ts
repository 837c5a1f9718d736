/**
 * What every cause reads, and the rule they share for when a cost is worth a diagnosis: it must
 * be large in seconds and as a share of the time to ready, never of the capture's length (a
 * capture left running, or a stop at its end, must not change a diagnosis).
 */
import type { Diagnosis, DiagnosisPart, LineRef, Phase, Severity } from '../model.js';
import type { IntervalMark, PointMark } from '../marks.js';
import type { Startup } from '../startup.js';
import type { TaskIndex } from '../task-index.js';
import type { Task } from '../task.js';
import type { PathLedger } from './ledger.js';

export interface CauseContext {
  readonly startup: Startup;
  readonly ledger: PathLedger;
  readonly index: TaskIndex;
  readonly tasks: readonly Task[];
  readonly phases: readonly Phase[];
  /** The clock's resolution: with `-t` a "1 s" step may have lasted 0 s. */
  readonly resolution: number;
}

/** A cause costs at least this much on the critical path… */
export const CAUSE_MIN_SECONDS = 0.5;
/** …and this share of the time to ready, or else at least this many seconds. */
export const CAUSE_MIN_SHARE = 0.1;
export const CAUSE_ANY_SHARE_SECONDS = 2;
/** A cause at this share or more is critical. */
export const CRITICAL_SHARE = 0.5;

/** Does a cost on the path make a diagnosis? */
export function costly(ctx: CauseContext, seconds: number): boolean {
  const sure = seconds - ctx.resolution;
  const total = ctx.startup.seconds;
  return sure >= CAUSE_MIN_SECONDS && (total <= 0 || seconds >= CAUSE_MIN_SHARE * total || sure >= CAUSE_ANY_SHARE_SECONDS);
}

export function severityOf(ctx: CauseContext, seconds: number, critical = CRITICAL_SHARE): Severity {
  return ctx.startup.seconds > 0 && seconds >= critical * ctx.startup.seconds ? 'critical' : 'warning';
}

export function share(ctx: CauseContext, seconds: number): number | null {
  return ctx.startup.seconds > 0 ? seconds / ctx.startup.seconds : null;
}

/** A diagnosis with its cost filled in. */
export function diagnosis(
  ctx: CauseContext,
  d: { id: string; summary: string; fix: string; seconds: number; totalSeconds: number | null; parts: DiagnosisPart[]; evidence: LineRef[]; severity?: Severity },
): Diagnosis {
  return {
    id: d.id,
    severity: d.severity ?? severityOf(ctx, d.seconds),
    summary: d.summary,
    fix: d.fix,
    seconds: d.seconds,
    share: share(ctx, d.seconds),
    totalSeconds: d.totalSeconds,
    parts: d.parts,
    evidence: d.evidence,
  };
}

/** A task's waits, in time order. */
export function waits(ctx: CauseContext, t: Task): IntervalMark[] {
  return ctx.index.intervals(t).filter((m) => m.kind === 'wait');
}

/** A task's moments of one kind, in time order. */
export function pointsOf(ctx: CauseContext, t: Task, kind: PointMark['kind']): readonly PointMark[] {
  return ctx.index.points(t, kind);
}

/** A mark as a citation. */
export function cite(m: { file: string; line: number; text: string }): LineRef {
  return { file: m.file, line: m.line, text: m.text, time: null };
}

/** Up to `n` citations: the first ones and the last. */
export function someOf<T>(xs: readonly T[], n = 4): T[] {
  return xs.length <= n ? [...xs] : [...xs.slice(0, n - 1), xs[xs.length - 1] as T];
}

/** `pid 12 (getent ahosts db)` */
export function who(t: Task, at: number | null): string {
  return `pid ${t.pid} (${t.nameAt(at)})`;
}
