export type * from './types.js';
export { LINE_EVENT_KINDS, PARSE_ISSUE_CODES, ISSUE_TEXT_LIMIT } from './types.js';
export { parseLine } from './parse-line.js';
export { scanPrefix } from './prefix.js';
export { CallLine, failed, plainCallLine } from './call-line.js';
export { parseResult } from './result.js';
export {
  SECONDS_PER_DAY,
  compareTimestamps,
  formatTimestamp,
  secondsBetween,
  toSeconds,
} from './timestamps.js';
export { LineSplitter, DEFAULT_MAX_LINE_BYTES } from './lines.js';
export type { LineSink, TooLongSink } from './lines.js';
export { PARSER_ERROR_CODES, ParserError, isParserError } from './errors.js';
export type { ParserErrorCode } from './errors.js';
export { TraceLineParser } from './line-parser.js';
export {
  ChunkParser,
  BATCH_BYTES,
  READ_CHUNK_BYTES,
  openTraceFile,
  parseChunks,
  parseChunksSync,
  parseFile,
  parseFileSync,
  parseFileBatchesSync,
  parseTraceFileBatches,
  readChunksSync,
  parseText,
} from './read.js';
export type { ReadOptions } from './read.js';
export { Joiner, addSeconds, joinAll, joinArgs } from './join.js';
export { JoinedCall, firstArgInt, leadingArgs } from './joined-call.js';
export { leadingIntAt } from './leading-int.js';
export type { CallForm, JoinedEvent, PassThroughEvent, SyscallEvent } from './join.js';
export { decodeArgs, decodeString, decodeValue, splitTopLevel } from './args.js';
export type { ArgValue, DecodedArg, StructField } from './args.js';
export { childPid, cloneFlags, createsThread, execInfo, fdArgs, pathArgs, prctlName, resultPid } from './calls.js';
export type { CallLike, ExecInfo } from './calls.js';
export { SummaryBuilder, pidFromFileName, summarize } from './summary.js';
export type { InputSummary } from './summary.js';
