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

/** What a {@link CliError} is about: the `code` a script can branch on (the exit code is coarser). */
export const CLI_ERROR_CODES = [
  /** An option or operand that cannot be used (exit 2). */
  'usage',
  /** No input: nothing given, no file matches, no such file, an empty directory. */
  'no-input',
  /** An input that cannot be read: permissions, gone, a directory, corrupt gzip. */
  'unreadable',
  /** Inputs that hold no strace output (an archive, another file). */
  'not-a-trace',
  /** Inputs with no lines at all. */
  'empty-input',
  /** Inputs captured with different timestamp options. */
  'mixed-clocks',
  /** A timeline was asked of a trace without timestamps. */
  'no-timestamps',
  /** An output file that cannot be written. */
  'output',
  /** `record`: strace is not installed, or not where `--strace` says. */
  'strace-missing',
  /** `record`: a strace that does not run, lacks a feature asked for, or cannot trace here. */
  'strace-unusable',
  /** `record`: ptrace refused (Yama, another user, a container without CAP_SYS_PTRACE). */
  'ptrace-denied',
  /** `record --pid`: no such process. */
  'no-process',
  /** `record`: no such command. */
  'no-command',
  /** `record`: strace ran and wrote no trace. */
  'no-trace',
  /** `record --out`: a directory that is not new or empty, or cannot be made. */
  'capture-dir',
] as const;
export type CliErrorCode = (typeof CLI_ERROR_CODES)[number];

/** What went wrong, where, and what to do: printed as one line, without a stack. */
export class CliError extends Error {
  constructor(
    readonly code: CliErrorCode,
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
