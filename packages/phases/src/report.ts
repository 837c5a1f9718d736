/**
 * The gap report: the analysis as one JSON-ready document (`schemaVersion` 1, documented in
 * docs/json-schema.md). Times are seconds on the trace's own clock (since midnight for
 * time-of-day clocks, since the epoch for epoch clocks, since the first line for `-r`-only
 * traces); `*Text` fields hold timestamps exactly as strace printed them.
 */
import type { Analysis, ClockInfo } from './analyze.js';
import type { InputReport } from './input-report.js';
import type { Blame, Diagnosis, LineRef, Warning } from './model.js';
import { nameOfPid, type Task } from './task.js';
import type { PathState } from './critical-path.js';
import type { ReadyRule } from './ready.js';
import type { Startup } from './startup.js';
import { captureWarnings, type CaptureManifest } from './capture.js';
import { round9 } from './format.js';

export interface ReportLine {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

export interface ReportProcess {
  readonly pid: number;
  readonly ppid: number | null;
  /** The parent was matched by time (pid-namespace clones), not by the pid `clone` returned. */
  readonly ppidGuessed: boolean;
  readonly thread: boolean;
  /** The process a thread belongs to (its own pid for a process). */
  readonly tgid: number;
  /** 2, 3, … when the pid was reused within the input. */
  readonly lifetime: number;
  readonly file: string;
  readonly names: readonly {
    readonly name: string;
    readonly source: 'execve' | 'prctl' | 'fork';
    readonly at: number | null;
    readonly path?: string;
    readonly argv?: readonly string[];
    readonly argvOmitted?: number;
    readonly argvTruncated?: true;
  }[];
  readonly start: number | null;
  readonly end: number | null;
  readonly seconds: number | null;
  readonly syscalls: number;
  readonly inSyscallSeconds: number;
  readonly signals: number;
  /** Calls that never returned in the trace. */
  readonly unfinished: number;
  readonly exit: { readonly code: number | null; readonly signal: string | null; readonly coreDumped: boolean } | null;
  /** `strace -c` for this process: count, seconds inside, longest, errors; by seconds, then count. */
  readonly syscallStats: readonly { name: string; count: number; seconds: number; max: number; errors: number }[];
}

export interface ReportPhase {
  readonly kind: string;
  readonly pid: number;
  readonly start: number;
  readonly end: number;
  readonly seconds: number;
  readonly startText: string | null;
  readonly endText: string | null;
  readonly summary: string;
  readonly evidence: readonly ReportLine[];
  readonly [extra: string]: unknown;
}

export interface ReportGap {
  readonly pid: number;
  /** The process's name when the gap began. */
  readonly name: string;
  readonly kind: 'userspace' | 'waiting';
  readonly start: number;
  readonly end: number;
  readonly seconds: number;
  readonly startText: string | null;
  readonly endText: string | null;
  readonly syscall: string | null;
  readonly before: ReportLine;
  readonly after: ReportLine;
  readonly blame: readonly Blame[];
}

export interface GapReport extends InputReport {
  readonly clock: ClockInfo;
  readonly span: { readonly start: number; readonly end: number; readonly seconds: number; readonly startText: string | null; readonly endText: string | null } | null;
  readonly warnings: readonly Warning[];
  readonly processes: readonly ReportProcess[];
  readonly phases: readonly ReportPhase[];
  readonly gaps: readonly ReportGap[];
  readonly idle: readonly { readonly start: number; readonly end: number; readonly seconds: number; readonly startText: string | null; readonly endText: string | null }[];
  readonly diagnoses: readonly (Omit<Diagnosis, 'evidence'> & { readonly evidence: readonly ReportLine[] })[];
  /** When the start was over, why, and the critical path to it; `null` without a common clock. */
  readonly startup: ReportStartup | null;
  /** Calls still waiting when the trace ended (the first 1,000, by when they began). */
  readonly pending: readonly ReportPending[];
  /** How many calls were still waiting in all. */
  readonly pendingTotal: number;
  /** How the capture was made, from its `capture.json` (`strace-gaps record`); absent without one. */
  readonly capture?: CaptureManifest;
}

/** One step of the critical path (see docs/json-schema.md). */
export interface ReportPathStep {
  readonly pid: number;
  readonly name: string;
  readonly start: number;
  readonly end: number;
  readonly seconds: number;
  readonly share: number;
  readonly state: PathState;
  readonly what: string;
  /** For `blocked`: the call, and what woke it (`child`: the path goes on in that child). */
  readonly syscall: string | null;
  readonly wake: 'child' | 'timer' | 'unknown' | null;
  /** The waking child (or the process the path goes on in) was matched by time; the trace does not name it. */
  readonly inferred: boolean;
  /** Time the trace has no line for (before a process whose creator it does not show). */
  readonly untraced: boolean;
  readonly cause?: string;
  readonly evidence: readonly { readonly file: string; readonly line: number }[];
}

export interface ReportStartup {
  readonly start: number;
  readonly ready: number;
  readonly seconds: number;
  readonly startText: string | null;
  readonly readyText: string | null;
  readonly readyBy: { readonly rule: ReadyRule; readonly pid: number | null; readonly file: string | null; readonly line: number | null; readonly text: string | null };
  readonly afterReadySeconds: number;
  /** When the capture's stop began (a SIGTERM/SIGINT to the first process), if it has one. */
  readonly stopAt: number | null;
  readonly criticalPath: readonly ReportPathStep[];
}

export interface ReportPending {
  readonly pid: number;
  readonly syscall: string;
  readonly what: string;
  readonly since: number;
  readonly sinceText: string | null;
  /** How long it had waited when the trace ended (at least). */
  readonly seconds: number;
  readonly text: string;
  readonly file: string;
  readonly line: number;
}

export interface ReportOptions {
  /** Only these pids (and their threads) in processes, phases and gaps. */
  readonly pids?: readonly number[] | null;
  /**
   * `false` leaves `processes` empty, for a writer that takes them one at a time from
   * {@link reportProcesses}: a capture of thousands of processes then never holds them all as
   * report objects (about 4.5 KB each) next to the analysis. Default `true`.
   */
  readonly processes?: boolean;
  /** The manifest `strace-gaps record` wrote next to the capture: its options replace guesses. */
  readonly capture?: CaptureManifest | null;
}

function line(r: LineRef): ReportLine {
  return { file: r.file, line: r.line, text: r.text };
}

/** Prints a time on the set's clock the way strace would have. */
export function clockText(abs: number, clock: ClockInfo): string | null {
  if (clock.kind === 'none') return null;
  const digits = clock.digits;
  const whole = Math.floor(abs + 1e-10);
  const frac = digits === 0 ? '' : `.${String(Math.round((abs - whole) * 10 ** digits)).padStart(digits, '0').slice(0, digits)}`;
  if (clock.kind !== 'time-of-day') return `${whole}${frac}`;
  const s = ((whole % 86_400) + 86_400) % 86_400;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(Math.floor(s / 3600))}:${p(Math.floor((s % 3600) / 60))}:${p(s % 60)}${frac}`;
}

function processOf(t: Task, abs: (x: number) => number): ReportProcess {
  const stats = t.stats
    .list()
    .sort((a, b) => b.seconds - a.seconds || b.count - a.count || (a.name < b.name ? -1 : 1))
    .map((s) => ({ name: s.name, count: s.count, seconds: round9(s.seconds), max: round9(s.max), errors: s.errors }));
  return {
    pid: t.pid,
    ppid: t.ppid,
    ppidGuessed: t.ppidGuessed,
    thread: t.thread,
    tgid: t.tgid,
    lifetime: t.lifetime,
    file: t.file,
    names: t.names.map((n) => ({ ...n, at: n.at === null ? null : abs(n.at) })),
    start: t.start === null ? null : abs(t.start),
    end: t.end === null ? null : abs(t.end),
    seconds: t.start === null || t.end === null ? null : round9(t.end - t.start),
    syscalls: t.syscalls,
    inSyscallSeconds: round9(t.inSyscallSeconds),
    signals: t.signals,
    unfinished: t.unfinished,
    exit: t.exit === null ? (t.exitCallCode === null ? null : { code: t.exitCallCode, signal: null, coreDumped: false }) : { ...t.exit },
    syscallStats: stats,
  };
}

/** Whether a pid is shown under the `pids` option: itself, or a thread of a wanted process. */
function pidFilter(a: Analysis, pids: readonly number[] | null | undefined): (pid: number) => boolean {
  if (!pids || pids.length === 0) return () => true;
  const wanted = new Set(pids);
  const tgidOf = new Map(a.tasks.map((t) => [t.pid, t.tgid]));
  return (pid) => wanted.has(pid) || wanted.has(tgidOf.get(pid) ?? pid);
}

/**
 * The report's `processes`, built one at a time in report order: what `buildGapReport` puts in
 * `processes` unless told `processes: false`.
 */
export function* reportProcesses(a: Analysis, options: ReportOptions = {}): Generator<ReportProcess> {
  const abs = (x: number) => a.absolute(x);
  const keep = pidFilter(a, options.pids);
  for (const t of a.tasks) if (keep(t.pid)) yield processOf(t, abs);
}

/** Builds the report document from the input accounting and the analysis. */
export function buildGapReport(input: InputReport, a: Analysis, options: ReportOptions = {}): GapReport {
  const abs = (x: number) => a.absolute(x);
  const text = (x: number) => clockText(abs(x), a.clock);
  const keep = pidFilter(a, options.pids);
  const span = a.span;
  return {
    ...input,
    clock: a.clock,
    span:
      span === null
        ? null
        : { start: abs(span.start), end: abs(span.end), seconds: round9(span.seconds), startText: span.startRef?.time ?? text(span.start), endText: text(span.end) },
    warnings: options.capture == null ? a.warnings : captureWarnings(options.capture, a.warnings),
    processes: options.processes === false ? [] : [...reportProcesses(a, options)],
    phases: a.phases
      .filter((p) => keep(p.pid))
      .map((p) => ({
        kind: p.kind,
        pid: p.pid,
        start: abs(p.start),
        end: abs(p.end),
        seconds: round9(p.end - p.start),
        startText: p.startRef.time,
        endText: p.endComputed === true ? text(p.end) : p.endRef.time,
        summary: p.summary,
        evidence: p.evidence.map(line),
        ...roundExtra(p.extra),
      })),
    gaps: a.gaps.map((g) => ({
      pid: g.pid,
      name: nameOfPid(a.tasks, g.pid, g.start),
      kind: g.kind,
      start: abs(g.start),
      end: abs(g.end),
      seconds: round9(g.seconds),
      startText: text(g.start),
      endText: text(g.end),
      syscall: g.syscall,
      before: line(g.before),
      after: line(g.after),
      blame: g.blame.map((b) => ({ ...b, busySeconds: round9(b.busySeconds) })),
    })),
    idle: a.idle.map((w) => ({ start: abs(w.start), end: abs(w.end), seconds: round9(w.seconds), startText: text(w.start), endText: text(w.end) })),
    diagnoses: a.diagnoses.map((d) => ({
      ...d,
      seconds: d.seconds === null ? null : round9(d.seconds),
      share: d.share === null ? null : round9(d.share),
      totalSeconds: d.totalSeconds === null ? null : round9(d.totalSeconds),
      parts: d.parts.map((p) => ({ ...p, seconds: round9(p.seconds) })),
      evidence: d.evidence.map(line),
    })),
    startup: a.startup === null ? null : startupOf(a.startup, abs, text),
    pendingTotal: a.pendingTotal,
    pending: a.pending.map((p) => ({
      pid: p.pid,
      syscall: p.syscall,
      what: p.what,
      since: abs(p.since),
      sinceText: text(p.since),
      seconds: round9(p.seconds),
      text: p.text,
      file: p.file,
      line: p.line,
    })),
    ...(options.capture == null ? {} : { capture: options.capture }),
  };
}

function startupOf(s: Startup, abs: (x: number) => number, text: (x: number) => string | null): ReportStartup {
  const r = s.ready;
  return {
    start: abs(s.start),
    ready: abs(r.t),
    seconds: round9(s.seconds),
    startText: text(s.start),
    readyText: text(r.t),
    readyBy: { rule: r.rule, pid: r.task?.pid ?? null, file: r.file, line: r.line, text: r.text },
    afterReadySeconds: round9(s.afterReadySeconds),
    stopAt: s.stopAt === null ? null : abs(s.stopAt),
    criticalPath: s.criticalPath.map((p) => ({
      pid: p.pid,
      name: p.name,
      start: abs(p.start),
      end: abs(p.end),
      seconds: round9(p.end - p.start),
      share: s.seconds > 0 ? round9((p.end - p.start) / s.seconds) : 0,
      state: p.state,
      what: p.what,
      syscall: p.syscall,
      wake: p.wake,
      inferred: p.inferred,
      untraced: p.untraced,
      ...(p.cause === null ? {} : { cause: p.cause }),
      evidence: p.evidence,
    })),
  };
}

function roundExtra(extra: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extra)) out[k] = typeof v === 'number' && !Number.isInteger(v) ? round9(v) : v;
  return out;
}
