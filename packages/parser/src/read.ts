/**
 * Thin adapters from text, byte chunks, Node streams and files to parsed lines. All of them run the
 * same pipeline: {@link LineSplitter} (bytes → lines) → {@link TraceLineParser} (line → result).
 */
import { createReadStream, openSync, readFileSync, readSync, closeSync } from 'node:fs';
import { createGunzip, gunzipSync } from 'node:zlib';
import { LineSplitter, DEFAULT_MAX_LINE_BYTES } from './lines.js';
import { TraceLineParser } from './line-parser.js';
import type { ParsedLine } from './types.js';

export interface ReadOptions {
  /** Lines longer than this many bytes become a `line-too-long` issue (default 16 MiB). */
  readonly maxLineBytes?: number;
}

/** Bytes per read: large reads keep the per-chunk overhead negligible. */
export const READ_CHUNK_BYTES = 1024 * 1024;

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
export function parseText(text: string, file = '<text>'): ParsedLine[] {
  return parseChunksSync([Buffer.from(text, 'utf8')], file);
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
 * iterator): yields the results of each chunk as one batch, so a consumer awaits once per chunk,
 * not once per line.
 */
export async function* parseChunks(
  source: AsyncIterable<Uint8Array>,
  file: string,
  options: ReadOptions = {},
): AsyncGenerator<ParsedLine[]> {
  const p = new ChunkParser(file, options);
  for await (const chunk of source) {
    p.push(chunk);
    const batch = p.take();
    if (batch.length > 0) yield batch;
  }
  p.end();
  const last = p.take();
  if (last.length > 0) yield last;
}

/** Is this file gzip-compressed? (By its magic bytes, not its name.) */
export function isGzipFile(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

/** The bytes of a file, decompressed if it is gzip, as a stream of large chunks. */
export function openTraceFile(path: string): AsyncIterable<Uint8Array> {
  // Sniff first: it throws (ENOENT, EACCES, EISDIR) before any stream exists to emit an error.
  const gzip = isGzipFile(path);
  const raw = createReadStream(path, { highWaterMark: READ_CHUNK_BYTES });
  if (!gzip) return raw;
  const gunzip = createGunzip({ chunkSize: READ_CHUNK_BYTES });
  // pipe() does not forward errors: a read error must end the iteration, not go unhandled.
  raw.on('error', (err) => gunzip.destroy(err));
  return raw.pipe(gunzip);
}

/** Parses a file (plain or gzip), yielding one batch of results per chunk read. */
export function parseFile(path: string, options: ReadOptions = {}): AsyncGenerator<ParsedLine[]> {
  return parseChunks(openTraceFile(path), path, options);
}

/** Parses a whole file (plain or gzip) synchronously. */
export function parseFileSync(path: string, options: ReadOptions = {}, name: string = path): ParsedLine[] {
  const bytes = readFileSync(path);
  const data = bytes[0] === 0x1f && bytes[1] === 0x8b ? gunzipSync(bytes) : bytes;
  return parseChunksSync([data], name, options);
}
