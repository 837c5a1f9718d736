/**
 * Chunk-boundary invariance: the same results whether a file is read whole, byte by byte, or split
 * at random points (inside multi-byte characters, between \r and \n).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { BATCH_BYTES, ParserError, parseChunksSync, parseText, parseTraceFileBatches, readChunksSync, type ParsedLine } from '@strace-gaps/parser';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { countLines, fixtureSets, traceBytes } from './helpers/fixtures.js';

function splitAt(bytes: Buffer, points: readonly number[]): Buffer[] {
  const cuts = [...new Set(points.map((p) => p % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Buffer[] = [];
  let prev = 0;
  for (const c of cuts) {
    parts.push(bytes.subarray(prev, c));
    prev = c;
  }
  parts.push(bytes.subarray(prev));
  return parts;
}

function* byteByByte(bytes: Buffer): Generator<Buffer> {
  for (let i = 0; i < bytes.length; i++) yield bytes.subarray(i, i + 1);
}

const files = fixtureSets().flatMap((s) => s.files.map((f) => ({ set: s.name, file: f })));

describe.each(files)('$set: $file', ({ file }) => {
  const bytes = traceBytes(file);
  const whole = parseChunksSync([bytes], 'x');

  it('accounts for every line: results = wc -l', () => {
    expect(whole).toHaveLength(countLines(bytes));
  });

  it('gives the same results at random split points', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (points) => {
        expect(parseChunksSync(splitAt(bytes, points), 'x')).toEqual(whole);
      }),
      { numRuns: bytes.length > 1_000_000 ? 3 : 15 },
    );
  });

  it('gives the same results byte by byte (first 64 KiB)', () => {
    const head = bytes.subarray(0, 65_536);
    expect(parseChunksSync(byteByByte(head), 'x')).toEqual(parseChunksSync([head], 'x'));
  });

  it('gives the same results with CRLF line ends', () => {
    const crlf = Buffer.from(bytes.toString('latin1').replace(/\n/g, '\r\n'), 'latin1');
    const strip = (r: ParsedLine[]) => r.map((x) => x.kind);
    const got = parseChunksSync(splitAt(crlf, [1, 777, 4096, crlf.indexOf(13) + 1]), 'x');
    expect(strip(got)).toEqual(strip(whole));
    expect(got).toEqual(whole);
  });
});

describe('line splitting', () => {
  it('splits inside a multi-byte character without harm', () => {
    const bytes = Buffer.from('1 write(1, "h\u00e9llo \u20ac", 9) = 9\n2 exit_group(0) = ?\n', 'utf8');
    const whole = parseChunksSync([bytes], 'x');
    for (let i = 0; i <= bytes.length; i++) expect(parseChunksSync([bytes.subarray(0, i), bytes.subarray(i)], 'x')).toEqual(whole);
  });

  it('decodes a chunk of ASCII and a chunk with UTF-8 in it each as its text says', () => {
    const utf8 = '1 write(1, "h\u00e9llo \u20ac", 9) = 9';
    const ascii = '1 write(1, "hello", 5) = 5';
    const text = (r: ParsedLine) => r.text;
    // Each chunk whole: the ASCII one decodes the fast way, the other as UTF-8.
    expect(parseChunksSync([Buffer.from(`${ascii}\n`), Buffer.from(`${utf8}\n`), Buffer.from(`${ascii}\n`)], 'x').map(text)).toEqual([ascii, utf8, ascii]);
  });

  it('parses a last line without a newline', () => {
    expect(parseChunksSync([Buffer.from('1 getpid() = 1\n1 exit_group(0) = ?')], 'x').map((r) => r.kind)).toEqual(['syscall', 'syscall']);
  });

  it('reports a line over the limit and keeps only its head, then goes on', () => {
    const long = `1 write(1, "${'a'.repeat(5000)}", 5000) = 5000`;
    const r = parseChunksSync([Buffer.from(`${long}\n1 getpid() = 1\n`)], 'x', { maxLineBytes: 1000 });
    expect(r.map((x) => x.kind)).toEqual(['issue', 'syscall']);
    expect(r[0]).toMatchObject({ code: 'line-too-long', line: 1 });
    expect(r[0]?.kind === 'issue' && r[0].text.length).toBeLessThanOrEqual(200);
    expect(r[1]).toMatchObject({ line: 2 });
    const bytes = Buffer.from(`${long}\n1 getpid() = 1\n`);
    expect(parseChunksSync(byteByByte(bytes), 'x', { maxLineBytes: 1000 })).toEqual(r);
  });
});

describe('readChunksSync', () => {
  it('gives interleaved readers their own buffers, and reuses them file after file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sg-chunks-'));
    const a = join(dir, 'a');
    const b = join(dir, 'b');
    writeFileSync(a, 'A'.repeat(3 * 1024 * 1024 + 5));
    writeFileSync(b, 'B'.repeat(2 * 1024 * 1024 + 7));
    for (let round = 0; round < 3; round++) {
      const ra = readChunksSync(a);
      const rb = readChunksSync(b);
      let na = 0;
      let nb = 0;
      for (;;) {
        const x = ra.next();
        const y = rb.next();
        if (!x.done) {
          expect(Buffer.from(x.value).every((c) => c === 0x41)).toBe(true);
          na += x.value.length;
        }
        if (!y.done) {
          expect(Buffer.from(y.value).every((c) => c === 0x42)).toBe(true);
          nb += y.value.length;
        }
        if (x.done && y.done) break;
      }
      expect([na, nb]).toEqual([3 * 1024 * 1024 + 5, 2 * 1024 * 1024 + 7]);
    }
  });
});

/** Open fds of this process (Linux), to see that a file read is closed. */
function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

