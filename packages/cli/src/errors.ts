/** Exit codes, documented in docs/cli.md (from args.ts's EXIT_CODES). */
export const EXIT = {
  /** A report was produced. */
  ok: 0,
  /** A report was produced and holds what `--fail-on-gap` asked to fail on. */
  findings: 1,
  /** Usage or input error: bad option, no matching file, unreadable file. */
  usage: 2,
  /** A bug (BSD's EX_SOFTWARE). */
  internal: 70,
  /** The reader of stdout went away (`… | head`): 128 + SIGPIPE, what a program killed by it reports. */
  outputClosed: 141,
} as const;

/** What went wrong, where, and what to do: printed as one line, without a stack. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly where: string | null,
    readonly hint: string,
    readonly exitCode: number = EXIT.usage,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'CliError';
  }

  /** `strace-gaps: <what> (<where>) — <what to do>` */
  format(): string {
    return `strace-gaps: ${this.message}${this.where === null ? '' : ` (${this.where})`} — ${this.hint}`;
  }
}
