import { scanDigits } from './timestamps.js';
import type { SyscallResult } from './types.js';

/**
 * Parses the text after ` = ` (without the `-T` duration):
 *   `3`, `-1 ENOENT (No such file or directory)`, `? ERESTARTSYS (To be restarted if SA_RESTART is set)`,
 *   `0x7f0c2a5e1000`, `0x8002 (flags O_RDWR|O_LARGEFILE)`, `0 (Timeout)`, `? <unavailable>`,
 *   `3</etc/passwd>` (`-y`), `3<TCP:[127.0.0.1:41234->127.0.0.1:80]>` (`-yy`), `022` (octal, `umask`),
 *   `-1 (errno 4000)` (an errno without a name).
 * Returns `null` when there is no value token at all.
 */
export function parseResult(raw: string): SyscallResult | null {
  const text = raw.trim();
  if (text === '') return null;
  const plain = plainIntegerAt(text, 0, text.length);
  if (plain !== undefined) return { raw: text, value: plain, valueText: text, errno: null, errnoText: null, aux: null, fdPath: null };
  let tokenEnd = 0;
  while (tokenEnd < text.length && text.charCodeAt(tokenEnd) !== 32 && text.charCodeAt(tokenEnd) !== 60 /* < */) {
    tokenEnd++;
  }
  const valueText = text.slice(0, tokenEnd);
  const value = plainIntegerAt(text, 0, tokenEnd) ?? parseValue(valueText);
  // A value must be numeric or `?`; anything else means we split at a ` = ` inside the arguments.
  if (value === undefined) return null;

  let fdPath: string | null = null;
  let rest = tokenEnd;
  if (text.charCodeAt(tokenEnd) === 60 /* < */ && value !== null) {
    // `3</path>`: the annotation ends at a `>` that ends the text or is followed by a space; an
    // inner `->` (TCP peers) is not the end.
    let gt = text.indexOf('>', tokenEnd + 1);
    while (gt >= 0 && gt + 1 < text.length && text.charCodeAt(gt + 1) !== 32) gt = text.indexOf('>', gt + 1);
    if (gt < 0) return null;
    fdPath = text.slice(tokenEnd + 1, gt);
    rest = gt + 1;
  }
  let tail = text.slice(rest).trimStart();

  let errno: string | null = null;
  let errnoText: string | null = null;
  // "ENOENT (No such file or directory)" — errno names all start with E (ERESTARTSYS, ERRNO_528).
  const name = errnoNameEnd(tail);
  const close = name > 0 && tail.charCodeAt(name) === 32 && tail.charCodeAt(name + 1) === 40 /* ( */ ? tail.indexOf(')', name + 2) : -1;
  if (close >= 0 && (value === null || value < 0)) {
    errno = tail.slice(0, name);
    errnoText = tail.slice(name + 2, close);
    tail = tail.slice(close + 1).trimStart();
  } else if (name === tail.length && name > 0 && (value === null || value < 0)) {
    errno = tail;
    tail = '';
  } else if (name === 0 && (value === null || value < 0) && tail.startsWith(UNKNOWN_ERRNO)) {
    // "-1 (errno 4000)": an errno strace has no name for (since 4.23; before, "ERRNO_4000"). It
    // is named as the older strace did, so that both read the same.
    const end = scanDigits(tail, UNKNOWN_ERRNO.length);
    if (end > UNKNOWN_ERRNO.length && tail.charCodeAt(end) === 41 /* ) */) {
      errno = `ERRNO_${tail.slice(UNKNOWN_ERRNO.length, end)}`;
      tail = tail.slice(end + 1).trimStart();
    }
  }
  return { raw: text, value, valueText, errno, errnoText, aux: tail === '' ? null : tail, fdPath };
}

const UNKNOWN_ERRNO = '(errno ';

/**
 * The end of an errno name (`E` and one or more of `A-Z0-9_`) at the start of `text`, or 0 if it
 * does not start with one. Scanned, not matched: about one result in five is an error, and the
 * match objects were 22 of the 711 MB that the analysis of the 100 MB `-f` bench set allocated.
 */
function errnoNameEnd(text: string): number {
  if (text.charCodeAt(0) !== 69 /* E */) return 0;
  let i = 1;
  for (; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95)) break;
  }
  return i > 1 ? i : 0;
}

/**
 * `?` → null; decimal, hex (`0x…`) and octal (`0644`) numbers → number; anything else → undefined.
 */
function parseValue(t: string): number | null | undefined {
  if (t === '?') return null;
  if (/^-?\d+$/.test(t)) {
    // strace prints octal returns (umask) with a leading 0: "022".
    if (t.length > 1 && t.charCodeAt(0) === 48 /* 0 */) return /^[0-7]+$/.test(t) ? parseInt(t, 8) : undefined;
    return Number(t);
  }
  if (/^0x[0-9a-fA-F]+$/.test(t)) return Number(t);
  return undefined;
}

/**
 * The most common result, a decimal integer and nothing else (`0`, `3`, `832`), in
 * `text[from, to)`, read digit by digit; `undefined` for anything else, which {@link parseValue}
 * and the rest read. Octal returns (`022`) and numbers beyond 15 digits are left to it.
 */
export function plainIntegerAt(text: string, from: number, to: number): number | undefined {
  const negative = text.charCodeAt(from) === 45; /* - */
  let i = negative ? from + 1 : from;
  const n = to - i;
  if (n <= 0 || n > 15 || (n > 1 && text.charCodeAt(i) === 48)) return undefined;
  let v = 0;
  for (; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  return negative ? -v : v;
}
