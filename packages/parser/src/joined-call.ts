/**
 * A call joined from its `<unfinished ...>` and `<... NAME resumed>` halves (what a `Joiner` makes
 * of them) whose argument text is joined only when asked for. The halves' texts are separate strings: joined, they make a string
 * V8 keeps as a pair until a character of it is read, and then copies whole (a read's buffer, up
 * to `-s` bytes). The analysis reads most calls' first argument (is it a tracked fd?), which the
 * first half holds: {@link leadingArgs} gives it without the copy.
 *
 * A {@link SyscallEvent} whose fields read as a plain one's, and `JSON.stringify` writes them all;
 * but a spread or a structured clone does not see `args`.
 */
import { CallLine } from './call-line.js';
import { leadingIntAt } from './leading-int.js';
import type { SyscallResult, Timestamp } from './types.js';

/** Joins both halves' argument text: `3,` + `"abc", 1024` → `3, "abc", 1024`. */
export function joinArgs(first: string, second: string): string {
  if (first === '') return second;
  if (second === '') return first;
  return `${first} ${second}`;
}

export class JoinedCall {
  readonly kind = 'syscall' as const;
  readonly form = 'joined' as const;
  readonly stop = null;
  private argsText: string | null = null;

  constructor(
    readonly pid: number | null,
    readonly name: string,
    /** The argument text printed before the call blocked (the unfinished line's). */
    readonly unfinishedArgs: string,
    /** The argument text printed after it returned (the resumed line's). */
    readonly resumedArgs: string,
    readonly result: SyscallResult,
    readonly start: Timestamp | null,
    readonly end: Timestamp | null,
    readonly duration: number | null,
    readonly relative: number | null,
    readonly file: string,
    readonly line: number,
    readonly endLine: number,
    readonly text: string,
  ) {}

  get args(): string {
    return (this.argsText ??= joinArgs(this.unfinishedArgs, this.resumedArgs));
  }

  /** `JSON.stringify` writes the call as plain data. */
  toJSON(): object {
    const { kind, pid, name, args, result, start, end, duration, relative, form, stop, file, line, endLine, text } = this;
    return { kind, pid, name, args, result, start, end, duration, relative, form, stop, file, line, endLine, text };
  }
}

/**
 * Where a call's argument text starts: for a {@link JoinedCall}, its first half when that has
 * anything in it (the joined text is that, a space, and the second half); else the whole text.
 * A reader of the first argument that stops at white space reads the same from either.
 */
export function leadingArgs(ev: { readonly args: string }): string {
  return ev instanceof JoinedCall && /\S/.test(ev.unfinishedArgs) ? ev.unfinishedArgs : ev.args;
}

/**
 * The number a call's arguments start with (the fd of `write(4, …)`), or null: for a
 * {@link CallLine} read in its line, for a {@link JoinedCall} from its first half.
 */
export function firstArgInt(ev: { readonly args: string }): number | null {
  return ev instanceof CallLine ? ev.firstInt() : leadingIntAt(leadingArgs(ev));
}
