/**
 * Reading one `-f` file on several threads, split by pid. Each thread reads every byte of the file
 * but decodes and parses only the lines of its own pids: a line's pid is read from its first bytes
 * (no string is made for a line another thread owns), so the cost that divides is the parsing and
 * the analysis, and the cost that repeats is a read and a newline scan.
 *
 * Lines without a pid (a `-k` stack frame, a `-z` continuation, a call line's tail after a strace
 * message) belong to the owner of the line before them, so what one line's parse carries to the
 * next stays on one thread. Where a trace needs more than one thread's lines to be read right,
 * reading stops with a `ParserError` coded `unpartitionable` and the caller reads the file on one thread
 * instead: here, in the parser, when a skipped line would have continued a line of this share
 * (`TraceLineParser.skipped`); in the analysis (phases' `partition` option), for a call moved to
 * another share's pid by `execve` in a thread, a process line without a pid, or a line whose pid
 * the byte scan and the parser read differently.
 */
import type { LineFilter } from './lines.js';
import { PID_MAX } from './timestamps.js';
import { SPACE } from './markers.js';

/** One thread's share of a file: the lines whose pid {@link partitionOf} maps to `index`. */
export interface PidPartition {
  readonly index: number;
  readonly count: number;
}

/**
 * The share a pid belongs to. Pids are handed out in sequence, so a multiplicative hash mixes
 * them: threads of one process and siblings forked in a row spread over the shares.
 */
export function partitionOf(pid: number, count: number): number {
  return (Math.imul(pid, 0x9e3779b1) >>> 16) % count;
}

const DIGIT_0 = 48;
const DIGIT_9 = 57;
const LT = 60;
const GT = 62;
const RBRACKET = 93;
/** `[pid ` */
const PID_OPEN = [91, 112, 105, 100, 32];

/**
 * The pid in a line's prefix, read from its bytes as `scanPrefix` reads it from text: `[pid  N] `
 * or a bare `N ` (at most PID_MAX, not a whole-second timestamp before a `(+` delta), each with an
 * optional `-Y` `<comm>`. -1 when the line has none.
 */
export function bytePid(b: Uint8Array, start: number, end: number): number {
  let i = start;
  let bracket = true;
  for (let k = 0; k < 5; k++) {
    if (i + k >= end || b[i + k] !== PID_OPEN[k]) {
      bracket = false;
      break;
    }
  }
  if (bracket) {
    i += 5;
    while (i < end && b[i] === SPACE) i++;
  }
  const digits = i;
  let n = 0;
  while (i < end && (b[i] as number) >= DIGIT_0 && (b[i] as number) <= DIGIT_9) {
    if (n < 1e15) n = n * 10 + ((b[i] as number) - DIGIT_0);
    i++;
  }
  if (i === digits) return -1;
  i = skipComm(b, i, end);
  if (i < 0) return -1;
  if (bracket) return b[i] === RBRACKET ? n : -1;
  if (i >= end || b[i] !== SPACE || n > PID_MAX) return -1;
  while (i < end && b[i] === SPACE) i++;
  // `1745377295 (+ 0.000021) …` is a whole-second timestamp with a delta, not a pid.
  return b[i] === 40 /* ( */ && b[i + 1] === 43 /* + */ ? -1 : n;
}

function skipComm(b: Uint8Array, i: number, end: number): number {
  if (b[i] !== LT) return i;
  const stop = Math.min(end, i + 65);
  for (let k = i + 1; k < stop; k++) if (b[k] === GT) return k + 1;
  return -1;
}

/**
 * Decides, line by line and in order, which lines a partition reads (a `LineSplitter`'s filter).
 * Stateful: a line without a pid goes with the line before it. Lines of other shares go to
 * `onSkipped` (the parser checks that nothing it carries needed them).
 */
export class LineSelector implements LineFilter {
  /** The owner of the last line that had a pid; lines before the first pid go to share 0. */
  private owner = 0;

  constructor(
    private readonly partition: PidPartition,
    private readonly onSkipped: LineFilter['skipped'] = () => {},
  ) {}

  select(b: Uint8Array, start: number, end: number): boolean {
    const pid = bytePid(b, start, end);
    if (pid >= 0) this.owner = partitionOf(pid, this.partition.count);
    return this.owner === this.partition.index;
  }

  skipped(line: number, b: Uint8Array, start: number, end: number): void {
    this.onSkipped(line, b, start, end);
  }
}
