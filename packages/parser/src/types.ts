/**
 * The data the parser produces. One strace output line becomes one {@link LineEvent} or one
 * {@link ParseIssue}; the joiner (join.ts) turns per-line events into {@link JoinedEvent}s.
 */

/** Which clock a timestamp was printed on. */
export type ClockKind =
  /** `-t`, `-tt`, `--timestamps=time,…`: seconds since local midnight; rolls over at 24 h. */
  | 'time-of-day'
  /** `-ttt`, `--timestamps=unix,…`: seconds since the Unix epoch. */
  | 'epoch'
  /**
   * Never printed by strace: seconds since the first line of a stream, summed from `-r` deltas.
   * The analysis builds these for traces that carry `-r` and no absolute time.
   */
  | 'relative';

/**
 * An absolute timestamp as strace printed it, kept exact: whole seconds and nanoseconds are
 * separate integers because epoch nanoseconds do not fit a double.
 */
export interface Timestamp {
  /** Whole seconds since midnight (`time-of-day`) or since 1970-01-01 UTC (`epoch`). */
  readonly sec: number;
  /** Nanoseconds within the second, 0–999 999 999, exact to the printed precision. */
  readonly nsec: number;
  /** Digits printed after the decimal point: 0 (`-t`), 3 (ms), 6 (`-tt`, µs) or 9 (ns). */
  readonly digits: 0 | 3 | 6 | 9;
  readonly clock: ClockKind;
}

/** Where a line came from. `line` is 1-based. */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
}

/** Everything strace prints before the body of a line. */
export interface LinePrefix {
  /**
   * The pid from a `[pid  N] ` or `N ` prefix; `null` when the line carries none (every line of a
   * `-ff` file, and the lines of a `-f` run printed while only one process was traced).
   */
  readonly pid: number | null;
  /** `-t`/`-tt`/`-ttt`/`--timestamps`; `null` without them. */
  readonly time: Timestamp | null;
  /**
   * `-r`: seconds since the previous line of *any* traced process (strace keeps one global
   * clock for it), so it is not a per-process gap. `null` without `-r`.
   */
  readonly relative: number | null;
  /** `-i`: the instruction pointer at the time of the call, as printed (hex digits). */
  readonly ip: string | null;
  /** `-n`: the syscall number. */
  readonly syscallNumber: number | null;
}

/** The result part of a syscall line: everything between ` = ` and the `-T` duration. */
export interface SyscallResult {
  /** Text after ` = `, without the duration: `-1 ENOENT (No such file or directory)`. */
  readonly raw: string;
  /**
   * The numeric return value; `null` for `?` (unknown: the process exited or was killed inside
   * the call). Hex returns (`0x7f…`) are decoded; values beyond 2^53 lose precision (see `raw`).
   */
  readonly value: number | null;
  /** The return value exactly as printed: `3`, `-1`, `0x7f0c2a5e1000`, `?`. */
  readonly valueText: string;
  /**
   * `ENOENT`, `ERESTARTSYS`, … when the call failed or will be restarted; else `null`. An errno
   * strace has no name for, `-1 (errno 4000)`, is `ERRNO_4000`, as strace before 4.23 printed it.
   */
  readonly errno: string | null;
  /** The errno's text: `No such file or directory`; `null` without an errno. */
  readonly errnoText: string | null;
  /**
   * What strace adds after the value: `(flags O_RDONLY)`, `(Timeout)`,
   * `([{fd=5, revents=POLLIN}], left {…})`, `<unavailable>`; `null` when nothing follows.
   */
  readonly aux: string | null;
  /** `-y`/`-yy` annotation of a returned fd: `/etc/passwd` for `= 3</etc/passwd>`. */
  readonly fdPath: string | null;
}

interface EventBase extends LinePrefix, SourcePosition {
  /** The line as read, without its line ending. */
  readonly text: string;
}

