import type { GapReport } from '@strace-gaps/phases';

/** The report as one JSON document (a trailing newline, two-space indent). */
export function renderJson(report: GapReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
