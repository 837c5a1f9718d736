/**
 * What the parser throws. Bad lines are never thrown (they come back as `ParseIssue` data); an
 * error is what stops a read, with the file and line it stopped at.
 */

/** Why a read stopped: the `code` of a {@link ParserError}. */
export const PARSER_ERROR_CODES = [
  /**
   * The gzip data ends before its stream does (a capture killed while it was compressed, a partial
   * copy). Thrown after every line before the cut was given out: a reader that catches it has all
   * that survived; `line` is the last line read, whole or in part (0 if none).
   */
  'cut-input',
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
    super(`${file}: ${reason}, after line ${line}`, options);
    this.name = 'ParserError';
  }
}

/** Is `err` a {@link ParserError} (of `code`, when given)? */
export function isParserError(err: unknown, code?: ParserErrorCode): err is ParserError {
  return err instanceof ParserError && (code === undefined || err.code === code);
}

