/**
 * The analysis of a trace set, streamed: inputs are read one after another, each input's lines are
 * joined per pid and fed to per-task aggregates, gap trackers and detectors. Only aggregates and
 * top-k lists are kept, so memory follows the number of tasks, not the number of lines.
 *
 *   ParsedLine ─▶ StreamClock ─▶ Joiner ─▶ Task (stats, fds, activity) ─▶ GapTracker ─▶ detectors
 *                                                                         finish(): tree, blame,
 *                                                                         idle windows, diagnoses
 */
import {
  CallLine,
  Joiner,
  childPid,
  resultPid,
  createsThread,
  execInfo,
  formatTimestamp,
  leadingArgs,
  secondsBetween,
  type ExecInfo,
  type ExitEvent,
  type JoinedEvent,
  type KilledEvent,
  type ParsedLine,
  type SignalEvent,
  type SyscallEvent,
  type Timestamp,
} from '@strace-gaps/parser';
import { spanOf } from '@strace-gaps/parser/internal';
import { DEFAULT_MERGE_SECONDS } from './activity.js';
import { blame, idle as idleWindowsOf, spanOfTasks } from './busy.js';
import type { SetClockKind, StreamClock } from './clock.js';
import type { DetectorContext, PhaseDetector, TaskWatcher } from './detector.js';
import { builtinDetectors } from './detectors/index.js';
import { diagnose } from './diagnoses.js';
import { formatCount } from './format.js';
import { GapTracker } from './gaps.js';
import { MarkBudget, PathRecorder } from './path-marks.js';
import { criticalPath, describeRun } from './critical-path.js';
import { findReady, parseTimeOption, rootOf } from './ready.js';
import { pendingCalls, type PendingCall, type Startup } from './startup.js';
import { TaskIndex } from './task-index.js';
import type { Call, Diagnosis, Finding, LineRef, Phase, Warning } from './model.js';
import { leadingInt } from './paths.js';
import { Task, nameOfPid, refOf } from './task.js';
import type { Analysis, AnalysisOptions, ClockInfo, ClockStart, PartialAnalysis, Span, StreamTotals, TaskEvent, TraceListener } from './analysis-types.js';
import { linkTree } from './process-tree.js';
import { MAX_PHASES_PER_EXEC_KIND, setWarnings } from './set-warnings.js';
import { waitPhases } from './wait-phases.js';
import { SetState } from './set-state.js';
import { CallActions } from './call-actions.js';

export type { Analysis, AnalysisOptions, ClockInfo, ClockStart, PartialAnalysis, Span, StreamTotals, TaskEvent, TraceListener };
export { MAX_PHASES_PER_EXEC_KIND };

export const DEFAULT_TOP = 10;
/** The pid given to lines that carry none: a trace of one process made without -f. */
export const UNNAMED_PID = 0;
/** Calls whose result is the caller's own pid (for the first thread of a process). */
const SELF_PID_CALLS = new Set(['set_tid_address', 'getpid', 'gettid']);
export const DEFAULT_MIN_GAP = 0.001;
const HALF_DAY_SECONDS = 43_200;

interface Stream {
  readonly file: string;
  readonly defaultPid: number | null;
  readonly clock: StreamClock;
  readonly joiner: Joiner;
  /** The current task of each pid in this input. */
  readonly tasks: Map<number, Task>;
  first: number | null;
  last: number | null;
  unattributed: number;
  firstUnattributed: number | null;
  /** Pids this input saw created (clone results) or attached (`strace: Process N attached`). */
  readonly born: Set<number>;
  /** A line with a pid prefix was seen. */
  sawPrefix: boolean;
  /** Lines pushed, and those that were not issues. */
  lines: number;
  parsed: number;
  firstIssue: number | null;
  /**
   * The unnamed task's lines came before any prefix: they are all the first process's, whose pid
   * can then be learned. Unprefixed lines later in a log may be any process's; they stay pid 0.
   */
  leadingUnnamed: boolean;
}

interface TaskState {
  readonly gaps: GapTracker;
  readonly path: PathRecorder;
  readonly watchers: TaskWatcher[];
}

