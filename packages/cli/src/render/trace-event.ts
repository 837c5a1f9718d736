/**
 * `--format trace-event`: Chrome's Trace Event JSON (the "JSON Object Format"), which
 * ui.perfetto.dev and chrome://tracing open. One track per process (`pid` = the thread group, `tid`
 * = the thread, so threads nest under their process), every call a complete (`X`) slice, signals
 * and exits instant (`i`) events, and a pseudo-process holding the phases and the top gaps.
 *
 * The analysis keeps no events, so the export reads the set twice: the first pass learns what
 * only the whole set tells (which tasks are threads of which process, names, phases, gaps), the
 * second streams every call out as it passes ({@link TraceEventWriter} is the analysis's listener).
 */
import type { Analysis, Call, GapReport, Task, TaskEvent, TraceListener } from '@strace-gaps/phases';
import { treeOrder } from './tree-order.js';

/**
 * The pid of the track group holding phases and gaps: above Linux's PID_MAX_LIMIT (2^22), so no
 * traced process has it. Its thread ids count up from it for the same reason.
 */
export const TRACE_PID = 4_194_305;

/** Output is handed on in pieces of about this many characters. */
const FLUSH_CHARS = 1 << 16;

export interface TraceEventOptions {
  /** Only these pids (and their threads), as `--pid`; default all. */
  readonly pids?: readonly number[] | null;
  /** Names the producer in `otherData`. */
  readonly generator: string;
}

/** A call held back until the thread's next call, whose entry bounds its slice (see `flushTask`). */
interface Pending {
  readonly t0: number;
  durNs: number;
  /** The event's JSON up to `"dur":`, and after it. */
  readonly head: string;
  readonly tail: string;
}

const json = JSON.stringify;

/** Streams one trace-event document; see the module comment for the two passes. */
export class TraceEventWriter implements TraceListener {
  private buf = '';
  private count = 0;
  private readonly first: Analysis;
  private readonly report: GapReport;
  private readonly keep: (pid: number, tgid: number) => boolean;
  /** The first pass's tasks by index: the second pass meets the same tasks in the same order. */
  private readonly pending = new Map<number, Pending>();
  private readonly base: number;
  private readonly ns: boolean;

  constructor(
    private readonly out: (chunk: string) => void,
    first: Analysis,
    report: GapReport,
    private readonly options: TraceEventOptions,
  ) {
    this.first = first;
    this.report = report;
    const wanted = options.pids && options.pids.length > 0 ? new Set(options.pids) : null;
    this.keep = (pid, tgid) => wanted === null || wanted.has(pid) || wanted.has(tgid);
    // Set-clock numbers are seconds since a whole base second; absolute(0) is that second.
    this.base = first.absolute(0);
    this.ns = first.clock.digits === 9;
  }

  /** Microseconds on the trace's clock, exact to the printed precision (ns as three decimals). */
  ts(t: number): string {
    if (this.ns) return micros(this.base * 1e6, Math.round(t * 1e9));
    return String(this.base * 1e6 + Math.round(t * 1e6));
  }

  private dur(ns: number): string {
    return this.ns ? micros(0, ns) : String(Math.round(ns / 1000));
  }

  private emit(event: string): void {
    this.buf += this.count++ === 0 ? `\n${event}` : `,\n${event}`;
    if (this.buf.length >= FLUSH_CHARS) {
      this.out(this.buf);
      this.buf = '';
    }
  }

  /** The document's head and the tracks' names; call before the second pass. */
  begin(): void {
    const clock = this.first.clock;
    const other = {
      generator: this.options.generator,
      clock: clock.kind,
      digits: clock.digits,
      aligned: clock.aligned,
      inputs: this.report.input.files.map((f) => f.path),
      phasesPid: TRACE_PID,
    };
    this.out(`{"displayTimeUnit":"ns","otherData":${json(other)},"traceEvents":[`);
    this.metadata();
  }

  private task(t: Task): Task | undefined {
    return this.first.tasks[t.index];
  }

