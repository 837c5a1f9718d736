/**
 * The pure core: one strace output line → one event or one parse issue. No I/O, no state.
 *
 * A line is `[PREFIX] BODY [-T DURATION]`, where PREFIX is, in order and each optional:
 *   pid        `[pid  4242] ` (output to a terminal/stderr) or `4242  ` (`-f -o FILE`)
 *   timestamp  `11:01:35`, `11:01:35.040609`, `1745377295.040609123` (`-t`/`-tt`/`-ttt`/`--timestamps`)
 *   delta      `(+     0.000021) ` after a timestamp, or `     0.000021 ` alone (`-r`)
 *   ip         `[00007f1c2e0a1b3e] ` (`-i`)
 *   scno       `[ 59] ` (`-n`)
 * See docs/strace-format.md for every body form.
 *
 * One pass from the left: the prefix (prefix.ts), then the body. Most lines are a call, whole,
 * unfinished or resumed (`NAME(`, `<... NAME resumed>`), read at once, the name found by a hash of
 * its characters (one string per distinct name, scan-state.ts) and the tail from the right
 * (call-tail.ts); every other form is tried in turn after that.
 */
import { scanPrefixInto } from './prefix.js';
import { ScanState } from './scan-state.js';
import { SummaryTable } from './summary-table.js';
import { LAZY, builtResult, resumedHalf, splitResult } from './call-tail.js';
import { CallLine } from './call-line.js';
import {
  ISSUE_TEXT_LIMIT,
  type LineEvent,
  type LinePrefix,
  type ParseIssue,
  type ParseIssueCode,
  type ParsedLine,
} from './types.js';
import { DETACHED, RESUMED_CLOSE, RESUMED_OPEN, SPACE, UNFINISHED } from './markers.js';

/** How a `-k` stack frame line ends: the address in brackets. */
const STACK_FRAME_END = /\[0x[0-9a-f]+\]$/;
/** How an `-e read=`/`write=` dump row starts: `| ` and a five-digit hex offset. */
const DATA_DUMP_START = /^\| [0-9a-f]{5} /;

/** Parses one line (without its line ending) read from `file` at 1-based `line`. */
export function parseLine(text: string, file: string, line: number): ParsedLine {
  return parseWith(new ScanState(false), text, file, line);
}

/** Characters of a syscall name: `read`, `_llseek`, `syscall_0x1b6`, `????`. */
export function isNameChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 95 || c === 63 || (c >= 65 && c <= 90);
}

/** Names are at most this long (strace's own are under 32). */
const MAX_NAME = 64;

/** {@link parseLine} with a reader's own scratch. */
export function parseWith(st: ScanState, text: string, file: string, line: number): ParsedLine {
  const len = text.length;
  const prefix = scanPrefixInto(text, st.prefix);
  let b = prefix.end;
  while (b < len && text.charCodeAt(b) === SPACE) b++;
  // Most lines: `NAME(` (whole or unfinished) or `<... NAME resumed>`. A `-c` table row, a blank
  // line or any other form has no name followed by `(` or ` resumed>` there.
  const c = text.charCodeAt(b);
  const resumed = c === 60 /* < */ && text.startsWith(RESUMED_OPEN, b);
  if (resumed || isNameChar(c)) {
    const from = resumed ? b + RESUMED_OPEN.length : b;
    let hash = 0;
    let i = from;
    for (; i < len; i++) {
      const k = text.charCodeAt(i);
      if (!isNameChar(k)) break;
      hash = (Math.imul(hash, 31) + k) | 0;
    }
    if (i > from && i - from <= MAX_NAME) {
      if (!resumed && text.charCodeAt(i) === 40 /* ( */) return parseCallLine(st, text, st.name(text, from, i, hash), i, prefix, file, line);
      if (resumed && text.startsWith(RESUMED_CLOSE, i)) return parseResumedLine(st, text, st.name(text, from, i, hash), i + RESUMED_CLOSE.length, prefix, file, line);
    }
  }
  return parseOtherLine(st, text, b, prefix, file, line);
}

