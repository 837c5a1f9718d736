/**
 * A one-line call: the common line (`openat(…) = 3 <0.000012>`) with its argument text and result
 * left in the line until something asks for them. Most of a big trace is such lines, and most
 * consumers read only a call's name, time and duration: building every line's result object cost
 * about a sixth of parsing and joining the bench's 100 MB `-f` trace.
 *
 * It is both the line's event ({@link SyscallLineEvent}) and, once the joiner has given it its pid,
 * the joined call ({@link SyscallEvent}): a one-line call needs no second object. Its fields read
 * as a plain event's do and `JSON.stringify` writes the plain event, but a spread or a structured
 * clone sees only its own fields: {@link plainCallLine} gives the plain event.
 */
import { leadingIntAt } from './leading-int.js';
import { parseResult } from './result.js';
import { addSeconds } from './timestamps.js';
import type { SyscallLineEvent, SyscallResult, Timestamp } from './types.js';

export class CallLine {
  readonly kind = 'syscall' as const;
  readonly form = 'line' as const;
  readonly stop = null;
  /** The joined call's pid: the line's, or the one the joiner gave it (a `-ff` file's). */
  pid: number | null;
  private argsText: string | null = null;
  /** As on `SyscallLineEvent`: set (on the few calls that have it) by line-parser.ts, never a slot of every line. */
  declare output?: string;
  private resultValue: SyscallResult | null;

  constructor(
    /** The pid the line's prefix carries. */
    readonly linePid: number | null,
    readonly time: Timestamp | null,
    readonly relative: number | null,
    readonly ip: string | null,
    readonly syscallNumber: number | null,
    readonly name: string,
    readonly duration: number | null,
    readonly text: string,
    readonly file: string,
    readonly line: number,
    /** `text[argsStart, argsEnd)` is the argument text; `text[resultStart, resultEnd)` the result. */
    private readonly argsStart: number,
    private readonly argsEnd: number,
    private readonly resultStart: number,
    private readonly resultEnd: number,
    /** The result, when the scanner already had to read it (anything but a plain integer). */
    result: SyscallResult | null,
  ) {
    this.pid = linePid;
    this.resultValue = result;
  }

  get args(): string {
    return (this.argsText ??= this.text.slice(this.argsStart, this.argsEnd));
  }

  get result(): SyscallResult {
    // The scanner made this only for a result `parseResult` reads.
    return (this.resultValue ??= parseResult(this.text.slice(this.resultStart, this.resultEnd)) as SyscallResult);
  }

  /** Did the call fail (its result has an errno)? A result left in the line is a plain number. */
  get failed(): boolean {
    const r = this.resultValue;
    return r !== null && r.errno !== null;
  }

  /** The joined call's entry: the line's time. */
  get start(): Timestamp | null {
    return this.time;
  }

  /** The joined call's return: entry + `-T`. */
  get end(): Timestamp | null {
    return this.time !== null && this.duration !== null ? addSeconds(this.time, this.duration) : this.time;
  }

  get endLine(): number {
    return this.line;
  }

  /** The number its arguments start with (an fd, mostly), read in the line: no argument text is cut out. */
  firstInt(): number | null {
    return leadingIntAt(this.text, this.argsStart, this.argsEnd);
  }

  /** The same call at another time (a `-r` delta summed into a timestamp). */
  withTime(time: Timestamp): CallLine {
    const c = new CallLine(this.linePid, time, this.relative, this.ip, this.syscallNumber, this.name, this.duration, this.text, this.file, this.line,
      this.argsStart, this.argsEnd, this.resultStart, this.resultEnd, this.resultValue);
    if (this.output !== undefined) c.output = this.output;
    return c;
  }

  /** `JSON.stringify` writes the plain line event. */
  toJSON(): SyscallLineEvent {
    return plainCallLine(this, this.pid);
  }
}

/** The plain event a {@link CallLine} stands for: what `parseLine` returns for its line. */
export function plainCallLine(c: CallLine, pid: number | null = c.linePid): SyscallLineEvent {
  const plain: SyscallLineEvent = {
    kind: 'syscall',
    name: c.name,
    args: c.args,
    result: c.result,
    duration: c.duration,
    pid,
    time: c.time,
    relative: c.relative,
    ip: c.ip,
    syscallNumber: c.syscallNumber,
    text: c.text,
    file: c.file,
    line: c.line,
  };
  return c.output === undefined ? plain : { ...plain, output: c.output };
}

/** Did the call fail (an errno in its result)? Asked of every call: a CallLine answers without building its result. */
export function failed(ev: { readonly result: SyscallResult | null }): boolean {
  return ev instanceof CallLine ? ev.failed : Boolean(ev.result?.errno);
}
