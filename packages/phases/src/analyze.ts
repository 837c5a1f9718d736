/**
 * The analysis of a trace set, streamed: inputs are read one after another, each input's lines are
 * joined per pid and fed to per-task aggregates, gap trackers and detectors. Only aggregates and
 * top-k lists are kept, so memory follows the number of tasks, not the number of lines.
 *
 *   ParsedLine ─▶ InputStream (clock, Joiner, whose line) ─▶ Task (stats, fds, activity)
 *              ─▶ GapTracker, PathRecorder ─▶ detectors
 *   finish(): tree (process-tree.ts), blame and idle windows (busy.ts), warnings (set-warnings.ts),
 *             the start and its critical path (startup.ts), diagnoses (diagnoses.ts)
 */
import {
  CallLine,
  childPid,
  createsThread,
  formatTimestamp,
  secondsBetween,
  type JoinedEvent,
  type ParsedLine,
  type SyscallEvent,
} from '@strace-gaps/parser';
import { spanOf } from '@strace-gaps/parser/internal';
import { DEFAULT_MERGE_SECONDS } from './activity.js';
import { blame, idle as idleWindowsOf, spanOfTasks } from './busy.js';
import type { SetClockKind } from './clock.js';
import type { DetectorContext, TaskWatcher } from './detector.js';
import { builtinDetectors } from './detectors/index.js';
import { diagnose } from './diagnoses.js';
import { formatCount } from './format.js';
import { GapTracker } from './gaps.js';
import { MarkBudget, PathRecorder } from './path-marks.js';
import { findStartup, onSetClock, pendingCalls, type Startup } from './startup.js';
import { TaskIndex, TasksByPid } from './task-index.js';
import type { Call, Diagnosis, LineRef, Phase } from './model.js';
import { Task, exitOf, nameOfPid, refOf } from './task.js';
import type { Analysis, AnalysisOptions, ClockInfo, ClockStart, PartialAnalysis, Span, StreamTotals, TaskEvent, TraceListener } from './analysis-types.js';
import { linkTree } from './process-tree.js';
import { setWarnings } from './set-warnings.js';
import { SetState } from './set-state.js';
import { CallActions } from './call-actions.js';
import { InputStream, UNNAMED_PID, type InputHost } from './input-stream.js';

export type { Analysis, AnalysisOptions, ClockInfo, ClockStart, PartialAnalysis, Span, StreamTotals, TaskEvent, TraceListener };