/** Reads a set of inputs in turn: `beginInput`, `push` batches, `endInput`; then `finish`. */
export class TraceSetAnalyzer {
  /** What the set has gathered so far, and how parts read elsewhere join it. */
  private readonly set: SetState;
  /** What each call did, in words for blame. */
  private readonly actions: CallActions;
  private readonly state = new Map<Task, TaskState>();
  /** The task of the last call and its state: a cache in front of {@link state}. */
  private lastTask: Task | null = null;
  private lastState: TaskState | null = null;
  private readonly ctx: DetectorContext;
  private readonly top: number;
  private readonly listener: TraceListener | null;
  private stream: Stream | null = null;
  /** The pids the report is limited to (`pids`), to say which the trace does not have. */
  private readonly wantedPids: readonly number[];
  private readonly readyOption: string | null;
  /** The intervals all tasks' recorders hold together (see path-marks.ts). */
  private readonly markBudget = new MarkBudget();
  private readonly fromOption: string | null;
  /** {@link AnalysisOptions.until}. */
  private readonly untilOption: string | null;

  constructor(options: AnalysisOptions = {}) {
    this.top = options.top ?? DEFAULT_TOP;
    const pids = options.pids && options.pids.length > 0 ? new Set(options.pids) : null;
    this.wantedPids = pids === null ? [] : [...pids];
    this.set = new SetState(Math.max(this.top, 1), options.minGap ?? DEFAULT_MIN_GAP, pids, options.detectors ?? builtinDetectors());
    this.actions = new CallActions(this.set.intern);
    this.listener = options.listener ?? null;
    this.readyOption = options.ready ?? null;
    this.fromOption = options.from ?? null;
    this.untilOption = options.until ?? null;
    const start = options.clockStart ?? null;
    if (start !== null) {
      this.set.clock.kind = start.kind;
      this.set.clock.decidedAt = start.decidedAt;
      this.set.clock.baseSec = start.base;
    }
    this.ctx = {
      phase: (p) => this.addPhase(p),
      finding: (f) => this.set.findings.push(f),
      ref: (call) => this.ref(call.ev),
    };
  }

  private ref(ev: SyscallEvent): LineRef {
    return refOf(ev, ev.start === null ? null : formatTimestamp(ev.start));
  }

  /** Starts an input; `pid` is the pid a `-ff` file's name carries (unprefixed lines belong to it). */
  beginInput(file: string, pid: number | null): void {
    if (this.stream !== null) this.endInput();
    this.set.inputs++;
    this.stream = {
      file,
      defaultPid: pid,
      clock: this.set.clock.stream(file),
      joiner: new Joiner(pid),
      tasks: new Map(),
      first: null,
      last: null,
      unattributed: 0,
      firstUnattributed: null,
      born: new Set(),
      sawPrefix: false,
      lines: 0,
      parsed: 0,
      firstIssue: null,
      leadingUnnamed: false,
    };
  }

  /** Feeds parsed lines of the current input, in order. */
  push(batch: readonly ParsedLine[]): void {
    const s = this.stream;
    if (s === null) throw new Error('push() before beginInput()');
    for (const raw of batch) {
      s.lines++;
      if (raw.kind === 'issue') {
        if (s.firstIssue === null) s.firstIssue = raw.line;
        continue;
      }
      s.parsed++;
      if (raw instanceof CallLine && s.clock.settled(raw)) {
        // Most lines: a call on the set's clock, which usually completes only itself. A stream
        // read lazily is joined lazily too (the analysis reads only fields).
        s.joiner.lazy = true;
        const done = s.joiner.pushCall(raw);
        if (s.joiner.unnamed !== null) this.nameUnnamed(s, s.joiner.unnamed);
        if (Array.isArray(done)) for (const ev of done) this.dispatch(s, ev);
        else this.dispatch(s, done);
        continue;
      }
      const line = s.clock.normalize(raw);
      const events = s.joiner.push(line);
      if (s.joiner.unnamed !== null) this.nameUnnamed(s, s.joiner.unnamed);
      for (const ev of events) this.dispatch(s, ev);
    }
  }

