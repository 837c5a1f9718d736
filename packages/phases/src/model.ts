/**
 * The data the analysis produces. Times are numbers of seconds on the set's clock, relative to its
 * base second (see {@link SetClock}); the report turns them into seconds on the trace's own clock.
 */
import type { ExecInfo, SyscallEvent } from '@strace-gaps/parser';
import type { Opened } from './paths.js';

/** A line of the trace, to show and to cite. */
export interface LineRef {
  readonly file: string;
  readonly line: number;
  readonly text: string;
  /** The line's timestamp exactly as printed; `null` without absolute time. */
  readonly time: string | null;
}

/** A joined call with its times on the set's clock; what detectors see. */
export interface Call {
  readonly ev: SyscallEvent;
  /** The task (thread or process) that made the call. */
  readonly pid: number;
  /** Entry, on the set's clock; `null` without timestamps. */
  readonly t0: number | null;
  /** Return; `null` when unknown (never resumed, or no timestamps). */
  readonly t1: number | null;
  /** Seconds inside the call: `-T`, or the joined halves' difference; `null` when unknown. */
  readonly seconds: number | null;
  /** For `open*` calls: the file, resolved against the dirfd, and the fd it got. */
  readonly opened: Opened | null;
  /**
   * For a successful `execve`/`execveat`: the program and argv, decoded once for the task's names
   * and every detector (they share the strings instead of each keeping a copy).
   */
  readonly exec: ExecInfo | null;
}

/** A name a process had from some moment on. */
export interface ProcessName {
  /** What changed it: a successful `execve`, `prctl(PR_SET_NAME)`, or inherited at `clone`/`fork`. */
  readonly source: 'execve' | 'prctl' | 'fork';
  /** The name to show: argv joined (execve), the comm name (prctl). */
  readonly name: string;
  readonly at: number | null;
  /** For execve: the program path and argv (its first arguments, see `argvOmitted`). */
  readonly path?: string;
  readonly argv?: readonly string[];
  /** Arguments past the kept ones (a name keeps at most 64 arguments and 4,096 characters of them). */
  readonly argvOmitted?: number;
  /** strace itself cut an argument (`-s`) or left arguments out: `argv` is not all of it. */
  readonly argvTruncated?: true;
}

/** How a process ended. */
export type ProcessExit =
  | { readonly code: number; readonly signal: null; readonly coreDumped: false }
  | { readonly code: null; readonly signal: string; readonly coreDumped: boolean };

/** strace -c, per process. */
export interface SyscallStat {
  readonly name: string;
  count: number;
  /** Seconds inside the call, summed over the calls whose duration is known. */
  seconds: number;
  max: number;
  errors: number;
}

/** Where time went without a syscall returning. */
export type GapKind =
  /**
   * Between two syscalls of one thread: it ran user code, waited for a CPU, or made calls the
   * trace did not show (filtered out with `-e`). strace cannot tell these apart.
   */
  | 'userspace'
  /** Inside one blocking syscall (`ppoll`, `wait4`, `read` on a pipe, `futex`, …). */
  | 'waiting';

/** What another process did while a gap lasted. */
export interface Blame {
  readonly pid: number;
  /** Its name during the window. */
  readonly name: string;
  /** Seconds of the window in which it was issuing syscalls. */
  readonly busySeconds: number;
  /** Its calls during the window (estimated where an activity segment only partly overlaps). */
  readonly calls: number;
  /** Its most frequent actions: `openat under /run/s6/…` or a syscall name. */
  readonly top: readonly { readonly what: string; readonly count: number }[];
}

export interface Gap {
  readonly pid: number;
  readonly kind: GapKind;
  readonly start: number;
  readonly end: number;
  readonly seconds: number;
  /** The blocking call (`waiting` gaps). */
  readonly syscall: string | null;
  /** The line before the gap (the blocking call's own line for `waiting`). */
  readonly before: LineRef;
  /** The first line after it. */
  readonly after: LineRef;
  /** Filled in once the whole set is read. */
  blame: readonly Blame[];
}

/** A window of the set in which no traced task issued a syscall. */
export interface IdleWindow {
  readonly start: number;
  readonly end: number;
  readonly seconds: number;
}

/** A stretch of time with a meaning. Detectors add fields of their own (`dir`, `vars`, …). */
/**
 * The facts each built-in phase kind keeps in `extra`, by kind. The report flattens them into the
 * phase (json-schema.md lists them); the causes and `diff` read them through {@link KnownPhase} and
 * `factsOf`, so a detector that renames a field breaks their build instead of reading 0.
 */
