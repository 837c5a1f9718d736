import { parseWith, straceMessageStart } from './parse-line.js';
import { ScanState } from './scan-state.js';
import { SummaryTable } from './summary-table.js';
import { scanPrefix } from './prefix.js';
import { CallLine } from './call-line.js';
import { OutputReader, isCleanWrite, isWriter, readEntry, type WriteEntry } from './program-output.js';
import type { ParsedLine, ProgramOutputEvent, ResumedEvent, SummaryEvent, SyscallLineEvent, UnfinishedEvent } from './types.js';

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
 * line, reported at the line where it began. With the traced program writing to the same file, a
 * `write`'s own bytes land between its entry and exit print, over as many lines as they hold
 * newlines (program-output.ts):
 *
 *     12:09:08.319065 write(1, "Killed\n", 7Killed
 *     ) = 7 <0.000058>
 *
 * Each line the bytes reach yields an `output` event, and the line with the exit print the call,
 * reported at the line where it began; bytes that land on lines of their own after the call's
 * `<unfinished ...>` are `output` too. A `-c` table's rows are read by the columns its header names
 * (`-U` picks them), and a bare second half follows its unfinished call (`-z`). Every line still
 * yields exactly one result.
 */
export class TraceLineParser {
  private carried: { text: string; line: number } | null = null;
  /** The previous result, when it was a call cut by `<unfinished ...>`. */
  private unfinished: UnfinishedEvent | null = null;
  /** The columns of the `-c`/`-C` table being read, after its header; else null. */
  private table: SummaryTable | null = null;
  /** A writer whose bytes go on on the next line: its entry print and what it wrote so far. */
  private writing: Writing | null = null;
  /**
   * Writers cut by `<unfinished ...>` before their bytes landed, by pid: the bytes may come on
   * lines of their own before the call resumes (strace printed the marker first). Usually empty.
   */
  private readonly owed = new Map<number | null, OwedOutput>();

  /** What reading a line reuses from the last (no parse keeps state at module level). */
  private readonly scan = new ScanState();

  constructor(readonly file: string) {}

  /** One line alone, as `parseLine` reads it. */
  private parseLine(text: string, line: number): ParsedLine {
    return parseWith(this.scan, text, this.file, line);
  }

