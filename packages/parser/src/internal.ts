/**
 * The parser's machinery that the CLI and the analysis use and a library user does not need:
 * counting lines without parsing, the lazy lane.
 * `@strace-gaps/parser/internal`: no promise of stability; the public API is index.ts.
 */
export { countChunks, isGzipFile } from './read.js';
export { parseLineLazy } from './parse-line.js';
export { spanOf } from './timestamps.js';
