/**
 * What the critical path and the causes read of a task: the stretches in which it did not run
 * (`IntervalMark`), the moments that matter (`PointMark`), and its walk over a tree of files.
 * path-marks.ts records them as the calls stream past.
 */

/** Why a call stopped waiting, as far as the trace shows. */
export type WakeBy =
  /** `wait4`/`waitid` returned this child (a pid of the caller's pid namespace). */
  | 'child'
  /** A timeout ran out or a sleep ended: `= 0 (Timeout)`, `ETIMEDOUT`, `nanosleep`. */
  | 'timer'
  /** The trace does not say. */
  | 'unknown';

/** A stretch in which the task made no progress of its own. */
export interface IntervalMark {
  readonly kind: 'wait' | 'silent';
  readonly start: number;
  /** `null`: the call was still waiting when the trace ended (see {@link Task.marks}). */
  end: number | null;
  /** The blocking call (`wait`). */
  readonly syscall: string | null;
  /** In words: `poll on UDP 127.0.0.53:53`, `clock_nanosleep 2 s`, `wait4 for pid 12`. */
  readonly what: string;
  readonly wake: WakeBy;
  /** `wait4`'s result, for `wake: 'child'`. */
  readonly child: number | null;
  /** The call returned a timeout (`(Timeout)`, `= 0` of a sleep): said in the path's words. */
  readonly timedOut: boolean;
  /** Port of the socket the call waited on, when the trace showed its `connect`. */
  readonly port: number | null;
  /** No `-T`: the call's end is the next call's start (a wait known by its timeout, or guessed). */
  readonly noDuration: boolean;
  /** The call's line (`wait`), or the first line after the silence (`silent`). */
  readonly file: string;
  readonly line: number;
  /** The line before a silence; the resumed half of a split wait; else `line`. */
  readonly otherLine: number;
  /** The call's line (`wait`), to cite; `''` for a silence. Long lines keep their head and tail (see {@link keptText}). */
  readonly text: string;
}

/** A moment that matters to "ready" and to the causes. */
export interface PointMark {
  readonly kind: 'exec' | 'listen' | 'signal' | 'connect' | 'lock' | 'dns-query' | 'reap';
  readonly t: number;
  readonly file: string;
  readonly line: number;
  /** exec: the program path; listen: `fd N`; signal: its name; connect: `addr:port`; lock: the file; dns-query: the name asked. */
  readonly subject: string;
  /** The line, to cite (long lines keep their head and tail); `''` for signals. */
  readonly text: string;
  /** reap: the child `wait4` returned; signal: `si_pid`; exec: the number of variables of its environment (`N vars` in its comment); connect: 1 ok, 0 failed; lock: 1 taken, 0 released. */
  readonly n: number | null;
  /** connect: the errno of a failed try (`ECONNREFUSED`); signal: `si_code`. */
  readonly detail: string | null;
}

export type Mark = IntervalMark | PointMark;

/** A run of calls over one tree of files (`chown -R`, `find`), counted per task. */
export interface TreeWalk {
  calls: number;
  first: number;
  last: number;
  /** The longest directory prefix every path of the walk shares. */
  root: string | null;
  /** Calls by name: `fchownat` → 20,000. */
  readonly byName: Record<string, number>;
  readonly file: string;
  firstLine: number;
  lastLine: number;
  firstText: string;
  lastText: string;
}