  /** Parses line number `line` (1-based). */
  parse(text: string, line: number): ParsedLine {
    if (this.writing !== null) {
      const r = this.goOnWriting(this.writing, text, line);
      if (r !== null) return r;
    }
    if (this.table !== null) {
      if (this.table.reads(text)) return this.summary(text, line);
      this.table = null;
    }
    const r = this.parseOne(text, line);
    if ((r.kind === 'summary' || (r.kind === 'issue' && r.code === 'unrecognized')) && this.carried === null) {
      // A -c table's header says its columns (-U picks them and their order): its rows follow.
      this.table = SummaryTable.fromHeader(text);
      if (this.table !== null) return r.kind === 'summary' ? r : this.summary(text, line);
    }
    const previous = this.unfinished;
    this.unfinished = r.kind === 'unfinished' && r.stop === 'unfinished' ? r : null;
    if (r.kind === 'issue') {
      if (r.code === 'truncated' && r.line === line) {
        const w = this.startWriting(r, text, line);
        if (w !== r) return w;
      }
      if (this.owed.size > 0) {
        const out = this.owedLine(r, text, line);
        if (out !== null) return out;
      }
      if (r.code === 'unrecognized' && previous !== null) return this.bareResume(previous, text, line) ?? r;
      return r;
    }
    if ((r.kind === 'syscall' || r.kind === 'unfinished') && r.line === line && isWriter(r.name)) {
      if (r.name !== 'write' || !isCleanWrite(r.args)) return this.startWriting(r, text, line);
      // Nothing of the program's ran into the line. Cut by `<unfinished ...>`, the call may still
      // owe its bytes on lines of their own: its data is decoded only if a line comes that is not
      // strace's (most unfinished writes of a threaded program's trace never need it).
      if (r.kind === 'unfinished' && r.stop === 'unfinished') this.owed.set(r.pid, { text, line, reader: undefined });
      return r;
    }
    if (r.kind === 'resumed' && this.owed.size > 0) this.owed.delete(r.pid);
    return r;
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
      return this.parseLine(joined, head.line);
    }
    return this.splitSplice(text, line) ?? this.parseLine(text, line);
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
    const r = this.parseLine(`<... ${u.name} resumed>${text}`, line);
    if (r.kind !== 'resumed') return null;
    return { ...r, pid: u.pid, text };
  }

  /**
   * A writer's line (a call, or a line `truncated` before its exit print): is the program's output
   * printed into it? Then the bytes from the end of its entry print on are the program's.
   */
  private startWriting(r: ParsedLine, text: string, line: number): ParsedLine {
    const entry = readEntry(text);
    if (entry === null) return r;
    // A clean line: the parser's arguments are the entry's (the usual write, to another file).
    if (r.kind === 'syscall' || r.kind === 'unfinished') {
      if (r.args === entry.args.trimEnd()) {
        const reader = r.kind === 'unfinished' && r.stop === 'unfinished' ? owedReader(entry) : null;
        if (reader !== null) this.owed.set(r.pid, { text, line, reader });
        return r;
      }
    }
    const head = text.slice(0, entry.at);
    const w: Writing = { entry, head, line, pid: r.kind === 'issue' ? scanPid(text) : r.pid, exit: null, reader: null as unknown as OutputReader };
    w.reader = new OutputReader(entry, (t, at, bytes) => this.isExit(w, t, at, bytes));
    const step = w.reader.read(text, entry.at);
    if (step.kind === 'not' || (step.kind === 'end' && w.exit === null)) return r;
    if (step.kind === 'end') return this.endWriting(w, text.slice(entry.at, step.tail));
    this.writing = w;
    this.unfinished = null;
    return this.outputEvent(entry.name, line, w.pid, text.slice(entry.at), text, line, head);
  }

  /** The next line while a writer's bytes go on; null when it does not go on (read it as usual). */
  private goOnWriting(w: Writing, text: string, line: number): ParsedLine | null {
    const step = w.reader.read(text, 0);
    if (step.kind === 'more') return this.outputEvent(w.entry.name, w.line, w.pid, text, text, line, null);
    this.writing = null;
    // An end the reader saw without the writer's exit print read is no end: read the line as usual.
    if (step.kind === 'not' || w.exit === null) return null;
    return this.endWriting(w, text.slice(0, step.tail));
  }

  /** Is `text[at…]` the writer's exit print, having written `bytes`? Keeps the call it reads. */
  private isExit(w: Writing, text: string, at: number, bytes: number): boolean {
    const r = this.parseLine(w.head + text.slice(at), w.line);
    w.exit = null;
    if (r.kind === 'unfinished' && r.stop === 'unfinished' && r.name === w.entry.name && r.args === w.entry.args) {
      w.exit = r;
    } else if (r.kind === 'syscall' && r.name === w.entry.name && r.args === w.entry.args && (r.result.value === bytes || (r.result.errno !== null && bytes === 0))) {
      w.exit = r;
    }
    return w.exit !== null;
  }

  /** The writer's call, with the program's text on its last line. */
  private endWriting(w: Writing, output: string): SyscallLineEvent | UnfinishedEvent {
    const call = w.exit as SyscallLineEvent | UnfinishedEvent;
    this.unfinished = call.kind === 'unfinished' ? call : null;
    if (call instanceof CallLine) {
      // Its fields are not all its own: a spread would lose them.
      call.output = output;
      return call;
    }
    return { ...call, output };
  }

  private outputEvent(call: string, callLine: number, pid: number | null, output: string, text: string, line: number, cutCall: string | null): ProgramOutputEvent {
    return { kind: 'output', output, call, callLine, cutCall, pid, time: null, relative: null, ip: null,
      syscallNumber: null, text, file: this.file, line };
  }

  /**
   * A line that is not strace's: the bytes an unfinished writer still owes, if it is theirs. On a
   * line of their own, or ending a line strace had begun (`rt_sigaction(SIGQUIT, {…}, b2`): that
   * line's call goes on on the next line, as after a strace message.
   */
  private owedLine(r: ParsedLine, text: string, line: number): ProgramOutputEvent | null {
    for (const [pid, o] of this.owed) {
      const reader = o.reader ?? owedReader(readEntry(o.text));
      if (reader === null) {
        // Its line shows no bytes it still owes.
        this.owed.delete(pid);
        continue;
      }
      o.reader = reader;
      const piece = reader.nextLine;
      if (piece === null) continue;
      const whole = piece === text;
      if (!whole && !(r.kind === 'issue' && r.code === 'truncated' && piece !== '' && text.endsWith(piece) && this.carried === null)) continue;
      reader.read(piece, 0);
      if (reader.nextLine === null) this.owed.delete(pid);
      this.unfinished = null;
      const head = text.slice(0, text.length - piece.length);
      if (!whole) this.carried = { text: head, line };
      return this.outputEvent(reader.entry.name, o.line, pid, piece, text, line, whole ? null : head);
    }
    return null;
  }

  private splitSplice(text: string, line: number): ParsedLine | null {
    const at = messageIndex(text);
    if (at <= 0) return null;
    // Only a message glued to the end of a cut call line: "NAME(…" + "strace: Process N attached".
    const head = text.slice(0, at);
    if (!head.includes('(') || straceMessageStart(text, 0) >= 0) return null;
    const msg = this.parseLine(text.slice(at), line);
    if (msg.kind !== 'strace-message') return null;
    this.carried = { text: head, line };
    return { ...msg, cutCall: head, text };
  }
}

