/**
 * What an analysis takes and gives: its options, the parts worker threads hand over, and the
 * result. The analyzer that fills them is analyze.ts.
 */
import type { ExitEvent, KilledEvent, SignalEvent } from '@strace-gaps/parser';
import type { SetClockKind } from './clock.js';
import type { PhaseDetector } from './detector.js';
import type { Call, Diagnosis, Finding, Gap, IdleWindow, LineRef, Phase, Warning } from './model.js';
import type { SegmentColumns } from './segment-columns.js';
import type { PendingCall, Startup } from './startup.js';
import type { Task } from './task.js';

export interface AnalysisOptions {
  /** How many gaps of each kind (waiting, userspace) to keep, largest first. Default 10. */
  readonly top?: number;
  /** Gaps shorter than this many seconds are not reported. Default 0.001. */
  readonly minGap?: number;
  /** Report gaps only for these pids (or threads of these processes); default all. */
  readonly pids?: readonly number[] | null;
  /** Phase detectors; default {@link builtinDetectors}. */
  readonly detectors?: readonly PhaseDetector<unknown>[];
  /**
   * Sees every call, signal and end of every task as the set streams past (an exporter writing a
   * timeline). The analysis keeps no events; a listener that needs them writes them out.
   */
  readonly listener?: TraceListener;
  /**
   * The set's clock, when it is already known: analyses of parts of one set (worker threads, see
   * {@link TraceSetAnalyzer.partial}) must put their times on the same base second, so that their
   * numbers are the ones a single analysis computes, and must refuse a line on another clock at
   * that line, as a single analysis does.
   */
  readonly clockStart?: ClockStart | null;
  /**
   * What marks the start as over (see startup.ts): a program name or path that is exec'd,
   * `listen`, or a time as the trace prints it (`11:01:42.297482`, `1700000000.123456`). Default:
   * the documented rule.
   */
  readonly ready?: string | null;
  /** Where the start begins, as the trace prints a time; default its first line. */
  readonly from?: string | null;
  /**
   * When the capture ended, as the trace prints a time, if later than its last line (a recording
   * stopped while calls were waiting: they waited until then). From `record`'s manifest.
   */
  readonly until?: string | null;
}

/** What the first timed line of a set decides: its clock and the base second of its numbers. */
export interface ClockStart {
  readonly kind: SetClockKind;
  readonly base: number;
  /** The line that decided the kind. */
  readonly decidedAt: { readonly file: string; readonly line: number } | null;
}

/**
 * What an analyzer read from some of a set's inputs, as plain data a structured clone carries to
 * another thread: the analyzer that reads the whole set takes it in with `absorb`, in input order.
 */
export interface PartialAnalysis {
  readonly clock: {
    readonly kind: SetClockKind | null;
    readonly decidedAt: { file: string; line: number } | null;
    readonly digits: number;
    readonly rolledOver: boolean;
    readonly relativeStreams: number;
  };
  readonly inputs: number;
  /** Calls printed with a `-T` duration. */
  readonly timedCalls: number;
  /** Ended tasks, as data (revived with `Task.revive`). */
  readonly tasks: readonly Task[];
  /** The busy segments of those tasks (their rows, see segment-columns.ts). */
  readonly segments: SegmentColumns;
  readonly phases: readonly Phase[];
  /** Per capped kind (`exec`, `loader`, `repeat`): the longest phases kept, and how many there were. */
  readonly capped: readonly { kind: string; top: readonly Phase[]; seen: number }[];
  readonly findings: readonly Finding[];
  readonly warnings: readonly Warning[];
  readonly ranges: readonly { file: string; first: number; last: number }[];
  readonly gaps: { readonly userspace: readonly Gap[]; readonly waiting: readonly Gap[] };
  /** Each detector's kept facts (`DetectorContext.keep`), in detector order. */
  readonly facts: readonly (readonly unknown[])[];
}

/** What closing an input needs to know of all its lines. */
export interface StreamTotals {
  readonly file: string;
  readonly lines: number;
  readonly parsed: number;
  readonly firstIssue: number | null;
  readonly first: number | null;
  readonly last: number | null;
}

/** What a {@link TraceListener} is told, besides calls. */
export type TaskEvent = SignalEvent | ExitEvent | KilledEvent;

export interface TraceListener {
  /** A joined call of `task`, with its times on the set's clock. */
  call(task: Task, call: Call): void;
  /** A signal delivered to `task`, or its `+++ exited`/`+++ killed` line; `t` on the set's clock. */
  event(task: Task, ev: TaskEvent, t: number | null): void;
}

export interface ClockInfo {
  readonly kind: SetClockKind;
  /** Fraction digits of the timestamps (0, 3, 6, 9). */
  readonly digits: number;
  /** Can times of different inputs be compared? (Not for `-r`-only `-ff` files.) */
  readonly aligned: boolean;
  /** Did the trace cross midnight (time-of-day clock)? */
  readonly rolledOver: boolean;
}

export interface Span {
  readonly start: number;
  readonly end: number;
  readonly seconds: number;
  readonly startRef: LineRef | null;
  readonly endRef: LineRef | null;
}

/** Everything the analysis found. Times are on the set's clock; see {@link Analysis.absolute}. */
export interface Analysis {
  readonly clock: ClockInfo;
  readonly span: Span | null;
  readonly tasks: readonly Task[];
  readonly phases: readonly Phase[];
  readonly findings: readonly Finding[];
  readonly gaps: readonly Gap[];
  readonly idle: readonly IdleWindow[];
  readonly diagnoses: readonly Diagnosis[];
  readonly warnings: readonly Warning[];
  /** When the start was over, and the critical path to it; `null` without a common clock. */
  readonly startup: Startup | null;
  /** Calls still waiting when the trace ended: the first 1,000 (startup.ts's `MAX_PENDING`) by when they began. */
  readonly pending: readonly PendingCall[];
  /** How many there were in all. */
  readonly pendingTotal: number;
  /** A time of this analysis as seconds on the trace's own clock (since midnight, or the epoch). */
  absolute(t: number): number;
}
