/**
 * The parser's machinery that the CLI and the analysis use and a library user does not need:
 * counting the bytes of a stream as it is read, a `-T` span without an end timestamp, a string
 * copied out of its line.
 * `@strace-gaps/parser/internal`: no promise of stability; the public API is index.ts.
 */
export { detach } from './detach.js';
export { countChunks } from './read.js';
export { spanOf } from './timestamps.js';
