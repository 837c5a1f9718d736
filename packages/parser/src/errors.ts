/**
 * What the parser throws. Bad lines are never thrown (they come back as `ParseIssue` data); these
 * are the two things that stop a read, each with the file and line it stopped at.
 */

/** Why a read stopped: the `code` of a {@link ParserError}. */
export const PARSER_ERROR_CODES = [
  /**
   * The gzip data ends before its stream does (a capture killed while it was compressed, a partial
   * copy). Thrown after every line before the cut was given out: a reader that catches it has all
   * that survived; `line` is the last line read, whole or in part (0 if none).
   */
  'cut-input',
  /**
   * One input cannot be read split by pid across threads (see partition.ts): a line another share
   * reads would finish a call of this share. Not a problem with the input: read it on one thread.
   */
  'unpartitionable',
] as const;
export type ParserErrorCode = (typeof PARSER_ERROR_CODES)[number];

/** The one error class of the parser: `code` says which, `file:line` where, `reason` why. */
export class ParserError extends Error {
  constructor(
    readonly code: ParserErrorCode,
    readonly file: string,
    readonly line: number,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(code === 'cut-input' ? `${file}: ${reason}, after line ${line}` : `${file}:${line}: cannot be read split by pid: ${reason}`, options);
    this.name = 'ParserError';
  }
}

/** Is `err` a {@link ParserError} (of `code`, when given)? */
export function isParserError(err: unknown, code?: ParserErrorCode): err is ParserError {
  return err instanceof ParserError && (code === undefined || err.code === code);
}

/** The input cannot be read split by pid: read it on one thread. */
export function unpartitionable(file: string, line: number, reason: string): ParserError {
  return new ParserError('unpartitionable', file, line, reason);
}