/** A line that is no call: blank, a `-c` table's, a signal, an exit, a message, … or not strace's. */
function parseOtherLine(st: ScanState, text: string, b: number, prefix: LinePrefix, file: string, line: number): ParsedLine {
  let i = 0;
  while (i < text.length && text.charCodeAt(i) === SPACE) i++;
  if (i === text.length || (text.charCodeAt(i) < 32 && text.trim() === '')) return issue('blank-line', 'blank line', text, file, line);
  // `-c`/`-C` table rows start with numbers like a `-r` delta: the prefix read from one means nothing.
  if (SummaryTable.isDefaultLine(text)) {
    return { kind: 'summary', row: text, ...NO_PREFIX, text, file, line };
  }
  if (b === text.length) return issue('truncated', 'the line ends after its prefix', text, file, line);
  const c = text.charCodeAt(b);
  const base = { pid: prefix.pid, time: prefix.time, relative: prefix.relative, ip: prefix.ip,
    syscallNumber: prefix.syscallNumber, text, file, line };

  if (c === 43 /* + */ && text.startsWith('+++ ', b)) return parseExitLine(text, b, base);
  if (c === 45 /* - */ && text.startsWith('--- ', b)) return parseSignalLine(text, b, base);
  if (c === 60 /* < */ && text.startsWith(RESUMED_OPEN, b)) return parseNamedResumed(st, text, b, prefix, file, line);
  if (c === 62 /* > */ && text.charCodeAt(b + 1) === SPACE && STACK_FRAME_END.test(text)) {
    // ` > /usr/lib/x86_64-linux-gnu/libc.so.6(__write+0x14) [0xf4e14]` (-k): always ends in the address.
    return { kind: 'stack-frame', frame: text.slice(b + 2), ...base };
  }
  if (c === 124 /* | */ && DATA_DUMP_START.test(text.slice(b, b + 9))) {
    // ` | 00000  68 69 0a                                         hi.              |` (-e read=/write=):
    // the offset is five hex digits, so a Markdown table row is not taken for one.
    return { kind: 'data-dump', row: text.slice(b), ...base };
  }
  const message = straceMessageStart(text, b);
  if (message >= 0) return parseStraceMessage(text.slice(message), base);
  if (c === 91 /* [ */ && text.startsWith('[ Process PID=', b)) {
    // `[ Process PID=4242 runs in 32 bit mode. ]`: a personality switch, printed into the trace.
    const pidText = /^\[ Process PID=(\d+)/.exec(text.slice(b))?.[1];
    return { kind: 'strace-message', message: 'other', subject: pidText === undefined ? null : Number(pidText),
      body: text.slice(b), ...base };
  }
  // Not a call either: a name of more than 64 characters, or a body that does not start with one
  // (parseWith reads every `NAME(` there is).
  return issue('unrecognized', NOT_A_LINE, text, file, line);
}

type Base = LinePrefix & { text: string; file: string; line: number };

const NO_PREFIX: LinePrefix = { pid: null, time: null, relative: null, ip: null, syscallNumber: null };

function issue(code: ParseIssueCode, reason: string, text: string, file: string, line: number): ParseIssue {
  return { kind: 'issue', code, reason, text: text.length > ISSUE_TEXT_LIMIT ? text.slice(0, ISSUE_TEXT_LIMIT) : text, file, line };
}

function issueAt(code: ParseIssueCode, reason: string, base: Base): ParseIssue {
  return issue(code, reason, base.text, base.file, base.line);
}

// ------------------------------------------------------------------------------------ body forms

/** `+++ exited with 0 +++`, `+++ killed by SIGSEGV (core dumped) +++`, `+++ superseded by execve +++` */
function parseExitLine(text: string, b: number, base: Base): ParsedLine {
  if (!text.endsWith(' +++')) return issueAt('truncated', 'a "+++" line without its closing "+++"', base);
  const inner = text.slice(b + 4, text.length - 4);
  if (inner.startsWith('exited with ')) {
    const code = Number(inner.slice(12));
    if (Number.isInteger(code)) return { kind: 'exit', code, ...base };
  } else if (inner.startsWith('killed by ')) {
    const rest = inner.slice(10);
    const coreDumped = rest.endsWith(' (core dumped)');
    const signal = coreDumped ? rest.slice(0, -14) : rest;
    if (/^\S+$/.test(signal)) return { kind: 'killed', signal, coreDumped, ...base };
  } else if (inner.startsWith('superseded by execve')) {
    // "superseded by execve in pid 6858" (strace ≥ 6) or "superseded by execve"
    const m = /^superseded by execve(?: in pid (\d+))?$/.exec(inner);
    if (m) return { kind: 'superseded', execPid: m[1] === undefined ? null : Number(m[1]), ...base };
  }
  return issueAt('unrecognized', 'an unknown "+++" process-end line', base);
}

/** `--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, …} ---`, `--- stopped by SIGSTOP ---` */
function parseSignalLine(text: string, b: number, base: Base): ParsedLine {
  if (!text.endsWith(' ---')) return issueAt('truncated', 'a "---" signal line without its closing "---"', base);
  const inner = text.slice(b + 4, text.length - 4);
  if (inner.startsWith('stopped by ')) {
    return { kind: 'signal', signal: inner.slice(11), info: null, stopped: true, ...base };
  }
  const space = inner.indexOf(' ');
  const signal = space < 0 ? inner : inner.slice(0, space);
  if (signal === '') return issueAt('unrecognized', 'a "---" line that names no signal', base);
  return { kind: 'signal', signal, info: space < 0 ? null : inner.slice(space + 1), stopped: false, ...base };
}

/**
 * strace names itself by its argv[0]: `strace: …`, `/usr/bin/strace: …`. Returns the index of the
 * message after `NAME: `, or -1. A call body never has `: ` before its `(`.
 */
export function straceMessageStart(text: string, b: number): number {
  const colon = text.indexOf(': ', b);
  if (colon < b + 6) return -1;
  const name = text.slice(b, colon);
  if (!name.endsWith('strace') || name.includes(' ') || name.includes('(')) return -1;
  return colon + 2;
}

/** `strace: Process 4242 attached`, `strace: Process 4242 detached`, any other `strace: …` */
function parseStraceMessage(body: string, base: Base): LineEvent {
  const m = /^Process (\d+) (attached|detached)\b/.exec(body);
  if (m) return { kind: 'strace-message', message: m[2] as 'attached' | 'detached', subject: Number(m[1]), body, ...base };
  const p = /^Process (\d+)\b/.exec(body);
  return { kind: 'strace-message', message: 'other', subject: p ? Number(p[1]) : null, body, ...base };
}

/** A `<... NAME resumed>` line whose name is not a run of name characters: why it is not one. */
function parseNamedResumed(st: ScanState, text: string, b: number, prefix: LinePrefix, file: string, line: number): ParsedLine {
  const close = text.indexOf(RESUMED_CLOSE, b + RESUMED_OPEN.length);
  if (close < 0) return issue('truncated', 'a "<... NAME resumed>" line cut before "resumed>"', text, file, line);
  const name = text.slice(b + RESUMED_OPEN.length, close);
  if (!isSyscallName(name)) return issue('unrecognized', `"${name}" is not a syscall name`, text, file, line);
  return parseResumedLine(st, text, name, close + RESUMED_CLOSE.length, prefix, file, line);
}

/** `<... read resumed>"abc", 1024) = 3 <0.000021>` (strace < 5.3 put a space after `>`). */
function parseResumedLine(st: ScanState, text: string, name: string, restStart: number, prefix: LinePrefix, file: string, line: number): ParsedLine {
  const result = splitResult(text, restStart, st.tail);
  if (result === null) return issue('truncated', 'no ") = RESULT" after the resumed arguments', text, file, line);
  return resumedHalf(name, text.slice(restStart, st.tail.argsEnd).trimStart(), builtResult(text, st.tail, result), st.tail.duration, prefix.pid, prefix.time, prefix.relative, prefix.ip, prefix.syscallNumber, text, file, line);
}

const NOT_A_LINE = 'not a strace line: no "NAME(" call, signal, exit or message';

/** `openat(AT_FDCWD, "/etc/ld.so.cache", O_RDONLY|O_CLOEXEC) = 3 <0.000012>` or `read(3,  <unfinished ...>` */
function parseCallLine(st: ScanState, text: string, name: string, open: number, prefix: LinePrefix, file: string, line: number): ParsedLine {
  if (text.charCodeAt(text.length - 1) === 62 /* > */) {
    const stop = scanStopMarker(text, open + 1);
    if (stop !== null) {
      return { kind: 'unfinished', name, args: text.slice(open + 1, stop.at).trimEnd(), stop: stop.stop,
        newPid: stop.newPid, pid: prefix.pid, time: prefix.time, relative: prefix.relative, ip: prefix.ip,
        syscallNumber: prefix.syscallNumber, text, file, line };
    }
  }
  const tail = st.tail;
  const result = splitResult(text, open + 1, tail);
  if (result === null) return issue('truncated', `${name}(…) has no ") = RESULT": the line is cut short`, text, file, line);
  return new CallLine(prefix.pid, prefix.time, prefix.relative, prefix.ip, prefix.syscallNumber, name, tail.duration,
    text, file, line, open + 1, tail.argsEnd, tail.resultStart, tail.resultEnd, result === LAZY ? null : result);
}

/**
 * The marker that ends a call line before its result: `<unfinished ...>`, `<detached ...>`,
 * `<pid changed to 6904 ...>`.
 */
function scanStopMarker(
  text: string,
  from: number,
): { at: number; stop: 'unfinished' | 'detached' | 'pid-changed'; newPid: number | null } | null {
  // Every marker ends in `...>`; a `-T` duration (`<0.000012>`), on most lines, ends in a digit.
  if (text.charCodeAt(text.length - 2) !== 46 /* . */) return null;
  if (text.endsWith(UNFINISHED)) return { at: text.length - UNFINISHED.length, stop: 'unfinished', newPid: null };
  if (text.endsWith(DETACHED)) return { at: text.length - DETACHED.length, stop: 'detached', newPid: null };
  // Most lines end in `>` because of `-T`; only ` ...>` can be the marker, so test before matching.
  if (!text.endsWith(' ...>')) return null;
  const m = /<pid changed to (\d+) \.\.\.>$/.exec(text);
  if (m && m.index >= from) return { at: m.index, stop: 'pid-changed', newPid: Number(m[1]) };
  return null;
}

/** Syscall names: `read`, `_llseek`, `syscall_0x1b6`, and `????` for a call strace cannot name. */
function isSyscallName(name: string): boolean {
  if (name.length === 0 || name.length > MAX_NAME) return false;
  for (let k = 0; k < name.length; k++) if (!isNameChar(name.charCodeAt(k))) return false;
  return true;
}
