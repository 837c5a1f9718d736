/**
 * What an analysis has gathered of a set so far: its clock, its tasks, phases, findings, warnings
 * and gaps, each list in the order its items arrived (with the `seq` each came at), and how the
 * parts of a set read by other analyzers (worker threads) join it: in input order (`absorb`), or,
 * for the pid shares of one input, in the order one reader would have met their items
 * (`interleave`). analyze.ts fills it as the set streams past.
 */
import { unpartitionable, type Timestamp } from '@strace-gaps/parser';
import type { PartialAnalysis, StreamTotals } from './analysis-types.js';
import { bySeq, keyed } from './arrival.js';
import { SetClock } from './clock.js';
import type { PhaseDetector } from './detector.js';
import { formatCount } from './format.js';
import { GapCollector } from './gaps.js';
import { Interner } from './intern.js';
import type { Finding, Phase, Warning } from './model.js';
import { MAX_PHASES_PER_EXEC_KIND } from './set-warnings.js';
import { Task } from './task.js';
import { TopK } from './top-k.js';

/**
 * Kinds that come once per exec: a capture of thousands of processes keeps the longest
 * {@link MAX_PHASES_PER_EXEC_KIND} of each (what a timeline shows) and counts the rest, so memory
 * does not grow with every exec.
 */
const PER_EXEC_KINDS = ['exec', 'loader'] as const;
/** `seq` of the tasks' ends at an input's end (see analyze.ts); the input is closed at twice it. */
export const SEQ_END_TASKS = 2 ** 42;
const HALF_DAY_SECONDS = 43_200;

export class SetState {
  readonly clock = new SetClock();
  readonly intern = new Interner();
  readonly tasks: Task[] = [];
  readonly phases: Phase[] = [];
  /** Per `exec`/`loader` kind: the longest phases, and how many there were. */
  readonly perExec = new Map<string, { top: TopK<Phase>; seen: number }>(
    PER_EXEC_KINDS.map((k) => [k, { top: new TopK<Phase>(MAX_PHASES_PER_EXEC_KIND, (p) => p.end - p.start), seen: 0 }]),
  );
  readonly findings: Finding[] = [];
  readonly warnings: Warning[] = [];
  readonly gaps: GapCollector;
  /** Each input's first and last time. */
  readonly ranges: { file: string; first: number; last: number }[] = [];
  inputs = 0;
  /** Calls printed with a `-T` duration: none means the trace was captured without -T. */
  timedCalls = 0;
  /** Where the analysis is: the line being read, or past the lines while an input ends. */
  seq = 0;
  readonly taskSeqs: number[] = [];
  readonly phaseSeqs: number[] = [];
  readonly findingSeqs: number[] = [];
  readonly warningSeqs: number[] = [];
  /** A partition's inputs, read and waiting for the other parts' lines to be closed. */
  readonly openStreams: StreamTotals[] = [];

  constructor(
    top: number,
    minGap: number,
    pids: ReadonlySet<number> | null,
    readonly detectors: readonly PhaseDetector[],
  ) {
    this.gaps = new GapCollector(top, minGap, pids, () => this.seq);
  }

  /** A warning, kept with when it came. */
  warn(w: Warning): void {
    this.warnings.push(w);
    this.warningSeqs.push(this.seq);
  }

  /** What an input's lines, all of them, say about it. */
  closeStream(s: StreamTotals): void {
    if (s.first !== null && s.last !== null) this.ranges.push({ file: s.file, first: s.first, last: s.last });
    if (s.lines > 0 && s.parsed === 0) {
      this.warn({
        code: 'not-strace',
        message: `none of its ${formatCount(s.lines)} lines is strace output: is it the right file?`,
        file: s.file,
        line: s.firstIssue,
      });
    }
  }

  /** Everything read, as data a structured clone carries to another thread (see {@link PartialAnalysis}). */
  partial(): PartialAnalysis {
    const c = this.clock;
    return {
      clock: {
        kind: c.kind,
        decidedAt: c.decidedAt,
        digits: c.digits,
        rolledOver: c.rolledOver,
        relativeStreams: c.relativeStreams,
        todMin: Number.isFinite(c.todMin) ? c.todMin : null,
        todMax: Number.isFinite(c.todMax) ? c.todMax : null,
      },
      inputs: this.inputs,
      timedCalls: this.timedCalls,
      tasks: this.tasks,
      phases: this.phases,
      perExec: [...this.perExec].map(([kind, { top, seen }]) => ({ kind, top: top.values(), seen })),
      findings: this.findings,
      warnings: this.warnings,
      ranges: this.ranges,
      gaps: { userspace: this.gaps.userspace.values(), waiting: this.gaps.waiting.values() },
      detectors: this.detectors.map((d) => (d.state === undefined ? null : d.state())),
      seqs: {
        tasks: this.taskSeqs,
        phases: this.phaseSeqs,
        findings: this.findingSeqs,
        warnings: this.warningSeqs,
        perExec: [...this.perExec.values()].map(({ top }) => top.entries().map((e) => e.seq)),
        userspace: this.gaps.userspace.entries().map((e) => e.seq),
        waiting: this.gaps.waiting.entries().map((e) => e.seq),
      },
      streams: this.openStreams,
    };
  }