export const DEFAULT_TOP = 10;
export const DEFAULT_MIN_GAP = 0.001;

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
  /**
   * Each running task's stream state, at its index among the set's tasks; `null` once it ended. A
   * Map set when a task starts and deleted when it ends rebuilt its table every few tasks, in the
   * old generation: 15 MB of garbage over 100,000 short-lived processes.
   */
  private readonly states: (TaskState | null)[] = [];
  /** The task of the last call and its state: a cache in front of {@link states}. */
  private lastTask: Task | null = null;
  private lastState: TaskState | null = null;
  /** Each detector's context, in detector order (its `keep` is its own). */
  private readonly contexts: DetectorContext<unknown>[];
  private readonly host: InputHost;
  private readonly top: number;
  private readonly listener: TraceListener | null;
  private stream: InputStream | null = null;
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
    this.host = {
      newTask: (input, pid, lifetime) => this.newTask(input, pid, lifetime),
      renamed: (file, pid) => this.renamed(file, pid),
      warn: (w) => this.set.warn(w),
    };
    this.contexts = this.set.facts.map((facts) => ({
      phase: (p) => this.set.addPhase(p),
      finding: (f) => this.set.findings.push(f),
      ref: (call) => this.ref(call.ev),
      keep: (fact) => facts.push(fact),
    }));
  }

  private ref(ev: SyscallEvent): LineRef {
    return refOf(ev, ev.start === null ? null : formatTimestamp(ev.start));
  }

  /** Starts an input; `pid` is the pid a `-ff` file's name carries (unprefixed lines belong to it). */
  beginInput(file: string, pid: number | null): void {
    if (this.stream !== null) this.endInput();
    this.set.inputs++;
    this.stream = new InputStream(file, pid, this.set.clock.stream(file), this.host);
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
        // Most lines: a call on the set's clock, which usually completes only itself.
        const done = s.joiner.pushCall(raw);
        s.joined();
        if (Array.isArray(done)) for (const ev of done) this.dispatch(s, ev);
        else this.dispatch(s, done);
        continue;
      }
      const line = s.clock.normalize(raw);
      const events = s.joiner.push(line);
      s.joined();
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
    this.set.closeStream(s.totals());
    const unattributed = s.unattributedWarning();
    if (unattributed !== null) this.set.warn(unattributed);
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


  /** The unnamed process of `file` turned out to be `pid`: gaps and phases cited as pid 0 follow. */
  private renamed(file: string, pid: number): void {
    this.set.gaps.renumber(UNNAMED_PID, pid, file);
    const mine = (p: Phase) => p.pid === UNNAMED_PID && p.startRef.file === file;
    for (let i = 0; i < this.set.phases.length; i++) if (mine(this.set.phases[i] as Phase)) this.set.phases[i] = { ...(this.set.phases[i] as Phase), pid };
    for (const { top } of this.set.capped.values()) top.replace((p) => (mine(p) ? { ...p, pid } : p));
  }

  private newTask(s: InputStream, pid: number, lifetime: number): Task {
    const task = new Task(this.set.tasks.length, pid, s.file, lifetime, this.set.intern, this.set.segments);
    this.set.tasks.push(task);
    const path = new PathRecorder(task, this.markBudget, this.set.intern);
    const watchers: TaskWatcher[] = [];
    this.set.detectors.forEach((d, i) => {
      const w = d.watch(task, this.contexts[i] as DetectorContext<unknown>);
      if (w !== null) watchers.push(w);
    });
    while (this.states.length < task.index) this.states.push(null);
    this.states[task.index] = {
      gaps: new GapTracker(task, this.set.gaps, (c) => this.ref(c.ev), path),
      path,
      watchers,
    };
    return task;
  }

  private dispatch(s: InputStream, ev: JoinedEvent): void {
    const pid = s.pidOf(ev);
    if (ev.kind === 'syscall') {
      this.call(s, s.taskFor(pid, ev), ev);
      return;
    }
    if (ev.kind === 'strace-message' && ev.message === 'attached' && ev.subject !== null) s.attached(ev.subject);
    if (ev.kind !== 'exit' && ev.kind !== 'killed' && ev.kind !== 'signal') return;
    const task = s.taskFor(pid, ev);
    const t = ev.time === null ? null : s.clock.toNumber(ev.time);
    s.seen(task, t, null);
    if (task.first === null) task.begin(refOf(ev, ev.time === null ? null : formatTimestamp(ev.time)));
    this.listener?.event(task, ev, t);
    if (ev.kind === 'signal') {
      task.signalled();
      if (t !== null) this.stateOf(task)?.path.signal(t, ev.signal, ev.info, ev.file, ev.line);
      return;
    }
    task.exited(ev.kind === 'exit' ? exitOf(ev.code, null) : exitOf(null, ev.signal, ev.coreDumped));
    const ref = refOf(ev, ev.time === null ? null : formatTimestamp(ev.time));
    this.endTask(task, t, ref);
  }

  private call(s: InputStream, task: Task, ev: SyscallEvent): void {
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
    const exec = (ev.name === 'execve' || ev.name === 'execveat') && ev.result?.value === 0 ? task.fds.programOf(ev) : null;
    const call: Call = { ev, pid: task.pid, t0, t1, seconds, opened, exec };
    if (task.first === null) task.begin(this.ref(ev));
    s.seen(task, t0, t1);
    task.record(call);
    const child = childPid(ev);
    // The entry time: the child often runs (and prints) before the parent's clone returns.
    if (child !== null) task.addChild({ pid: child, thread: createsThread(ev), at: t0 ?? t1, line: ev.line });
    s.called(task, ev, child);
    // Consecutive calls are mostly one task's (all of a -ff file's are).
    let st = this.lastState;
    if (task !== this.lastTask || st === null) {
      st = this.stateOf(task) as TaskState;
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

  private stateOf(task: Task): TaskState | null {
    return this.states[task.index] ?? null;
  }

  private endTask(task: Task, t: number | null, ref: LineRef | null): void {
    if (!task.close(t)) return;
    const st = this.stateOf(task);
    if (st === null) return;
    st.gaps.end(t, ref === null ? null : () => ref);
    st.path.end(t);
    for (const w of st.watchers) w.end?.(t, ref);
    // Nothing more comes for this task: drop what only the stream needed.
    this.states[task.index] = null;
    if (this.lastTask === task) {
      this.lastTask = null;
      this.lastState = null;
    }
    task.compact();
  }

  /** The set's clock and base second, once its first timed line is read (`null` before). */
  get clockStart(): ClockStart | null {
    const c = this.set.clock;
    return c.kind === null || c.baseSec === null ? null : { kind: c.kind, base: c.baseSec, decidedAt: c.decidedAt };
  }

  /**
   * Can this analysis be split across threads? Not with a listener, which is told of each call as
   * it is read; detectors keep what spans tasks as facts, which travel with the parts.
   */
  get splittable(): boolean {
    return this.listener === null;
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
    const byPid = new TasksByPid(this.set.tasks);
    linkTree(this.set.tasks, aligned, byPid);
    const span = spanOfTasks(this.set.tasks);
    const set = { tasks: this.set.tasks, aligned, waits: this.set.gaps.waiting.values() };
    this.set.detectors.forEach((d, i) => d.finish?.(set, this.contexts[i] as DetectorContext<unknown>, this.set.facts[i] as unknown[]));
    const gaps = this.set.gaps.merged();
    if (aligned) for (const g of gaps) g.blame = blame(this.set.tasks, g);
    for (const { top } of this.set.capped.values()) this.set.phases.push(...top.values());
    // A total order: with whole-second timestamps (-t) many phases share start and end.
    this.set.phases.sort((a, b) => a.start - b.start || a.end - b.end || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0) || a.pid - b.pid);
    const idle = aligned && span !== null ? idleWindowsOf(this.set.tasks, span, this.set.gaps.minSeconds, this.top) : [];
    const facts = { tasks: this.set.tasks, inputs: this.set.inputs, timedCalls: this.set.timedCalls, ranges: this.set.ranges, capped: this.set.capped, wantedPids: this.wantedPids };
    this.set.warnings.push(...setWarnings(facts, kind));
    const index = new TaskIndex(this.set.tasks, byPid);
    // Calls still waiting when a recording stopped waited until it stopped, past the last line.
    const until = span === null ? null : onSetClock(this.untilOption, clock, span);
    const end = span === null ? 0 : Math.max(span.end, until ?? span.end);
    let startup: Startup | null = null;
    if (aligned && span !== null) {
      const found = findStartup(index, this.set.tasks, span, end, clock, { ready: this.readyOption, from: this.fromOption });
      if (found.warning !== null) this.set.warnings.push({ code: 'ready-not-found', message: found.warning, file: null, line: null });
      startup = found.startup;
    }
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


