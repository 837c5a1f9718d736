/**
 * One clock for a whole trace set. strace prints time of day (`-t`, `-tt`), epoch time (`-ttt`),
 * only `-r` deltas, or nothing; a set must use one of them. Times become plain numbers of seconds
 * relative to a base second, so differences keep nanosecond precision even on epoch clocks.
 */
import { CallLine, type ParsedLine, type Timestamp } from '@strace-gaps/parser';

/** The clock of a trace set. */
export type SetClockKind =
  /** `-t`/`-tt`: local time of day; crossing midnight rolls over. */
  | 'time-of-day'
  /** `-ttt`/`--timestamps=unix`: seconds since the epoch. */
  | 'epoch'
  /** Only `-r` deltas: seconds since the first line of each input, summed. */
  | 'relative'
  /** No timestamps at all: counts, no timeline. */
  | 'none';

/** Half a day and a day, in seconds: how time-of-day clocks roll over midnight. */
export const HALF_DAY = 43_200;
export const DAY = 86_400;

/**
 * Why an analysis refused its input: the `code` of an {@link AnalysisError}. (Misuse of the API,
 * such as `push` before `beginInput`, throws a plain `Error`: a bug in the caller, not the input.)
 */
export const ANALYSIS_ERROR_CODES = [
  /** Two inputs (or two parts of one input) carry different clocks; they cannot share a timeline. */
  'clock-mismatch',
] as const;
export type AnalysisErrorCode = (typeof ANALYSIS_ERROR_CODES)[number];

/** The one error class of the analysis: `code` says which, `file:line` where. */
export class AnalysisError extends Error {
  constructor(
    readonly code: AnalysisErrorCode,
    readonly file: string,
    readonly line: number,
    /** The set's clock, decided by its first timed line. */
    readonly expected: SetClockKind,
    /** This line's clock. */
    readonly found: SetClockKind,
  ) {
    super(`this line's clock is ${found}, but the set's is ${expected}`);
    this.name = 'AnalysisError';
  }
}

/** What carries time on a line: absolute time, a `-r` delta, or nothing. */
function lineClock(ev: ParsedLine): SetClockKind | null {
  if (ev.kind === 'issue' || ev.kind === 'strace-message' || ev.kind === 'stack-frame' || ev.kind === 'data-dump' || ev.kind === 'summary' || ev.kind === 'output') {
    return null;
  }
  if (ev.time !== null) return ev.time.clock === 'epoch' ? 'epoch' : ev.time.clock === 'relative' ? 'relative' : 'time-of-day';
  if (ev.relative !== null) return 'relative';
  // `-z`/`-Z` print a call's result on a bare continuation line, with no prefix at all.
  return ev.kind === 'resumed' ? null : 'none';
}

/** The set's clock: its kind, base second and precision; hands out one {@link StreamClock} per input. */
export class SetClock {
  kind: SetClockKind | null = null;
  /** Where the kind was decided (the first timed line of the set). */
  decidedAt: { file: string; line: number } | null = null;
  /** Numbers are seconds since this whole second (of the first timed line seen). */
  baseSec: number | null = null;
  /** Fraction digits printed: the finest seen. */
  digits: Timestamp['digits'] = 0;
  /** Did any input cross midnight (time-of-day clocks)? */
  rolledOver = false;
  /** Inputs that held relative-only times. */
  relativeStreams = 0;

  stream(file: string): StreamClock {
    return new StreamClock(this, file);
  }

  /** A number on this set's clock back to seconds on the trace's own clock (since midnight or epoch). */
  absolute(t: number): number {
    const v = (this.baseSec ?? 0) + t;
    const scale = 10 ** Math.max(this.digits, 6);
    return Math.round(v * scale) / scale;
  }

  /** Checks a line's clock against the set's; the first timed line decides. */
  check(found: SetClockKind, file: string, line: number): void {
    if (this.kind === null) {
      this.kind = found;
      this.decidedAt = { file, line };
    } else if (this.kind !== found) {
      throw new AnalysisError('clock-mismatch', file, line, this.kind, found);
    }
  }
}

/**
 * The clock of one input, read in order. For time-of-day it tracks midnight; for `-r`-only input it
 * sums the deltas into `relative` timestamps, which the rest of the analysis treats like any other.
 */
export class StreamClock {
  private dayOffset: number | null = null;
  private last = -Infinity;
  private relNs = 0;
  private sawRelative = false;

  constructor(
    private readonly set: SetClock,
    private readonly file: string,
  ) {}

  /** Checks the line's clock and, for `-r`-only input, gives it a summed `relative` timestamp. */
  normalize(ev: ParsedLine): ParsedLine {
    // Most lines: an absolute time on the clock the set already has; nothing to check or add.
    if (ev.kind !== 'issue' && this.settled(ev)) return ev;
    const found = lineClock(ev);
    if (found === null) return ev;
    this.set.check(found, this.file, ev.line);
    if (ev.kind === 'issue' || found !== 'relative' || ev.time !== null || ev.relative === null) return ev;
    if (!this.sawRelative) {
      this.sawRelative = true;
      this.set.relativeStreams++;
    } else {
      this.relNs += Math.round(ev.relative * 1e9);
    }
    const sec = Math.floor(this.relNs / 1e9);
    const nsec = this.relNs - sec * 1e9;
    // A small integer, as the parser's timestamps hold it (see its addSeconds): a double here
    // would make V8 convert every timestamp the parser makes.
    const time: Timestamp = { sec, nsec: (nsec | 0) === nsec ? nsec | 0 : nsec, digits: 6, clock: 'relative' };
    // A one-line call's fields are not all its own: a spread would lose them.
    return ev instanceof CallLine ? ev.withTime(time) : { ...ev, time };
  }

  /** Is the line's time an absolute one on the clock the set already has (nothing for {@link normalize} to do)? */
  settled(ev: { readonly time: Timestamp | null }): boolean {
    const t = ev.time;
    return t !== null && this.set.kind === (t.clock === 'epoch' ? 'epoch' : t.clock === 'time-of-day' ? 'time-of-day' : null);
  }

  /** A timestamp as a number on the set's clock (seconds since the set's base second). */
  toNumber(t: Timestamp): number {
    const set = this.set;
    if (set.baseSec === null) set.baseSec = t.sec;
    if (t.digits > set.digits) set.digits = t.digits;
    let v = t.sec - set.baseSec + t.nsec / 1e9;
    if (t.clock === 'time-of-day') {
      if (this.dayOffset === null) {
        // A file of the set that starts on the other side of midnight from the base.
        this.dayOffset = v < -HALF_DAY ? 1 : v > HALF_DAY ? -1 : 0;
      } else if (v + this.dayOffset * DAY < this.last - HALF_DAY) {
        this.dayOffset++;
      }
      if (this.dayOffset !== 0) set.rolledOver = true;
      v += this.dayOffset * DAY;
      if (v > this.last) this.last = v;
    }
    return v;
  }
}