  call(task: Task, call: Call): void {
    const known = this.task(task);
    if (known === undefined || !this.keep(known.pid, known.tgid) || call.t0 === null) return;
    const ev = call.ev;
    const args: Record<string, unknown> = { args: ev.args, line: `${ev.file}:${ev.line}` };
    if (ev.result !== null) args.ret = ev.result.raw;
    else args.unfinished = ev.stop ?? 'unfinished';
    if (ev.endLine !== ev.line) args.endLine = `${ev.file}:${ev.endLine}`;
    if (call.seconds !== null) args.seconds = call.seconds;
    const head = `{"ph":"X","cat":"syscall","name":${json(ev.name)},"pid":${known.tgid},"tid":${known.pid},"ts":${this.ts(call.t0)},"dur":`;
    const tail = `,"args":${json(args)}}`;
    this.flushTask(task.index, call.t0);
    this.pending.set(task.index, { t0: call.t0, durNs: Math.max(0, Math.round((call.seconds ?? 0) * 1e9)), head, tail });
  }

  /**
   * Writes the thread's held-back call. Its `-T` time and the next entry's timestamp come from
   * different clock reads, so a slice may reach a few µs past the next call's start; viewers
   * drop slices that overlap without nesting, so it is cut at the next entry (`args.seconds`
   * keeps the printed time).
   */
  private flushTask(index: number, next: number | null): void {
    const p = this.pending.get(index);
    if (p === undefined) return;
    this.pending.delete(index);
    if (next !== null) p.durNs = Math.max(0, Math.min(p.durNs, Math.round((next - p.t0) * 1e9)));
    this.emit(`${p.head}${this.dur(p.durNs)}${p.tail}`);
  }

  event(task: Task, ev: TaskEvent, t: number | null): void {
    const known = this.task(task);
    if (known === undefined || !this.keep(known.pid, known.tgid) || t === null) return;
    this.flushTask(task.index, t);
    const line = `${ev.file}:${ev.line}`;
    let name: string;
    let cat: string;
    let args: Record<string, unknown>;
    if (ev.kind === 'signal') {
      name = ev.stopped ? `stopped by ${ev.signal}` : ev.signal;
      cat = 'signal';
      args = { info: ev.info, line };
    } else {
      name = ev.kind === 'exit' ? `exited with ${ev.code}` : `killed by ${ev.signal}${ev.coreDumped ? ' (core dumped)' : ''}`;
      cat = 'exit';
      args = { line, text: ev.text };
    }
    this.emit(`{"ph":"i","s":"t","cat":"${cat}","name":${json(name)},"pid":${known.tgid},"tid":${known.pid},"ts":${this.ts(t)},"args":${json(args)}}`);
  }

  /** Ends the document: the held-back calls, the phases and gaps, the closing brackets. */
  end(): void {
    for (const index of [...this.pending.keys()]) this.flushTask(index, null);
    this.phasesAndGaps();
    this.out(`${this.buf}\n]}\n`);
    this.buf = '';
  }

  /** Process and thread names, and an order that puts each process after its parent. */
  private metadata(): void {
    const tasks = this.first.tasks.filter((t) => this.keep(t.pid, t.tgid));
    const order = treeOrder(tasks, (t) => t.ppid);
    const meta = (name: string, pid: number, tid: number, args: object) =>
      this.emit(`{"ph":"M","name":"${name}","pid":${pid},"tid":${tid},"args":${json(args)}}`);
    const named = new Set<number>();
    for (const t of order) {
      if (t.tgid === t.pid && !named.has(t.pid)) {
        named.add(t.pid);
        meta('process_name', t.pid, t.pid, { name: `${t.name} (pid ${t.pid})` });
        meta('process_sort_index', t.pid, t.pid, { sort_index: named.size });
        const labels = [t.ppid === null ? 'no parent in the trace' : `child of ${t.ppid}${t.ppidGuessed ? ' (guessed)' : ''}`];
        const names = [...new Set(t.names.map((n) => n.name))];
        if (names.length > 1) labels.push(`was ${names.slice(0, -1).join(' → ')}`);
        meta('process_labels', t.pid, t.pid, { labels: labels.join(', ') });
      }
      meta('thread_name', t.tgid, t.pid, { name: t.name });
    }
    meta('process_name', TRACE_PID, TRACE_PID, { name: 'strace-gaps: phases and gaps' });
    meta('process_sort_index', TRACE_PID, TRACE_PID, { sort_index: 0 });
  }

