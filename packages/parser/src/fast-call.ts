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
import { LAZY, completed, split, splitResult } from './call-tail.js';
import { CallLine } from './call-line.js';
import { scanPrefixInto, scanned } from './prefix.js';
import type { ParsedLine, SyscallResult } from './types.js';
import { DOT, RESUMED_CLOSE, RESUMED_OPEN, SPACE, UNFINISHED } from './markers.js';

/** Characters of a syscall name: `read`, `_llseek`, `syscall_0x1b6`, `????`. */
export function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 63 || (c >= 65 && c <= 90);
}

/**
 * Syscall names by a hash of their characters, so that a line's name is found without slicing it
 * (and the analysis keys its tables by strings whose hash V8 has already computed). Bounded: a
 * garbage input with endless "names" stops adding to it.
 */
const names = new Map<number, string>();
const MAX_NAMES = 4096;

function nameAt(text: string, b: number, open: number, hash: number): string {
  const known = names.get(hash);
  if (known !== undefined && known.length === open - b && text.startsWith(known, b)) return known;
  const name = text.slice(b, open);
  if (known !== undefined || names.size >= MAX_NAMES) return name;
  // V8 makes a slice of 13 or more characters a view that keeps its whole line alive: the table
  // keeps a copy (a JSON round trip makes one), once per distinct name.
  const own = name.length < 13 ? name : (JSON.parse(JSON.stringify(name)) as string);
  names.set(hash, own);
  return own;
}

/**
 * A common call line, whole (a {@link CallLine} when `lazy`), unfinished or resumed, as the general
 * parser reads it; or null for the general parser to read.
 */
export function fastLine(text: string, file: string, line: number, lazy: boolean): ParsedLine | null {
  const len = text.length;
  const prefix = scanPrefixInto(text, scanned);
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
    const result = splitResult(text, rest);
    if (result === null || result === LAZY) return null;
    return completed('resumed', nameAt(text, b, nameEnd, hash), text.slice(rest, split.argsEnd).trimStart(), result,
      pid, time, relative, ip, syscallNumber, text, file, line);
  }
  if (text.charCodeAt(nameEnd) !== 40 /* ( */) return null;
  const open = nameEnd;
  // A line ending in "...>" ends in a stop marker (`<unfinished ...>`) or is left to the general
  // parser; a `-T` duration ends in a digit.
  if (text.charCodeAt(len - 1) === 62 /* > */ && text.charCodeAt(len - 2) === DOT) {
    if (!text.endsWith(UNFINISHED)) return null;
    return { kind: 'unfinished', name: nameAt(text, b, open, hash), args: text.slice(open + 1, len - UNFINISHED.length).trimEnd(),
      stop: 'unfinished', newPid: null, pid, time, relative, ip, syscallNumber, text, file, line };
  }
  const result = splitResult(text, open + 1, lazy);
  if (result === null) return null;
  const name = nameAt(text, b, open, hash);
  if (lazy) {
    return new CallLine(pid, time, relative, ip, syscallNumber, name, split.duration, text, file, line,
      open + 1, split.argsEnd, split.resultStart, split.resultEnd, result === LAZY ? null : result);
  }
  return completed('syscall', name, text.slice(open + 1, split.argsEnd), result as SyscallResult, pid, time, relative, ip, syscallNumber, text, file, line);
}
