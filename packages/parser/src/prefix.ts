/**
 * The prefix of a strace line, read once for the line's parse (parse-line.ts), each
 * part optional and in this order:
 *
 *   pid     `[pid  4242] ` (output to a terminal) or `4242  ` (`-f -o FILE`); `4242<sh>` with -Y
 *   label   `[unconfined_u:unconfined_r:unconfined_t:s0] ` (--secontext)
 *   clock   `11:01:35.040609 ` (-t/-tt), `1745377295.040609 ` (-ttt), or a `-r` delta alone
 *   delta   `(+     0.000021) ` after a clock (-r with -t)
 *   scno    `[ 59] ` (-n), ip `[00007f1c2e0a1b3e] ` (-i)
 *
 * The usual prefix (a pid and a clock) is read in one pass with no object made but the timestamp;
 * the rare parts take the slower branches.
 */
import { EPOCH_MIN, PID_MAX, digitsValue, fractionToNanos, isDigit, precisionOf, scanDigits, twoDigits } from './timestamps.js';
import type { LinePrefix, Timestamp } from './types.js';
import { COLON, DOT, SPACE } from './markers.js';

export interface ScannedPrefix extends LinePrefix {
  /** Index of the first character after the prefix. */
  readonly end: number;
}

/** A prefix record that a reader fills line after line (scan-state.ts). */
export type MutablePrefix = { -readonly [K in keyof ScannedPrefix]: ScannedPrefix[K] };

/** An empty prefix record. */
export function emptyPrefix(): MutablePrefix {
  return { pid: null, time: null, relative: null, ip: null, syscallNumber: null, end: 0 };
}

/** The prefix of `text`, in a record of its own. */
export function scanPrefix(text: string): ScannedPrefix {
  return scanPrefixInto(text, emptyPrefix());
}

