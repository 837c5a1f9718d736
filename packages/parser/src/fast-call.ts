/**
 * The parser's fast lane: the common call line, whole, unfinished or resumed, read in one pass
 * from the left and by the shared tail reader from the right, e.g.
 *
 *     22001 07:49:43.412416 brk(NULL)         = 0x557948fd3000 <0.000055>
 *     07:48:51.065918 (+     0.001650) close(3) = 0 <0.000011>
 *     [pid  4242] 1745377295.040609 read(3,  <unfinished ...>
 *     4242       0.000021 <... read resumed>"abc", 1024) = 3
 *
 * The prefix as prefix.ts reads it for both lanes, then `NAME(` or `<... NAME resumed>`. Anything
 * else (other body forms, other stop markers, results it must not take) returns null and goes the
 * general way (parse-line.ts), which reads every line the fast lane takes the same (tested on
 * every fixture line and on mutated ones).
 *
 * The general parser tries each body form in turn and makes a string for every syscall name; the
 * fast lane hands out one string per distinct name.
 */
import { LAZY, builtResult, resumedHalf, splitResult } from './call-tail.js';
import { CallLine } from './call-line.js';
import { scanPrefixInto } from './prefix.js';
import type { ScanState } from './scan-state.js';
import type { ParsedLine, SyscallResult } from './types.js';
import { DOT, RESUMED_CLOSE, RESUMED_OPEN, SPACE, UNFINISHED } from './markers.js';

/** Characters of a syscall name: `read`, `_llseek`, `syscall_0x1b6`, `????`. */
export function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 63 || (c >= 65 && c <= 90);
}

/**
 * A common call line, whole (a {@link CallLine}), unfinished or resumed, as the general
 * parser reads it; or null for the general parser to read.
 */
export function fastLine(st: ScanState, text: string, file: string, line: number): ParsedLine | null {
  const len = text.length;
  const prefix = scanPrefixInto(text, st.prefix);
  const tail = st.tail;
  const { pid, time, relative, ip, syscallNumber } = prefix;
  let i = prefix.end;

  // The body: `NAME(` or `<... NAME resumed>`, the name at most 64 characters.
  while (text.charCodeAt(i) === SPACE) i++;
  const resumed = text.charCodeAt(i) === 60 /* < */;
  if (resumed && !text.startsWith(RESUMED_OPEN, i)) return null;
  const b = resumed ? i + RESUMED_OPEN.length : i;
  let hash = 0;
  for (i = b; i < len; i++) {
    const k = text.charCodeAt(i);
    if (!isNameChar(k)) break;
    hash = (Math.imul(hash, 31) + k) | 0;
  }
  if (i === b || i - b > 64) return null;
  const nameEnd = i;

  if (resumed) {
    // `<... read resumed>"abc", 1024) = 3`: the name ends at the first " resumed>" (a name has no space).
    if (!text.startsWith(RESUMED_CLOSE, nameEnd)) return null;
    const rest = nameEnd + RESUMED_CLOSE.length;
    const result = splitResult(text, rest, tail);
    if (result === null) return null;
    return resumedHalf(st.name(text, b, nameEnd, hash), text.slice(rest, tail.argsEnd).trimStart(), builtResult(text, tail, result), tail.duration,
      pid, time, relative, ip, syscallNumber, text, file, line);
  }
  if (text.charCodeAt(nameEnd) !== 40 /* ( */) return null;
  const open = nameEnd;
  // A line ending in "...>" ends in a stop marker (`<unfinished ...>`) or is left to the general
  // parser; a `-T` duration ends in a digit.
  if (text.charCodeAt(len - 1) === 62 /* > */ && text.charCodeAt(len - 2) === DOT) {
    if (!text.endsWith(UNFINISHED)) return null;
    return { kind: 'unfinished', name: st.name(text, b, open, hash), args: text.slice(open + 1, len - UNFINISHED.length).trimEnd(),
      stop: 'unfinished', newPid: null, pid, time, relative, ip, syscallNumber, text, file, line };
  }
  const result = splitResult(text, open + 1, tail);
  if (result === null) return null;
  return new CallLine(pid, time, relative, ip, syscallNumber, st.name(text, b, open, hash), tail.duration, text, file, line,
    open + 1, tail.argsEnd, tail.resultStart, tail.resultEnd, result === LAZY ? null : result);
}
