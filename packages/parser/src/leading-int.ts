/**
 * The number an argument list starts with (the fd of `write(4, …)`, `close(4</x>)`), read in place
 * in the line: most calls are read for their first argument only, and cutting the argument text
 * out of every line for it cost more than the read.
 */

/** The integer `text[from, to)` starts with, or null. */
export function leadingIntAt(text: string, from = 0, to = text.length): number | null {
  // Most argument lists start with the digits themselves: read them without a match object.
  let i = text.charCodeAt(from) === 45 /* - */ ? from + 1 : from;
  const start = i;
  let v = 0;
  for (; i < to && i - start < 15; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  if (i > start && i - start < 15) return start > from ? -v : v;
  const m = /^\s*(-?\d+)/.exec(text.slice(from, to));
  return m ? Number(m[1]) : null;
}
