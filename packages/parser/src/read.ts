/**
 * Thin adapters from text, byte chunks, Node streams and files to parsed lines. All of them run the
 * same pipeline: {@link LineSplitter} (bytes → lines) → {@link TraceLineParser} (line → result).
 */
import { ParserError } from './errors.js';
import { createReadStream, openSync, readFileSync, readSync, closeSync } from 'node:fs';
import { createGunzip, gunzipSync } from 'node:zlib';
import { LineSplitter, DEFAULT_MAX_LINE_BYTES } from './lines.js';
import { TraceLineParser } from './line-parser.js';
import type { ParsedLine } from './types.js';

export interface ReadOptions {
  /** Lines longer than this many bytes become a `line-too-long` issue (default 16 MiB). */
  readonly maxLineBytes?: number;
  /** Told the size of each chunk read from the file (compressed bytes for gzip), for progress. */
  readonly onRead?: (bytes: number) => void;
}

/** Bytes per read: large reads keep the per-chunk overhead negligible. */
export const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * Bytes parsed per batch. A megabyte of trace is about 6,000 events; a batch that large outlives
 * the young-generation collections that run while it is analysed, gets promoted, and then only a
 * full collection frees it, so peak memory grew with the input. Batches of 64 KiB die young.
 */
export const BATCH_BYTES = 64 * 1024;

/** Parses bytes pushed in chunks; collects results until {@link ChunkParser.take}. */
export class ChunkParser {
  private out: ParsedLine[] = [];
  private readonly lines: TraceLineParser;
  private readonly splitter: LineSplitter;

  constructor(readonly file: string, options: ReadOptions = {}) {
    this.lines = new TraceLineParser(file);
    this.splitter = new LineSplitter(
      (text, line) => this.out.push(this.lines.parse(text, line)),
      (line, bytes, head) =>
        this.out.push({
          kind: 'issue',
          code: 'line-too-long',
          reason: `a line of ${bytes} bytes is longer than the ${options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES}-byte limit; skipped`,
          text: head,
          file,
          line,
        }),
      options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
    );
  }

  /** Lines read so far. */
  get lineCount(): number {
    return this.splitter.lines;
  }

  push(chunk: Uint8Array): void {
    this.splitter.push(chunk);
  }

  /** Pushes a chunk in pieces of {@link BATCH_BYTES}, yielding the results of each piece. */
  *batches(chunk: Uint8Array): Generator<ParsedLine[]> {
    for (let at = 0; at < chunk.length; at += BATCH_BYTES) {
      this.splitter.push(chunk.subarray(at, Math.min(chunk.length, at + BATCH_BYTES)));
      if (this.out.length > 0) yield this.take();
    }
  }

  /** Ends the input (a last line without a newline is parsed now). */
  end(): void {
    this.splitter.end();
  }

  /** Returns the results parsed since the last call. */
  take(): ParsedLine[] {
    const out = this.out;
    this.out = [];
    return out;
  }
}

/** Parses a whole text (tests, small inputs). */
export function parseText(text: string, file = '<text>', options: ReadOptions = {}): ParsedLine[] {
  return parseChunksSync([Buffer.from(text, 'utf8')], file, options);
}

/** Parses byte chunks synchronously. */
export function parseChunksSync(chunks: Iterable<Uint8Array>, file: string, options: ReadOptions = {}): ParsedLine[] {
  const p = new ChunkParser(file, options);
  const out: ParsedLine[] = [];
  for (const chunk of chunks) {
    p.push(chunk);
    for (const r of p.take()) out.push(r);
  }
  p.end();
  for (const r of p.take()) out.push(r);
  return out;
}

/**
 * Parses an async source of bytes (a Node readable stream, `process.stdin`, a web stream's
 * iterator): yields the results in batches of at most {@link BATCH_BYTES} of input, so a consumer
 * awaits once per batch, not once per line.
 */
export async function* parseChunks(
  source: AsyncIterable<Uint8Array>,
  file: string,
  options: ReadOptions = {},
): AsyncGenerator<ParsedLine[]> {
  const p = new ChunkParser(file, options);
  let cut: unknown = null;
  try {
    for await (const chunk of source) yield* p.batches(chunk);
  } catch (err) {
    if (!isCutGzip(err)) throw err;
    cut = err;
  }
  p.end();
  const last = p.take();
  if (last.length > 0) yield last;
  if (cut !== null) throw new ParserError('cut-input', file, p.lineCount, 'the gzip data ends early', { cause: cut });
}

/** zlib's error for compressed data that stops before the end of its stream. */
function isCutGzip(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | null)?.code === 'Z_BUF_ERROR' && /unexpected end of file/.test((err as Error).message);
}

/** Is this file gzip-compressed? (By its magic bytes, not its name.) */
function isGzipFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    return isGzipFd(fd);
  } finally {
    closeSync(fd);
  }
}