/** {@link scanPrefix} into `out` (returned). */
export function scanPrefixInto(text: string, out: MutablePrefix): ScannedPrefix {
  let i = 0;
  let pid: number | null = null;
  let time: Timestamp | null = null;
  let relative: number | null = null;
  let ip: string | null = null;
  let syscallNumber: number | null = null;

  const c0 = text.charCodeAt(0);
  if (c0 === 91 /* [ */) {
    // "[pid  4242] ": strace pads the pid to five columns; with -Y "[pid 4242<sh>] ".
    if (text.startsWith('[pid ', 0)) {
      let j = 5;
      while (text.charCodeAt(j) === SPACE) j++;
      const end = scanDigits(text, j);
      const close = end > j ? skipComm(text, end) : -1;
      if (close >= 0 && text.charCodeAt(close) === 93 /* ] */) {
        pid = digitsValue(text, j, end);
        i = close + 1;
      }
    }
  } else if (isDigit(c0)) {
    // "4242  ": a bare pid, left-justified in five columns ("18077<sh> " with -Y). A number
    // followed by '.' or ':' is a clock; one above PID_MAX is a `--timestamps=unix,s` clock, and
    // so is one followed by a `(+` delta.
    const end = scanDigits(text, 0);
    const after = skipComm(text, end);
    if (after >= 0 && text.charCodeAt(after) === SPACE) {
      const n = digitsValue(text, 0, end);
      if (n <= PID_MAX && !isFollowedByDelta(text, after)) {
        pid = n;
        i = after;
      }
    }
  }
  while (text.charCodeAt(i) === SPACE) i++;
  if (text.charCodeAt(i) === 91 /* [ */ && !text.startsWith('[ Process', i)) {
    // --secontext, after the pid.
    const close = text.indexOf('] ', i);
    if (close > i && /^[\w.-]+:[\w.:,-]+$/.test(text.slice(i + 1, close))) i = close + 2;
    while (text.charCodeAt(i) === SPACE) i++;
  }

  if (isDigit(text.charCodeAt(i))) {
    if (text.charCodeAt(i + 2) === COLON && text.charCodeAt(i + 5) === COLON && text.length >= i + 8) {
      // "11:01:35" with 0, 3, 6 or 9 fraction digits: fixed two-digit fields.
      const h = twoDigits(text, i);
      const m = twoDigits(text, i + 3);
      const s = twoDigits(text, i + 6);
      let end = i + 8;
      let nsec = 0;
      let digits: Timestamp['digits'] = 0;
      let ok = h >= 0 && m >= 0 && s >= 0 && h <= 23 && m <= 59 && s <= 60;
      if (ok && text.charCodeAt(end) === DOT) {
        const fracEnd = scanDigits(text, end + 1);
        const d = precisionOf(fracEnd - end - 1);
        ok = d !== null && d !== 0;
        if (ok) {
          nsec = fractionToNanos(text, end + 1, fracEnd);
          digits = d as Timestamp['digits'];
          end = fracEnd;
        }
      }
      if (ok && text.charCodeAt(end) === SPACE) {
        time = { sec: h * 3600 + m * 60 + s, nsec, digits, clock: 'time-of-day' };
        i = end + 1;
      }
    } else {
      // "1745377295.040609 " (-ttt), "1745377295 " (unix,s); or alone, right-aligned, a `-r` delta
      // ("     0.000021 "; `--relative-timestamps=ms` "     0.002 ", `=s` "     2 ").
      const end = decimalEnd(text, i);
      if (end >= 0 && text.charCodeAt(end) === SPACE) {
        const intEnd = scanDigits(text, i);
        const sec = digitsValue(text, i, intEnd);
        const nsec = intEnd < end ? fractionToNanos(text, intEnd + 1, end) : 0;
        if (sec >= EPOCH_MIN) time = { sec, nsec, digits: intEnd < end ? (precisionOf(end - intEnd - 1) as Timestamp['digits']) : 0, clock: 'epoch' };
        else relative = sec + nsec / 1e9;
        i = end + 1;
      }
    }
  }

  if (time !== null && text.charCodeAt(i) === 40 /* ( */ && text.charCodeAt(i + 1) === 43 /* + */) {
    // "(+     0.000021) ": `-r` together with a clock.
    let j = i + 2;
    while (text.charCodeAt(j) === SPACE) j++;
    const end = decimalEnd(text, j);
    if (end >= 0 && text.charCodeAt(end) === 41 /* ) */ && text.charCodeAt(end + 1) === SPACE) {
      const intEnd = scanDigits(text, j);
      relative = digitsValue(text, j, intEnd) + (intEnd < end ? fractionToNanos(text, intEnd + 1, end) / 1e9 : 0);
      i = end + 2;
    }
  }

  // "[ 59] " (-n) and "[00007f1c2e0a1b3e] " (-i), in that order since strace 5.x, each once.
  for (let k = 0; k < 2 && text.charCodeAt(i) === 91 /* [ */; k++) {
    const close = text.indexOf('] ', i);
    if (close < 0) break;
    const inner = text.slice(i + 1, close);
    if (ip === null && (inner.length === 16 || inner.length === 8) && /^(?:[0-9a-f]+|\?+)$/.test(inner)) {
      // "[????????????????]" when strace could not read the register.
      ip = inner;
    } else if (/^ *(?:\d+|\?+)$/.test(inner)) {
      // "[???] " when the number is unknown.
      const n = inner.trim();
      syscallNumber = n.startsWith('?') ? null : Number(n);
    } else {
      break;
    }
    i = close + 2;
  }
  out.pid = pid;
  out.time = time;
  out.relative = relative;
  out.ip = ip;
  out.syscallNumber = syscallNumber;
  out.end = i;
  return out;
}

/** The end of `SECONDS[.FRACTION]` at `pos` (3, 6 or 9 fraction digits), or -1 if there is none. */
function decimalEnd(text: string, pos: number): number {
  const intEnd = scanDigits(text, pos);
  if (intEnd === pos) return -1;
  if (text.charCodeAt(intEnd) !== DOT) return intEnd;
  const fracEnd = scanDigits(text, intEnd + 1);
  const d = precisionOf(fracEnd - intEnd - 1);
  return d === null || d === 0 ? -1 : fracEnd;
}

/**
 * A pid is followed by a clock or the body, never by `(+`: a bare number before `(+ 0.000021)`
 * is a whole-second clock (`--timestamps=unix,s -r`) that happens to be small.
 */
function isFollowedByDelta(text: string, end: number): boolean {
  let i = end;
  while (text.charCodeAt(i) === SPACE) i++;
  return text.startsWith('(+', i);
}

/** After a pid: skips a `-Y` `<comm>` (`18077<sh>`); the index after it, `i` if none, -1 if cut. */
function skipComm(text: string, i: number): number {
  if (text.charCodeAt(i) !== 60 /* < */) return i;
  const gt = text.indexOf('>', i + 1);
  return gt > i && gt - i <= 64 ? gt + 1 : -1;
}