  /** Ends the current input: calls still open are closed and its tasks end. */
  endInput(): void {
    const s = this.stream;
    if (s === null) return;
    for (const ev of s.joiner.end()) {
      this.dispatch(s, ev);
      // Nothing more comes for this pid in this input: its task ends right after its last call,
      // so the stream state of thousands of threads left inside calls is never all held at once
      // (a hung start's trace). Unnamed lines keep pid 0 open until the input's end names them.
      const task = ev.pid === null || ev.pid === UNNAMED_PID ? undefined : s.tasks.get(ev.pid);
      if (task !== undefined) this.endTask(task, null, null);
    }
    for (const task of s.tasks.values()) this.endTask(task, null, null);
    this.set.closeStream({ file: s.file, lines: s.lines, parsed: s.parsed, firstIssue: s.firstIssue, first: s.first, last: s.last });
    // Only a log that names other pids makes the unnamed lines doubtful.
    if (s.unattributed > 0 && s.tasks.has(UNNAMED_PID) && [...s.tasks.keys()].some((p) => p !== UNNAMED_PID)) {
      this.set.warn({
        code: 'unattributed-lines',
        message: `${formatCount(s.unattributed)} lines carry no pid and are shown as pid 0 (a -f log written to stderr before strace printed any [pid N] prefix)`,
        file: s.file,
        line: s.firstUnattributed,
      });
    }
    this.stream = null;
  }


  /**
   * The input being read ended early (its gzip data was cut after line `line`): what came before
   * was read, and the report says so. Call before {@link endInput}.
   */
  inputCut(file: string, line: number): void {
    this.set.warn({
      code: 'input-cut',
      message: `the gzip data ends early, after line ${formatCount(line)}: the file was cut (a capture stopped while it was compressed, or a partial copy); the lines before were read`,
      file,
      line: line > 0 ? line : null,
    });
  }


  /**
   * The unnamed process (lines without a prefix, analysed as pid 0) is `pid`: its task takes the
   * pid, and what was already cited with pid 0 from this input follows.
   */
  private nameUnnamed(s: Stream, pid: number): void {
    const task = s.tasks.get(UNNAMED_PID);
    if (task === undefined || !s.leadingUnnamed || s.tasks.has(pid)) return;
    s.tasks.delete(UNNAMED_PID);
    task.renumber(pid);
    s.tasks.set(pid, task);
    s.joiner.nameUnnamed(pid);
    this.set.gaps.renumber(UNNAMED_PID, pid, s.file);
    const mine = (p: Phase) => p.pid === UNNAMED_PID && p.startRef.file === s.file;
    for (let i = 0; i < this.set.phases.length; i++) if (mine(this.set.phases[i] as Phase)) this.set.phases[i] = { ...(this.set.phases[i] as Phase), pid };
    for (const { top } of this.set.perExec.values()) top.replace((p) => (mine(p) ? { ...p, pid } : p));
  }

  private taskFor(s: Stream, pid: number, ev: JoinedEvent): Task {
    // Most lines: a live task of this input (one lookup instead of the three below).
    const live = s.tasks.get(pid);
    if (live !== undefined && !live.ended) return live;
    // The first prefixed pid that no clone made and strace did not announce as attached is the
    // process whose earlier lines had no prefix.
    if (pid !== UNNAMED_PID && !s.tasks.has(pid) && !s.born.has(pid) && s.tasks.has(UNNAMED_PID)) this.nameUnnamed(s, pid);
    let task = s.tasks.get(pid);
    if (task !== undefined && task.ended && ev.kind !== 'exit' && ev.kind !== 'killed' && ev.kind !== 'strace-message') {
      this.set.warn({
        code: 'pid-reuse',
        message: `pid ${pid} appears again after it ended: a second process with the same pid, analysed separately`,
        file: ev.file,
        line: ev.line,
      });
      const next = this.newTask(s, pid, task.lifetime + 1);
      return next;
    }
    if (task === undefined) {
      task = this.newTask(s, pid, 1);
      if (pid === UNNAMED_PID) s.leadingUnnamed = !s.sawPrefix;
    }
    return task;
  }

  private newTask(s: Stream, pid: number, lifetime: number): Task {
    const task = new Task(this.set.tasks.length, pid, s.file, lifetime, this.set.intern);
    this.set.tasks.push(task);
    s.tasks.set(pid, task);
    const path = new PathRecorder(task, this.markBudget);
    const watchers: TaskWatcher[] = [];
    for (const d of this.set.detectors) {
      const w = d.watch(task, this.ctx);
      if (w !== null) watchers.push(w);
    }
    this.state.set(task, {
      gaps: new GapTracker(task, this.set.gaps, (c) => this.ref(c.ev), path),
      path,
      watchers,
    });
    return task;
  }