/** The gzip magic at the start of an open file; read in place, the fd's position stays at 0. */
function isGzipFd(fd: number): boolean {
  const head = Buffer.alloc(2);
  return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * The bytes of a file, decompressed if it is gzip, as a stream of large chunks. `onRead` is told
 * the size of each chunk read from disk.
 */
export function openTraceFile(path: string, onRead?: (bytes: number) => void): AsyncIterable<Uint8Array> {
  // Sniff first: it throws (ENOENT, EACCES, EISDIR) before any stream exists to emit an error.
  const gzip = isGzipFile(path);
  const raw = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  if (!gzip) return onRead === undefined ? raw : countChunks(raw, onRead);
  // pipe() reads with 'data' events, so one more listener sees every compressed chunk.
  if (onRead !== undefined) raw.on('data', (chunk) => onRead(chunk.length));
  const gunzip = createGunzip({ chunkSize: READ_CHUNK_BYTES });
  // pipe() does not forward errors: a read error must end the iteration, not go unhandled.
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

/**
 * The bytes of a plain (not compressed) file, in large synchronous reads into one reused buffer:
 * each chunk is valid only until the next is asked for, or the reading ends (the buffer then goes
 * back to a pool for the next file). An asynchronous read costs a thread-pool
 * round trip (60–120 µs on a small machine) against about 2 µs for a synchronous one; over the
 * thousands of files of a `-ff` capture that is seconds, and each stream chunk is a new buffer.
 */
export function* readChunksSync(path: string, chunkBytes: number = READ_CHUNK_BYTES): Generator<Uint8Array> {
  yield* chunksOfFd(openSync(path, 'r'), chunkBytes);
}

/** {@link readChunksSync} of a file already open; closes it when the reading ends. */
function* chunksOfFd(fd: number, chunkBytes: number = READ_CHUNK_BYTES): Generator<Uint8Array> {
  // A buffer from a small pool, not a new one per file: thousands of -ff files would each fault
  // in a fresh megabyte. Two readers at once (interleaved generators) take two buffers.
  const buf = (chunkBytes === READ_CHUNK_BYTES ? readBuffers.pop() : undefined) ?? Buffer.allocUnsafeSlow(chunkBytes);
  try {
    for (;;) {
      const n = readSync(fd, buf, 0, chunkBytes, null);
      if (n === 0) return;
      yield n === chunkBytes ? buf : buf.subarray(0, n);
    }
  } finally {
    closeSync(fd);
    if (chunkBytes === READ_CHUNK_BYTES && readBuffers.length < 4) readBuffers.push(buf);
  }
}

const readBuffers: Buffer[] = [];

/** Parses a plain file synchronously, yielding batches as {@link parseChunks} does. */
export function* parseFileBatchesSync(path: string, options: ReadOptions = {}, name: string = path): Generator<ParsedLine[]> {
  yield* batchesOfChunks(readChunksSync(path), options, name);
}

function* batchesOfChunks(chunks: Iterable<Uint8Array>, options: ReadOptions, name: string): Generator<ParsedLine[]> {
  const p = new ChunkParser(name, options);
  for (const chunk of chunks) {
    options.onRead?.(chunk.length);
    yield* p.batches(chunk);
  }
  p.end();
  const last = p.take();
  if (last.length > 0) yield last;
}

/**
 * A file's results in batches, read the fastest way for its kind: a plain file synchronously
 * ({@link parseFileBatchesSync}), gzip through zlib's stream ({@link parseFile}). Iterate it with
 * `for await`, which takes both.
 *
 * The file is opened once, here, and its first bytes tell gzip from plain: a second open per file
 * cost 90–160 ms over the 6,635 files of a 1 GB `-ff` set. A plain file stays open until its
 * batches are read to the end or the loop over them stops.
 */
export function parseTraceFileBatches(path: string, options: ReadOptions = {}, name: string = path): Iterable<ParsedLine[]> | AsyncIterable<ParsedLine[]> {
  const fd = openSync(path, 'r');
  let gzip: boolean;
  try {
    gzip = isGzipFd(fd);
  } catch (err) {
    closeSync(fd);
    throw err;
  }
  if (!gzip) return batchesOfChunks(chunksOfFd(fd), options, name);
  closeSync(fd);
  return parseChunks(openTraceFile(path, options.onRead), name, options);
}

/** Passes a byte source through, telling `onRead` each chunk's size (progress on stdin, say). */
export async function* countChunks(source: AsyncIterable<Uint8Array>, onRead: (bytes: number) => void): AsyncGenerator<Uint8Array> {
  for await (const chunk of source) {
    onRead(chunk.length);
    yield chunk;
  }
}

/** Parses a file (plain or gzip), yielding one batch of results per chunk read. */
export function parseFile(path: string, options: ReadOptions = {}): AsyncGenerator<ParsedLine[]> {
  return parseChunks(openTraceFile(path, options.onRead), path, options);
}

/** Parses a whole file (plain or gzip) synchronously. */
export function parseFileSync(path: string, options: ReadOptions = {}, name: string = path): ParsedLine[] {
  const bytes = readFileSync(path);
  const data = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  return parseChunksSync([data], name, options);
}
