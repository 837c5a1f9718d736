/**
 * The traced program's own output, printed into strace's lines. When strace writes its trace where
 * the program writes (`strace -f cmd > log 2>&1`), strace prints a call's entry, the call runs (a
 * `write` to that file puts the program's bytes right there), then strace prints the rest:
 *
 *     12:09:08.319065 write(1, "Killed\n", 7Killed
 *     ) = 7 <0.000058>
 *     [pid 32427] 12:09:08.336851 write(2, "ls: ", 4ls: ) = 4 <0.000044>
 *
 * Only calls whose arguments strace prints in full at entry can be cut this way, and for them the
 * bytes begin right after the last argument. Which arguments those are, and what the bytes must be,
 * follow from the call's own arguments ({@link readEntry}); {@link OutputReader} then reads the
 * bytes line by line until strace's exit print. line-parser.ts keeps the state across lines.
 */
import { decodeBytes } from './args.js';
import { scanPrefix } from './prefix.js';
import { SPACE, UNFINISHED } from './markers.js';

/** How a writer's arguments are printed at entry, in order. */
type Arg =
  /** Printed, not needed: an fd, an offset pointer (`NULL`, `[0]`). */
  | 'any'
  /** The data, a string literal (`"Killed\n"`, cut by `-s`: `"abc"...`). */
  | 'data'
  /** The data, an iovec array (`[{iov_base="a\n", iov_len=2}, …]`). */
  | 'iov'
  /** The byte count asked for: the most the call can write. */
  | 'count'
  /** The number of iovec elements. */
  | 'iovcnt'
  /** A number or flags not needed (an offset, `0`, `RWF_APPEND`). */
  | 'number';

/**
 * The calls strace prints whole at entry and that write to an fd: their bytes can land between the
 * entry and the exit print. `sendfile` prints its count at exit (its bytes land inside the argument
 * list); `send`/`sendto`/`sendmsg` write only to sockets, which strace's output rarely is.
 */
const SHAPES: ReadonlyMap<string, readonly Arg[]> = new Map<string, readonly Arg[]>([
  ['write', ['any', 'data', 'count']],
  ['pwrite64', ['any', 'data', 'count', 'number']],
  ['writev', ['any', 'iov', 'iovcnt']],
  ['pwritev', ['any', 'iov', 'iovcnt', 'number']],
  ['pwritev2', ['any', 'iov', 'iovcnt', 'number', 'number']],
  // `cat` (coreutils 9) copies a file to its stdout with copy_file_range: the data is not printed.
  ['copy_file_range', ['any', 'any', 'any', 'any', 'count', 'number']],
  ['splice', ['any', 'any', 'any', 'any', 'count', 'number']],
]);

/** Is `name` a call whose bytes can land inside its own line? Asked of every call line. */
export function isWriter(name: string): boolean {
  return SHAPES.has(name);
}

/**
 * Is a one-line `write`'s argument text `FD, "DATA", COUNT` with COUNT the bytes of DATA printed
 * whole, or `FD, "DATA"..., COUNT` with DATA cut and not starting with a digit? Then no bytes of
 * the program's follow its arguments (they would run on after COUNT's digits). Most writes are such lines: this is the cheap test before {@link readEntry}, with no
 * string made. False sends the line to the full reading.
 */
export function isCleanWrite(args: string): boolean {
  const open = args.indexOf(', "');
  if (open < 0) return false;
  let bytes = 0;
  let j = open + 3;
  for (;;) {
    if (j >= args.length) return false;
    const c = args.charCodeAt(j);
    if (c === 34 /* " */) break;
    if (c === 92 /* \ */) {
      const n = args.charCodeAt(j + 1);
      if (n === 120 /* x */) j += 4;
      else if (n >= 48 && n <= 55) {
        // Octal: strace prints up to three digits (fewer when no digit follows).
        j += 2;
        if (isOctal(args.charCodeAt(j))) j++;
        if (isOctal(args.charCodeAt(j))) j++;
      } else j += 2;
      bytes++;
    } else if (c < 0x80) {
      j++;
      bytes++;
    } else {
      // Printed as is only with strace's -e/-x options that keep UTF-8: count its bytes.
      const cp = args.codePointAt(j) as number;
      bytes += cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
      j += cp >= 0x10000 ? 2 : 1;
    }
  }
  if (args.startsWith('..., ', j + 1)) {
    // A cut string (`"…"..., 4096`) says nothing of the count, but the program's bytes would begin
    // with the data strace printed: when that begins with no digit, digits alone after `..., ` are
    // the count and nothing else (an empty string: nothing to land).
    const first = args.charCodeAt(open + 3);
    if (first >= 48 && first <= 57) return false;
    let k = j + 6;
    if (k >= args.length) return false;
    for (; k < args.length; k++) {
      const d = args.charCodeAt(k);
      if (d < 48 || d > 57) return false;
    }
    return true;
  }
  if (args.charCodeAt(j + 1) !== 44 /* , */ || args.charCodeAt(j + 2) !== SPACE) return false;
  let count = 0;
  let k = j + 3;
  if (k >= args.length || (args.charCodeAt(k) === 48 && k + 1 < args.length)) return false;
  for (; k < args.length; k++) {
    const d = args.charCodeAt(k) - 48;
    if (d < 0 || d > 9) return false;
    count = count * 10 + d;
    if (count > bytes) return false;
  }
  return count === bytes;
}