  private dispatch(s: Stream, ev: JoinedEvent): void {
    let pid = ev.pid;
    if (pid !== null && pid !== s.defaultPid) s.sawPrefix = true;
    if (pid === null) {
      // A log of one process (no -f) never names its pid; nor does a -f log on stderr before
      // strace prints its first [pid N] prefix. Such lines go to pid 0, "the unnamed process".
      pid = UNNAMED_PID;
      if (ev.kind === 'syscall' || ev.kind === 'signal' || ev.kind === 'exit' || ev.kind === 'killed') {
        if (s.unattributed++ === 0) s.firstUnattributed = ev.line;
      }
    }
    if (ev.kind === 'syscall') {
      this.call(s, this.taskFor(s, pid, ev), ev);
      return;
    }
    if (ev.kind === 'strace-message' && ev.message === 'attached' && ev.subject !== null) {
      s.born.add(ev.subject);
      // `strace -p N` on stderr opens with "strace: Process N attached"; without -f its lines then
      // carry no pid, and they are N's. (Started by strace, a command gets no such line.)
      if (s.defaultPid === null && s.tasks.size === 0 && !s.sawPrefix) s.joiner.nameUnnamed(ev.subject);
    }
    if (ev.kind !== 'exit' && ev.kind !== 'killed' && ev.kind !== 'signal') return;
    const task = this.taskFor(s, pid, ev);
    const t = ev.time === null ? null : s.clock.toNumber(ev.time);
    this.seen(s, task, t, null);
    if (task.first === null) task.first = refOf(ev, ev.time === null ? null : formatTimestamp(ev.time));
    this.listener?.event(task, ev, t);
    if (ev.kind === 'signal') {
      task.signals++;
      if (t !== null) this.state.get(task)?.path.signal(t, ev.signal, ev.info, ev.file, ev.line);
      return;
    }
    task.exit =
      ev.kind === 'exit'
        ? { code: ev.code, signal: null, coreDumped: false }
        : { code: null, signal: ev.signal, coreDumped: ev.coreDumped };
    const ref = refOf(ev, ev.time === null ? null : formatTimestamp(ev.time));
    this.endTask(task, t, ref);
  }

  /** Extends the task's and the input's time range. */
  private seen(s: Stream, task: Task, t0: number | null, t1: number | null): void {
    if (t0 === null) return;
    const end = t1 ?? t0;
    if (task.start === null || t0 < task.start) task.start = t0;
    if (task.last === null || end > task.last) task.last = end;
    if (s.first === null || t0 < s.first) s.first = t0;
    if (s.last === null || end > s.last) s.last = end;
  }

  private call(s: Stream, task: Task, ev: SyscallEvent): void {
    const clock = s.clock;
    const t0 = ev.start === null ? null : clock.toNumber(ev.start);
    let t1: number | null = null;
    if (ev.form === 'line' && ev.start !== null && t0 !== null) {
      // A one-line call's return is its entry + -T: the same number, without making the end timestamp.
      if (ev.duration !== null) t1 = t0 + spanOf(ev.start, ev.duration);
      else t1 = t0;
    } else if (ev.end !== null) t1 = t0 !== null && ev.start !== null ? t0 + secondsBetween(ev.start, ev.end) : clock.toNumber(ev.end);
    const seconds = ev.duration ?? (ev.form === 'joined' && t0 !== null && t1 !== null ? t1 - t0 : null);
    if (ev.duration !== null) this.set.timedCalls++;
    const opened = task.fds.observe(ev);
    const exec = (ev.name === 'execve' || ev.name === 'execveat') && ev.result?.value === 0 ? this.execOf(task, ev) : null;
    const call: Call = { ev, pid: task.pid, t0, t1, seconds, opened, exec };
    if (task.first === null) task.first = this.ref(ev);
    this.seen(s, task, t0, t1);
    task.record(call);
    const child = childPid(ev);
    // The entry time: the child often runs (and prints) before the parent's clone returns.
    if (child !== null) {
      task.children.push({ pid: child, thread: createsThread(ev), at: t0 ?? t1, line: ev.line });
      s.born.add(child);
    }
    // The unnamed process says its own pid when libc starts (set_tid_address) or it asks.
    if (task.pid === UNNAMED_PID && SELF_PID_CALLS.has(ev.name)) {
      const self = resultPid(ev.result);
      if (self !== null) this.nameUnnamed(s, self);
    }
    // Consecutive calls are mostly one task's (all of a -ff file's are).
    let st = this.lastState;
    if (task !== this.lastTask || st === null) {
      st = this.state.get(task) as TaskState;
      this.lastTask = task;
      this.lastState = st;
    }
    st.gaps.call(call);
    if (t0 !== null) {
      // A blocking call is busy only at its entry: the rest of it the task waited.
      const busyEnd = seconds !== null && seconds > DEFAULT_MERGE_SECONDS ? t0 : (t1 ?? t0);
      task.activity.add(t0, busyEnd, this.actions.of(task, call));
    }
    for (const w of st.watchers) w.call(call);
    this.listener?.call(task, call);
  }

