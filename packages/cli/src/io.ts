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
  /**
   * Calls `fn` on SIGINT and SIGTERM until the returned function is called (`record` stops strace
   * on them instead of dying); without it, `record` cannot be stopped by a signal.
   */
  readonly onSignal?: (fn: (signal: 'SIGINT' | 'SIGTERM') => void) => () => void;
}

/** The real process's streams. */
export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin as unknown as Readable,
    cwd: process.cwd(),
    env: process.env,
    onSignal: (fn) => {
      const onInt = () => fn('SIGINT');
      const onTerm = () => fn('SIGTERM');
      process.on('SIGINT', onInt);
      process.on('SIGTERM', onTerm);
      return () => {
        process.off('SIGINT', onInt);
        process.off('SIGTERM', onTerm);
      };
    },
  };
}