export interface PhaseFacts {
  'runtime-init': {
    /** `runc`, `crun`, … from the stage name. */
    readonly runtime: string;
    /** The stage that handed over: `runc:[2:INIT]`. */
    readonly stage: string;
    readonly handoffPath: string;
    readonly handoffArgv: readonly string[];
    /** Every `NAME:[N:STAGE]` process seen, in order (added when the set is finished). */
    readonly stages?: readonly { readonly name: string; readonly pid: number }[];
  };
  'env-dump': {
    readonly dir: string;
    readonly tempDir: string;
    /** Whether the temporary directory was renamed into `dir`. */
    readonly renamed: boolean;
    readonly vars: number;
    readonly serviceLinkVars: number;
    readonly services: number;
    readonly firstToLastVarSeconds: number;
    readonly perVarSeconds: number;
    readonly sampleVars: readonly string[];
    readonly sampleServiceLinkVars: readonly string[];
  };
  'supervisor-start': {
    readonly supervisors: number;
    readonly firstSupervisorPid: number;
    readonly services: readonly string[];
  };
  repeat: {
    readonly dir: string;
    readonly files: number;
    /** The calls done on each file: `openat+write+close`. */
    readonly pattern: string;
    readonly perFileSeconds: number;
  };
  loader: {
    /** `.so` files (and `ld.so.cache`/`ld.so.preload`) opened. */
    readonly libraries: number;
  };
  exec: {
    readonly path: string;
    readonly argv: readonly string[];
  };
  wait: {
    readonly syscall: string | null;
  };
}

/** The kinds of the built-in phases. */
export type PhaseKind = keyof PhaseFacts;

interface PhaseBase {
  readonly pid: number;
  readonly start: number;
  readonly end: number;
  readonly startRef: LineRef;
  readonly endRef: LineRef;
  /**
   * `true` when `end` is not the printed time of `endRef` (a wait ends when its call returns, which
   * strace prints only as a duration); the report then formats `end` instead of citing the line.
   */
  readonly endComputed?: boolean;
  /** One line in words: `4,013× openat+write+close under /run/s6/… in 5.8 s`. */
  readonly summary: string;
  /** The lines that prove it (first and last at least). */
  readonly evidence: readonly LineRef[];
}

/** A phase of a built-in kind, with the facts that kind keeps. */
export type KnownPhase<K extends PhaseKind = PhaseKind> = {
  readonly [P in K]: PhaseBase & { readonly kind: P; readonly extra: PhaseFacts[P] };
}[K];

/** A phase of a detector of one's own: any other kind, any facts. */
export interface CustomPhase extends PhaseBase {
  readonly kind: string;
  /** Detector-specific facts; the report flattens them into the phase. */
  readonly extra: Readonly<Record<string, unknown>>;
}

/** A stretch of time a detector recognised. Narrow it with `isPhase(p, kind)`. */
export type Phase = KnownPhase | CustomPhase;

/** Something a detector noticed that is not a stretch of time. */
export interface Finding {
  readonly id: string;
  readonly pid: number | null;
  readonly summary: string;
  readonly evidence: readonly LineRef[];
}

export type Severity = 'critical' | 'warning' | 'info';

/** One item of what a cause cost: `dump of 4,013 variables`, `re-read by s6-envdir`. */
export interface DiagnosisPart {
  readonly what: string;
  readonly pid: number | null;
  /** Its cost on the critical path. */
  readonly seconds: number;
}

/** A cause and a fix, with the evidence for both. */
export interface Diagnosis {
  readonly id: string;
  readonly severity: Severity;
  readonly summary: string;
  readonly fix: string;
  /**
   * Seconds the cause cost on the critical path to ready (what removing it would save at most);
   * without a start to measure against, its own duration; `null` when it cannot be said.
   */
  readonly seconds: number | null;
  /** `seconds` as a share of the time to ready; `null` without a start. */
  readonly share: number | null;
  /** All the work it caused, summed over processes (on the path or not). */
  readonly totalSeconds: number | null;
  /** Where its cost went. */
  readonly parts: readonly DiagnosisPart[];
  readonly evidence: readonly LineRef[];
}

/** Something about the input that weakens what can be concluded. */
export interface Warning {
  readonly code:
    | 'relative-only'
    | 'no-timestamps'
    | 'mixed-captures'
    | 'pid-reuse'
    | 'unattributed-lines'
    | 'unfinished-calls'
    | 'phases-capped'
    | 'not-strace'
    | 'filtered-trace'
    | 'no-calls'
    | 'pid-not-found'
    | 'input-cut'
    | 'no-durations'
    | 'children-not-followed'
    | 'ready-not-found'
    | 'no-common-clock'
    | 'recording-stopped';
  readonly message: string;
  readonly file: string | null;
  readonly line: number | null;
}