/** A complete call on one line: `openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3 <0.000012>`. */
export interface SyscallLineEvent extends EventBase {
  readonly kind: 'syscall';
  readonly name: string;
  /** The argument text between the parentheses, undecoded (see `decodeArgs`). */
  readonly args: string;
  readonly result: SyscallResult;
  /** `-T`: seconds spent in the call; `null` when not printed. */
  readonly duration: number | null;
  /**
   * Set when the traced program's own bytes were printed into this call's line (strace and the
   * program writing to one file, see {@link ProgramOutputEvent}): the program's text on the line
   * that ends the call, before strace's exit print (`ls: ` for `write(2, "ls: ", 4ls: ) = 4`; `''`
   * when the bytes ended with a newline). `text` and `args` are then the call without the bytes.
   */
  readonly output?: string;
}

/** The first half of a call another line interrupted: `read(3,  <unfinished ...>`. */
export interface UnfinishedEvent extends EventBase {
  readonly kind: 'unfinished';
  readonly name: string;
  /** Argument text printed before the call blocked (may be empty or end with `,`). */
  readonly args: string;
  /**
   * Why the line stopped: `unfinished` (`<unfinished ...>`: another line interrupted it, a
   * `<... NAME resumed>` follows), `detached` (`<detached ...>`: strace let go of the process), or
   * `pid-changed` (`<pid changed to 6904 ...>`: a thread's `execve` that resumes in the leader).
   */
  readonly stop: 'unfinished' | 'detached' | 'pid-changed';
  /** For `pid-changed`: the pid the call resumes in. */
  readonly newPid: number | null;
  /** As on {@link SyscallLineEvent}: the program's text before ` <unfinished ...>`. */
  readonly output?: string;
}

/** The second half: `<... read resumed>"abc", 1024) = 3 <0.000021>`. */
export interface ResumedEvent extends EventBase {
  readonly kind: 'resumed';
  readonly name: string;
  /** Argument text printed after the call returned (up to, not including, the closing `)`). */
  readonly args: string;
  readonly result: SyscallResult;
  readonly duration: number | null;
}

/** `--- SIGCHLD {si_signo=SIGCHLD, …} ---` or `--- stopped by SIGSTOP ---`. */
export interface SignalEvent extends EventBase {
  readonly kind: 'signal';
  /** `SIGCHLD`; for `--- stopped by SIGSTOP ---`, `SIGSTOP`. */
  readonly signal: string;
  /** The siginfo struct text, `{si_signo=…}`; `null` when none was printed. */
  readonly info: string | null;
  /** `true` for group-stop lines (`--- stopped by SIGTSTP ---`). */
  readonly stopped: boolean;
}

/** `+++ exited with 0 +++`. */
export interface ExitEvent extends EventBase {
  readonly kind: 'exit';
  readonly code: number;
}

/** `+++ killed by SIGKILL +++`, `+++ killed by SIGSEGV (core dumped) +++`. */
export interface KilledEvent extends EventBase {
  readonly kind: 'killed';
  readonly signal: string;
  readonly coreDumped: boolean;
}

/**
 * `+++ superseded by execve in pid 6858 +++` (strace ≥ 6; older: `+++ superseded by execve +++`):
 * a non-leader thread exec'd, so the thread-group leader's pid now runs the new program.
 */
export interface SupersededEvent extends EventBase {
  readonly kind: 'superseded';
  /** The thread that called `execve` (`in pid N`); `null` when strace did not say. */
  readonly execPid: number | null;
}

/**
 * Which `strace:` message a line is. With output on stderr, strace may print a message in the
 * middle of a call line (`…SIGCHLDstrace: Process 6910 attached`); the reader then joins the cut
 * call with its continuation on the next line (see `TraceLineParser`).
 */
export type StraceMessageKind = 'attached' | 'detached' | 'other';

/** A line strace writes about tracing itself: `strace: Process 4242 attached`. */
export interface StraceMessageEvent extends EventBase {
  readonly kind: 'strace-message';
  readonly message: StraceMessageKind;
  /** The process the message names (`Process N …`), else `null`. */
  readonly subject: number | null;
  /** The message without the `strace: ` prefix. */
  readonly body: string;
  /**
   * When the message was printed into the middle of a call line, the part of that line before it
   * (`clone(child_stack=NULL, flags=…|SIGCHLD`); the call itself is parsed with its continuation on
   * the next line. `null` for a message on a line of its own.
   */
  readonly cutCall?: string;
}

