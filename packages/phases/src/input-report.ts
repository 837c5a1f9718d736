/**
 * The input report: one {@link InputSummary} per input plus totals. This is the CLI's JSON contract
 * (`schemaVersion` 1), documented in docs/json-schema.md.
 */
import { formatTimestamp, type InputSummary, type Timestamp } from '@strace-gaps/parser';

export interface ReportIssue {
  readonly file: string;
  readonly line: number;
  readonly code: string;
  readonly reason: string;
  readonly text: string;
}

export interface ReportFile {
  readonly path: string;
  readonly pid: number | null;
  readonly lines: number;
  readonly events: number;
  readonly unparsed: number;
  /** Lines that held the traced program's own output; only when there were any. */
  readonly programOutput?: number;
  readonly first: string | null;
  readonly last: string | null;
  readonly kinds: Readonly<Record<string, number>>;
}

export interface InputReport {
  readonly schemaVersion: 1;
  readonly input: {
    readonly files: readonly ReportFile[];
    readonly lines: number;
    readonly events: number;
    readonly unparsed: number;
    /** Lines that held the traced program's own output, over all files; only when there were any. */
    readonly programOutput?: number;
    /** The first unparsed lines over all files, at most `--max-issues`. */
    readonly issues: readonly ReportIssue[];
  };
}

function ts(t: Timestamp | null): string | null {
  return t === null ? null : formatTimestamp(t);
}

/** Builds the report from per-input summaries (in input order). */
export function buildInputReport(summaries: readonly InputSummary[], maxIssues: number): InputReport {
  const issues: ReportIssue[] = [];
  for (const s of summaries) {
    for (const i of s.issues) {
      if (issues.length >= maxIssues) break;
      issues.push({ file: i.file, line: i.line, code: i.code, reason: i.reason, text: i.text });
    }
  }
  let programOutput = 0;
  for (const s of summaries) programOutput += s.programOutput;
  const files = summaries.map(
    (s): ReportFile => ({
      path: s.path,
      pid: s.pid,
      lines: s.lines,
      events: s.events,
      unparsed: s.unparsed,
      // Only when there is some: reports of traces without it stay as they were.
      ...(s.programOutput > 0 ? { programOutput: s.programOutput } : {}),
      first: ts(s.first),
      last: ts(s.last),
      kinds: { ...s.kinds },
    }),
  );
  return {
    schemaVersion: 1,
    input: {
      files,
      lines: sum(files, 'lines'),
      events: sum(files, 'events'),
      unparsed: sum(files, 'unparsed'),
      ...(programOutput > 0 ? { programOutput } : {}),
      issues,
    },
  };
}

function sum(files: readonly ReportFile[], key: 'lines' | 'events' | 'unparsed'): number {
  let n = 0;
  for (const f of files) n += f[key];
  return n;
}
