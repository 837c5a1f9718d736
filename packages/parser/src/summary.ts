/**
 * A per-input account of what was read: lines, events by kind, unparsed lines (the first few kept
 * with file:line), and the first and last timestamps. Every line is either an event or an issue.
 */
import { basename } from 'node:path';
import type { LineEvent, ParseIssue, ParsedLine, Timestamp } from './types.js';

/** What one input held. */
export interface InputSummary {
  readonly path: string;
  /** The pid in a `-ff` file name (`s6.out.226855` → 226855); `null` when the name carries none. */
  readonly pid: number | null;
  readonly lines: number;
  /** Lines that parsed into an event. */
  readonly events: number;
  /** Lines that did not (`lines === events + unparsed`). */
  readonly unparsed: number;
  /**
   * Lines that held the traced program's own output (strace and the program writing to one file):
   * `output` events, and calls whose last line held some before strace's exit print.
   */
  readonly programOutput: number;
  /** Events per kind. */
  readonly kinds: Readonly<Partial<Record<LineEvent['kind'], number>>>;
  /** The first and last absolute timestamps in file order; `null` without `-t`/`-tt`/`-ttt`. */
  readonly first: Timestamp | null;
  readonly last: Timestamp | null;
  /** The first unparsed lines, in order (at most the `keepIssues` asked for). */
  readonly issues: readonly ParseIssue[];
}

/**
 * The pid a `strace -ff -o PREFIX` file name carries: `PREFIX.<pid>`, also when compressed
 * (`s6.out.226855.gz`). Names such as `trace.log` carry none.
 */
export function pidFromFileName(path: string): number | null {
  const m = /\.(\d+)(?:\.gz)?$/.exec(basename(path));
  if (!m) return null;
  const pid = Number(m[1]);
  return pid > 0 ? pid : null;
}

/** Accumulates an {@link InputSummary} from batches of parsed lines. */
export class SummaryBuilder {
  private lines = 0;
  private events = 0;
  private unparsed = 0;
  private programOutput = 0;
  private readonly kinds: Partial<Record<LineEvent['kind'], number>> = {};
  private first: Timestamp | null = null;
  private last: Timestamp | null = null;
  private firstLine = 0;
  private lastLine = 0;
  /** The line each kind was first seen on: a merge lists kinds in the order one reader meets them. */
  private readonly kindLines: Partial<Record<LineEvent['kind'], number>> = {};
  private readonly issues: ParseIssue[] = [];

  constructor(
    private readonly path: string,
    private readonly keepIssues = 20,
  ) {}

  add(batch: readonly ParsedLine[]): void {
    for (const r of batch) {
      this.lines++;
      if (r.kind === 'issue') {
        this.unparsed++;
        if (this.issues.length < this.keepIssues) this.issues.push(r);
        continue;
      }
      this.events++;
      if (r.kind === 'output' || ((r.kind === 'syscall' || r.kind === 'unfinished') && r.output !== undefined && r.output !== '')) this.programOutput++;
      const seen = this.kinds[r.kind];
      if (seen === undefined) this.kindLines[r.kind] = r.line;
      this.kinds[r.kind] = (seen ?? 0) + 1;
      const t = r.time;
      if (t !== null) {
        // In file order, not by value: a time-of-day trace may cross midnight.
        if (this.first === null) {
          this.first = t;
          this.firstLine = r.line;
        }
        this.last = t;
        this.lastLine = r.line;
      }
    }
  }

  finish(): InputSummary {
    return {
      path: this.path,
      pid: pidFromFileName(this.path),
      lines: this.lines,
      events: this.events,
      unparsed: this.unparsed,
      programOutput: this.programOutput,
      kinds: { ...this.kinds },
      first: this.first,
      last: this.last,
      issues: [...this.issues],
    };
  }

  /** The summary of some of an input's lines (one thread's share), to be merged with the others'. */
  partial(): PartialSummary {
    return { ...this.finish(), firstLine: this.firstLine, lastLine: this.lastLine, kindLines: { ...this.kindLines } };
  }
}

/** A summary of one share of an input's lines (see `ReadOptions.partition`). */
export interface PartialSummary extends InputSummary {
  /** The lines of `first` and `last` (0 without them). */
  readonly firstLine: number;
  readonly lastLine: number;
  readonly kindLines: Readonly<Partial<Record<LineEvent['kind'], number>>>;
}

/** The summary of a whole input from the summaries of its shares: what one reader would have made. */
export function mergeSummaries(parts: readonly PartialSummary[], keepIssues = 20): InputSummary {
  const [head] = parts;
  if (head === undefined) throw new Error('mergeSummaries needs at least one part');
  let lines = 0;
  let events = 0;
  let unparsed = 0;
  let programOutput = 0;
  const counts = new Map<LineEvent['kind'], { n: number; line: number }>();
  let first: PartialSummary | null = null;
  let last: PartialSummary | null = null;
  for (const p of parts) {
    lines += p.lines;
    events += p.events;
    unparsed += p.unparsed;
    programOutput += p.programOutput;
    for (const [k, n] of Object.entries(p.kinds) as [LineEvent['kind'], number][]) {
      const line = p.kindLines[k] ?? 0;
      const c = counts.get(k);
      if (c === undefined) counts.set(k, { n, line });
      else {
        c.n += n;
        if (line < c.line) c.line = line;
      }
    }
    if (p.first !== null && (first === null || p.firstLine < first.firstLine)) first = p;
    if (p.last !== null && (last === null || p.lastLine > last.lastLine)) last = p;
  }
  // Each share kept its first issues; the first of the input are among them.
  const issues = parts.flatMap((p) => p.issues).sort((a, b) => a.line - b.line).slice(0, keepIssues);
  return {
    path: head.path,
    pid: head.pid,
    lines,
    events,
    unparsed,
    programOutput,
    kinds: Object.fromEntries([...counts].sort((a, b) => a[1].line - b[1].line).map(([k, c]) => [k, c.n])),
    first: first?.first ?? null,
    last: last?.last ?? null,
    issues,
  };
}

/** Summarises batches from any source (`parseFile`, `parseChunks`). */
export async function summarize(
  path: string,
  batches: AsyncIterable<readonly ParsedLine[]>,
  keepIssues = 20,
): Promise<InputSummary> {
  const b = new SummaryBuilder(path, keepIssues);
  for await (const batch of batches) b.add(batch);
  return b.finish();
}