  /**
   * Takes in what another analyzer read (its inputs come after every input read or absorbed so
   * far). The result is what reading those inputs here would have given: the same tasks in the
   * same order, top-k lists that keep equal items in arrival order, detectors merged in order.
   */
  absorb(part: PartialAnalysis): void {
    const c = this.clock;
    if (part.clock.kind !== null) {
      const at = part.clock.decidedAt ?? { file: '?', line: 0 };
      c.check(part.clock.kind, at.file, at.line);
    }
    if (part.clock.digits > c.digits) c.digits = part.clock.digits as Timestamp['digits'];
    c.rolledOver ||= part.clock.rolledOver;
    c.relativeStreams += part.clock.relativeStreams;
    this.inputs += part.inputs;
    this.timedCalls += part.timedCalls;
    for (const t of part.tasks) this.tasks.push(Task.revive(t, this.tasks.length, this.intern));
    this.phases.push(...part.phases);
    for (const { kind, top, seen } of part.perExec) {
      const mine = this.perExec.get(kind);
      if (mine === undefined) continue;
      for (const p of top) mine.top.push(p);
      mine.seen += seen;
    }
    this.findings.push(...part.findings);
    this.warnings.push(...part.warnings);
    this.ranges.push(...part.ranges);
    for (const g of part.gaps.userspace) this.gaps.userspace.push(g);
    for (const g of part.gaps.waiting) this.gaps.waiting.push(g);
    this.detectors.forEach((d, i) => d.merge?.(part.detectors[i], 'after'));
  }

  /**
   * Joins the parts of one input read by pid share (each made with `partition`, in share order)
   * into this analyzer, which must not have read anything: the result is the analysis of one
   * analyzer reading the whole input. Every list is merged in the order its items arrived (`seq`);
   * the input is closed with the totals of all its lines.
   *
   * Throws a `ParserError` coded `unpartitionable` for a time-of-day trace whose times span more than half a day:
   * where such a trace crosses midnight depends on lines of every share, so each share may have
   * put some of its lines on the wrong day. Read it on one thread.
   */
  interleave(parts: readonly PartialAnalysis[]): void {
    const lows = parts.flatMap((p) => (p.clock.todMin === null ? [] : [p.clock.todMin]));
    const highs = parts.flatMap((p) => (p.clock.todMax === null ? [] : [p.clock.todMax]));
    if (lows.length > 0 && Math.max(...highs) - Math.min(...lows) > HALF_DAY_SECONDS) {
      const file = parts[0]?.streams[0]?.file ?? '?';
      throw unpartitionable(file, 0, 'its times of day span more than 12 hours, so where it crosses midnight depends on every share');
    }
    const c = this.clock;
    for (const part of parts) {
      if (part.clock.kind !== null) {
        const at = part.clock.decidedAt ?? { file: '?', line: 0 };
        c.check(part.clock.kind, at.file, at.line);
      }
      if (part.clock.digits > c.digits) c.digits = part.clock.digits as Timestamp['digits'];
      c.rolledOver ||= part.clock.rolledOver;
      c.relativeStreams = Math.max(c.relativeStreams, part.clock.relativeStreams);
      if (part.clock.todMin !== null && part.clock.todMin < c.todMin) c.todMin = part.clock.todMin;
      if (part.clock.todMax !== null && part.clock.todMax > c.todMax) c.todMax = part.clock.todMax;
      this.inputs = Math.max(this.inputs, part.inputs);
      this.timedCalls += part.timedCalls;
    }
    for (const t of bySeq(parts.map((p) => ({ items: p.tasks, seqs: p.seqs.tasks })))) {
      this.tasks.push(Task.revive(t.item, this.tasks.length, this.intern));
      this.taskSeqs.push(t.seq);
    }
    for (const p of bySeq(parts.map((x) => ({ items: x.phases, seqs: x.seqs.phases })))) {
      this.phases.push(p.item);
      this.phaseSeqs.push(p.seq);
    }
    [...this.perExec.values()].forEach((mine, k) => {
      for (const part of parts) {
        const theirs = part.perExec[k];
        if (theirs === undefined) continue;
        mine.top.interleave(keyed(theirs.top, part.seqs.perExec[k] ?? []));
        mine.seen += theirs.seen;
      }
    });
    for (const f of bySeq(parts.map((p) => ({ items: p.findings, seqs: p.seqs.findings })))) {
      this.findings.push(f.item);
      this.findingSeqs.push(f.seq);
    }
    for (const w of bySeq(parts.map((p) => ({ items: p.warnings, seqs: p.seqs.warnings })))) {
      this.seq = w.seq;
      this.warn(w.item);
    }
    for (const part of parts) {
      this.gaps.userspace.interleave(keyed(part.gaps.userspace, part.seqs.userspace));
      this.gaps.waiting.interleave(keyed(part.gaps.waiting, part.seqs.waiting));
    }
    for (const part of parts) this.detectors.forEach((d, i) => d.merge?.(part.detectors[i], 'interleaved'));
    // Every part read every input (its own pids of it): close each with all its lines' totals.
    const files = parts[0]?.streams.length ?? 0;
    this.seq = SEQ_END_TASKS * 2;
    for (let k = 0; k < files; k++) {
      const all = parts.map((p) => p.streams[k] as StreamTotals);
      const min = (xs: (number | null)[]) => xs.reduce<number | null>((m, x) => (x !== null && (m === null || x < m) ? x : m), null);
      const max = (xs: (number | null)[]) => xs.reduce<number | null>((m, x) => (x !== null && (m === null || x > m) ? x : m), null);
      this.closeStream({
        file: (all[0] as StreamTotals).file,
        lines: all.reduce((n, x) => n + x.lines, 0),
        parsed: all.reduce((n, x) => n + x.parsed, 0),
        firstIssue: min(all.map((x) => x.firstIssue)),
        first: min(all.map((x) => x.first)),
        last: max(all.map((x) => x.last)),
      });
    }
  }
}