  /**
   * The program an exec ran. `execveat(fd, "", …, AT_EMPTY_PATH)` (runc re-executing its memfd
   * copy) names no path: the fd's path stands in when the trace showed it, else argv[0].
   */
  private execOf(task: Task, ev: SyscallEvent): ExecInfo | null {
    const info = execInfo(ev);
    if (info === null || info.path !== '') return info;
    const fd = leadingInt(leadingArgs(ev));
    const path = (fd === null ? null : task.fds.get(fd)) ?? info.argv[0] ?? '';
    return { ...info, path };
  }

  private endTask(task: Task, t: number | null, ref: LineRef | null): void {
    if (task.ended) return;
    task.ended = true;
    task.end = t ?? task.last;
    const st = this.state.get(task);
    if (st === undefined) return;
    st.gaps.end(t, ref === null ? null : () => ref);
    st.path.end(t);
    for (const w of st.watchers) w.end?.(t, ref);
    // Nothing more comes for this task: drop what only the stream needed.
    this.state.delete(task);
    if (this.lastTask === task) {
      this.lastTask = null;
      this.lastState = null;
    }
    task.fds.clear();
    task.compact();
  }

  private addPhase(p: Phase): void {
    const capped = this.set.perExec.get(p.kind);
    if (capped === undefined) {
      this.set.phases.push(p);
      return;
    }
    capped.seen++;
    capped.top.push(p);
  }

  /** The set's clock and base second, once its first timed line is read (`null` before). */
  get clockStart(): ClockStart | null {
    const c = this.set.clock;
    return c.kind === null || c.baseSec === null ? null : { kind: c.kind, base: c.baseSec, decidedAt: c.decidedAt };
  }

  /** Can this analysis be split across threads? Only when every detector can merge its state. */
  get splittable(): boolean {
    return this.listener === null && this.set.detectors.every((d) => d.state !== undefined && d.merge !== undefined);
  }

  /** Ends the current input and hands over everything read, as data (see {@link PartialAnalysis}). */
  partial(): PartialAnalysis {
    if (this.stream !== null) this.endInput();
    return this.set.partial();
  }

  /**
   * Takes in what another analyzer read (its inputs come after every input read or absorbed so
   * far): see {@link SetState.absorb}.
   */
  absorb(part: PartialAnalysis): void {
    if (this.stream !== null) this.endInput();
    this.set.absorb(part);
  }

