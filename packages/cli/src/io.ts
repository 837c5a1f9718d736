/** The CLI's streams and environment, and the real process's. */
import type { Readable } from 'node:stream';

/** Where the CLI reads and writes; `process` in the bin, buffers in tests. */
export interface CliIo {
  /**
   * `write` returns `false` when the output is backed up (a pipe whose reader is slower); `once`
   * then tells when it drained. Output of any size is written only after that.
   */
  readonly stdout: { write(s: string): unknown; readonly isTTY?: boolean; readonly columns?: number; once?(event: 'drain', fn: () => void): unknown };
  readonly stderr: { write(s: string): unknown; readonly isTTY?: boolean };
  readonly stdin: AsyncIterable<Uint8Array>;
  readonly cwd: string;
  /** The environment (`NO_COLOR`, `FORCE_COLOR`); none when absent. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** The clock for progress rates, in milliseconds; `Date.now` when absent. */
  readonly now?: () => number;
}

/** The real process's streams. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin as unknown as Readable,
    cwd: process.cwd(),
    env: process.env,
  };
}
