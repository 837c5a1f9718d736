/**
 * Bytes → lines. Splits on `\n` at the byte level, so a chunk boundary inside a multi-byte
 * character or between `\r` and `\n` changes nothing; carries the partial last line to the next
 * chunk; strips one `\r` before `\n` (logs copied through Windows tools).
 */
import { isAscii } from 'node:buffer';

/** Default cap on one line: strace with `-s 4096` writes lines of a few hundred KB at most. */
export const DEFAULT_MAX_LINE_BYTES = 16 * 1024 * 1024;

/** Receives each line (text without its ending, 1-based number). */
export type LineSink = (text: string, line: number) => void;

/** Receives a line that was longer than the limit: its number, length and first bytes as text. */
export type TooLongSink = (line: number, bytes: number, head: string) => void;

const NL = 0x0a;
const CR = 0x0d;
const HEAD_BYTES = 200;

/** A push-based line splitter; one per input. */
export class LineSplitter {
  /** The chunk being split is all ASCII (strace escapes other bytes): its lines decode as latin1, which is faster. */
  private ascii = false;
  private carry: Buffer[] = [];
  private carryBytes = 0;
  private lineNo = 0;
  /** While a too-long line is being skipped: its byte count so far (else -1). */
  private skipping = -1;
  private skipHead: Buffer = Buffer.alloc(0);

  constructor(
    private readonly onLine: LineSink,
    private readonly onTooLong: TooLongSink,
    private readonly maxLineBytes: number = DEFAULT_MAX_LINE_BYTES,
  ) {}

  /** Lines completed so far (and, after {@link end}, all lines). */
  get lines(): number {
    return this.lineNo;
  }

  /** Feeds the next chunk. */
  push(chunk: Uint8Array): void {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    this.ascii = isAscii(buf);
    let start = 0;
    for (;;) {
      const nl = buf.indexOf(NL, start);
      if (nl < 0) break;
      this.finishLine(buf, start, nl);
      start = nl + 1;
    }
    if (start < buf.length) this.keep(buf.subarray(start));
  }

  /** Flushes a final line that has no newline. */
  end(): void {
    if (this.skipping >= 0 || this.carryBytes > 0) this.finishLine(Buffer.alloc(0), 0, 0);
  }

  private keep(part: Buffer): void {
    if (this.skipping >= 0) {
      this.skipping += part.length;
      return;
    }
    if (this.carryBytes + part.length > this.maxLineBytes) {
      // Too long: remember only its head and count the rest, so memory stays bounded.
      const whole = Buffer.concat([...this.carry, part]);
      this.skipHead = Buffer.from(whole.subarray(0, HEAD_BYTES));
      this.skipping = whole.length;
      this.carry = [];
      this.carryBytes = 0;
      return;
    }
    // Copy: the caller may reuse its chunk buffer.
    this.carry.push(Buffer.from(part));
    this.carryBytes += part.length;
  }

  private finishLine(buf: Buffer, start: number, end: number): void {
    this.lineNo++;
    if (this.skipping >= 0) {
      const head = this.skipHead;
      const bytes = this.skipping + (end - start);
      this.skipping = -1;
      this.skipHead = Buffer.alloc(0);
      this.onTooLong(this.lineNo, bytes, head.toString('utf8'));
      return;
    }
    let text: string;
    if (this.carryBytes === 0) {
      if (end - start > this.maxLineBytes) {
        this.onTooLong(this.lineNo, end - start, buf.subarray(start, start + HEAD_BYTES).toString('utf8'));
        return;
      }
      if (end > start && buf[end - 1] === CR) end--;
      text = buf.toString(this.ascii ? 'latin1' : 'utf8', start, end);
    } else {
      const whole = Buffer.concat([...this.carry, buf.subarray(start, end)]);
      this.carry = [];
      this.carryBytes = 0;
      if (whole.length > this.maxLineBytes) {
        this.onTooLong(this.lineNo, whole.length, whole.subarray(0, HEAD_BYTES).toString('utf8'));
        return;
      }
      const len = whole.length > 0 && whole[whole.length - 1] === CR ? whole.length - 1 : whole.length;
      text = whole.toString('utf8', 0, len);
    }
    this.onLine(text, this.lineNo);
  }
}
