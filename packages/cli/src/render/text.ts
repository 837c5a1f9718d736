import type { InputReport } from '@strace-gaps/phases';
import { safeText } from './safe.js';

const n = (x: number): string => x.toLocaleString('en-US');

/** Pads cells into aligned columns; numbers right-aligned. */
function table(header: readonly string[], rows: readonly (readonly string[])[], right: ReadonlySet<number>): string[] {
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => (r[k] ?? '').length)));
  const fmt = (r: readonly string[]) =>
    r.map((c, k) => (right.has(k) ? c.padStart(widths[k] ?? 0) : c.padEnd(widths[k] ?? 0))).join('  ').trimEnd();
  return [fmt(header), ...rows.map(fmt)];
}

/** The report as plain text for a terminal. */
export function renderText(report: InputReport): string {
  const { input } = report;
  const out: string[] = [];
  out.push(
    `${n(input.files.length)} ${input.files.length === 1 ? 'input' : 'inputs'}, ${n(input.lines)} lines: ` +
      `${n(input.events)} events, ${n(input.unparsed)} unparsed`,
  );
  out.push('');
  out.push(
    ...table(
      ['FILE', 'PID', 'LINES', 'EVENTS', 'UNPARSED', 'FIRST', 'LAST'],
      input.files.map((f) => [
        safeText(f.path),
        f.pid === null ? '-' : String(f.pid),
        n(f.lines),
        n(f.events),
        n(f.unparsed),
        f.first ?? '-',
        f.last ?? '-',
      ]),
      new Set([1, 2, 3, 4]),
    ),
  );
  if (input.issues.length > 0) {
    out.push('', `Unparsed lines (first ${input.issues.length} of ${n(input.unparsed)}):`);
    for (const i of input.issues) {
      out.push(`  ${safeText(i.file)}:${i.line}: ${i.reason}`, `    ${safeText(i.text.length > 160 ? `${i.text.slice(0, 160)}…` : i.text)}`);
    }
  }
  return `${out.join('\n')}\n`;
}
