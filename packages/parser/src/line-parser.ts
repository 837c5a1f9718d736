import { parseLine, parseLineLazy, startsWithCall, straceMessageStart } from './parse-line.js';
import { UnpartitionableError } from './partition.js';
import type { ParsedLine, ResumedEvent, SummaryEvent, UnfinishedEvent } from './types.js';

const MESSAGE = 'strace: Process ';

/**
 * Parses the lines of one input in order. It adds to {@link parseLine} the cross-line state the
 * line grammar needs. With output on stderr, strace can print its own message in the middle of a
 * call line and finish the call on the next line:
 *
 *     07:36:19.618289 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|SIGCHLDstrace: Process 6910 attached
 *     , child_tidptr=0x7f50dc9c0a10) = 6910 <0.000559>
 *
 * The first line yields the message; the cut call is carried and parsed together with the next
 * line, reported at the line where it began. A `-c` table's rows are read by the columns its
 * header names (`-U` picks them), and a bare second half follows its unfinished call (`-z`). Every
 * line still yields exactly one result.
 */
export class TraceLineParser {
  private carried: { text: string; line: number } | null = null;
  /** The previous result, when it was a call cut by `<unfinished ...>`. */
  private unfinished: UnfinishedEvent | null = null;
  /** The columns of the `-c`/`-C` table being read, after its header; else null. */
  private table: SummaryColumns | null = null;

  private readonly parseBody: typeof parseLine;

  /** `lazy`: one-line calls come as `CallLine`s (see call-line.ts and `ReadOptions.lazy`). */
  constructor(readonly file: string, lazy = false) {
    this.parseBody = lazy ? parseLineLazy : parseLine;
  }

  /** Parses line number `line` (1-based). */
  parse(text: string, line: number): ParsedLine {
    if (this.table !== null) {
      if (this.table.reads(text)) return this.summary(text, line);
      this.table = null;
    }
    const r = this.parseOne(text, line);
    if ((r.kind === 'summary' || (r.kind === 'issue' && r.code === 'unrecognized')) && this.carried === null) {
      // A -c table's header says its columns (-U picks them and their order): its rows follow.
      this.table = SummaryColumns.fromHeader(text);
      if (this.table !== null) return r.kind === 'summary' ? r : this.summary(text, line);
    }
    const previous = this.unfinished;
    this.unfinished = r.kind === 'unfinished' && r.stop === 'unfinished' ? r : null;
    if (r.kind === 'issue' && r.code === 'unrecognized' && previous !== null) return this.bareResume(previous, text, line) ?? r;
    return r;
  }

  /**
   * Line `line` was not given to this parser (another thread reads it, see partition.ts): what the
   * previous line carried cannot reach the next one. Where it would have (a call cut by a strace
   * message, or an unfinished call whose bare second half the skipped line is), the file cannot be
   * read split at all. The line's bytes (`b[start, end)`) are decoded only after an unfinished call.
   */
  skipped(line: number, b: Uint8Array, start: number, end: number): void {
    const previous = this.unfinished;
    this.unfinished = null;
    if (this.carried !== null) {
      throw new UnpartitionableError(this.file, line, `the call cut by a strace message on line ${this.carried.line} continues on a line read by another thread`);
    }
    if (previous === null) return;
    const t = Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8', start, end);
    // The usual line after an unfinished call: another process's call, which no parse takes for a
    // second half. Only what would parse as unrecognized needs the full test.
    if (startsWithCall(t)) return;
    const r = parseLine(t, this.file, line);
    if (r.kind === 'issue' && r.code === 'unrecognized' && this.bareResume(previous, t, line) !== null) {
      throw new UnpartitionableError(this.file, line, `the line reads as the second half of line ${previous.line}'s call, which another thread reads`);
    }
  }

  private summary(text: string, line: number): SummaryEvent {
    this.unfinished = null;
    return { kind: 'summary', row: text, pid: null, time: null, relative: null, ip: null, syscallNumber: null, text, file: this.file, line };
  }

