/**
 * Progress on stderr while a large input is read: files, bytes, rate and time left, redrawn in
 * place at most five times a second. Only for a terminal; scripts and pipes get silence.
 */
import { formatBytes, formatDuration } from './units.js';

/** Inputs smaller than this finish before progress would help. */
const MIN_BYTES = 32 * 1024 * 1024;
const REDRAW_MS = 200;

export class Progress {
  private bytes = 0;
  private files = 0;
  private drawn = 0;
  private lastDraw = -Infinity;
  private readonly started: number;

  constructor(
    private readonly out: { write(s: string): unknown },
    private readonly totalFiles: number,
    /** Bytes of all inputs on disk; `null` when unknown (stdin). */
    private readonly totalBytes: number | null,
    private readonly now: () => number,
  ) {
    this.started = now();
  }

  /** Bytes read from disk (compressed bytes for .gz). */
  read(bytes: number): void {
    this.bytes += bytes;
    this.maybeDraw();
  }

  fileDone(): void {
    this.files++;
    this.maybeDraw();
  }

  /** Erases the line. */
  done(): void {
    if (this.drawn > 0) this.out.write(`\r${' '.repeat(this.drawn)}\r`);
    this.drawn = 0;
  }

  /** The status line as it would be drawn now (tests read it). */
  line(): string {
    const elapsed = (this.now() - this.started) / 1000;
    const rate = elapsed > 0 ? this.bytes / elapsed : 0;
    const parts = [`strace-gaps: ${this.files}/${this.totalFiles} files`];
    parts.push(this.totalBytes === null ? formatBytes(this.bytes) : `${formatBytes(this.bytes)} of ${formatBytes(this.totalBytes)}`);
    if (rate > 0) parts.push(`${formatBytes(rate)}/s`);
    const left = this.totalBytes === null || rate === 0 ? 0 : (this.totalBytes - this.bytes) / rate;
    if (left >= 1) parts.push(`about ${formatDuration(left)} left`);
    return parts.join(', ');
  }

  private maybeDraw(): void {
    if (this.totalBytes !== null && this.totalBytes < MIN_BYTES) return;
    const t = this.now();
    if (t - this.lastDraw < REDRAW_MS) return;
    this.lastDraw = t;
    const text = this.line();
    this.out.write(`\r${text}${' '.repeat(Math.max(0, this.drawn - text.length))}`);
    this.drawn = text.length;
  }
}