function isOctal(c: number): boolean {
  return c >= 48 && c <= 55;
}

/** A writer's entry print, read from its first line. */
export interface WriteEntry {
  readonly name: string;
  /** The arguments printed at entry: `1, "Killed\n", 7`. */
  readonly args: string;
  /** Where, in the line, the entry print ends (after the last argument): the bytes start here. */
  readonly at: number;
  /**
   * The data as far as strace printed it, split at its newlines: one string per physical line the
   * bytes reach. Empty when strace printed none of it (`copy_file_range`, an unreadable buffer).
   */
  readonly known: readonly string[];
  /** Each piece's length in bytes (the text of invalid UTF-8 is longer). */
  readonly knownBytes: readonly number[];
  /** Did strace print the whole data (no `...` cut)? Then the bytes are exactly `known`. */
  readonly complete: boolean;
  /** The most bytes the call can write (its count, or the iovecs' lengths added up). */
  readonly bound: number;
}

/**
 * Reads the entry print of a writer's line (`PREFIX write(1, "Killed\n", 7…`) and where its bytes
 * would begin; null when the line is no writer or its arguments do not read as the call's.
 */
export function readEntry(text: string): WriteEntry | null {
  let b = scanPrefix(text).end;
  while (text.charCodeAt(b) === SPACE) b++;
  const open = text.indexOf('(', b);
  if (open < 0) return null;
  const name = text.slice(b, open);
  const shape = SHAPES.get(name);
  if (shape === undefined) return null;
  let i = open + 1;
  let data: { bytes: Uint8Array; truncated: boolean } | null = null;
  let bound = 0;
  let iovCount = -1;
  for (let k = 0; k < shape.length - 1; k++) {
    const end = argEnd(text, i);
    if (end < 0) return null;
    const arg = text.slice(i, end);
    const kind = shape[k];
    if (kind === 'data') {
      if (arg.charCodeAt(0) !== 34 /* " */) return null;
      data = decodeBytes(arg);
    } else if (kind === 'iov') {
      const iov = readIov(arg);
      if (iov === null) return null;
      data = { bytes: iov.data, truncated: !iov.complete };
      bound = iov.lengths;
      iovCount = iov.complete ? iov.count : -1;
    } else if (kind === 'count') {
      if (!/^\d+$/.test(arg)) return null;
      bound = Number(arg);
    }
    i = end + 2;
  }
  const complete = data !== null && !data.truncated;
  const { known, knownBytes } = pieces(data?.bytes ?? new Uint8Array(0), complete);
  // The last argument runs into the bytes that follow it: its end comes from what it must be.
  const last = shape[shape.length - 1] as Arg;
  let run = i;
  while (run < text.length && isTokenChar(text.charCodeAt(run))) run++;
  if (run === i) return null;
  const printed = data?.bytes.length ?? 0;
  let at: number;
  // The count is the data's length when strace printed all of it; the iovec count, the elements'.
  const exact = last === 'count' ? (complete ? printed : -1) : last === 'iovcnt' ? iovCount : -1;
  if (exact >= 0) {
    const digits = String(exact);
    if (!text.startsWith(digits, i)) return null;
    at = i + digits.length;
  } else if (last === 'count') {
    // Cut data: the count is at least what strace printed.
    at = firstEnd(text, i, run, known[0] ?? '', (t) => /^\d+$/.test(t) && Number(t) >= printed);
  } else {
    at = firstEnd(text, i, run, known[0] ?? '', (t) => /^(?:\d+|0x[0-9a-f]+|[A-Z_][A-Z0-9_|]*)$/.test(t));
  }
  if (at < 0) return null;
  if (last === 'count') bound = Number(text.slice(i, at));
  return { name, args: text.slice(open + 1, at), at, known, knownBytes, complete, bound };
}

