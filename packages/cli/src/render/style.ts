/**
 * ANSI styles for the text report, or none. Styles wrap text that is already laid out and cut to
 * the width, so escape codes never count towards a line's length.
 */
export interface Style {
  readonly heading: (s: string) => string;
  readonly strong: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly critical: (s: string) => string;
  readonly warning: (s: string) => string;
  readonly accent: (s: string) => string;
}

const sgr = (on: number, off: number) => (s: string) => (s === '' ? s : `\u001b[${on}m${s}\u001b[${off}m`);
const plain = (s: string) => s;

export const NO_STYLE: Style = { heading: plain, strong: plain, dim: plain, critical: plain, warning: plain, accent: plain };

export const ANSI_STYLE: Style = {
  heading: sgr(1, 22),
  strong: sgr(1, 22),
  dim: sgr(2, 22),
  critical: (s) => sgr(1, 22)(sgr(31, 39)(s)),
  warning: sgr(33, 39),
  accent: sgr(36, 39),
};

/** Styles `line[from, from + length)` if the line (after cutting) still holds all of it. */
export function paintSpan(line: string, from: number, length: number, paint: (s: string) => string): string {
  if (from + length > line.length) return line;
  return `${line.slice(0, from)}${paint(line.slice(from, from + length))}${line.slice(from + length)}`;
}