/** A writer whose bytes go on over lines. */
interface Writing {
  readonly entry: WriteEntry;
  /** The line up to the end of the entry print, prefix included. */
  readonly head: string;
  readonly line: number;
  readonly pid: number | null;
  reader: OutputReader;
  /** The exit print last read as this call's (by `isExit`). */
  exit: SyscallLineEvent | UnfinishedEvent | null;
}

/** An unfinished writer whose printed bytes have not landed yet. */
interface OwedOutput {
  /** The writer's line. */
  readonly text: string;
  readonly line: number;
  /** Its bytes' reader: `undefined` until a line that is not strace's asks (see `owedLine`). */
  reader: OutputReader | undefined;
}

/** A reader of the bytes a writer cut by `<unfinished ...>` still owes: `null` when it owes none it printed whole. */
function owedReader(entry: WriteEntry | null): OutputReader | null {
  return entry !== null && entry.complete && entry.known.length > 0 ? new OutputReader(entry, () => false) : null;
}

function scanPid(text: string): number | null {
  return scanPrefix(text).pid;
}

/**
 * Index where a `[/path/]strace: Process N attached|detached` message starts in `text`, or -1.
 * strace names itself by argv[0], so a path may come first: `…SIGCHLD/usr/bin/strace: Process …`.
 */
function messageIndex(text: string): number {
  // The message ends the line ("…attached", "…detached", "…with 4 threads", "…interrupt to
  // quit"): lines that end otherwise (nearly all: in '>', ')', a digit) are not searched.
  const last = text.charCodeAt(text.length - 1);
  if (last !== 100 /* d */ && last !== 115 /* s */ && last !== 116 /* t */) return -1;
  const at = text.indexOf(MESSAGE);
  // The message runs to the end of the line; inside a quoted argument it would be followed by `"`.
  if (at < 0 || !/^\d+ (?:attached|detached)[^"]*$/.test(text.slice(at + MESSAGE.length))) return -1;
  let start = at;
  while (start > 0 && text.charCodeAt(start - 1) !== 32) start--;
  const slash = text.indexOf('/', start);
  return slash >= 0 && slash < at ? slash : at;
}
