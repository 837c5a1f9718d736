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
      this.kinds[r.kind] = (this.kinds[r.kind] ?? 0) + 1;
      const t = r.time;
      if (t !== null) {
        // In file order, not by value: a time-of-day trace may cross midnight.
        if (this.first === null) this.first = t;
        this.last = t;
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