/** The data split at its newlines, as text the way a line reader decodes each line. */
function pieces(bytes: Uint8Array, complete: boolean): { known: string[]; knownBytes: number[] } {
  const known: string[] = [];
  const knownBytes: number[] = [];
  if (bytes.length === 0) return { known, knownBytes };
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  let start = 0;
  for (;;) {
    const nl = buf.indexOf(10, start);
    const end = nl < 0 ? buf.length : nl;
    known.push(buf.toString('utf8', start, end));
    knownBytes.push(end - start);
    if (nl < 0) break;
    start = nl + 1;
  }
  if (!complete) {
    // strace cut the data after -s bytes, maybe inside a character the line holds whole: compare
    // only the bytes before that character.
    let end = buf.length;
    let back = 0;
    while (back < 3 && end - back - 1 >= start && ((buf[end - back - 1] as number) & 0xc0) === 0x80) back++;
    const lead = end - back - 1;
    if (lead >= start && (buf[lead] as number) >= 0xc0) end = lead;
    known[known.length - 1] = buf.toString('utf8', start, end);
    knownBytes[knownBytes.length - 1] = end - start;
  }
  return { known, knownBytes };
}

/**
 * The first end of the last argument `text[from, e)`, within its run of token characters, that
 * reads as `valid` and after which the printed data follows (a clean line: `)` follows; a call that
 * still owes its bytes: ` <unfinished ...>` ends the line).
 */
function firstEnd(text: string, from: number, run: number, first: string, valid: (t: string) => boolean): number {
  for (let e = from + 1; e <= run; e++) {
    if (!valid(text.slice(from, e))) continue;
    if (e === run && (text.charCodeAt(e) === 41 /* ) */ || (e === text.length - SPACED_UNFINISHED.length && text.endsWith(SPACED_UNFINISHED)))) return e;
    if (first === '' || text.startsWith(first, e)) return e;
  }
  return -1;
}

/** Characters of a number or flags argument: `7`, `0x1f`, `RWF_APPEND|RWF_SYNC`. */
function isTokenChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 124;
}

/**
 * The index of the `, ` that ends the argument starting at `i` (strings, brackets and `-y` fd
 * annotations skipped), or -1 when the line ends first.
 */
function argEnd(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 34 /* " */) {
      j++;
      while (j < text.length && text.charCodeAt(j) !== 34) j += text.charCodeAt(j) === 92 /* \ */ ? 2 : 1;
    } else if (c === 91 || c === 123 || c === 40 || (c === 60 /* < */ && depth === 0 && j > i)) {
      depth++;
    } else if (c === 93 || c === 125 || c === 41 || (c === 62 /* > */ && depth > 0)) {
      depth--;
    } else if (c === 44 /* , */ && depth === 0 && text.charCodeAt(j + 1) === SPACE) {
      return j;
    }
  }
  return -1;
}

/** `[{iov_base="a\n", iov_len=2}, {iov_base="b", iov_len=1}]`: the data and the lengths. */
function readIov(arg: string): { data: Uint8Array; lengths: number; count: number; complete: boolean } | null {
  if (arg.charCodeAt(0) !== 91 /* [ */) return null;
  const parts: Uint8Array[] = [];
  let lengths = 0;
  let count = 0;
  let complete = true;
  // strace prints at most -s elements, then `...`; each base is cut like any string.
  const element = /\{iov_base=("(?:[^"\\]|\\.)*"(?:\.\.\.)?|0x[0-9a-f]+|NULL), iov_len=(\d+)\}/g;
  for (let m = element.exec(arg); m !== null; m = element.exec(arg)) {
    count++;
    lengths += Number(m[2]);
    const base = m[1] as string;
    if (base.charCodeAt(0) !== 34) {
      complete = false;
      continue;
    }
    const s = decodeBytes(base);
    if (complete) parts.push(s.bytes);
    if (s.truncated) complete = false;
  }
  if (count === 0 && arg !== '[]') return null;
  if (arg.endsWith('...]')) complete = false;
  return { data: Buffer.concat(parts), lengths, count, complete };
}

