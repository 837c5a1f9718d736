/**
 * A call line's tail, `ARGS) = RESULT <DURATION>`, read from the right (for parse-line.ts).
 */
import { parseResult, plainIntegerAt } from './result.js';
import type { SyscallResult, Timestamp } from './types.js';
import { SPACE } from './markers.js';

/**
 * What {@link splitResult} found besides the result, read right after it returns: one record a
 * reader reuses (scan-state.ts) instead of an object per line.
 */
export class CallTail {
  /** Index of the `)` that closes the argument list. */
  argsEnd = 0;
  duration: number | null = null;
  /** Where the result's text is, when {@link splitResult} returned {@link LAZY}. */
  resultStart = 0;
  resultEnd = 0;
}

/** What {@link splitResult} returns for a result left in the line (a plain integer: most results). */
export const LAZY = 'lazy';

/**
 * Splits `ARGS) = RESULT [<DURATION>]` from the right: strings in the arguments may hold `) = `
 * (`write(1, "x) = 5", 6) = 6`), but strace escapes nothing after the result, so the last `) = `
 * is the separator. strace pads short calls so that ` = ` lands in column 40:
 * `close(3)                                = 0`.
 */
export function splitResult(text: string, argsStart: number, out: CallTail): SyscallResult | typeof LAZY | null {
  let end = text.length;
  let duration: number | null = null;
  // "<0.000012>" — `-T`; "<unavailable>" is part of the result, not a duration.
  if (text.charCodeAt(end - 1) === 62 /* > */) {
    const lt = text.lastIndexOf(' <', end - 1);
    if (lt >= argsStart) {
      const d = decimalAt(text, lt + 2, end - 1);
      if (d !== null) {
        duration = d;
        end = lt;
      }
    }
  }
  let eq = text.lastIndexOf(' = ', end - 1);
  while (eq >= argsStart) {
    let p = eq;
    while (p > argsStart && text.charCodeAt(p - 1) === SPACE) p--;
    if (p > argsStart - 1 && text.charCodeAt(p - 1) === 41 /* ) */ && p - 1 >= argsStart) {
      // A plain integer with nothing around it (most results) is one parseResult accepts: it can wait.
      const result = plainIntegerAt(text, eq + 3, end) !== undefined ? LAZY : parseResult(text.slice(eq + 3, end));
      if (result !== null) {
        out.argsEnd = p - 1;
        out.duration = duration;
        out.resultStart = eq + 3;
        out.resultEnd = end;
        return result;
      }
    }
    eq = text.lastIndexOf(' = ', eq - 1);
  }
  return null;
}

/** {@link splitResult}'s result, built now when it was left in the line (for a plain `resumed` half). */
export function builtResult(text: string, tail: CallTail, result: SyscallResult | typeof LAZY): SyscallResult {
  return result === LAZY ? (parseResult(text.slice(tail.resultStart, tail.resultEnd)) as SyscallResult) : result;
}

/**
 * `DIGITS.DIGITS`, or `DIGITS` alone (`--syscall-times=s`: `<0>`, `<1>`), filling `text[from, to)`
 * as a number, or `null`. Scanned rather than sliced and matched: it runs on every `-T` line. Up to
 * 15 digits the integer quotient is exact and, like Number(), correctly rounded; longer ones go
 * through Number().
 */
function decimalAt(text: string, from: number, to: number): number | null {
  let whole = 0;
  let scale = 1;
  let dot = -1;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 46 /* . */ && dot < 0) {
      dot = i;
      continue;
    }
    if (c < 48 || c > 57) return null;
    whole = whole * 10 + (c - 48);
    if (dot >= 0) scale *= 10;
  }
  // Whole seconds have no dot; a dot needs digits on both sides.
  if (dot === from || dot === to - 1 || to === from) return null;
  return to - from - 1 > 15 ? Number(text.slice(from, to)) : whole / scale;
}

/**
 * The `resumed` half of a call, with its result. Fields written out, not spread from the prefix:
 * a literal of one shape is cheaper to build than a spread (same keys, same order).
 */
export function resumedHalf(
  name: string, args: string, result: SyscallResult, duration: number | null,
  pid: number | null, time: Timestamp | null, relative: number | null, ip: string | null, syscallNumber: number | null,
  text: string, file: string, line: number,
) {
  return {
    kind: 'resumed' as const,
    name,
    args,
    result,
    duration,
    pid,
    time,
    relative,
    ip,
    syscallNumber,
    text,
    file,
    line,
  };
}