/**
 * A line of the traced program's own output, printed into the middle of one of its calls because
 * strace and the program write to the same file (`strace -f cmd > log 2>&1`):
 *
 *     12:09:08.319065 write(1, "Killed\n", 7Killed      ← output "Killed", cutCall `…write(1, "Killed\n", 7`
 *     ) = 7 <0.000058>                                 ← the write, reported at the line above
 *
 * One event per line the bytes reach whose line strace's exit print does not end; that line yields
 * the call (with `output`, at the line where it began). Also a line of bytes that landed on a line
 * of their own after the call's `<unfinished ...>`. The prefix fields are null but `pid`: the pid
 * in the writing call's prefix.
 */
export interface ProgramOutputEvent extends EventBase {
  readonly kind: 'output';
  /** The program's text on this line (without the line ending; may be empty). */
  readonly output: string;
  /** The call that wrote it: `write`, `writev`, `copy_file_range`, … */
  readonly call: string;
  /** The line where that call began. */
  readonly callLine: number;
  /**
   * strace's text before the bytes on this line: on the line where the call began, its entry print
   * (`12:09:08.319065 write(1, "Killed\n", 7`); on a line of another call the bytes cut, that call's
   * start, which then goes on on the next line (as after a strace message); else null.
   */
  readonly cutCall: string | null;
}

/** A `-k` stack frame after a call: ` > /usr/lib/x86_64-linux-gnu/libc.so.6(__write+0x14) [0xf4e14]`. */
export interface StackFrameEvent extends EventBase {
  readonly kind: 'stack-frame';
  /** The frame text after `> `. */
  readonly frame: string;
}

/** A `-e read=`/`-e write=` hex dump row: ` | 00000  68 69 0a   hi. |`. */
export interface DataDumpEvent extends EventBase {
  readonly kind: 'data-dump';
  readonly row: string;
}

/** A row of the `-c`/`-C` summary table (`% time     seconds …`, separators, rows, `total`). */
export interface SummaryEvent extends EventBase {
  readonly kind: 'summary';
  readonly row: string;
}

/** Anything one strace output line can be. */
export type LineEvent =
  | SyscallLineEvent
  | UnfinishedEvent
  | ResumedEvent
  | SignalEvent
  | ExitEvent
  | KilledEvent
  | SupersededEvent
  | StraceMessageEvent
  | StackFrameEvent
  | DataDumpEvent
  | SummaryEvent
  | ProgramOutputEvent;

/** The `kind` of every line event, as one table. */
export const LINE_EVENT_KINDS = [
  'syscall',
  'unfinished',
  'resumed',
  'signal',
  'exit',
  'killed',
  'superseded',
  'strace-message',
  'stack-frame',
  'data-dump',
  'summary',
  'output',
] as const satisfies readonly LineEvent['kind'][];

/** Why a line could not be parsed. */
export const PARSE_ISSUE_CODES = [
  /** An empty (or all-blank) line: strace never writes one. */
  'blank-line',
  /** The line matches no strace line form. */
  'unrecognized',
  /** A syscall line whose argument list or result is cut short (a log truncated mid-line). */
  'truncated',
  /** Longer than the reader's limit; the line was skipped without being buffered. */
  'line-too-long',
] as const;
export type ParseIssueCode = (typeof PARSE_ISSUE_CODES)[number];

/** A line the parser could not read, kept as data so every line is accounted for. */
export interface ParseIssue extends SourcePosition {
  readonly kind: 'issue';
  readonly code: ParseIssueCode;
  /** What is wrong, for a person: `no " = " result after the argument list`. */
  readonly reason: string;
  /** The line as read (cut to {@link ISSUE_TEXT_LIMIT} characters). */
  readonly text: string;
}

/** Issue texts are cut to this many characters so a bad 64 MB line cannot pin its whole text. */
export const ISSUE_TEXT_LIMIT = 4096;

/** What {@link parseLine} returns for one line. */
export type ParsedLine = LineEvent | ParseIssue;