  private parseOne(text: string, line: number): ParsedLine {
    if (this.carried !== null) {
      const head = this.carried;
      this.carried = null;
      const joined = head.text + text;
      const split = this.splitSplice(joined, head.line);
      if (split !== null) return split;
      return this.parseBody(joined, this.file, head.line);
    }
    return this.splitSplice(text, line) ?? this.parseBody(text, this.file, line);
  }

  /**
   * With `-z`/`-Z`/`--status`, strace prints a held call's second half on the next line with no
   * prefix and no `<... NAME resumed>` marker:
   *
   *     24623 07:54:24.056186 newfstatat(AT_FDCWD, "/root/.pyenv/shims/sleep",  <unfinished ...>
   *     0x7ffc6c428820, 0)                      = -1 ENOENT (No such file or directory)
   *
   * Read such a line right after an unfinished call as that call's resumed half.
   */
  private bareResume(u: UnfinishedEvent, text: string, line: number): ResumedEvent | null {
    const r = parseLine(`<... ${u.name} resumed>${text}`, this.file, line);
    if (r.kind !== 'resumed') return null;
    return { ...r, pid: u.pid, text };
  }

  private splitSplice(text: string, line: number): ParsedLine | null {
    const at = messageIndex(text);
    if (at <= 0) return null;
    // Only a message glued to the end of a cut call line: "NAME(…" + "strace: Process N attached".
    const head = text.slice(0, at);
    if (!head.includes('(') || straceMessageStart(text, 0) >= 0) return null;
    const msg = parseLine(text.slice(at), this.file, line);
    if (msg.kind !== 'strace-message') return null;
    this.carried = { text: head, line };
    return { ...msg, cutCall: head, text };
  }
}

/**
 * Index where a `[/path/]strace: Process N attached|detached` message starts in `text`, or -1.
 * strace names itself by argv[0], so a path may come first: `…SIGCHLD/usr/bin/strace: Process …`.
 */
function messageIndex(text: string): number {
  const at = text.indexOf(MESSAGE);
  // The message runs to the end of the line; inside a quoted argument it would be followed by `"`.
  if (at < 0 || !/^\d+ (?:attached|detached)[^"]*$/.test(text.slice(at + MESSAGE.length))) return -1;
  let start = at;
  while (start > 0 && text.charCodeAt(start - 1) !== 32) start--;
  const slash = text.indexOf('/', start);
  return slash >= 0 && slash < at ? slash : at;
}

/** Column titles of a `-c`/`-C`/`-w` table (strace's count.c); `% time` is one title of two words. */
const SUMMARY_TITLES = new Set(['%', 'time', 'seconds', 'usecs/call', 'calls', 'errors', 'syscall', 'shortest', 'longest', 'wall-total', 'wall-min', 'wall-max', 'wall-avg']);
const NUMBER = /^\d+(?:\.\d+)?$/;
const NAME = /^[A-Za-z_][\w]*$/;

/**
 * The columns of a summary table, from its header. `-U` chooses them and their order
 * (`syscall calls errors % time seconds usecs/call shortest longest`, `    calls syscall`), and
 * strace always adds the `syscall` column. A row is one syscall name (or `total`) among numbers;
 * `errors` is blank when there were none.
 */
class SummaryColumns {
  private constructor(
    private readonly count: number,
    private readonly errors: boolean,
  ) {}

  static fromHeader(text: string): SummaryColumns | null {
    const words = text.trim().split(/\s+/);
    if (words.length < 2 || !words.includes('syscall') || !words.every((w) => SUMMARY_TITLES.has(w))) return null;
    // "% time" is two words and one column.
    const count = words.filter((w) => w !== 'time' && w !== '%').length + (words.includes('%') ? 1 : 0);
    return new SummaryColumns(count, words.includes('errors'));
  }

  /** Is `text` a divider, a row or the totals of this table? */
  reads(text: string): boolean {
    if (/^-+(?: +-+)*$/.test(text)) return true;
    if (text.startsWith('System call usage summary for ')) return true;
    const fields = text.trim().split(/ +/);
    if (fields.length !== this.count && !(this.errors && fields.length === this.count - 1)) return false;
    let names = 0;
    for (const f of fields) {
      if (NAME.test(f)) names++;
      else if (!NUMBER.test(f)) return false;
    }
    return names === 1;
  }
}
