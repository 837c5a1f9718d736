/** Numbers for people: durations with a unit that fits, counts with separators. */

/** Three significant digits without trailing zeros: 412, 12.3, 1.5. */
function sig3(x: number): string {
  const s = x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
}

/** `5.78 s`, `412 ms`, `38 µs`; long spans in minutes or hours (`14.5 min`, `4.00 h`). */
export function formatSeconds(s: number): string {
  const a = Math.abs(s);
  const sign = s < 0 ? '-' : '';
  if (a === 0) return '0 s';
  if (a >= 3600) return `${sign}${(a / 3600).toFixed(2)} h`;
  if (a >= 600) return `${sign}${(a / 60).toFixed(1)} min`;
  if (a >= 0.9995) return `${sign}${a >= 100 ? a.toFixed(0) : a.toFixed(2)} s`;
  if (a >= 0.0009995) return `${sign}${sig3(a * 1e3)} ms`;
  return `${sign}${sig3(a * 1e6)} µs`;
}

/**
 * `4,013`: what `toLocaleString('en-US')` prints. Whole numbers are grouped here: the first
 * locale call loads ICU's number formatting, about a twentieth of the CLI's start-up on a tiny
 * input, and loader phases ask for a count per exec.
 */
export function formatCount(n: number): string {
  if (!Number.isSafeInteger(n) || Object.is(n, -0)) return n.toLocaleString('en-US');
  const digits = String(Math.abs(n));
  let out = digits.slice(0, ((digits.length - 1) % 3) + 1);
  for (let i = out.length; i < digits.length; i += 3) out += `,${digits.slice(i, i + 3)}`;
  return n < 0 ? `-${out}` : out;
}

/** `73%`. */
export function formatShare(part: number, whole: number): string {
  return whole > 0 ? `${Math.round((100 * part) / whole)}%` : '-';
}

/** Durations without float noise (nanoseconds are the finest strace prints). */
export function round9(x: number): number {
  return Math.round(x * 1e9) / 1e9;
}
