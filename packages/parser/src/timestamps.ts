import type { Timestamp } from './types.js';

/** Seconds in a day: time-of-day clocks roll over at this value. */
export const SECONDS_PER_DAY = 86_400;

/**
 * Largest pid Linux hands out (`PID_MAX_LIMIT` on 64-bit is 2^22). A bare integer above it at the
 * start of a line is a `--timestamps=unix,s` timestamp, not a pid prefix.
 */
export const PID_MAX = 4_194_304;

/**
 * A bare decimal at the start of a line at or above this value is an epoch timestamp (`-ttt`); below
 * it, a `-r` delta printed alone (`     0.000123 `). 10^8 s is March 1973: no trace is older, and no
 * sane `-r` delta is longer than three years.
 */
export const EPOCH_MIN = 100_000_000;

const POW10 = [1e9, 1e8, 1e7, 1e6, 1e5, 1e4, 1e3, 100, 10, 1] as const;

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Reads the run of digits at `pos`; returns its end. */
export function scanDigits(s: string, pos: number): number {
  let i = pos;
  while (i < s.length && isDigit(s.charCodeAt(i))) i++;
  return i;
}

/** The integer `text[from, to)` (all digits), as Number() reads it. */
export function digitsValue(text: string, from: number, to: number): number {
  if (to - from > 15) return Number(text.slice(from, to));
  let n = 0;
  for (let k = from; k < to; k++) n = n * 10 + (text.charCodeAt(k) - 48);
  return n;
}

/** Nanoseconds of a fraction printed with `digits` digits: `"040609"` → 40 609 000. */
export function fractionToNanos(s: string, start: number, end: number): number {
  const digits = end - start;
  if (digits === 0) return 0;
  const used = Math.min(digits, 9);
  // Digit by digit: a slice and Number() per timestamp was a tenth of the parser's time.
  let value = 0;
  for (let i = start; i < start + used; i++) value = value * 10 + (s.charCodeAt(i) - 48);
  return value * (POW10[used] ?? 1);
}

/** The two-digit number at `pos`, or -1 if either is not a digit. */
export function twoDigits(s: string, pos: number): number {
  const a = s.charCodeAt(pos) - 48;
  const b = s.charCodeAt(pos + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** The printed precision strace uses, or `null` for a fraction of some other length. */
export function precisionOf(digits: number): Timestamp['digits'] | null {
  return digits === 0 || digits === 3 || digits === 6 || digits === 9 ? digits : null;
}

/** Seconds as a double: exact enough for differences, not for printing epoch nanoseconds. */
export function toSeconds(t: Timestamp): number {
  return t.sec + t.nsec / 1e9;
}

/** Adds `seconds` to a timestamp without losing integer precision. */
export function addSeconds(t: Timestamp, seconds: number): Timestamp {
  const total = t.nsec + Math.round(seconds * 1e9);
  const carry = Math.floor(total / 1e9);
  return { sec: t.sec + carry, nsec: smallInteger(total - carry * 1e9), digits: t.digits < 6 ? 6 : t.digits, clock: t.clock };
}

/**
 * `n`, stored as V8 stores small integers when it is one. The nanoseconds computed here came out
 * as a double of the same value; one stored in a timestamp made V8 turn the field into a double
 * field in every timestamp, and each timestamp the parser made after that was converted the first
 * time it was read (617,961 conversions in a report on the 100 MB `-f` bench set, where the
 * conversion itself was 1.8% of the CPU profile).
 */
function smallInteger(n: number): number {
  return (n | 0) === n ? n | 0 : n;
}

/**
 * `secondsBetween(t, addSeconds(t, seconds))`, without making the second timestamp: how far a
 * call's return is from its entry on the same clock, rounded as its end timestamp is.
 */
export function spanOf(t: Timestamp, seconds: number): number {
  const total = t.nsec + Math.round(seconds * 1e9);
  const carry = Math.floor(total / 1e9);
  return carry + (total - carry * 1e9 - t.nsec) / 1e9;
}

/** `b - a` in seconds, computed on the integer parts first so epoch values keep their precision. */
export function secondsBetween(a: Timestamp, b: Timestamp): number {
  return b.sec - a.sec + (b.nsec - a.nsec) / 1e9;
}

/** Orders two timestamps of the same clock. */
export function compareTimestamps(a: Timestamp, b: Timestamp): number {
  return a.sec !== b.sec ? a.sec - b.sec : a.nsec - b.nsec;
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** Prints a timestamp the way strace did: `11:01:35.040609` or `1745377295.040609` (`relative`: `12.5`). */
export function formatTimestamp(t: Timestamp): string {
  const frac = t.digits === 0 ? '' : pad(Math.floor(t.nsec / (POW10[t.digits] ?? 1)), t.digits);
  const dot = t.digits === 0 ? '' : '.';
  // Joined, not concatenated: V8 keeps a concatenation of 13 characters or more as a tree of its
  // parts (about 160 bytes for `11:01:35.040609`, against 32 flat), and a citation's time is kept
  // for every task of the set.
  if (t.clock !== 'time-of-day') return [String(t.sec), dot, frac].join('');
  const s = ((t.sec % SECONDS_PER_DAY) + SECONDS_PER_DAY) % SECONDS_PER_DAY;
  return [pad(Math.floor(s / 3600), 2), ':', pad(Math.floor((s % 3600) / 60), 2), ':', pad(s % 60, 2), dot, frac].join('');
}