describe('parseTraceFileBatches and its one open of the file', () => {
  const linux = existsSync('/proc/self/fd');
  const dir = mkdtempSync(join(tmpdir(), 'sg-open-'));
  const plain = join(dir, 'trace');
  writeFileSync(plain, '1 getpid() = 1\n'.repeat(20_000));
  const gz = join(dir, 'trace.gz');
  writeFileSync(gz, gzipSync(Buffer.from('1 getpid() = 1\n'.repeat(20_000))));

  it.runIf(linux)('keeps a plain file open while its batches are read, and closes it at the end', () => {
    const before = openFds();
    const batches = parseTraceFileBatches(plain) as Iterable<ParsedLine[]>;
    expect(Symbol.iterator in batches).toBe(true);
    // Opened once, to tell gzip from plain, and kept for the read.
    expect(openFds()).toBe(before + 1);
    let n = 0;
    for (const b of batches) n += b.length;
    expect(n).toBe(20_000);
    expect(openFds()).toBe(before);
  });

  it.runIf(linux)('closes a plain file when the loop over its batches stops early', () => {
    const before = openFds();
    for (const b of parseTraceFileBatches(plain) as Iterable<ParsedLine[]>) {
      expect(b.length).toBeGreaterThan(0);
      break;
    }
    expect(openFds()).toBe(before);
  });

  it.runIf(linux)('closes the file it sniffed when it is gzip, and reads it through zlib', async () => {
    const before = openFds();
    const batches = parseTraceFileBatches(gz);
    expect(Symbol.asyncIterator in batches).toBe(true);
    expect(openFds()).toBe(before);
    expect((await fromAsync(batches)).flat()).toHaveLength(20_000);
  });

  it('reads a cut .gz to where its data ends, then throws a cut-input ParserError with the last line', async () => {
    const text = '1 getpid() = 1\n'.repeat(20_000);
    const cutGz = join(dir, 'cut.gz');
    const whole = gzipSync(Buffer.from(text));
    writeFileSync(cutGz, whole.subarray(0, Math.floor(whole.length / 2)));
    const got: ParsedLine[] = [];
    let error: unknown = null;
    try {
      for await (const b of parseTraceFileBatches(cutGz)) got.push(...b);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ParserError);
    expect(error).toMatchObject({ code: 'cut-input', file: cutGz, line: got.length });
    expect((error as Error).message).toBe(`${cutGz}: the gzip data ends early, after line ${got.length}`);
    expect(got.length).toBeGreaterThan(0);
    expect(got.length).toBeLessThan(20_000);
    // The lines before the cut are the file's own, in order; only the last may be cut short.
    expect(got.slice(0, -1).every((r, i) => r.kind === 'syscall' && r.line === i + 1)).toBe(true);
  });

  it('throws at once for a file it cannot read', () => {
    expect(() => parseTraceFileBatches(join(dir, 'missing'))).toThrow(/ENOENT/);
    expect(() => parseTraceFileBatches(dir)).toThrow(/EISDIR/);
  });
});

/**
 * The CLI's fast path (plain files read synchronously into pooled buffers and parsed in 64 KiB
 * batches; gzip through zlib's stream) gives exactly the events of the straightforward one: the
 * whole file decoded and parsed at once.
 */
describe('the fast file paths against parsing the whole text', () => {
  const files = fixtureSets().flatMap((s) => s.files);
  it.each(files.map((f) => [f.slice(f.indexOf('fixtures/')), f]))('%s', async (_name, path) => {
    const straight = parseText(traceBytes(path).toString('utf8'), path);
    const batches = await fromAsync(parseTraceFileBatches(path));
    expect(batches.flat()).toEqual(straight);
    // Batches stay small, so their events die young (each holds at most 64 KiB of input lines).
    for (const b of batches) expect(b.reduce((n, e) => n + e.text.length, 0)).toBeLessThanOrEqual(BATCH_BYTES + 8192);
  });
});

async function fromAsync<T>(source: Iterable<T> | AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of source) out.push(x);
  return out;
}