/** What one line holds of a writer's bytes: where strace's exit print starts, or that it does not. */
export type OutputStep =
  /** The bytes end at `tail`: strace's exit print (`) = 7 <…>` or ` <unfinished ...>`) follows. */
  | { readonly kind: 'end'; readonly tail: number }
  /** The whole rest of the line is the program's: the bytes go on on the next line. */
  | { readonly kind: 'more' }
  /** The line does not go on with these bytes. */
  | { readonly kind: 'not' };

/** A writer's `<unfinished ...>` after its bytes, with the space strace prints before it. */
const SPACED_UNFINISHED = ` ${UNFINISHED}`;
/** How strace's exit print starts: `)`, padding to column 40, ` = `. */
const EXIT_PRINT = /^\) *= /;

/**
 * Reads a writer's bytes from the lines they reach, in order. Where strace printed the whole data,
 * each line must hold its next piece exactly, whatever the piece looks like (a `) = 3`, a whole
 * strace line). Past what strace printed, the bytes are counted (UTF-8): the exit print is the first
 * `) = N` with N the bytes seen, within the call's count.
 */
export class OutputReader {
  /** Index of the next piece of `known`. */
  private piece = 0;
  /** Bytes read so far. */
  private bytes = 0;

  constructor(
    readonly entry: WriteEntry,
    /** Does `tail` (from the line, at an index) read as this call's exit print with `value` bytes? */
    private readonly isExit: (text: string, at: number, bytes: number) => boolean,
  ) {}

  /** Reads `text` from `from` (the entry's end on the first line, 0 on the next ones). */
  read(text: string, from: number): OutputStep {
    const { known, complete } = this.entry;
    let p = from;
    if (this.piece < known.length) {
      const piece = known[this.piece] as string;
      if (this.piece < known.length - 1) {
        // A newline follows this piece: the line must end with it (a `\r` before it was stripped).
        const rest = text.slice(p);
        if (rest !== piece && !(piece.endsWith('\r') && rest === piece.slice(0, -1))) return this.partial(text, p);
        this.bytes += (this.entry.knownBytes[this.piece] as number) + 1;
        this.piece++;
        return { kind: 'more' };
      }
      if (!text.startsWith(piece, p)) return this.partial(text, p);
      this.bytes += this.entry.knownBytes[this.piece] as number;
      this.piece++;
      p += piece.length;
      if (complete) return this.isExit(text, p, this.bytes) ? { kind: 'end', tail: p } : { kind: 'not' };
    }
    return this.count(text, p);
  }

  /** Fewer bytes than the data (a partial write): the exit print where the bytes stopped. */
  private partial(text: string, p: number): OutputStep {
    return this.isExit(text, p, this.bytes) ? { kind: 'end', tail: p } : { kind: 'not' };
  }

  /** Bytes strace did not print: counted until an exit print that says as many. */
  private count(text: string, p: number): OutputStep {
    if (text.endsWith(SPACED_UNFINISHED) && text.length - SPACED_UNFINISHED.length >= p) {
      const tail = text.length - SPACED_UNFINISHED.length;
      const bytes = this.bytes + Buffer.byteLength(text.slice(p, tail), 'utf8');
      // Only the writer's own `<unfinished ...>` ends it: another call's line can end so too.
      if (bytes <= this.entry.bound && this.isExit(text, tail, bytes)) return { kind: 'end', tail };
    }
    for (let q = text.indexOf(')', p); q >= 0; q = text.indexOf(')', q + 1)) {
      if (!EXIT_PRINT.test(text.slice(q, q + 48))) continue;
      const bytes = this.bytes + Buffer.byteLength(text.slice(p, q), 'utf8');
      if (bytes > this.entry.bound) break;
      if (this.isExit(text, q, bytes)) return { kind: 'end', tail: q };
    }
    this.bytes += Buffer.byteLength(text.slice(p), 'utf8') + 1;
    return this.bytes > this.entry.bound ? { kind: 'not' } : { kind: 'more' };
  }

  /** The next line's piece of the printed data, when a whole line of it is next; else null. */
  get nextLine(): string | null {
    return this.piece < this.entry.known.length - 1 ? (this.entry.known[this.piece] as string) : null;
  }
}