  private phasesAndGaps(): void {
    const tgid = new Map(this.first.tasks.map((t) => [t.pid, t.tgid]));
    const keep = (pid: number) => this.keep(pid, tgid.get(pid) ?? pid);
    const rows = new Rows(TRACE_PID + 1);
    const phases = this.first.phases.filter((p) => keep(p.pid));
    const reported = this.report.phases;
    phases.forEach((p, i) => {
      const r = reported[i];
      const args: Record<string, unknown> = { pid: p.pid, summary: p.summary, evidence: p.evidence.map((e) => `${e.file}:${e.line}: ${e.text}`) };
      if (r !== undefined) for (const [k, v] of Object.entries(r)) if (!(k in args) && !STANDARD_PHASE_KEYS.has(k)) args[k] = v;
      const tid = rows.place(p.kind, p.start, p.end);
      this.emit(this.slice(p.kind, 'phase', TRACE_PID, tid, p.start, p.end, args));
    });
    // Placed in time order, so rows fill up; named by their rank (largest first).
    const gaps = this.first.gaps.map((g, i) => ({ g, i })).sort((a, b) => a.g.start - b.g.start || a.i - b.i);
    for (const { g, i } of gaps) {
      const r = this.report.gaps[i];
      const name = `${g.kind === 'waiting' ? `waiting in ${g.syscall ?? '?'}` : 'silent'} ${r?.name ?? ''} (pid ${g.pid})`;
      const args = {
        pid: g.pid,
        seconds: r?.seconds ?? g.seconds,
        before: `${g.before.file}:${g.before.line}: ${g.before.text}`,
        after: `${g.after.file}:${g.after.line}: ${g.after.text}`,
        blame: r?.blame ?? [],
      };
      const tid = rows.place('top gaps', g.start, g.end);
      this.emit(this.slice(`${rank(i + 1)} ${name}`, 'gap', TRACE_PID, tid, g.start, g.end, args));
      // The gap on the thread's own track too, where its calls are.
      const owner = tgid.get(g.pid) ?? g.pid;
      this.emit(`{"ph":"i","s":"t","cat":"gap","name":${json(`gap ${rank(i + 1)}: ${name}`)},"pid":${owner},"tid":${g.pid},"ts":${this.ts(g.start)},"args":${json(args)}}`);
    }
    for (const row of rows.names()) {
      this.emit(`{"ph":"M","name":"thread_name","pid":${TRACE_PID},"tid":${row.tid},"args":${json({ name: row.name })}}`);
      this.emit(`{"ph":"M","name":"thread_sort_index","pid":${TRACE_PID},"tid":${row.tid},"args":{"sort_index":${row.tid - TRACE_PID}}}`);
    }
  }

  private slice(name: string, cat: string, pid: number, tid: number, start: number, end: number, args: object): string {
    const durNs = Math.max(0, Math.round((end - start) * 1e9));
    return `{"ph":"X","cat":"${cat}","name":${json(name)},"pid":${pid},"tid":${tid},"ts":${this.ts(start)},"dur":${this.dur(durNs)},"args":${json(args)}}`;
  }
}

/** Fields every reported phase has; the others are the detector's and go into `args`. */
const STANDARD_PHASE_KEYS = new Set(['kind', 'pid', 'start', 'end', 'seconds', 'startText', 'endText', 'summary', 'evidence']);

function rank(n: number): string {
  return `#${n}`;
}

/** `wholeMicros + ns/1000` as text, exact: three decimals when the nanoseconds are not whole µs. */
function micros(wholeMicros: number, ns: number): string {
  const us = Math.floor(ns / 1000);
  const frac = ns - us * 1000;
  return frac === 0 ? String(wholeMicros + us) : `${wholeMicros + us}.${String(frac).padStart(3, '0')}`;
}

/**
 * Rows of the pseudo-process: slices on one thread must nest or not overlap, and two phases of
 * one kind often overlap (two processes exec at once), so each slice goes on the first row of its
 * kind that is free at its start.
 */
class Rows {
  private readonly rows: { name: string; kind: string; tid: number; end: number }[] = [];
  constructor(private readonly firstTid: number) {}

  place(kind: string, start: number, end: number): number {
    // Strictly after: slices that only touch can look overlapping once a reader rounds them.
    let row = this.rows.find((r) => r.kind === kind && r.end < start);
    if (row === undefined) {
      const n = this.rows.filter((r) => r.kind === kind).length;
      row = { name: n === 0 ? kind : `${kind} (${n + 1})`, kind, tid: this.firstTid + this.rows.length, end };
      this.rows.push(row);
    }
    row.end = Math.max(row.end, end);
    return row.tid;
  }

  names(): { name: string; tid: number }[] {
    return this.rows;
  }
}