  /** Ends the analysis. */
  finish(): Analysis {
    if (this.stream !== null) this.endInput();
    const clock = this.set.clock;
    const kind: SetClockKind = clock.kind ?? 'none';
    const aligned = kind === 'time-of-day' || kind === 'epoch' || (kind === 'relative' && this.set.inputs <= 1);
    const clockInfo: ClockInfo = { kind, digits: clock.digits, aligned, rolledOver: clock.rolledOver };
    linkTree(this.set.tasks, aligned);
    const span = spanOfTasks(this.set.tasks);
    const set = { tasks: this.set.tasks, aligned };
    for (const d of this.set.detectors) d.finish?.(set, this.ctx);
    const gaps = this.set.gaps.merged();
    if (aligned) for (const g of gaps) g.blame = blame(this.set.tasks, g);
    this.set.phases.push(...waitPhases(this.set.tasks, this.set.gaps.waiting.values(), (pid, t) => this.nameOf(pid, t)));
    for (const { top } of this.set.perExec.values()) this.set.phases.push(...top.values());
    // A total order: with whole-second timestamps (-t) many phases share start and end.
    this.set.phases.sort((a, b) => a.start - b.start || a.end - b.end || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) || a.pid - b.pid);
    const idle = aligned && span !== null ? idleWindowsOf(this.set.tasks, span, this.set.gaps.minSeconds, this.top) : [];
    const facts = { tasks: this.set.tasks, inputs: this.set.inputs, timedCalls: this.set.timedCalls, ranges: this.set.ranges, perExec: this.set.perExec, wantedPids: this.wantedPids };
    this.set.warnings.push(...setWarnings(facts, kind));
    const index = new TaskIndex(this.set.tasks);
    // Calls still waiting when a recording stopped waited until it stopped, past the last line.
    const until = span === null ? null : this.toSet(this.untilOption, span);
    const end = span === null ? 0 : Math.max(span.end, until ?? span.end);
    const startup = aligned && span !== null ? this.startup(index, span, end) : null;
    if (!aligned && this.set.tasks.length > 0) {
      this.set.warnings.push({
        code: 'no-common-clock',
        message: 'the files share no clock (-r deltas only), so the start, its critical path and the cost of each cause cannot be measured: re-capture with -tt',
        file: null,
        line: null,
      });
    }
    const pending = span === null ? { list: [], total: 0 } : pendingCalls(index, end);
    const analysis = {
      clock: clockInfo,
      span,
      tasks: this.set.tasks,
      phases: this.set.phases,
      findings: this.set.findings,
      gaps,
      idle,
      diagnoses: [] as Diagnosis[],
      warnings: this.set.warnings,
      startup,
      pending: pending.list,
      pendingTotal: pending.total,
      absolute: (t: number) => clock.absolute(t),
    };
    analysis.diagnoses = diagnose({ ...analysis, index }, (pid, t) => this.nameOf(pid, t));
    return analysis;
  }

  /** A time as the trace prints it (`--ready`, `--from`, `until`) on the set's clock; `null` for none. */
  private toSet(text: string | null | undefined, span: Span): number | null {
    if (text == null) return null;
    const abs = parseTimeOption(text);
    if (abs === null) return null;
    let t = abs - this.set.clock.absolute(0);
    // A time of day before the base second is on the next day (a trace across midnight).
    if (this.set.clock.kind === 'time-of-day' && t < span.start - HALF_DAY_SECONDS) t += 86_400;
    return t;
  }

  /** Ready, the window of the start, and the critical path to ready (names and words filled in); `end`: the capture's. */
  private startup(index: TaskIndex, span: Span, end: number): Startup {
    const readyAt = this.toSet(this.readyOption, span);
    const from = this.toSet(this.fromOption, span) ?? span.start;
    const r = findReady(index, span.start, end, { ready: readyAt === null ? this.readyOption : null, readyAt, from });
    if (r.warning !== null) this.set.warnings.push({ code: 'ready-not-found', message: r.warning, file: null, line: null });
    const readyT = Math.max(from, Math.min(r.ready.t, end));
    const ready = { ...r.ready, t: readyT };
    const path = criticalPath(index, from, ready, rootOf(this.set.tasks));
    for (const seg of path) {
      seg.name = seg.task.nameAt((seg.start + seg.end) / 2);
      if (seg.state === 'running' && seg.what === '') seg.what = describeRun(seg.task, seg.start, seg.end);
      if (seg.state === 'silent' && seg.what === 'no syscall') seg.what = 'no syscall (user code, CPU, or calls the trace left out)';
    }
    return { start: from, ready, seconds: readyT - from, afterReadySeconds: Math.max(0, end - readyT), stopAt: r.stopAt, criticalPath: path };
  }

  private nameOf(pid: number, t: number | null): string {
    return nameOfPid(this.set.tasks, pid, t);
  }



}

/** Analyses batches of parsed lines per input, in one call (tests, small inputs). */
export function analyzeInputs(
  inputs: Iterable<{ file: string; pid: number | null; lines: Iterable<readonly ParsedLine[]> }>,
  options: AnalysisOptions = {},
): Analysis {
  const a = new TraceSetAnalyzer(options);
  for (const input of inputs) {
    a.beginInput(input.file, input.pid);
    for (const batch of input.lines) a.push(batch);
    a.endInput();
  }
  return a.finish();
}


