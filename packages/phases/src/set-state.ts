/**
 * What an analysis has gathered of a set so far: its clock, its tasks, phases, findings, warnings
 * and gaps, each list in the order its items arrived, and how the parts of a set read by other
 * analyzers (worker threads) join it, in input order (`absorb`). analyze.ts fills it as the set
 * streams past.
 */
import type { Timestamp } from '@strace-gaps/parser';
import type { PartialAnalysis, StreamTotals } from './analysis-types.js';
import { SetClock } from './clock.js';
import type { PhaseDetector } from './detector.js';
import { formatCount } from './format.js';
import { GapCollector } from './gaps.js';
import { Interner } from './intern.js';
import type { Finding, Phase, Warning } from './model.js';
import { SegmentColumns } from './segment-columns.js';
import { Task } from './task.js';
import { TopK } from './top-k.js';

/** Kinds that come once per exec keep this many phases each. */
export const MAX_PHASES_PER_EXEC_KIND = 500;
/** `repeat` phases kept for the set: the longest. */
export const MAX_REPEAT_PHASES = 50;

/**
 * Kinds that can come by the thousand keep their longest phases and count the rest, so memory
 * does not grow with the capture: once per exec (what a timeline shows), and a `repeat` run per
 * directory a task walks (the longest few are the story).
 */
const CAPPED_KINDS: ReadonlyMap<string, number> = new Map([
  ['exec', MAX_PHASES_PER_EXEC_KIND],
  ['loader', MAX_PHASES_PER_EXEC_KIND],
  ['repeat', MAX_REPEAT_PHASES],
]);

export class SetState {
  readonly clock = new SetClock();
  readonly intern = new Interner();
  /** The busy segments of ended tasks. */
  readonly segments = new SegmentColumns();
  readonly tasks: Task[] = [];
  readonly phases: Phase[] = [];
  /** Per capped kind: the longest phases, and how many there were. */
  readonly capped = new Map<string, { top: TopK<Phase>; seen: number }>(
    [...CAPPED_KINDS].map(([k, n]) => [k, { top: new TopK<Phase>(n, (p) => p.end - p.start), seen: 0 }]),
  );
  /** Each detector's kept facts (`DetectorContext.keep`), in detector order. */
  readonly facts: unknown[][];
  readonly findings: Finding[] = [];
  readonly warnings: Warning[] = [];
  readonly gaps: GapCollector;
  /** Each input's first and last time. */
  readonly ranges: { file: string; first: number; last: number }[] = [];
  inputs = 0;
  /** Calls printed with a `-T` duration: none means the trace was captured without -T. */
  timedCalls = 0;

  constructor(
    top: number,
    minGap: number,
    pids: ReadonlySet<number> | null,
    readonly detectors: readonly PhaseDetector<unknown>[],
  ) {
    this.gaps = new GapCollector(top, minGap, pids);
    this.facts = detectors.map(() => []);
  }

  /** A phase: kept, or among the longest of its kind when its kind is capped. */
  addPhase(p: Phase): void {
    const capped = this.capped.get(p.kind);
    if (capped === undefined) {
      this.phases.push(p);
      return;
    }
    capped.seen++;
    capped.top.push(p);
  }

  warn(w: Warning): void {
    this.warnings.push(w);
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
      },
      inputs: this.inputs,
      timedCalls: this.timedCalls,
      tasks: this.tasks,
      segments: this.segments,
      phases: this.phases,
      capped: [...this.capped].map(([kind, { top, seen }]) => ({ kind, top: top.values(), seen })),
      findings: this.findings,
      warnings: this.warnings,
      ranges: this.ranges,
      gaps: { userspace: this.gaps.userspace.values(), waiting: this.gaps.waiting.values() },
      facts: this.facts,
    };
  }

  /**
   * Takes in what another analyzer read (its inputs come after every input read or absorbed so
   * far). The result is what reading those inputs here would have given: the same tasks in the
   * same order, top-k lists that keep equal items in arrival order, each detector's facts after
   * its own.
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
    const base = this.segments.append(SegmentColumns.revive(part.segments), this.intern);
    for (const t of part.tasks) this.tasks.push(Task.revive(t, this.tasks.length, this.intern, this.segments, base));
    this.phases.push(...part.phases);
    for (const { kind, top, seen } of part.capped) {
      const mine = this.capped.get(kind);
      if (mine === undefined) continue;
      for (const p of top) mine.top.push(p);
      mine.seen += seen;
    }
    this.findings.push(...part.findings);
    this.warnings.push(...part.warnings);
    this.ranges.push(...part.ranges);
    for (const g of part.gaps.userspace) this.gaps.userspace.push(g);
    for (const g of part.gaps.waiting) this.gaps.waiting.push(g);
    this.facts.forEach((mine, i) => {
      for (const f of part.facts[i] ?? []) mine.push(f);
    });
  }
}
